package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	quic "github.com/lucas-clemente/quic-go"
)

// eventWriter serialises the line protocol on stdout: the test harness reads
// it line by line, so concurrent goroutines must never interleave partial lines.
type eventWriter struct {
	mu sync.Mutex
}

var stdoutLines eventWriter

func (w *eventWriter) printf(format string, args ...interface{}) {
	line := fmt.Sprintf(format, args...)
	w.mu.Lock()
	defer w.mu.Unlock()
	// os.Stdout is unbuffered, so every line reaches the harness immediately.
	fmt.Fprintln(os.Stdout, line)
}

func event(format string, args ...interface{}) {
	stdoutLines.printf("EVENT "+format, args...)
}

func result(format string, args ...interface{}) {
	stdoutLines.printf("RESULT "+format, args...)
}

// describeClose renders the error that ended a connection as the
// "code=<c> remote=<bool> reason=<text>" part of a conn-closed event.
// Application closes (CONNECTION_CLOSE 0x1d) give a decimal code; transport
// closes (0x1c) are prefixed "transport:" so the harness can tell them apart,
// e.g. code=transport:366 is CRYPTO_ERROR for TLS alert 110 (RFC 9001 section 4.8).
func describeClose(err error) string {
	var appErr *quic.ApplicationError
	var transportErr *quic.TransportError
	var idleErr *quic.IdleTimeoutError
	var handshakeTimeoutErr *quic.HandshakeTimeoutError
	var resetErr *quic.StatelessResetError
	var versionErr *quic.VersionNegotiationError
	switch {
	case errors.As(err, &appErr):
		return fmt.Sprintf("code=%d remote=%t reason=%s", uint64(appErr.ErrorCode), appErr.Remote, oneLine(appErr.ErrorMessage))
	case errors.As(err, &transportErr):
		return fmt.Sprintf("code=transport:%d remote=%t reason=%s", uint64(transportErr.ErrorCode), transportErr.Remote, oneLine(transportErr.Error()))
	case errors.As(err, &idleErr):
		return "code=idle-timeout remote=false reason=" + oneLine(err.Error())
	case errors.As(err, &handshakeTimeoutErr):
		return "code=handshake-timeout remote=false reason=" + oneLine(err.Error())
	case errors.As(err, &resetErr):
		return "code=stateless-reset remote=true reason=" + oneLine(err.Error())
	case errors.As(err, &versionErr):
		return "code=version-negotiation remote=true reason=" + oneLine(err.Error())
	case err == nil:
		return "code=none remote=false reason="
	default:
		return "code=other remote=false reason=" + oneLine(err.Error())
	}
}

// alpnList splits a comma-separated --alpn value.
func alpnList(value string) []string {
	var protos []string
	for _, p := range strings.Split(value, ",") {
		if p = strings.TrimSpace(p); p != "" {
			protos = append(protos, p)
		}
	}
	return protos
}

func oneLine(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}

// streamErrorCode reports the application code of a RESET_STREAM or
// STOP_SENDING received from the peer, which quic-go surfaces as *StreamError
// from Read (peer reset) or Write (peer asked us to stop).
func streamErrorCode(err error) (uint64, bool) {
	var streamErr *quic.StreamError
	if errors.As(err, &streamErr) {
		return uint64(streamErr.ErrorCode), true
	}
	return 0, false
}
