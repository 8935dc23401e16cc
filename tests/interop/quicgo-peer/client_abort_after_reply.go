package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	quic "github.com/lucas-clemente/quic-go"
)

// defaultAbortCode is the code abort-after-reply cancels both directions with
// when --code is not given (the code the S5 specs use).
const defaultAbortCode = 9

// abortAfterWritePause separates the last write of abort-after-reply from its
// abort; see abortAfterReply.
const abortAfterWritePause = 200 * time.Millisecond

// abortAfterReply plays the client of S5 ("a read that must end") against a
// server whose handler reads one message, replies once and never finishes:
// it writes "hello" (no FIN) and reads the reply; a second read with a
// --read-deadline must fail with a timeout no earlier than the deadline and
// leave the stream usable, which a write of "again" shows; then it aborts
// both directions (CancelRead and CancelWrite, i.e. STOP_SENDING and
// RESET_STREAM) with --code. A final echo on a new stream makes sure those
// frames reached the server before CONNECTION_CLOSE does; the server must
// therefore echo any other stream.
func abortAfterReply(ctx context.Context, conn *confirmedConn, o *clientOptions) error {
	str, err := conn.OpenStreamSync(ctx)
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	id := str.StreamID()
	if _, err := str.Write([]byte("hello")); err != nil {
		return fmt.Errorf("stream %d: write hello: %w", id, err)
	}
	if deadline, ok := ctx.Deadline(); ok {
		_ = str.SetReadDeadline(deadline)
	}
	buf := make([]byte, 64)
	n, err := str.Read(buf)
	if err != nil {
		return fmt.Errorf("stream %d: read the reply: %w", id, err)
	}
	reply := n

	start := time.Now()
	_ = str.SetReadDeadline(start.Add(o.readDeadline))
	n, err = str.Read(buf)
	waited := time.Since(start)
	var netErr net.Error
	if err == nil || !errors.As(err, &netErr) || !netErr.Timeout() {
		return fmt.Errorf("stream %d: the read with a %s deadline should have timed out, got %d bytes and error %v", id, o.readDeadline, n, err)
	}
	if waited < o.readDeadline {
		return fmt.Errorf("stream %d: the read timed out after %s, before its %s deadline", id, waited, o.readDeadline)
	}
	_ = str.SetReadDeadline(time.Time{})
	// The timeout failed only that read: the stream still carries data.
	if _, err := str.Write([]byte("again")); err != nil {
		return fmt.Errorf("stream %d: write after the read timeout: %w", id, err)
	}
	// A receiver may discard data it has not delivered when RESET_STREAM
	// arrives (RFC 9000 section 3.2): give "again" time to reach the
	// server's application first.
	time.Sleep(abortAfterWritePause)

	str.CancelRead(quic.StreamErrorCode(o.code))
	str.CancelWrite(quic.StreamErrorCode(o.code))
	if err := echoOne(ctx, conn, 1); err != nil {
		return fmt.Errorf("echo after the abort: %w", err)
	}
	result("ok abort-after-reply stream=%d reply=%d timeout-ms=%d code=%d", id, reply, waited.Milliseconds(), o.code)
	closeGracefully(conn, o.closeCode, o.closeReason)
	return nil
}
