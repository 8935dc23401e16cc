package main

import (
	"fmt"
	"os"

	quic "github.com/lucas-clemente/quic-go"
)

// modeReplyStopReading plays the S1 handler that reads part of the request,
// stops reading (STOP_SENDING) and replies: it reads half the 64-byte request,
// calls CancelRead(code), writes those bytes back and closes its send half.
// Half, as in reply-no-eof: quic-go consumes a FIN together with the last byte
// of the frame carrying it, and reading all 64 bytes would make the
// CancelRead a no-op on an already finished receive half.
const modeReplyStopReading serverMode = "reply-stop-reading"

// defaultStopReadingCode is the STOP_SENDING code of reply-stop-reading when
// --code is not given (the code the S1 specs use for "abort reading").
const defaultStopReadingCode = 5

func serveReplyStopReading(str quic.Stream, code uint64) {
	id := int64(str.StreamID())
	request, err := readUpTo(str, replyNoEOFReadSize)
	if err != nil {
		reportReadError(id, err)
		_ = str.Close()
		return
	}
	// With the final size known, quic-go counts the receive half as done once
	// it is cancelled, so the stream completes (and its credit comes back)
	// when our FIN is acknowledged.
	str.CancelRead(quic.StreamErrorCode(code))
	event("stop-sending-sent id=%d code=%d", id, code)
	if _, err := str.Write(request); err != nil {
		fmt.Fprintf(os.Stderr, "stream %d: write: %v\n", id, err)
		return
	}
	if err := str.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "stream %d: close: %v\n", id, err)
	}
}
