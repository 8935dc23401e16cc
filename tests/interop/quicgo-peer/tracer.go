package main

import (
	"context"
	"net"

	"github.com/lucas-clemente/quic-go/logging"
)

// handshakeTracer reports connections that end before their handshake completes. quic-go never
// hands such connections to Accept, so without it a test could not see, for example, the
// CRYPTO_ERROR a quic-go server closes with when a client offers 0-RTT it never allowed.
type handshakeTracer struct{ logging.NullTracer }

func (handshakeTracer) TracerForConnection(context.Context, logging.Perspective, logging.ConnectionID) logging.ConnectionTracer {
	return &handshakeConnTracer{}
}

// handshakeConnTracer's methods all run on the connection's own goroutine.
type handshakeConnTracer struct {
	logging.NullConnectionTracer
	remote    string
	confirmed bool
}

func (t *handshakeConnTracer) StartedConnection(_, remote net.Addr, _, _ logging.ConnectionID) {
	t.remote = remote.String()
}

// The Handshake keys are dropped once the handshake is confirmed (RFC 9001 §4.9.2).
func (t *handshakeConnTracer) DroppedEncryptionLevel(l logging.EncryptionLevel) {
	if l == logging.EncryptionHandshake {
		t.confirmed = true
	}
}

func (t *handshakeConnTracer) ClosedConnection(err error) {
	if !t.confirmed {
		events.Event("handshake-failed", append([]interface{}{"peer", t.remote}, closeInfo(err)...)...)
	}
}
