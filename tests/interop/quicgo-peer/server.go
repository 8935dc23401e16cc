package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	quic "github.com/lucas-clemente/quic-go"
	"github.com/lucas-clemente/quic-go/logging"
)

// serverMode is the behaviour applied to every accepted bidirectional stream.
type serverMode string

const (
	modeEcho        serverMode = "echo"
	modeReplyNoEOF  serverMode = "reply-no-eof"
	modeStopSending serverMode = "stop-sending"
	modeReset       serverMode = "reset"
	modeDatagrams   serverMode = "datagrams"
)

// requestSize is how much the reset mode reads before replying: the size of
// the clients' echo payload.
const requestSize = 64

// replyNoEOFReadSize is how much reply-no-eof reads: deliberately less than
// the 64-byte request, because quic-go consumes the FIN together with the
// last byte of the frame that carries it, and this mode must never consume it.
const replyNoEOFReadSize = requestSize / 2

type serverOptions struct {
	listen      string
	certFile    string
	keyFile     string
	alpn        string
	mode        serverMode
	code        uint64
	codeSet     bool
	maxStreams  int64
	datagrams   bool
	early       bool
	rejectEarly bool
	exitAfter   time.Duration
	idleTimeout time.Duration
	watchStdin  bool
	qlogDir     string
	// reportFrames and echoDatagrams: see stream_flows.go.
	reportFrames  bool
	echoDatagrams bool

	// Flow control: a fixed stream window and a pause before reading.
	streamWindow int64
	readDelay    time.Duration
}

func parseServerOptions(args []string) (*serverOptions, error) {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	o := &serverOptions{}
	var mode string
	fs.StringVar(&o.listen, "listen", "127.0.0.1:0", "UDP address to listen on")
	fs.StringVar(&o.certFile, "cert", "", "PEM certificate chain (required)")
	fs.StringVar(&o.keyFile, "key", "", "PEM private key (required)")
	fs.StringVar(&o.alpn, "alpn", "quic-actors-test", "ALPN protocols to accept, comma-separated, in preference order")
	fs.StringVar(&mode, "mode", string(modeEcho), "echo | reply-no-eof | reply-stop-reading | reply-once | stop-sending | reset | datagrams | hold")
	fs.BoolVar(&o.reportFrames, "report-frames", false, "print an EVENT per RESET_STREAM and STOP_SENDING frame received")
	fs.BoolVar(&o.echoDatagrams, "echo-datagrams", false, "echo every DATAGRAM frame in any mode (implies --datagrams)")
	fs.Uint64Var(&o.code, "code", 0, "application error code for stop-sending (default 7), reply-stop-reading (default 5) or reset (default 42)")
	fs.Int64Var(&o.streamWindow, "stream-window", 0, "stream receive window in bytes, fixed (0: quic-go's default, auto-tuned)")
	fs.DurationVar(&o.readDelay, "read-delay", 0, "echo mode: wait this long before reading each bidirectional stream")
	fs.Int64Var(&o.maxStreams, "max-streams", 100, "initial_max_streams_bidi and _uni granted to the client")
	fs.BoolVar(&o.datagrams, "datagrams", false, "enable DATAGRAM frames (implied by --mode datagrams)")
	fs.BoolVar(&o.early, "early", false, "listen with ListenAddrEarly: issue 0-RTT-capable tickets and accept 0-RTT")
	fs.BoolVar(&o.rejectEarly, "reject-early", false, "issue 0-RTT-capable tickets but reject every 0-RTT attempt (fresh ticket key per connection)")
	fs.DurationVar(&o.exitAfter, "exit-after", 0, "exit after this long (0: only on stdin EOF)")
	fs.DurationVar(&o.idleTimeout, "idle-timeout", 30*time.Second, "max_idle_timeout")
	fs.StringVar(&o.qlogDir, "qlog", "", "write a qlog trace per connection into this directory")
	fs.BoolVar(&o.watchStdin, "watch-stdin", true, "exit when stdin reaches EOF (so a crashed harness never leaves the server running)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "code" {
			o.codeSet = true
		}
	})
	o.mode = serverMode(mode)
	switch o.mode {
	case modeEcho, modeReplyNoEOF, modeReplyOnce, modeDatagrams, modeHold:
	case modeStopSending:
		if !o.codeSet {
			o.code = 7
		}
	case modeReset:
		if !o.codeSet {
			o.code = 42
		}
	case modeReplyStopReading:
		if !o.codeSet {
			o.code = defaultStopReadingCode
		}
	default:
		return nil, fmt.Errorf("--mode %q is not one of echo, reply-no-eof, reply-stop-reading, reply-once, stop-sending, reset, datagrams, hold", mode)
	}
	if o.mode == modeDatagrams || o.mode == modeHold || o.echoDatagrams {
		o.datagrams = true
	}
	if len(alpnList(o.alpn)) == 0 {
		return nil, fmt.Errorf("--alpn %q names no protocol", o.alpn)
	}
	if err := ensureQlogDir(o.qlogDir); err != nil {
		return nil, err
	}
	if o.certFile == "" || o.keyFile == "" {
		return nil, errors.New("--cert and --key are required (quicgo-peer gencert --out DIR makes a pair)")
	}
	return o, nil
}

func runServer(args []string) error {
	o, err := parseServerOptions(args)
	if err != nil {
		return badUsage(err)
	}
	pair, err := tls.LoadX509KeyPair(o.certFile, o.keyFile)
	if err != nil {
		return fmt.Errorf("loading --cert %s / --key %s: %w", o.certFile, o.keyFile, err)
	}
	tlsConf := &tls.Config{
		Certificates: []tls.Certificate{pair},
		NextProtos:   alpnList(o.alpn),
		MinVersion:   tls.VersionTLS13,
	}
	if tlsConf.KeyLogWriter, err = keyLogWriter(); err != nil {
		return err
	}
	if o.rejectEarly {
		// quic-go 0.29 has no per-connection "allow 0-RTT" hook: it accepts 0-RTT
		// whenever the ticket decrypts and the remembered transport parameters
		// still hold. A per-connection ticket key makes every earlier ticket
		// undecryptable, which is exactly what a client sees after a server
		// restart: the PSK is ignored, early data is not accepted, and the
		// handshake completes as a full one.
		tlsConf.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) {
			key, err := newTicketKey()
			if err != nil {
				return nil, err
			}
			perConn := tlsConf.Clone()
			perConn.GetConfigForClient = nil
			perConn.SetSessionTicketKeys([][32]byte{key})
			return perConn, nil
		}
	}
	quicConf := &quic.Config{
		MaxIncomingStreams:    o.maxStreams,
		MaxIncomingUniStreams: o.maxStreams,
		EnableDatagrams:       o.datagrams,
		MaxIdleTimeout:        o.idleTimeout,
		Tracer:                withQlog(withFrameEvents(closeEventTracer{}, o.reportFrames), o.qlogDir),
	}
	if o.streamWindow > 0 {
		quicConf.InitialStreamReceiveWindow = uint64(o.streamWindow)
		quicConf.MaxStreamReceiveWindow = uint64(o.streamWindow)
	}

	s := &peerServer{opts: o}
	var addr string
	if o.early || o.rejectEarly {
		ln, err := quic.ListenAddrEarly(o.listen, tlsConf, quicConf)
		if err != nil {
			return fmt.Errorf("listening on %s: %w", o.listen, err)
		}
		s.closer = ln
		addr = ln.Addr().String()
		go s.acceptEarly(ln)
	} else {
		ln, err := quic.ListenAddr(o.listen, tlsConf, quicConf)
		if err != nil {
			return fmt.Errorf("listening on %s: %w", o.listen, err)
		}
		s.closer = ln
		addr = ln.Addr().String()
		go s.accept(ln)
	}
	stdoutLines.printf("LISTENING %s", addr)

	done := make(chan string, 2)
	if o.watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			done <- "stdin reached EOF"
		}()
	}
	if o.exitAfter > 0 {
		go func() {
			time.Sleep(o.exitAfter)
			done <- "--exit-after elapsed"
		}()
	}
	why := <-done
	fmt.Fprintf(os.Stderr, "quicgo-peer server: %s, shutting down\n", why)
	// Never let a wedged close keep the process alive: the harness relies on
	// us exiting.
	go func() {
		time.Sleep(2 * time.Second)
		os.Exit(0)
	}()
	s.closeConnections()
	_ = s.closer.Close()
	return nil
}

// shutdownReason is the reason phrase of the application close (code 0) that
// every open connection gets when the server exits.
const shutdownReason = "server shutting down"

type peerServer struct {
	opts   *serverOptions
	closer io.Closer
	conns  sync.Map // quic.Connection -> struct{}
}

// track remembers conn until it ends, so that shutdown can close it with a
// recognisable reason rather than the listener's bare code 0.
func (s *peerServer) track(conn quic.Connection) {
	s.conns.Store(conn, struct{}{})
	go func() {
		<-conn.Context().Done()
		s.conns.Delete(conn)
	}()
}

func (s *peerServer) closeConnections() {
	var wg sync.WaitGroup
	s.conns.Range(func(key, _ interface{}) bool {
		wg.Add(1)
		go func(conn quic.Connection) {
			defer wg.Done()
			_ = conn.CloseWithError(0, shutdownReason)
		}(key.(quic.Connection))
		return true
	})
	wg.Wait()
}

func (s *peerServer) accept(ln quic.Listener) {
	for {
		conn, err := ln.Accept(context.Background())
		if err != nil {
			return
		}
		// ListenAddr returns a connection once its handshake context is done,
		// which is also the case when it died during the handshake.
		if state := conn.ConnectionState().TLS; state.HandshakeComplete {
			event("handshake-complete used0rtt=%t", state.Used0RTT)
		}
		go s.serveConn(conn)
	}
}

func (s *peerServer) acceptEarly(ln quic.EarlyListener) {
	for {
		conn, err := ln.Accept(context.Background())
		if err != nil {
			return
		}
		go func() {
			<-conn.HandshakeComplete().Done()
			// The context is also cancelled when the connection dies mid-handshake.
			if state := conn.ConnectionState().TLS; state.HandshakeComplete {
				event("handshake-complete used0rtt=%t", state.Used0RTT)
			}
		}()
		go s.serveConn(conn)
	}
}

func (s *peerServer) serveConn(conn quic.Connection) {
	s.track(conn)
	if s.opts.datagrams {
		go receiveDatagrams(conn, s.opts.mode == modeDatagrams || s.opts.echoDatagrams)
	}
	go s.serveUniStreams(conn)
	for {
		str, err := conn.AcceptStream(context.Background())
		if err != nil {
			// The connection is gone; closeEventTracer reports how.
			return
		}
		event("stream-accepted id=%d", str.StreamID())
		if s.opts.mode == modeHold {
			go serveHeldStream(conn, str)
			continue
		}
		go s.serveStream(str)
	}
}

// serveUniStreams reads client-initiated unidirectional streams to EOF (or
// stops them, in stop-sending mode); they have no send half to reply on.
func (s *peerServer) serveUniStreams(conn quic.Connection) {
	for {
		str, err := conn.AcceptUniStream(context.Background())
		if err != nil {
			return
		}
		id := int64(str.StreamID())
		event("stream-accepted id=%d", id)
		go func() {
			if s.opts.mode == modeStopSending {
				str.CancelRead(quic.StreamErrorCode(s.opts.code))
				event("stop-sending-sent id=%d code=%d", id, s.opts.code)
				return
			}
			n, err := io.Copy(io.Discard, str)
			if err != nil {
				reportReadError(id, err)
				return
			}
			event("stream-eof id=%d bytes=%d", id, n)
		}()
	}
}

func (s *peerServer) serveStream(str quic.Stream) {
	id := int64(str.StreamID())
	switch s.opts.mode {
	case modeEcho, modeDatagrams:
		time.Sleep(s.opts.readDelay)
		data, err := io.ReadAll(str)
		if err != nil {
			reportReadError(id, err)
			// Finish our half too, so the stream can complete on both ends.
			_ = str.Close()
			return
		}
		event("stream-eof id=%d bytes=%d", id, len(data))
		writeAndClose(str, data)
	case modeReplyStopReading:
		serveReplyStopReading(str, s.opts.code)
	case modeReplyOnce:
		serveReplyOnce(str)
	case modeReplyNoEOF:
		request, err := readUpTo(str, replyNoEOFReadSize)
		if err != nil {
			reportReadError(id, err)
			_ = str.Close()
			return
		}
		// Deliberately never read further: the peer's FIN stays unconsumed, so
		// quic-go never completes the stream and never returns its credit.
		writeAndClose(str, request)
	case modeStopSending:
		str.CancelRead(quic.StreamErrorCode(s.opts.code))
		event("stop-sending-sent id=%d code=%d", id, s.opts.code)
		// An empty FIN ends our send half, so the peer's stream can finish
		// once it has answered the STOP_SENDING with a RESET_STREAM.
		if err := str.Close(); err != nil {
			fmt.Fprintf(os.Stderr, "stream %d: close: %v\n", id, err)
		}
	case modeReset:
		request, err := readUpTo(str, requestSize)
		if err != nil {
			reportReadError(id, err)
			str.CancelWrite(quic.StreamErrorCode(s.opts.code))
			event("reset-sent id=%d code=%d", id, s.opts.code)
			return
		}
		if _, err := str.Write(request[:len(request)/2]); err != nil {
			reportWriteError(id, err)
		}
		str.CancelWrite(quic.StreamErrorCode(s.opts.code))
		event("reset-sent id=%d code=%d", id, s.opts.code)
		// Drain the receive half so the stream completes on both ends.
		rest, err := io.Copy(io.Discard, str)
		if err != nil {
			reportReadError(id, err)
			return
		}
		event("stream-eof id=%d bytes=%d", id, int64(len(request))+rest)
	}
}

// readUpTo reads size bytes, or fewer if the request ends first.
func readUpTo(str quic.ReceiveStream, size int) ([]byte, error) {
	buf := make([]byte, size)
	n, err := io.ReadFull(str, buf)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	return buf[:n], err
}

func writeAndClose(str quic.Stream, data []byte) {
	id := int64(str.StreamID())
	if _, err := str.Write(data); err != nil {
		reportWriteError(id, err)
		return
	}
	if err := str.Close(); err != nil {
		reportWriteError(id, err)
	}
}

func reportReadError(id int64, err error) {
	if code, ok := streamErrorCode(err); ok {
		event("reset-received id=%d code=%d", id, code)
		return
	}
	fmt.Fprintf(os.Stderr, "stream %d: read: %v\n", id, err)
}

func reportWriteError(id int64, err error) {
	if code, ok := streamErrorCode(err); ok {
		event("stop-sending-received id=%d code=%d", id, code)
		return
	}
	fmt.Fprintf(os.Stderr, "stream %d: write: %v\n", id, err)
}

// receiveDatagrams reports every DATAGRAM frame and, in datagrams mode,
// echoes it; reading them in every mode keeps quic-go's small receive queue
// from silently dropping frames the harness expects to see reported.
func receiveDatagrams(conn quic.Connection, echo bool) {
	for {
		msg, err := conn.ReceiveMessage()
		if err != nil {
			return
		}
		event("datagram-received len=%d", len(msg))
		if !echo {
			continue
		}
		if err := conn.SendMessage(msg); err != nil {
			fmt.Fprintf(os.Stderr, "datagram echo: %v\n", err)
		}
	}
}

// closeEventTracer reports every connection's end, including connections
// that fail during the handshake and are therefore never returned by Accept
// (for instance a client offering early data on a ticket that does not allow it).
type closeEventTracer struct {
	logging.NullTracer
}

func (closeEventTracer) TracerForConnection(context.Context, logging.Perspective, logging.ConnectionID) logging.ConnectionTracer {
	return closeEventConnTracer{}
}

type closeEventConnTracer struct {
	logging.NullConnectionTracer
}

func (closeEventConnTracer) ClosedConnection(err error) {
	event("conn-closed %s", describeClose(err))
}
