package main

import (
	"errors"
	"io"
	"time"

	quic "github.com/lucas-clemente/quic-go"
)

// handleStream runs the server's per-stream behaviour for --mode. Every handler leaves the
// stream complete on quic-go's side (both halves finished) unless the mode exists to keep it
// open (reply-no-eof never reads EOF, hold never sends FIN).
func handleStream(o *serverOptions, conn quic.Connection, str quic.Stream) {
	id := str.StreamID()
	switch o.mode {
	case "echo", "datagrams":
		echoStream(str)
	case "reply-no-eof":
		data, _, err := readShortOfEOF(str, o.readBytes)
		if err != nil {
			reportReadError(id, err)
			return
		}
		if !writeAll(str, data) {
			return
		}
		events.Stream("reply-sent", "id", id, "len", len(data))
		str.Close()
		events.Stream("fin-sent", "id", id)
	case "hold":
		data, eof, err := readAtMost(str, o.readBytes)
		if err != nil {
			reportReadError(id, err)
			return
		}
		if !writeAll(str, data) {
			return
		}
		events.Stream("reply-sent", "id", id, "len", len(data))
		go watchPeerStopSending(str)
		if eof {
			events.Stream("stream-eof", "id", id, "bytes", len(data))
			return
		}
		drain(str, int64(len(data)))
	case "stop-sending":
		data, eof, err := readShortOfEOF(str, o.readBytes)
		if err != nil {
			reportReadError(id, err)
			return
		}
		if eof {
			// quic-go makes CancelRead a no-op once EOF was read, so say so instead of
			// claiming a STOP_SENDING that never went out.
			events.Stream("stop-sending-skipped", "id", id, "reason", "eof-already-read")
		} else {
			str.CancelRead(quic.StreamErrorCode(o.code))
			events.Stream("stop-sending-sent", "id", id, "code", o.code)
		}
		if !writeAll(str, data) {
			return
		}
		str.Close()
		events.Stream("fin-sent", "id", id)
	case "reset":
		data, eof, err := readAtMost(str, o.readBytes)
		if err != nil {
			reportReadError(id, err)
			return
		}
		partial := data[:len(data)/2]
		if !writeAll(str, partial) {
			return
		}
		if len(partial) > 0 {
			time.Sleep(o.resetDelay)
		}
		str.CancelWrite(quic.StreamErrorCode(o.code))
		events.Stream("reset-sent", "id", id, "code", o.code, "after", len(partial))
		if eof {
			events.Stream("stream-eof", "id", id, "bytes", len(data))
			return
		}
		drain(str, int64(len(data)))
	case "close":
		conn.CloseWithError(quic.ApplicationErrorCode(o.code), "quicgo-peer close mode")
		events.Event("conn-close-sent", "code", o.code, "reason", "quicgo-peer close mode")
	}
}

// echoStream copies everything it reads back, then sends FIN after EOF.
func echoStream(str quic.Stream) {
	id := str.StreamID()
	buf := make([]byte, 32*1024)
	var total int64
	for {
		n, rerr := str.Read(buf)
		if n > 0 {
			if _, werr := str.Write(buf[:n]); werr != nil {
				reportWriteError(id, werr)
				drain(str, total+int64(n))
				return
			}
			total += int64(n)
		}
		if rerr == io.EOF {
			events.Stream("stream-eof", "id", id, "bytes", total)
			str.Close()
			events.Stream("fin-sent", "id", id)
			return
		}
		if rerr != nil {
			reportReadError(id, rerr)
			// The peer abandoned its send half; finish ours so the stream completes.
			str.Close()
			return
		}
	}
}

// readAtMost reads until it has n bytes, the peer's FIN, or an error. With n == 0 it reads nothing.
func readAtMost(str quic.Stream, n int) (data []byte, eof bool, err error) {
	buf := make([]byte, n)
	got := 0
	for got < n {
		k, err := str.Read(buf[got:])
		got += k
		if err == io.EOF {
			return buf[:got], true, nil
		}
		if err != nil {
			return buf[:got], false, err
		}
	}
	return buf, false, nil
}

// readShortOfEOF reads at most n-1 bytes (nothing when n is 0). quic-go 0.29 returns io.EOF
// together with the last byte of a frame that carries FIN, and that completes the receive half
// and returns the stream's credit; stopping one byte short is the only way to hold a stream
// whose peer sent its message and FIN in one frame without ever reading EOF.
func readShortOfEOF(str quic.Stream, n int) (data []byte, eof bool, err error) {
	if n <= 1 {
		return nil, false, nil
	}
	return readAtMost(str, n-1)
}

// drain reads the rest of the receive half, reporting EOF or the peer's RESET_STREAM.
func drain(str quic.Stream, already int64) {
	n, err := io.Copy(io.Discard, str)
	if err == nil {
		events.Stream("stream-eof", "id", str.StreamID(), "bytes", already+n)
		return
	}
	reportReadError(str.StreamID(), err)
}

func writeAll(str quic.Stream, data []byte) bool {
	if len(data) == 0 {
		return true
	}
	if _, err := str.Write(data); err != nil {
		reportWriteError(str.StreamID(), err)
		return false
	}
	return true
}

// watchPeerStopSending waits for the send half to end and, since quic-go only cancels the
// stream's context, probes it with a one-byte write to learn the STOP_SENDING code.
func watchPeerStopSending(str quic.Stream) {
	<-str.Context().Done()
	if _, err := str.Write([]byte{0}); err != nil {
		reportWriteError(str.StreamID(), err)
	}
}

func reportReadError(id quic.StreamID, err error) {
	if code, ok := streamErrorCode(err); ok {
		events.Stream("reset-received", "id", id, "code", code)
		return
	}
	if isConnectionError(err) {
		return // reported once, as conn-closed, by the accept loop
	}
	events.Stream("read-error", "id", id, "error", err.Error())
}

func reportWriteError(id quic.StreamID, err error) {
	if code, ok := streamErrorCode(err); ok {
		// quic-go answers STOP_SENDING with RESET_STREAM carrying the same code.
		events.Stream("stop-sending-received", "id", id, "code", code)
		return
	}
	if isConnectionError(err) {
		return
	}
	events.Stream("write-error", "id", id, "error", err.Error())
}

func isConnectionError(err error) bool {
	var appErr *quic.ApplicationError
	var trErr *quic.TransportError
	var idle *quic.IdleTimeoutError
	var sr *quic.StatelessResetError
	return errors.As(err, &appErr) || errors.As(err, &trErr) || errors.As(err, &idle) || errors.As(err, &sr)
}
