package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	quic "github.com/lucas-clemente/quic-go"
)

// echoPayloadSize matches what the C# engine churn benchmark sends per stream.
const echoPayloadSize = 64

// echoPayload is distinct per stream so a mixed-up reply is caught.
func echoPayload(index int) []byte {
	p := make([]byte, echoPayloadSize)
	prefix := fmt.Sprintf("stream %d ", index)
	for i := range p {
		p[i] = byte('a' + i%26)
	}
	copy(p, prefix)
	return p
}

// streamKind selects what echoStreams does per stream: a bidirectional echo
// (checking the whole reply, or only its first replyPrefix bytes when the
// server answers before reading everything), or a unidirectional send.
type streamKind struct {
	uni         bool
	replyPrefix int
	// stopOK accepts the server's STOP_SENDING on the request (a handler
	// that aborts reading once it has what it needs) as long as the reply
	// comes back whole.
	stopOK bool
}

var bidiEcho = streamKind{}

// echoStreams opens n bidirectional streams, at most concurrency at a time;
// each writes one payload with FIN, reads the reply to EOF and checks it is
// the payload. It returns the wall time of the whole batch.
func echoStreams(ctx context.Context, conn quic.Connection, n, concurrency int, kind streamKind) (time.Duration, error) {
	var next int64 = -1
	var firstErr error
	var errOnce sync.Once
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	for w := 0; w < concurrency && w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(atomic.AddInt64(&next, 1))
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := kind.run(ctx, conn, i); err != nil {
					errOnce.Do(func() { firstErr = err; cancel() })
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return elapsed, firstErr
	}
	if err := ctx.Err(); err != nil {
		return elapsed, fmt.Errorf("echo streams: %w", err)
	}
	return elapsed, nil
}

func (k streamKind) run(ctx context.Context, conn quic.Connection, index int) error {
	if k.uni {
		return sendUni(ctx, conn, index)
	}
	return echoOneKind(ctx, conn, index, k)
}

func echoOne(ctx context.Context, conn quic.Connection, index int) error {
	return echoOneExpecting(ctx, conn, index, 0)
}

// sendUni writes one payload with FIN on a unidirectional stream. Nothing
// comes back on it, so callers follow a batch with a bidirectional round trip
// before closing (see runClient).
func sendUni(ctx context.Context, conn quic.Connection, index int) error {
	str, err := conn.OpenUniStreamSync(ctx)
	if err != nil {
		return fmt.Errorf("uni stream #%d: open: %w", index, err)
	}
	if deadline, ok := ctx.Deadline(); ok {
		_ = str.SetWriteDeadline(deadline)
	}
	if _, err := str.Write(echoPayload(index)); err != nil {
		return fmt.Errorf("uni stream %d: write: %w", str.StreamID(), err)
	}
	if err := str.Close(); err != nil {
		return fmt.Errorf("uni stream %d: close: %w", str.StreamID(), err)
	}
	return nil
}

// echoOneExpecting runs one echo; replyPrefix > 0 expects only that many
// leading bytes of the request back.
func echoOneExpecting(ctx context.Context, conn quic.Connection, index int, replyPrefix int) error {
	return echoOneKind(ctx, conn, index, streamKind{replyPrefix: replyPrefix})
}

// echoOneKind runs one bidirectional echo as k says.
func echoOneKind(ctx context.Context, conn quic.Connection, index int, k streamKind) error {
	replyPrefix := k.replyPrefix
	str, err := conn.OpenStreamSync(ctx)
	if err != nil {
		return fmt.Errorf("stream #%d: open: %w", index, err)
	}
	if deadline, ok := ctx.Deadline(); ok {
		_ = str.SetDeadline(deadline)
	}
	payload := echoPayload(index)
	if _, err := str.Write(payload); err != nil {
		return fmt.Errorf("stream %d: write: %w", str.StreamID(), err)
	}
	if err := str.Close(); err != nil && !(k.stopOK && stoppedByPeer(str)) {
		return fmt.Errorf("stream %d: close: %w", str.StreamID(), err)
	}
	reply, err := io.ReadAll(str)
	if err != nil {
		return fmt.Errorf("stream %d: read reply: %w", str.StreamID(), err)
	}
	want := payload
	if replyPrefix > 0 {
		want = payload[:replyPrefix]
	}
	if !bytes.Equal(reply, want) {
		return fmt.Errorf("stream %d: reply %q differs from the expected %q", str.StreamID(), reply, want)
	}
	return nil
}

// stopSendingStreams asks the server to stop sending on each stream before
// the request is complete, so an echo server's reply write meets the
// STOP_SENDING (RFC 9000 section 3.5) and its send half is reset.
func stopSendingStreams(ctx context.Context, conn *confirmedConn, o *clientOptions) error {
	for i := 0; i < o.streams; i++ {
		str, err := conn.OpenStreamSync(ctx)
		if err != nil {
			return fmt.Errorf("open: %w", err)
		}
		if _, err := str.Write(echoPayload(i)); err != nil {
			return fmt.Errorf("stream %d: write: %w", str.StreamID(), err)
		}
		str.CancelRead(quic.StreamErrorCode(o.code))
		// The FIN follows the STOP_SENDING, so the server's reply comes after it.
		if err := str.Close(); err != nil {
			return fmt.Errorf("stream %d: close: %w", str.StreamID(), err)
		}
	}
	// quic-go gives no signal that the peer has seen our FIN after
	// CancelRead, so a final echo round trip on a new stream makes sure the
	// frames above reached the server before CONNECTION_CLOSE does, and shows
	// the connection is still healthy.
	if err := echoOne(ctx, conn, o.streams); err != nil {
		return fmt.Errorf("echo after stop-sending: %w", err)
	}
	result("ok stop-sending streams=%d code=%d", o.streams, o.code)
	closeGracefully(conn, o.closeCode, o.closeReason)
	return nil
}

// resetStreams abandons each request half-way with RESET_STREAM (RFC 9000
// section 3.1) and expects the server to end its own half with a FIN.
func resetStreams(ctx context.Context, conn *confirmedConn, o *clientOptions) error {
	for i := 0; i < o.streams; i++ {
		str, err := conn.OpenStreamSync(ctx)
		if err != nil {
			return fmt.Errorf("open: %w", err)
		}
		if deadline, ok := ctx.Deadline(); ok {
			_ = str.SetDeadline(deadline)
		}
		if _, err := str.Write(echoPayload(i)[:echoPayloadSize/2]); err != nil {
			return fmt.Errorf("stream %d: write: %w", str.StreamID(), err)
		}
		// Without a pause quic-go usually cancels before the bytes are packed, so the RESET_STREAM is the stream's
		// only frame; some stacks (ngtcp2 0.12) then keep no stream to answer on.
		if o.resetDelay > 0 {
			time.Sleep(o.resetDelay)
		}
		str.CancelWrite(quic.StreamErrorCode(o.code))
		if _, err := io.ReadAll(str); err != nil {
			return fmt.Errorf("stream %d: read after reset: %w", str.StreamID(), err)
		}
	}
	result("ok reset streams=%d code=%d", o.streams, o.code)
	closeGracefully(conn, o.closeCode, o.closeReason)
	return nil
}

// expectStopSending runs against a server in stop-sending mode: the client
// keeps writing until a Write fails with the server's STOP_SENDING code, then
// reads the server's (empty) reply to EOF.
func expectStopSending(ctx context.Context, conn *confirmedConn, o *clientOptions) error {
	for i := 0; i < o.streams; i++ {
		str, err := conn.OpenStreamSync(ctx)
		if err != nil {
			return fmt.Errorf("open: %w", err)
		}
		if deadline, ok := ctx.Deadline(); ok {
			_ = str.SetDeadline(deadline)
		}
		payload := echoPayload(i)
		var writeErr error
		for writeErr == nil {
			_, writeErr = str.Write(payload)
		}
		code, ok := streamErrorCode(writeErr)
		if !ok {
			return fmt.Errorf("stream %d: expected STOP_SENDING, write failed with: %w", str.StreamID(), writeErr)
		}
		if o.codeSet && code != o.code {
			return fmt.Errorf("stream %d: STOP_SENDING code %d, expected --code %d", str.StreamID(), code, o.code)
		}
		if _, err := io.ReadAll(str); err != nil {
			return fmt.Errorf("stream %d: read after STOP_SENDING: %w", str.StreamID(), err)
		}
		o.code = code
	}
	result("ok stop-sending-received streams=%d code=%d", o.streams, o.code)
	closeGracefully(conn, o.closeCode, o.closeReason)
	return nil
}

// expectReset runs against a server in reset mode: the request completes,
// but reading the reply must fail with the server's RESET_STREAM code.
func expectReset(ctx context.Context, conn *confirmedConn, o *clientOptions) error {
	for i := 0; i < o.streams; i++ {
		str, err := conn.OpenStreamSync(ctx)
		if err != nil {
			return fmt.Errorf("open: %w", err)
		}
		if deadline, ok := ctx.Deadline(); ok {
			_ = str.SetDeadline(deadline)
		}
		if _, err := str.Write(echoPayload(i)); err != nil {
			return fmt.Errorf("stream %d: write: %w", str.StreamID(), err)
		}
		if err := str.Close(); err != nil {
			return fmt.Errorf("stream %d: close: %w", str.StreamID(), err)
		}
		reply, readErr := io.ReadAll(str)
		code, ok := streamErrorCode(readErr)
		if !ok {
			return fmt.Errorf("stream %d: expected RESET_STREAM, read ended with %v after %d bytes", str.StreamID(), readErr, len(reply))
		}
		if o.codeSet && code != o.code {
			return fmt.Errorf("stream %d: RESET_STREAM code %d, expected --code %d", str.StreamID(), code, o.code)
		}
		o.code = code
	}
	result("ok reset-received streams=%d code=%d", o.streams, o.code)
	closeGracefully(conn, o.closeCode, o.closeReason)
	return nil
}

func exchangeDatagrams(ctx context.Context, conn *confirmedConn, o *clientOptions) error {
	if !conn.ConnectionState().SupportsDatagrams {
		return fmt.Errorf("the server at %s did not enable DATAGRAM frames (max_datagram_frame_size)", o.connect)
	}
	var received int64
	allEchoed := make(chan struct{})
	go func() {
		for {
			msg, err := conn.ReceiveMessage()
			if err != nil {
				return
			}
			if len(msg) == o.size && atomic.AddInt64(&received, 1) == int64(o.count) {
				close(allEchoed)
			}
		}
	}()
	for i := 0; i < o.count; i++ {
		msg := bytes.Repeat([]byte{byte(i)}, o.size)
		if err := conn.SendMessage(msg); err != nil {
			return fmt.Errorf("datagram %d: %w", i, err)
		}
	}
	select {
	case <-allEchoed:
	case <-time.After(o.datagramGrace):
	case <-ctx.Done():
	}
	got := atomic.LoadInt64(&received)
	result("datagrams sent=%d received=%d", o.count, got)
	closeGracefully(conn, o.closeCode, o.closeReason)
	if got < int64(o.minEchoes) {
		return fmt.Errorf("%d of %d datagrams were echoed, --min-echoes is %d", got, o.count, o.minEchoes)
	}
	return nil
}

// stoppedByPeer says whether the peer's STOP_SENDING cancelled str's send
// half. quic-go 0.29 answers it with RESET_STREAM even after Write, and when
// it arrives between Write and Close (the server read the whole request from
// a packet sent before Close and stopped reading), Close fails with a plain
// error; a further Write returns the cancellation error, a *StreamError only
// when the peer caused it (a local CancelWrite gives a plain error).
func stoppedByPeer(str quic.Stream) bool {
	_, err := str.Write([]byte{0})
	var streamErr *quic.StreamError
	return errors.As(err, &streamErr)
}
