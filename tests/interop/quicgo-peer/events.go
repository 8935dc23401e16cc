package main

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"

	quic "github.com/lucas-clemente/quic-go"
)

// eventLog writes one line per event to stdout. Tests parse these lines, so every line is
// flushed at once and values that may contain spaces are quoted with strconv.Quote.
type eventLog struct {
	mu      sync.Mutex
	out     *bufio.Writer
	streams bool // whether per-stream events are printed (off with --quiet)
	conns   bool // whether connection events are printed (off in the benchmarks)
}

var events = &eventLog{out: bufio.NewWriter(os.Stdout), streams: true, conns: true}

// line prints "<kind> <name> k=v ..." where kv alternates keys and values.
func (l *eventLog) line(kind, name string, kv ...interface{}) {
	var b strings.Builder
	b.WriteString(kind)
	b.WriteByte(' ')
	b.WriteString(name)
	for i := 0; i+1 < len(kv); i += 2 {
		b.WriteByte(' ')
		b.WriteString(fmt.Sprint(kv[i]))
		b.WriteByte('=')
		b.WriteString(formatValue(kv[i+1]))
	}
	b.WriteByte('\n')
	l.mu.Lock()
	l.out.WriteString(b.String())
	l.out.Flush()
	l.mu.Unlock()
}

func formatValue(v interface{}) string {
	switch x := v.(type) {
	case string:
		if x == "" || strings.ContainsAny(x, " \t\r\n\"=") {
			return strconv.Quote(x)
		}
		return x
	default:
		return fmt.Sprint(x)
	}
}

// Event prints a connection-level event; printed except in the benchmarks.
func (l *eventLog) Event(name string, kv ...interface{}) {
	if l.conns {
		l.line("EVENT", name, kv...)
	}
}

// Stream prints a per-stream event unless --quiet was given.
func (l *eventLog) Stream(name string, kv ...interface{}) {
	if l.streams {
		l.line("EVENT", name, kv...)
	}
}

// Result prints the final outcome of a client or benchmark run.
func (l *eventLog) Result(name string, kv ...interface{}) { l.line("RESULT", name, kv...) }

// Raw prints a line verbatim (used for LISTENING).
func (l *eventLog) Raw(s string) {
	l.mu.Lock()
	l.out.WriteString(s + "\n")
	l.out.Flush()
	l.mu.Unlock()
}

// closeInfo classifies the error a connection ended with, as reported by AcceptStream or any
// stream operation after the connection is gone.
func closeInfo(err error) []interface{} {
	var appErr *quic.ApplicationError
	var trErr *quic.TransportError
	var idle *quic.IdleTimeoutError
	var hs *quic.HandshakeTimeoutError
	var sr *quic.StatelessResetError
	switch {
	case errors.As(err, &appErr):
		return []interface{}{"kind", "application", "remote", appErr.Remote, "code", appErr.ErrorCode, "reason", appErr.ErrorMessage}
	case errors.As(err, &trErr):
		return []interface{}{"kind", "transport", "remote", trErr.Remote, "code", fmt.Sprintf("0x%x", uint64(trErr.ErrorCode)), "reason", trErr.ErrorMessage}
	case errors.As(err, &idle):
		return []interface{}{"kind", "idle-timeout", "remote", false, "code", 0, "reason", err.Error()}
	case errors.As(err, &hs):
		return []interface{}{"kind", "handshake-timeout", "remote", false, "code", 0, "reason", err.Error()}
	case errors.As(err, &sr):
		return []interface{}{"kind", "stateless-reset", "remote", true, "code", 0, "reason", err.Error()}
	default:
		return []interface{}{"kind", "other", "remote", false, "code", 0, "reason", fmt.Sprint(err)}
	}
}

// streamErrorCode reports the application code carried by a peer's RESET_STREAM (on Read) or
// STOP_SENDING (on Write), which quic-go 0.29 surfaces as *quic.StreamError.
func streamErrorCode(err error) (quic.StreamErrorCode, bool) {
	var se *quic.StreamError
	if errors.As(err, &se) {
		return se.ErrorCode, true
	}
	return 0, false
}

// mustLoopback refuses any address that is not a loopback address: this program exists for
// tests on one machine and must never talk to the network.
func mustLoopback(what, addr string) (*net.UDPAddr, error) {
	ua, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s %q: %v", what, addr, err)
	}
	if ua.IP == nil || !ua.IP.IsLoopback() {
		return nil, fmt.Errorf("%s %q is not a loopback address; quicgo-peer only talks over loopback", what, addr)
	}
	return ua, nil
}
