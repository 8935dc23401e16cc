package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	quic "github.com/lucas-clemente/quic-go"
)

// defaultStaleAbortCode is the code zero-rtt-stale-aborts cancels the
// rejected early stream with when --code is not given (the code of S4).
const defaultStaleAbortCode = 42

// runZeroRTTStaleAborts plays S4's client against a server that rejects
// 0-RTT: it resumes, opens a stream in 0-RTT and writes "ping" + FIN; once
// the rejection fails that stream, it calls CancelRead(code), CancelWrite(code)
// and Close on the old stream, opens stream 0 of the 1-RTT connection, writes
// "1-rtt" + FIN, cancels and closes the old stream again, and reads the reply.
//
// quic-go 0.29 keeps one connection across the rejection and only swaps its
// stream maps, so the old stream's CancelRead/CancelWrite still queue
// STOP_SENDING and RESET_STREAM for stream 0 on it: they hit the new stream 0.
// The run reports what happened rather than judging it: the reply, the code
// of the RESET_STREAM that ended it, or that nothing came within
// --read-deadline.
func runZeroRTTStaleAborts(ctx context.Context, o *clientOptions, tlsConf *tls.Config) (err error) {
	conn, confirmation, err := dialResumed(ctx, o, tlsConf)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = conn.CloseWithError(clientFailedCode, oneLine(err.Error()))
		}
	}()

	early, err := conn.OpenStream()
	if err != nil {
		return fmt.Errorf("open in 0-RTT: %w", err)
	}
	if _, err := early.Write([]byte("ping")); err != nil && !errors.Is(err, quic.Err0RTTRejected) {
		return fmt.Errorf("early stream %d: write: %w", early.StreamID(), err)
	}
	_ = early.Close()
	if _, err := io.ReadAll(early); !errors.Is(err, quic.Err0RTTRejected) {
		return fmt.Errorf("early stream %d: expected the server to reject 0-RTT, the read ended with %v", early.StreamID(), err)
	}
	staleAborts(early, o.code)

	next := conn.NextConnection()
	if state := next.ConnectionState().TLS; !state.HandshakeComplete || state.Used0RTT {
		return fmt.Errorf("after the rejection: handshake complete %t, used 0-RTT %t", state.HandshakeComplete, state.Used0RTT)
	}
	str, err := next.OpenStreamSync(ctx)
	if err != nil {
		return fmt.Errorf("open after the rejection: %w", err)
	}
	// A server that cannot answer (it dropped the stream the stale frames
	// touched) is an outcome to report, not a hang: the read gets --read-deadline.
	if deadline, ok := ctx.Deadline(); ok {
		_ = str.SetWriteDeadline(deadline)
	}
	if _, err := str.Write([]byte("1-rtt")); err != nil {
		return fmt.Errorf("stream %d: write: %w", str.StreamID(), err)
	}
	writeClosed := str.Close()
	staleAborts(early, o.code)
	_ = str.SetReadDeadline(time.Now().Add(o.readDeadline))
	reply, readErr := io.ReadAll(str)
	fmt.Fprintf(os.Stderr, "zero-rtt-stale-aborts: early stream %d, new stream %d, close %v, read %v\n", early.StreamID(), str.StreamID(), writeClosed, readErr)
	var netErr net.Error
	if code, ok := streamErrorCode(readErr); ok {
		result("zero-rtt-stale-aborts stream=%d reset=%d", str.StreamID(), code)
	} else if errors.As(readErr, &netErr) && netErr.Timeout() {
		result("zero-rtt-stale-aborts stream=%d no-reply-within=%s received=%d", str.StreamID(), o.readDeadline, len(reply))
	} else if readErr != nil {
		return fmt.Errorf("stream %d: read: %w", str.StreamID(), readErr)
	} else {
		result("zero-rtt-stale-aborts stream=%d reply=%s", str.StreamID(), oneLine(string(reply)))
	}
	closeGracefully(&confirmedConn{Connection: conn, confirmed: confirmation.confirmed}, o.closeCode, o.closeReason)
	return nil
}

// staleAborts is what an application does with a handle it no longer needs.
func staleAborts(str quic.Stream, code uint64) {
	str.CancelRead(quic.StreamErrorCode(code))
	str.CancelWrite(quic.StreamErrorCode(code))
	_ = str.Close()
}
