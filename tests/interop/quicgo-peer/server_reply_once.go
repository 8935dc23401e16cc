package main

import (
	"io"

	quic "github.com/lucas-clemente/quic-go"
)

// modeReplyOnce plays the S5 handler ("a read that must end"): it echoes the
// first chunk it reads at once, then keeps reading without replying; only
// when the request ends with a FIN does it write the rest back and close, so
// a plain echo client works too. A peer's abort shows as reset-received on
// that read and, since the handler then tries to answer, as
// stop-sending-received on its write.
const modeReplyOnce serverMode = "reply-once"

func serveReplyOnce(str quic.Stream) {
	id := int64(str.StreamID())
	first := make([]byte, requestSize)
	n, err := str.Read(first)
	if n > 0 {
		if _, werr := str.Write(first[:n]); werr != nil {
			reportWriteError(id, werr)
			return
		}
	}
	var rest []byte
	if err == nil {
		rest, err = io.ReadAll(str)
	}
	if err != nil && err != io.EOF {
		reportReadError(id, err)
		// Answer anyway, as a handler that learns of the abort only by reading
		// would: the peer's STOP_SENDING fails the write.
		if _, werr := str.Write([]byte("late")); werr != nil {
			reportWriteError(id, werr)
		}
		return
	}
	event("stream-eof id=%d bytes=%d", id, n+len(rest))
	writeAndClose(str, rest)
}
