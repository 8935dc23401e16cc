package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	quic "github.com/lucas-clemente/quic-go"
)

// clientOptions are the flags of "quicgo-peer client".
type clientOptions struct {
	connect     string
	alpn        string
	sni         string
	mode        string
	insecure    bool
	caFile      string
	streams     int
	concurrency int
	size        int
	bulkBytes   int64
	count       int
	minReceived int
	code        uint64
	resume      bool
	datagrams   bool
	openTimeout time.Duration
	readTimeout time.Duration
	timeout     time.Duration
	linger      time.Duration
	resetDelay  time.Duration
	idleTimeout time.Duration
	expect0RTT  string
	noVerify    bool
	quiet       bool
	forceEarly  bool
	resumePause time.Duration
}

var clientModes = map[string]bool{
	"echo": true, "churn": true, "bulk": true, "datagrams": true, "zero-rtt": true,
	"stop-sending": true, "reset": true,
}

func runClient(args []string) error {
	var o clientOptions
	fs := flag.NewFlagSet("client", flag.ContinueOnError)
	fs.StringVar(&o.connect, "connect", "", "loopback host:port of the server (required)")
	fs.StringVar(&o.alpn, "alpn", "quic-actors-test", "ALPN protocol")
	fs.StringVar(&o.sni, "sni", "localhost", "server name sent and verified")
	fs.StringVar(&o.mode, "mode", "echo", "echo|churn|bulk|datagrams|zero-rtt|stop-sending|reset")
	fs.BoolVar(&o.insecure, "insecure", false, "skip certificate verification")
	fs.StringVar(&o.caFile, "ca", "", "PEM file of trusted roots (e.g. the server's self-signed cert)")
	fs.IntVar(&o.streams, "streams", 0, "streams to run (default 1; churn 1000)")
	fs.IntVar(&o.concurrency, "concurrency", 1, "streams in flight at once")
	fs.IntVar(&o.size, "size", 64, "bytes written per stream / per datagram")
	fs.Int64Var(&o.bulkBytes, "bytes", 64<<20, "bulk: bytes sent on the single stream")
	fs.IntVar(&o.count, "count", 10, "datagrams: how many to send")
	fs.IntVar(&o.minReceived, "min-received", 1, "datagrams: fewest echoes that count as success")
	fs.Uint64Var(&o.code, "code", 0, "application code for stop-sending (default 7) and reset (default 42)")
	fs.BoolVar(&o.resume, "resume", false, "connect once to obtain a session ticket, close, then DialEarly (0-RTT) for the real run")
	fs.BoolVar(&o.datagrams, "datagrams", false, "enable datagrams (implied by --mode datagrams)")
	fs.DurationVar(&o.openTimeout, "open-timeout", 2*time.Second, "timeout of each OpenStreamSync (waits for stream credit)")
	fs.DurationVar(&o.readTimeout, "read-timeout", 5*time.Second, "deadline for reading each stream's reply")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "hard limit for the whole run; exit code 2 when exceeded")
	fs.DurationVar(&o.linger, "linger", 200*time.Millisecond, "pause before closing the connection at the end")
	fs.DurationVar(&o.resetDelay, "reset-delay", 10*time.Millisecond, "reset mode: pause between the partial write and RESET_STREAM")
	fs.DurationVar(&o.idleTimeout, "idle-timeout", 30*time.Second, "connection idle timeout")
	fs.StringVar(&o.expect0RTT, "expect-0rtt", "any", "zero-rtt: accepted (early data used) | rejected (early data sent and refused) | any; a mismatch fails the run")
	fs.BoolVar(&o.noVerify, "no-verify", false, "do not require the reply to equal what was sent")
	fs.BoolVar(&o.quiet, "quiet", false, "no per-stream events")
	fs.DurationVar(&o.resumePause, "resume-pause", 0, "with --resume: pause between closing the priming connection and the 0-RTT dial (time for a test to restart the server)")
	fs.BoolVar(&o.forceEarly, "force-early-data", false, "test only: offer 0-RTT even on a ticket without early_data (what GnuTLS clients do); implies --resume")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("client: unexpected argument %q", fs.Arg(0))
	}
	if o.connect == "" {
		return errors.New("client: --connect host:port is required")
	}
	if !clientModes[o.mode] {
		return fmt.Errorf("client: unknown --mode %q", o.mode)
	}
	switch o.expect0RTT {
	case "accepted", "rejected", "any":
	default:
		return fmt.Errorf("client: --expect-0rtt %q must be accepted, rejected or any", o.expect0RTT)
	}
	if o.streams <= 0 {
		o.streams = 1
		if o.mode == "churn" {
			o.streams = 1000
		}
	}
	if o.concurrency < 1 {
		o.concurrency = 1
	}
	if o.code == 0 {
		switch o.mode {
		case "stop-sending":
			o.code = 7
		case "reset":
			o.code = 42
		}
	}
	if o.mode == "datagrams" {
		o.datagrams = true
	}
	if o.mode == "zero-rtt" || o.forceEarly {
		o.resume = true
	}
	events.streams = !o.quiet
	if _, err := mustLoopback("--connect", o.connect); err != nil {
		return err
	}
	tlsConf, err := clientTLS(o.alpn, o.sni, o.caFile, o.insecure)
	if err != nil {
		return err
	}
	qconf := &quic.Config{EnableDatagrams: o.datagrams, MaxIdleTimeout: o.idleTimeout}

	time.AfterFunc(o.timeout, func() {
		events.Result(o.mode, "status", "timeout", "after", o.timeout.String())
		os.Exit(2)
	})

	ref, err := dialClient(&o, tlsConf, qconf)
	if err != nil {
		events.Result(o.mode, "status", "failed", "error", err.Error())
		return errSilentFailure
	}
	go watchClientConn(ref.get())

	ok := runClientMode(&o, ref)
	time.Sleep(o.linger)
	ref.get().CloseWithError(0, "quicgo-peer client done")
	if !ok {
		return errSilentFailure
	}
	return nil
}

// errSilentFailure makes main exit 1 without printing more: a RESULT line was already printed.
var errSilentFailure = errors.New("")

// connRef holds the connection streams should use. After a 0-RTT rejection quic-go 0.29 fails
// every early stream with Err0RTTRejected and wants the application to move to NextConnection().
type connRef struct {
	mu       sync.Mutex
	conn     quic.Connection
	early    quic.EarlyConnection
	rejected bool
}

func (r *connRef) get() quic.Connection {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.conn
}

// onRejected switches to the post-rejection connection once and returns it.
func (r *connRef) onRejected() quic.Connection {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.rejected && r.early != nil {
		r.rejected = true
		events.Event("zero-rtt-rejected")
		r.conn = r.early.NextConnection()
	}
	return r.conn
}

func (r *connRef) wasRejected() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rejected
}

// dialClient connects, first priming the session cache when --resume is set.
func dialClient(o *clientOptions, tlsConf *tls.Config, qconf *quic.Config) (*connRef, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if !o.resume {
		conn, err := quic.DialAddrContext(ctx, o.connect, tlsConf, qconf)
		if err != nil {
			return nil, fmt.Errorf("dial %s: %w", o.connect, err)
		}
		reportHandshake(conn, nil)
		return &connRef{conn: conn}, nil
	}
	cache := tlsConf.ClientSessionCache.(*loggingSessionCache)
	cache.forceEarlyData = o.forceEarly
	got := make(chan struct{})
	var once sync.Once
	cache.onPut = func() { once.Do(func() { close(got) }) }
	prime, err := quic.DialAddrContext(ctx, o.connect, tlsConf, qconf)
	if err != nil {
		return nil, fmt.Errorf("priming dial %s: %w", o.connect, err)
	}
	reportHandshake(prime, nil)
	// The server sends NewSessionTicket right after the handshake; wait for it briefly.
	select {
	case <-got:
	case <-time.After(2 * time.Second):
		events.Event("no-session-ticket")
	}
	prime.CloseWithError(0, "priming connection done")
	events.Event("priming-conn-closed", "pause", o.resumePause.String())
	time.Sleep(o.resumePause)

	early, err := quic.DialAddrEarlyContext(ctx, o.connect, tlsConf, qconf)
	if err != nil {
		return nil, fmt.Errorf("early dial %s: %w", o.connect, err)
	}
	reportHandshake(early, early.HandshakeComplete())
	return &connRef{conn: early, early: early}, nil
}

func reportHandshake(conn quic.Connection, done context.Context) {
	report := func() {
		st := conn.ConnectionState()
		events.Event("handshake-complete", "used0rtt", st.TLS.Used0RTT, "resumed", st.TLS.DidResume,
			"alpn", st.TLS.NegotiatedProtocol, "datagrams", st.SupportsDatagrams)
	}
	if done == nil {
		report()
		return
	}
	go func() {
		select {
		case <-done.Done():
			if conn.Context().Err() == nil {
				report()
			}
		case <-conn.Context().Done():
		}
	}()
}

// watchClientConn reports how the connection ended (AcceptStream returns the close error).
func watchClientConn(conn quic.Connection) {
	for {
		str, err := conn.AcceptStream(context.Background())
		if err != nil {
			if errors.Is(err, quic.Err0RTTRejected) {
				continue
			}
			events.Event("conn-closed", closeInfo(err)...)
			return
		}
		// Server-initiated streams are not part of any mode; refuse them visibly.
		events.Stream("stream-accepted", "id", str.StreamID())
		str.CancelRead(0)
		str.CancelWrite(0)
	}
}

func runClientMode(o *clientOptions, ref *connRef) bool {
	switch o.mode {
	case "echo", "churn":
		return runEchoStreams(o, ref)
	case "bulk":
		return runBulk(o, ref)
	case "datagrams":
		return runDatagrams(o, ref)
	case "zero-rtt":
		return runZeroRTT(o, ref)
	case "stop-sending", "reset":
		return runAbortStreams(o, ref)
	}
	return false
}

func payload(n int, seed int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte('a' + (i+seed)%26)
	}
	return p
}

// echoOnce opens a stream, writes data and FIN, and reads the reply to EOF. It retries once on
// the post-rejection connection when 0-RTT was rejected.
func echoOnce(o *clientOptions, ref *connRef, data []byte) ([]byte, error) {
	for attempt := 0; ; attempt++ {
		conn := ref.get()
		if attempt > 0 {
			conn = ref.onRejected()
		}
		reply, err := echoOn(o, conn, data)
		if errors.Is(err, quic.Err0RTTRejected) && attempt == 0 {
			continue
		}
		return reply, err
	}
}

func echoOn(o *clientOptions, conn quic.Connection, data []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), o.openTimeout)
	str, err := conn.OpenStreamSync(ctx)
	cancel()
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("open stream: no stream credit within %s", o.openTimeout)
		}
		return nil, fmt.Errorf("open stream: %w", err)
	}
	events.Stream("stream-opened", "id", str.StreamID())
	if _, err := str.Write(data); err != nil {
		return nil, fmt.Errorf("write stream %d: %w", str.StreamID(), err)
	}
	str.Close()
	str.SetReadDeadline(time.Now().Add(o.readTimeout))
	reply, err := io.ReadAll(str)
	if err != nil {
		return reply, fmt.Errorf("read stream %d: %w", str.StreamID(), err)
	}
	events.Stream("stream-eof", "id", str.StreamID(), "bytes", len(reply))
	return reply, nil
}

func runEchoStreams(o *clientOptions, ref *connRef) bool {
	start := time.Now()
	done, err := churn(o, ref)
	elapsed := time.Since(start)
	if err != nil {
		events.Result(o.mode, "status", "failed", "completed", done, "error", err.Error())
		return false
	}
	if o.mode == "churn" {
		events.Raw(fmt.Sprintf("RESULT churn-quicgo %.1f streams/s streams=%d concurrency=%d elapsed_ms=%d",
			float64(done)/elapsed.Seconds(), done, o.concurrency, elapsed.Milliseconds()))
		return true
	}
	events.Result("echo", "status", "ok", "streams", done)
	return true
}

// churn runs o.streams echo streams with o.concurrency workers and returns how many completed;
// the first failure stops all workers.
func churn(o *clientOptions, ref *connRef) (int64, error) {
	var next, done int64
	var firstErr error
	var errOnce sync.Once
	var wg sync.WaitGroup
	for w := 0; w < o.concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := atomic.AddInt64(&next, 1) - 1
				if i >= int64(o.streams) {
					return
				}
				data := payload(o.size, int(i))
				reply, err := echoOnce(o, ref, data)
				if err == nil && !o.noVerify && !bytes.Equal(reply, data) {
					err = fmt.Errorf("reply of %d bytes differs from the %d bytes sent", len(reply), len(data))
				}
				if err != nil {
					errOnce.Do(func() { firstErr = fmt.Errorf("stream #%d: %w", i, err) })
					atomic.StoreInt64(&next, int64(o.streams)) // stop the other workers
					return
				}
				atomic.AddInt64(&done, 1)
			}
		}()
	}
	wg.Wait()
	return done, firstErr
}

func runBulk(o *clientOptions, ref *connRef) bool {
	conn := ref.get()
	mbps, err := bulkTransfer(conn, o.bulkBytes, o.openTimeout)
	if err != nil {
		events.Result("bulk", "status", "failed", "error", err.Error())
		return false
	}
	events.Raw(fmt.Sprintf("RESULT bulk-quicgo %.1f MB/s bytes=%d", mbps, o.bulkBytes))
	return true
}

// bulkTransfer sends n bytes on one stream to an echo server while reading the echo back, and
// returns MB/s (10^6 bytes per second) of payload sent.
func bulkTransfer(conn quic.Connection, n int64, openTimeout time.Duration) (float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
	str, err := conn.OpenStreamSync(ctx)
	cancel()
	if err != nil {
		return 0, fmt.Errorf("open stream: %w", err)
	}
	start := time.Now()
	readDone := make(chan error, 1)
	var got int64
	go func() {
		var err error
		got, err = io.Copy(io.Discard, str)
		readDone <- err
	}()
	chunk := make([]byte, 64*1024)
	for sent := int64(0); sent < n; {
		k := int64(len(chunk))
		if n-sent < k {
			k = n - sent
		}
		if _, err := str.Write(chunk[:k]); err != nil {
			return 0, fmt.Errorf("write: %w", err)
		}
		sent += k
	}
	str.Close()
	if err := <-readDone; err != nil {
		return 0, fmt.Errorf("read: %w", err)
	}
	if got != n {
		return 0, fmt.Errorf("echo returned %d bytes, sent %d", got, n)
	}
	return float64(n) / 1e6 / time.Since(start).Seconds(), nil
}

func runDatagrams(o *clientOptions, ref *connRef) bool {
	conn := ref.get()
	if !conn.ConnectionState().SupportsDatagrams {
		events.Result("datagrams", "status", "failed", "error", "peer did not negotiate datagram support")
		return false
	}
	var received int64
	go func() {
		for {
			msg, err := conn.ReceiveMessage()
			if err != nil {
				return
			}
			events.Stream("datagram-received", "len", len(msg))
			atomic.AddInt64(&received, 1)
		}
	}()
	sent := 0
	for i := 0; i < o.count; i++ {
		if err := conn.SendMessage(payload(o.size, i)); err != nil {
			events.Stream("datagram-send-failed", "error", err.Error())
			continue
		}
		sent++
		events.Stream("datagram-sent", "len", o.size)
		time.Sleep(time.Millisecond) // pacing: the receive queues of both peers are small
	}
	deadline := time.Now().Add(o.readTimeout)
	for atomic.LoadInt64(&received) < int64(sent) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	r := atomic.LoadInt64(&received)
	status := "ok"
	if r < int64(o.minReceived) {
		status = "failed"
	}
	events.Result("datagrams", "status", status, "sent", sent, "received", r)
	return status == "ok"
}

func runZeroRTT(o *clientOptions, ref *connRef) bool {
	data := []byte("ping")
	reply, err := echoOnce(o, ref, data)
	final := ref.get()
	st := final.ConnectionState()
	replyStatus := "ok"
	if err != nil {
		replyStatus = err.Error()
	} else if !o.noVerify && !bytes.Equal(reply, data) {
		replyStatus = fmt.Sprintf("reply %q differs from %q", reply, data)
	}
	// rejected means the server refused early data that this client sent: quic-go surfaced
	// Err0RTTRejected. A client that had no 0-RTT-capable ticket sends no early data and so
	// reports used0rtt=false rejected=false.
	rejected := ref.wasRejected()
	used := st.TLS.Used0RTT && !rejected
	ok := replyStatus == "ok"
	switch o.expect0RTT {
	case "accepted":
		ok = ok && used
	case "rejected":
		ok = ok && rejected
	}
	status := "ok"
	if !ok {
		status = "failed"
	}
	events.Result("zero-rtt", "status", status, "used0rtt", used, "rejected", rejected,
		"resumed", st.TLS.DidResume, "reply", replyStatus)
	return ok
}

// runAbortStreams opens streams and aborts one direction with --code: stop-sending writes the
// payload with FIN and sends STOP_SENDING; reset writes half the payload and sends RESET_STREAM,
// then reads whatever the server sends back.
func runAbortStreams(o *clientOptions, ref *connRef) bool {
	conn := ref.get()
	for i := 0; i < o.streams; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), o.openTimeout)
		str, err := conn.OpenStreamSync(ctx)
		cancel()
		if err != nil {
			events.Result(o.mode, "status", "failed", "completed", i, "error", "open stream: "+err.Error())
			return false
		}
		id := str.StreamID()
		events.Stream("stream-opened", "id", id)
		data := payload(o.size, i)
		if o.mode == "stop-sending" {
			if _, err := str.Write(data); err != nil {
				reportWriteError(id, err)
			}
			str.Close()
			str.CancelRead(quic.StreamErrorCode(o.code))
			events.Stream("stop-sending-sent", "id", id, "code", o.code)
			continue
		}
		if _, err := str.Write(data[:len(data)/2]); err != nil {
			reportWriteError(id, err)
		}
		time.Sleep(o.resetDelay)
		str.CancelWrite(quic.StreamErrorCode(o.code))
		events.Stream("reset-sent", "id", id, "code", o.code, "after", len(data)/2)
		str.SetReadDeadline(time.Now().Add(o.readTimeout))
		n, err := io.Copy(io.Discard, str)
		if err == nil {
			events.Stream("stream-eof", "id", id, "bytes", n)
		} else {
			reportReadError(id, err)
		}
	}
	events.Result(o.mode, "status", "ok", "streams", o.streams)
	return true
}
