package main

// Stream-bound datagram flows (RFC 9297 section 2.1) and the frames that end a
// stream half, for the state-visibility scenario S3: a server mode that holds
// streams and signals with datagrams, client modes that drive STOP_SENDING,
// RESET_STREAM and flows against a server that does the same, and a tracer
// that reports the RESET_STREAM and STOP_SENDING frames a peer sent, which
// quic-go otherwise hides (it answers STOP_SENDING itself, and a RESET_STREAM
// after CancelRead never reaches the application).

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	quic "github.com/lucas-clemente/quic-go"
	"github.com/lucas-clemente/quic-go/logging"
)

// Server mode (registered in server.go).
const modeHold serverMode = "hold"

// Client modes (registered in client.go).
const (
	clientModeStopSendingHeld  = "stop-sending-held"
	clientModeResetDatagrams   = "reset-datagrams"
	clientModeFlows            = "flows"
	resetDatagramsDefaultCount = 3
)

// --- quarter stream IDs --------------------------------------------------------

// appendQuarterStreamID prefixes a datagram with the quarter stream ID of its
// stream as a QUIC variable-length integer (RFC 9297 section 2.1, RFC 9000
// section 16).
func appendQuarterStreamID(b []byte, id quic.StreamID) []byte {
	q := uint64(id) / 4
	switch {
	case q < 1<<6:
		return append(b, byte(q))
	case q < 1<<14:
		return append(b, byte(q>>8)|0x40, byte(q))
	case q < 1<<30:
		return append(b, byte(q>>24)|0x80, byte(q>>16), byte(q>>8), byte(q))
	default:
		return append(b, byte(q>>56)|0xc0, byte(q>>48), byte(q>>40), byte(q>>32), byte(q>>24), byte(q>>16), byte(q>>8), byte(q))
	}
}

// parseQuarterStreamID reads the prefix written by appendQuarterStreamID.
func parseQuarterStreamID(msg []byte) (quarter uint64, payload []byte, err error) {
	if len(msg) == 0 {
		return 0, nil, errors.New("empty datagram: no quarter stream ID")
	}
	n := 1 << (msg[0] >> 6)
	if len(msg) < n {
		return 0, nil, fmt.Errorf("datagram of %d bytes is shorter than its %d-byte quarter stream ID", len(msg), n)
	}
	quarter = uint64(msg[0] & 0x3f)
	for _, b := range msg[1:n] {
		quarter = quarter<<8 | uint64(b)
	}
	return quarter, msg[n:], nil
}

func quarterOf(id quic.StreamID) uint64 { return uint64(id) / 4 }

// boundDatagram is a datagram for str's flow carrying payload.
func boundDatagram(id quic.StreamID, payload []byte) []byte {
	return append(appendQuarterStreamID(nil, id), payload...)
}

// --- frame events ----------------------------------------------------------------

// frameReport receives every RESET_STREAM and STOP_SENDING frame a connection
// receives from its peer.
type frameReport func(frame logging.Frame)

// frameTracer calls report for the RESET_STREAM and STOP_SENDING frames of
// every received packet.
type frameTracer struct {
	logging.NullTracer
	report frameReport
}

func (t frameTracer) TracerForConnection(context.Context, logging.Perspective, logging.ConnectionID) logging.ConnectionTracer {
	return frameConnTracer{report: t.report}
}

type frameConnTracer struct {
	logging.NullConnectionTracer
	report frameReport
}

func (t frameConnTracer) ReceivedPacket(_ *logging.ExtendedHeader, _ logging.ByteCount, frames []logging.Frame) {
	for _, f := range frames {
		switch f.(type) {
		case *logging.ResetStreamFrame, *logging.StopSendingFrame:
			t.report(f)
		}
	}
}

// withFrameEvents adds, when enabled (server --report-frames), an EVENT line
// per RESET_STREAM or STOP_SENDING frame received:
//
//	EVENT frame-reset-stream id=<id> code=<c> final-size=<n>
//	EVENT frame-stop-sending id=<id> code=<c>
func withFrameEvents(base logging.Tracer, enabled bool) logging.Tracer {
	if !enabled {
		return base
	}
	return logging.NewMultiplexedTracer(base, frameTracer{report: func(f logging.Frame) {
		switch f := f.(type) {
		case *logging.ResetStreamFrame:
			event("frame-reset-stream id=%d code=%d final-size=%d", f.StreamID, f.ErrorCode, f.FinalSize)
		case *logging.StopSendingFrame:
			event("frame-stop-sending id=%d code=%d", f.StreamID, f.ErrorCode)
		}
	}})
}

// --- server mode hold -----------------------------------------------------------

// serveHeldStream never writes stream data: it sends one datagram bound to the
// stream ("held"), reads and discards until the request ends, and ends its
// own half with a FIN. When the request ends with RESET_STREAM it first sends
// a second datagram bound to the stream ("reset seen"). A peer's STOP_SENDING
// is answered by quic-go itself with a RESET_STREAM carrying the same code.
func serveHeldStream(conn quic.Connection, str quic.Stream) {
	id := int64(str.StreamID())
	if err := conn.SendMessage(boundDatagram(str.StreamID(), []byte("held"))); err != nil {
		fmt.Fprintf(os.Stderr, "stream %d: held datagram: %v\n", id, err)
	}
	event("datagram-sent id=%d quarter=%d", id, quarterOf(str.StreamID()))
	n, err := io.Copy(io.Discard, str)
	if err != nil {
		reportReadError(id, err)
		if _, ok := streamErrorCode(err); ok {
			if err := conn.SendMessage(boundDatagram(str.StreamID(), []byte("reset seen"))); err != nil {
				fmt.Fprintf(os.Stderr, "stream %d: reset-seen datagram: %v\n", id, err)
			}
			event("datagram-sent id=%d quarter=%d", id, quarterOf(str.StreamID()))
		}
	} else {
		event("stream-eof id=%d bytes=%d", id, n)
	}
	if err := str.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "stream %d: close: %v\n", id, err)
	}
}

// --- client modes ----------------------------------------------------------------

func isFlowClientMode(mode string) bool {
	switch mode {
	case clientModeStopSendingHeld, clientModeResetDatagrams, clientModeFlows:
		return true
	}
	return false
}

// flowDatagrams routes the datagrams a connection receives to the flow of the
// stream their quarter stream ID names, and remembers the order they came in.
type flowDatagrams struct {
	mu       sync.Mutex
	byFlow   map[uint64]chan []byte
	arrivals []uint64
}

func newFlowDatagrams(conn quic.Connection) *flowDatagrams {
	d := &flowDatagrams{byFlow: map[uint64]chan []byte{}}
	go func() {
		for {
			msg, err := conn.ReceiveMessage()
			if err != nil {
				return
			}
			quarter, payload, err := parseQuarterStreamID(msg)
			if err != nil {
				fmt.Fprintf(os.Stderr, "datagram: %v\n", err)
				continue
			}
			d.mu.Lock()
			d.arrivals = append(d.arrivals, quarter)
			ch := d.flowLocked(quarter)
			d.mu.Unlock()
			select {
			case ch <- payload:
			default:
				fmt.Fprintf(os.Stderr, "datagram for quarter stream ID %d: nobody waits for it, dropped\n", quarter)
			}
		}
	}()
	return d
}

func (d *flowDatagrams) flowLocked(quarter uint64) chan []byte {
	ch, ok := d.byFlow[quarter]
	if !ok {
		ch = make(chan []byte, 64)
		d.byFlow[quarter] = ch
	}
	return ch
}

// next waits for the next datagram bound to stream id.
func (d *flowDatagrams) next(ctx context.Context, id quic.StreamID) ([]byte, error) {
	d.mu.Lock()
	ch := d.flowLocked(quarterOf(id))
	d.mu.Unlock()
	select {
	case payload := <-ch:
		return payload, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("no datagram bound to stream %d (quarter stream ID %d) arrived: %w", id, quarterOf(id), ctx.Err())
	}
}

// order lists the quarter stream IDs of every datagram received so far, in
// arrival order, comma-separated ("-" for none).
func (d *flowDatagrams) order() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.arrivals) == 0 {
		return "-"
	}
	parts := make([]string, len(d.arrivals))
	for i, q := range d.arrivals {
		parts[i] = strconv.FormatUint(q, 10)
	}
	return strings.Join(parts, ",")
}

func (d *flowDatagrams) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.arrivals)
}

// runFlowClient dials with DATAGRAM frames on and a tracer that catches the
// RESET_STREAM frames the server sends, then runs one of this file's modes.
func runFlowClient(ctx context.Context, o *clientOptions, tlsConf *tls.Config) (err error) {
	resets := make(chan *logging.ResetStreamFrame, 64)
	confirmation := newHandshakeConfirmation()
	conf := o.quicConfig(confirmation)
	conf.EnableDatagrams = true
	conf.Tracer = logging.NewMultiplexedTracer(conf.Tracer, frameTracer{report: func(f logging.Frame) {
		if r, ok := f.(*logging.ResetStreamFrame); ok {
			select {
			case resets <- r:
			default:
			}
		}
	}})
	dialed, err := quic.DialAddrContext(ctx, o.connect, tlsConf, conf)
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", o.connect, err)
	}
	conn := &confirmedConn{Connection: dialed, confirmed: confirmation.confirmed}
	defer func() {
		if err != nil {
			_ = conn.CloseWithError(clientFailedCode, oneLine(err.Error()))
		}
	}()
	if !conn.ConnectionState().SupportsDatagrams {
		return fmt.Errorf("the server at %s did not enable DATAGRAM frames (max_datagram_frame_size)", o.connect)
	}
	datagrams := newFlowDatagrams(conn)
	switch o.mode {
	case clientModeStopSendingHeld:
		if !o.codeSet {
			o.code = 7
		}
		return stopSendingHeld(ctx, conn, o, datagrams, resets)
	case clientModeResetDatagrams:
		if !o.codeSet {
			o.code = 42
		}
		return resetThenDatagrams(ctx, conn, o, datagrams)
	default:
		return runFlows(ctx, conn, o, datagrams)
	}
}

// stopSendingHeld: on a stream the server holds without writing (it says so
// with a datagram bound to the stream), send STOP_SENDING(code) and wait for
// the RESET_STREAM that must answer it (RFC 9000 section 3.5) with the same
// code; then open a second stream and wait for the server's datagram on it,
// so that every datagram the server sent before it has had its chance to
// arrive. The result lists the quarter stream IDs of all datagrams received.
func stopSendingHeld(ctx context.Context, conn *confirmedConn, o *clientOptions, d *flowDatagrams, resets <-chan *logging.ResetStreamFrame) error {
	str, err := conn.OpenStreamSync(ctx)
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	if _, err := str.Write([]byte("x")); err != nil {
		return fmt.Errorf("stream %d: write: %w", str.StreamID(), err)
	}
	if _, err := d.next(ctx, str.StreamID()); err != nil {
		return fmt.Errorf("waiting for the server to hold the stream: %w", err)
	}
	str.CancelRead(quic.StreamErrorCode(o.code))
	var reset *logging.ResetStreamFrame
	for reset == nil {
		select {
		case r := <-resets:
			if r.StreamID == str.StreamID() {
				reset = r
			}
		case <-ctx.Done():
			return fmt.Errorf("stream %d: no RESET_STREAM answered our STOP_SENDING(%d): %w", str.StreamID(), o.code, ctx.Err())
		}
	}
	if uint64(reset.ErrorCode) != o.code {
		return fmt.Errorf("stream %d: the RESET_STREAM answering STOP_SENDING(%d) carries code %d", str.StreamID(), o.code, reset.ErrorCode)
	}
	second, err := conn.OpenStreamSync(ctx)
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	if _, err := second.Write([]byte("x")); err != nil {
		return fmt.Errorf("stream %d: write: %w", second.StreamID(), err)
	}
	if _, err := d.next(ctx, second.StreamID()); err != nil {
		return fmt.Errorf("waiting for the server's datagram on the second stream: %w", err)
	}
	result("ok stop-sending-held code=%d reset-code=%d datagrams=%s", o.code, reset.ErrorCode, d.order())
	closeGracefully(conn, o.closeCode, o.closeReason)
	return nil
}

// resetThenDatagrams: write 32 bytes, wait until the server holds the stream
// (its datagram bound to the stream), RESET_STREAM(code), wait until the
// server saw the reset (its second datagram), then send --count datagrams
// bound to the reset stream, which the server must drop. The run ends when the
// server ends its half with a FIN.
func resetThenDatagrams(ctx context.Context, conn *confirmedConn, o *clientOptions, d *flowDatagrams) error {
	str, err := conn.OpenStreamSync(ctx)
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	if deadline, ok := ctx.Deadline(); ok {
		_ = str.SetDeadline(deadline)
	}
	if _, err := str.Write(echoPayload(0)[:echoPayloadSize/2]); err != nil {
		return fmt.Errorf("stream %d: write: %w", str.StreamID(), err)
	}
	if _, err := d.next(ctx, str.StreamID()); err != nil {
		return fmt.Errorf("waiting for the server to hold the stream: %w", err)
	}
	str.CancelWrite(quic.StreamErrorCode(o.code))
	if _, err := d.next(ctx, str.StreamID()); err != nil {
		return fmt.Errorf("waiting for the server to see our RESET_STREAM(%d): %w", o.code, err)
	}
	for i := 0; i < o.count; i++ {
		if err := conn.SendMessage(boundDatagram(str.StreamID(), []byte{byte(i)})); err != nil {
			return fmt.Errorf("stream %d: datagram %d: %w", str.StreamID(), i, err)
		}
	}
	if _, err := io.ReadAll(str); err != nil {
		return fmt.Errorf("stream %d: read the server's half to EOF: %w", str.StreamID(), err)
	}
	// A quic-go server discards datagrams still queued for its reader when the
	// connection closes; give them a moment, as for unidirectional streams.
	time.Sleep(uniCloseLinger)
	result("ok reset-datagrams code=%d sent=%d", o.code, o.count)
	closeGracefully(conn, o.closeCode, o.closeReason)
	return nil
}

// runFlows runs --streams flows: each opens a stream, writes 8 bytes, sends
// --count datagrams bound to it and waits for the echo of each, then ends its
// half with a FIN and reads the server's half to EOF. With --per-second R the
// flows start R at a time at the start of each second; otherwise
// --concurrency at a time, as fast as they go.
func runFlows(ctx context.Context, conn *confirmedConn, o *clientOptions, d *flowDatagrams) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var firstErr error
	var errOnce sync.Once
	fail := func(err error) { errOnce.Do(func() { firstErr = err; cancel() }) }
	batch := o.concurrency
	if o.perSecond > 0 {
		batch = o.perSecond
	}
	start := time.Now()
	for first, second := 0, 1; first < o.streams && ctx.Err() == nil; first, second = first+batch, second+1 {
		var wg sync.WaitGroup
		for i := first; i < first+batch && i < o.streams; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				if err := runFlow(ctx, conn, o, d, i); err != nil {
					fail(err)
				}
			}(i)
		}
		wg.Wait()
		if o.perSecond > 0 {
			if rest := time.Until(start.Add(time.Duration(second) * time.Second)); rest > 0 {
				time.Sleep(rest)
			}
		}
	}
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("flows: %w", err)
	}
	result("ok flows=%d datagrams=%d", o.streams, d.count())
	if !o.awaitClose {
		closeGracefully(conn, o.closeCode, o.closeReason)
		return nil
	}
	// The server decides when the flows are over (it may still be finishing
	// them: our last acknowledgements travel after the RESULT line).
	select {
	case <-conn.Context().Done():
		return nil
	case <-ctx.Done():
		return fmt.Errorf("--await-server-close: the server did not close the connection: %w", ctx.Err())
	}
}

func runFlow(ctx context.Context, conn *confirmedConn, o *clientOptions, d *flowDatagrams, index int) error {
	str, err := conn.OpenStreamSync(ctx)
	if err != nil {
		return fmt.Errorf("flow #%d: open: %w", index, err)
	}
	if deadline, ok := ctx.Deadline(); ok {
		_ = str.SetDeadline(deadline)
	}
	payload := []byte(fmt.Sprintf("%08d", index%100000000))
	if _, err := str.Write(payload); err != nil {
		return fmt.Errorf("flow %d: write: %w", str.StreamID(), err)
	}
	for k := 0; k < o.count; k++ {
		if err := conn.SendMessage(boundDatagram(str.StreamID(), payload)); err != nil {
			return fmt.Errorf("flow %d: datagram: %w", str.StreamID(), err)
		}
		echo, err := d.next(ctx, str.StreamID())
		if err != nil {
			return fmt.Errorf("flow %d: %w", str.StreamID(), err)
		}
		if string(echo) != string(payload) {
			return fmt.Errorf("flow %d: datagram echo %q differs from %q", str.StreamID(), echo, payload)
		}
	}
	if err := str.Close(); err != nil {
		return fmt.Errorf("flow %d: close: %w", str.StreamID(), err)
	}
	if _, err := io.ReadAll(str); err != nil {
		return fmt.Errorf("flow %d: read to EOF: %w", str.StreamID(), err)
	}
	return nil
}
