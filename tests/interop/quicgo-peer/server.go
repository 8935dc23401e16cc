package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	quic "github.com/lucas-clemente/quic-go"
)

// serverOptions are the flags of "quicgo-peer server".
type serverOptions struct {
	listen        string
	certFile      string
	keyFile       string
	alpn          string
	mode          string
	maxStreams    int64
	datagrams     bool
	early         bool
	rejectEarly   bool
	ticketKeyFile string
	code          uint64
	readBytes     int
	resetDelay    time.Duration
	idleTimeout   time.Duration
	exitAfter     time.Duration
	ignoreStdin   bool
	quiet         bool
}

var serverModes = map[string]bool{
	"echo": true, "reply-no-eof": true, "hold": true, "stop-sending": true,
	"reset": true, "datagrams": true, "close": true,
}

func runServer(args []string) error {
	var o serverOptions
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:0", "loopback address to listen on (port 0 picks a free port)")
	fs.StringVar(&o.certFile, "cert", "", "PEM certificate (omit with --key for an ephemeral self-signed one)")
	fs.StringVar(&o.keyFile, "key", "", "PEM private key")
	fs.StringVar(&o.alpn, "alpn", "quic-actors-test", "ALPN protocol")
	fs.StringVar(&o.mode, "mode", "echo", "stream handler: echo|reply-no-eof|hold|stop-sending|reset|datagrams|close")
	fs.Int64Var(&o.maxStreams, "max-streams", 100, "MaxIncomingStreams (concurrent bidirectional streams the client may open)")
	fs.BoolVar(&o.datagrams, "datagrams", false, "enable RFC 9221 datagrams (implied by --mode datagrams)")
	fs.BoolVar(&o.early, "early", false, "accept 0-RTT (ListenEarly); tickets then carry early_data")
	fs.BoolVar(&o.rejectEarly, "reject-early", false, "issue 0-RTT-capable tickets but reject every 0-RTT attempt (fresh ticket key per connection)")
	fs.StringVar(&o.ticketKeyFile, "ticket-key-file", "", "hex session ticket key shared across server processes (created if missing)")
	fs.Uint64Var(&o.code, "code", 0, "application error code for stop-sending (default 7), reset (default 42) and close (default 0) modes")
	fs.IntVar(&o.readBytes, "read-bytes", -1, "bytes the handler reads before acting (default 64; stop-sending 0); reply-no-eof and stop-sending read one byte fewer so they never consume the FIN")
	fs.DurationVar(&o.resetDelay, "reset-delay", 10*time.Millisecond, "reset mode: pause between the partial reply and RESET_STREAM so the data usually reaches the wire first")
	fs.DurationVar(&o.idleTimeout, "idle-timeout", 30*time.Second, "connection idle timeout")
	fs.DurationVar(&o.exitAfter, "exit-after", 0, "exit after this long (0: only on stdin EOF or a signal)")
	fs.BoolVar(&o.ignoreStdin, "ignore-stdin", false, "do not exit when stdin reaches EOF")
	fs.BoolVar(&o.quiet, "quiet", false, "print connection events only, no per-stream events (for benchmarks)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("server: unexpected argument %q", fs.Arg(0))
	}
	if !serverModes[o.mode] {
		return fmt.Errorf("server: unknown --mode %q", o.mode)
	}
	if o.early && o.rejectEarly {
		return errors.New("server: --early and --reject-early are exclusive")
	}
	if o.mode == "datagrams" {
		o.datagrams = true
	}
	if o.code == 0 {
		switch o.mode {
		case "stop-sending":
			o.code = 7
		case "reset":
			o.code = 42
		}
	}
	if o.readBytes < 0 {
		o.readBytes = 64
		if o.mode == "stop-sending" {
			o.readBytes = 0
		}
	}
	events.streams = !o.quiet

	ln, err := startServer(&o)
	if err != nil {
		return err
	}
	events.Raw("LISTENING " + ln.addr)

	reason := waitForExit(o.exitAfter, o.ignoreStdin)
	events.Event("server-exit", "reason", reason)
	ln.close()
	return nil
}

// listener is what runServer needs from either listener flavour, which quic-go 0.29 keeps as
// distinct types (Listener and EarlyListener).
type listener struct {
	addr  string
	close func() error
}

// startServer opens the listener and its accept loop in the background.
func startServer(o *serverOptions) (*listener, error) {
	if _, err := mustLoopback("--listen", o.listen); err != nil {
		return nil, err
	}
	cert, err := serverCertificate(o.certFile, o.keyFile)
	if err != nil {
		return nil, err
	}
	tlsConf := &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{o.alpn}}
	if o.ticketKeyFile != "" {
		key, err := ticketKey(o.ticketKeyFile)
		if err != nil {
			return nil, err
		}
		tlsConf.SetSessionTicketKeys([][32]byte{key})
	}
	if o.rejectEarly {
		// quic-go 0.29 hands this tls.Config to qtls, which honours GetConfigForClient. A fresh
		// ticket key per connection means no ticket from an earlier connection decrypts, so the
		// server falls back to a full handshake and ignores the early_data offer: a clean 0-RTT
		// rejection (RFC 9001 §4.6.2), not a handshake failure.
		base := tlsConf
		tlsConf = base.Clone()
		tlsConf.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) {
			c := base.Clone()
			c.SetSessionTicketKeys([][32]byte{randomTicketKey()})
			return c, nil
		}
	}
	qconf := &quic.Config{
		MaxIncomingStreams: o.maxStreams,
		EnableDatagrams:    o.datagrams,
		MaxIdleTimeout:     o.idleTimeout,
		Tracer:             handshakeTracer{},
	}
	if o.early || o.rejectEarly {
		ln, err := quic.ListenAddrEarly(o.listen, tlsConf, qconf)
		if err != nil {
			return nil, err
		}
		go func() {
			for {
				conn, err := ln.Accept(context.Background())
				if err != nil {
					return
				}
				go serveConn(o, conn, conn.HandshakeComplete())
			}
		}()
		return &listener{addr: ln.Addr().String(), close: ln.Close}, nil
	}
	ln, err := quic.ListenAddr(o.listen, tlsConf, qconf)
	if err != nil {
		return nil, err
	}
	go func() {
		for {
			conn, err := ln.Accept(context.Background())
			if err != nil {
				return
			}
			go serveConn(o, conn, nil)
		}
	}()
	return &listener{addr: ln.Addr().String(), close: ln.Close}, nil
}

// serveConn reports the handshake, then accepts streams until the connection ends.
// handshakeDone is nil for connections that quic-go returns only after the handshake.
func serveConn(o *serverOptions, conn quic.Connection, handshakeDone context.Context) {
	remote := conn.RemoteAddr().String()
	events.Event("conn-accepted", "peer", remote)
	go func() {
		if handshakeDone != nil {
			select {
			case <-handshakeDone.Done():
			case <-conn.Context().Done():
				return
			}
		}
		st := conn.ConnectionState()
		events.Event("handshake-complete", "peer", remote, "used0rtt", st.TLS.Used0RTT,
			"resumed", st.TLS.DidResume, "alpn", st.TLS.NegotiatedProtocol, "datagrams", st.SupportsDatagrams)
	}()
	if o.datagrams {
		go echoDatagrams(conn)
	}
	for {
		str, err := conn.AcceptStream(context.Background())
		if err != nil {
			events.Event("conn-closed", append([]interface{}{"peer", remote}, closeInfo(err)...)...)
			return
		}
		events.Stream("stream-accepted", "id", str.StreamID())
		go handleStream(o, conn, str)
	}
}

func echoDatagrams(conn quic.Connection) {
	for {
		msg, err := conn.ReceiveMessage()
		if err != nil {
			return
		}
		events.Stream("datagram-received", "len", len(msg))
		if err := conn.SendMessage(msg); err != nil {
			events.Stream("datagram-send-failed", "len", len(msg), "error", err.Error())
			continue
		}
		events.Stream("datagram-sent", "len", len(msg))
	}
}

// waitForExit blocks until stdin reaches EOF (the harness died or closed it), the deadline
// passes, or SIGINT/SIGTERM arrives, and says which.
func waitForExit(after time.Duration, ignoreStdin bool) string {
	done := make(chan string, 3)
	if !ignoreStdin {
		go func() {
			io.Copy(io.Discard, os.Stdin)
			done <- "stdin-eof"
		}()
	}
	if after > 0 {
		time.AfterFunc(after, func() { done <- "exit-after" })
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() { done <- "signal-" + (<-sig).String() }()
	return <-done
}
