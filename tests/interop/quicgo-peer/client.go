package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	quic "github.com/lucas-clemente/quic-go"
)

// clientFailedCode is the application close code sent when a client run
// fails, so a server-side harness can tell a failure from --close-code.
const clientFailedCode = 0x51

// uniCloseLinger is how long the client waits after its last unidirectional
// stream before closing; see runClient.
const uniCloseLinger = 200 * time.Millisecond

type clientOptions struct {
	connect       string
	alpn          string
	insecure      bool
	caFile        string
	serverName    string
	mode          string
	streams       int
	concurrency   int
	code          uint64
	codeSet       bool
	timeout       time.Duration
	datagrams     bool
	count         int
	size          int
	expect0RTT    string
	closeCode     uint64
	closeReason   string
	datagramGrace time.Duration
	forceEarly    bool
	replyPrefix   int
	minEchoes     int
	uni           bool
	resetDelay    time.Duration
	qlogDir       string
	perSecond     int
	awaitClose    bool
	readDeadline  time.Duration
	stopOK        bool
}

func parseClientOptions(args []string) (*clientOptions, error) {
	fs := flag.NewFlagSet("client", flag.ContinueOnError)
	o := &clientOptions{}
	fs.StringVar(&o.connect, "connect", "", "server UDP address host:port (required)")
	fs.StringVar(&o.alpn, "alpn", "quic-actors-test", "ALPN protocols to offer, comma-separated")
	fs.BoolVar(&o.insecure, "insecure", false, "do not verify the server certificate")
	fs.StringVar(&o.caFile, "ca", "", "PEM file of trusted roots for the server certificate")
	fs.StringVar(&o.serverName, "server-name", "localhost", "SNI and the name the certificate must carry")
	fs.StringVar(&o.mode, "mode", "echo", "echo | churn | datagrams | zero-rtt | stop-sending | reset | expect-stop-sending | expect-reset | stop-sending-held | reset-datagrams | flows | abort-after-reply | bulk-echo | zero-rtt-stale-aborts")
	fs.BoolVar(&o.awaitClose, "await-server-close", false, "flows mode: after the RESULT line, keep the connection until the server closes it")
	fs.IntVar(&o.perSecond, "per-second", 0, "flows mode: start this many flows at the start of each second (0: --concurrency at a time, as fast as they go)")
	fs.IntVar(&o.streams, "streams", 0, "streams to open (default: echo 10, churn 10000, other modes 1)")
	fs.IntVar(&o.concurrency, "concurrency", 0, "streams in flight at once (default: echo 1, churn 100)")
	fs.Uint64Var(&o.code, "code", 0, "application error code to send (stop-sending: default 7, reset: default 42) or to expect (expect-*: any if unset)")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Second, "bound on the whole run")
	fs.BoolVar(&o.datagrams, "datagrams", false, "enable DATAGRAM frames (implied by --mode datagrams)")
	fs.IntVar(&o.count, "count", 10, "datagrams to send in --mode datagrams")
	fs.IntVar(&o.size, "size", 100, "datagram payload size in --mode datagrams; bytes to send in --mode bulk-echo")
	fs.DurationVar(&o.readDeadline, "read-deadline", 500*time.Millisecond, "abort-after-reply: deadline of the read that must time out; zero-rtt-stale-aborts: how long to wait for the reply")
	fs.IntVar(&o.minEchoes, "min-echoes", 1, "datagrams mode: fail when fewer echoes come back")
	fs.DurationVar(&o.datagramGrace, "datagram-wait", 2*time.Second, "how long to wait for datagram echoes after the last send")
	fs.StringVar(&o.expect0RTT, "expect-0rtt", "any", "zero-rtt mode: accepted | rejected | any; fail on a mismatch")
	fs.IntVar(&o.replyPrefix, "reply-prefix", 0, "echo/churn: expect only the first N bytes of the request back (32 for a reply-no-eof server); 0 expects all 64")
	fs.BoolVar(&o.stopOK, "accept-stop-sending", false, "echo/churn: a STOP_SENDING from the server on the request is fine if the reply comes back whole")
	fs.BoolVar(&o.uni, "uni", false, "echo/churn: open unidirectional streams (write 64 B + FIN, no reply) instead of bidirectional ones")
	fs.DurationVar(&o.resetDelay, "reset-delay", 0, "reset mode: pause between the write and CancelWrite, so the bytes leave before the RESET_STREAM")
	fs.BoolVar(&o.forceEarly, "force-early-data", false, "zero-rtt mode: offer early data even on a ticket that does not allow it, as GnuTLS does")
	fs.StringVar(&o.qlogDir, "qlog", "", "write a qlog trace per connection into this directory")
	fs.Uint64Var(&o.closeCode, "close-code", 0, "application code of the final CONNECTION_CLOSE")
	fs.StringVar(&o.closeReason, "close-reason", "done", "reason phrase of the final CONNECTION_CLOSE")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "code" {
			o.codeSet = true
		}
	})
	if o.connect == "" {
		return nil, errors.New("--connect host:port is required")
	}
	if len(alpnList(o.alpn)) == 0 {
		return nil, fmt.Errorf("--alpn %q names no protocol", o.alpn)
	}
	if err := ensureQlogDir(o.qlogDir); err != nil {
		return nil, err
	}
	if o.insecure && o.caFile != "" {
		return nil, errors.New("--insecure and --ca are mutually exclusive")
	}
	defaultStreams, defaultConcurrency := 1, 1
	switch o.mode {
	case "echo":
		defaultStreams = 10
	case "churn":
		defaultStreams, defaultConcurrency = 10000, 100
	case "stop-sending":
		if !o.codeSet {
			o.code = 7
		}
	case "reset":
		if !o.codeSet {
			o.code = 42
		}
	case "datagrams":
		o.datagrams = true
	case "abort-after-reply":
		if !o.codeSet {
			o.code = defaultAbortCode
		}
	case "zero-rtt-stale-aborts":
		if !o.codeSet {
			o.code = defaultStaleAbortCode
		}
	case "zero-rtt", "bulk-echo", "expect-stop-sending", "expect-reset":
	case clientModeStopSendingHeld, clientModeResetDatagrams, clientModeFlows:
		o.datagrams = true
	default:
		return nil, fmt.Errorf("--mode %q is not one of echo, churn, datagrams, zero-rtt, stop-sending, reset, expect-stop-sending, expect-reset, stop-sending-held, reset-datagrams, flows, abort-after-reply, bulk-echo, zero-rtt-stale-aborts", o.mode)
	}
	if o.streams == 0 {
		o.streams = defaultStreams
	}
	if o.concurrency == 0 {
		o.concurrency = defaultConcurrency
	}
	if o.replyPrefix < 0 || o.replyPrefix > echoPayloadSize {
		return nil, fmt.Errorf("--reply-prefix %d is outside 0..%d", o.replyPrefix, echoPayloadSize)
	}
	if o.streams < 0 || o.concurrency < 1 {
		return nil, fmt.Errorf("--streams %d / --concurrency %d must be positive", o.streams, o.concurrency)
	}
	switch o.expect0RTT {
	case "accepted", "rejected", "any":
	default:
		return nil, fmt.Errorf("--expect-0rtt %q is not one of accepted, rejected, any", o.expect0RTT)
	}
	return o, nil
}

func (o *clientOptions) tlsConfig() (*tls.Config, error) {
	conf := &tls.Config{
		ServerName:         o.serverName,
		NextProtos:         alpnList(o.alpn),
		MinVersion:         tls.VersionTLS13,
		InsecureSkipVerify: o.insecure,
	}
	var err error
	if conf.KeyLogWriter, err = keyLogWriter(); err != nil {
		return nil, err
	}
	if o.caFile != "" {
		pool, err := loadCAPool(o.caFile)
		if err != nil {
			return nil, err
		}
		conf.RootCAs = pool
	}
	return conf, nil
}

// quicConfig makes a per-dial configuration whose tracer signals the
// handshake confirmation of the connection it is used for.
func (o *clientOptions) quicConfig(confirmation *handshakeConfirmation) *quic.Config {
	return &quic.Config{
		Tracer:                withQlog(confirmation, o.qlogDir),
		EnableDatagrams:       o.datagrams,
		MaxIncomingStreams:    -1,
		MaxIncomingUniStreams: -1,
		HandshakeIdleTimeout:  o.timeout,
	}
}

// streamKind is what echo and churn do per stream.
func (o *clientOptions) streamKind() streamKind {
	return streamKind{uni: o.uni, replyPrefix: o.replyPrefix, stopOK: o.stopOK}
}

func runClient(args []string) (err error) {
	o, parseErr := parseClientOptions(args)
	if parseErr != nil {
		return badUsage(parseErr)
	}
	tlsConf, err := o.tlsConfig()
	if err != nil {
		return err
	}
	// A hard stop a little after --timeout, whatever is blocked, so the
	// harness never waits on a wedged client.
	watchdog := time.AfterFunc(o.timeout+2*time.Second, func() {
		fmt.Fprintf(os.Stderr, "quicgo-peer client: --timeout %s exceeded\n", o.timeout)
		os.Exit(1)
	})
	defer watchdog.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()

	if o.mode == "zero-rtt" {
		return runZeroRTT(ctx, o, tlsConf)
	}
	if isFlowClientMode(o.mode) {
		return runFlowClient(ctx, o, tlsConf)
	}
	if o.mode == "zero-rtt-stale-aborts" {
		return runZeroRTTStaleAborts(ctx, o, tlsConf)
	}
	confirmation := newHandshakeConfirmation()
	dialed, err := quic.DialAddrContext(ctx, o.connect, tlsConf, o.quicConfig(confirmation))
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", o.connect, err)
	}
	conn := &confirmedConn{Connection: dialed, confirmed: confirmation.confirmed}
	// Success paths have closed gracefully already (a second close is a no-op);
	// on a failure, tell the server why.
	defer func() {
		if err != nil {
			_ = conn.CloseWithError(clientFailedCode, oneLine(err.Error()))
		}
	}()

	switch o.mode {
	case "echo":
		if _, err := echoStreams(ctx, conn, o.streams, o.concurrency, o.streamKind()); err != nil {
			return err
		}
		if o.uni {
			// Unidirectional sends get no reply: one bidirectional round trip
			// makes sure they reached the server before CONNECTION_CLOSE does.
			if err := echoOneExpecting(ctx, conn, o.streams, o.replyPrefix); err != nil {
				return fmt.Errorf("echo after unidirectional streams: %w", err)
			}
			// Arrival is not enough: quic-go fails reads with the close error
			// even for data it has buffered, and the server reads each stream on
			// its own goroutine. Give those readers a moment before closing.
			time.Sleep(uniCloseLinger)
		}
		result("ok streams=%d", o.streams)
		closeGracefully(conn, o.closeCode, o.closeReason)
	case "churn":
		elapsed, err := echoStreams(ctx, conn, o.streams, o.concurrency, o.streamKind())
		if err != nil {
			return err
		}
		result("churn-quicgo %.0f streams/s", float64(o.streams)/elapsed.Seconds())
		closeGracefully(conn, o.closeCode, o.closeReason)
	case "stop-sending":
		return stopSendingStreams(ctx, conn, o)
	case "reset":
		return resetStreams(ctx, conn, o)
	case "datagrams":
		return exchangeDatagrams(ctx, conn, o)
	case "expect-stop-sending":
		return expectStopSending(ctx, conn, o)
	case "expect-reset":
		return expectReset(ctx, conn, o)
	case "abort-after-reply":
		return abortAfterReply(ctx, conn, o)
	case "bulk-echo":
		return bulkEcho(ctx, conn, o)
	}
	return nil
}
