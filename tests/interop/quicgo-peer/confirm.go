package main

import (
	"context"
	"sync"
	"time"

	quic "github.com/lucas-clemente/quic-go"
	"github.com/lucas-clemente/quic-go/logging"
)

// handshakeConfirmation observes when a client connection's handshake is
// confirmed (HANDSHAKE_DONE received, RFC 9001 section 4.1.2), which quic-go
// 0.29 shows only to tracers, as the dropping of the Handshake keys. Closing
// before that point would make the close travel in a Handshake packet as a
// transport APPLICATION_ERROR (RFC 9000 section 10.2.3) and could beat the
// server's own handshake completion, so clients wait for it before closing.
type handshakeConfirmation struct {
	logging.NullTracer
	confirmed chan struct{}
	once      sync.Once
}

func newHandshakeConfirmation() *handshakeConfirmation {
	return &handshakeConfirmation{confirmed: make(chan struct{})}
}

func (h *handshakeConfirmation) TracerForConnection(context.Context, logging.Perspective, logging.ConnectionID) logging.ConnectionTracer {
	return confirmationConnTracer{owner: h}
}

type confirmationConnTracer struct {
	logging.NullConnectionTracer
	owner *handshakeConfirmation
}

func (t confirmationConnTracer) DroppedEncryptionLevel(level logging.EncryptionLevel) {
	if level == logging.EncryptionHandshake {
		t.owner.once.Do(func() { close(t.owner.confirmed) })
	}
}

// confirmedConn is a client connection together with its confirmation signal.
type confirmedConn struct {
	quic.Connection
	confirmed <-chan struct{}
}

// closeGracefully waits for handshake confirmation, sends CONNECTION_CLOSE
// and gives it a moment on the wire before the process exits.
func closeGracefully(conn *confirmedConn, code uint64, reason string) {
	select {
	case <-conn.confirmed:
	case <-conn.Context().Done():
	case <-time.After(2 * time.Second):
	}
	_ = conn.CloseWithError(quic.ApplicationErrorCode(code), reason)
	select {
	case <-conn.Context().Done():
	case <-time.After(time.Second):
	}
}
