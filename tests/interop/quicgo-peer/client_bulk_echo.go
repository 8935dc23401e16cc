package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
)

// bulkEcho writes --size bytes and a FIN on one bidirectional stream, then
// reads the reply to EOF and checks it equals what was sent. With a size
// beyond the server's stream window, quic-go's Write blocks on flow control
// (RFC 9000 section 4.1) until the server consumes, so the run shows that the
// server's MAX_STREAM_DATA updates arrive.
func bulkEcho(ctx context.Context, conn *confirmedConn, o *clientOptions) error {
	str, err := conn.OpenStreamSync(ctx)
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	if deadline, ok := ctx.Deadline(); ok {
		_ = str.SetDeadline(deadline)
	}
	payload := make([]byte, o.size)
	for i := range payload {
		payload[i] = byte(i * 7)
	}
	if _, err := str.Write(payload); err != nil {
		return fmt.Errorf("stream %d: write %d bytes: %w", str.StreamID(), len(payload), err)
	}
	if err := str.Close(); err != nil {
		return fmt.Errorf("stream %d: close: %w", str.StreamID(), err)
	}
	reply, err := io.ReadAll(str)
	if err != nil {
		return fmt.Errorf("stream %d: read the reply: %w", str.StreamID(), err)
	}
	if !bytes.Equal(reply, payload) {
		return fmt.Errorf("stream %d: the %d-byte reply differs from the %d bytes sent", str.StreamID(), len(reply), len(payload))
	}
	result("ok bulk-echo bytes=%d", len(payload))
	closeGracefully(conn, o.closeCode, o.closeReason)
	return nil
}
