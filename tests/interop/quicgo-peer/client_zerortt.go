package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"os"

	quic "github.com/lucas-clemente/quic-go"
)

// notifyingSessionCache tells the zero-rtt scenario when a ticket has been
// stored, because a server may send NewSessionTicket some time after the
// handshake (RFC 8446 section 4.6.1) and dialing before it arrives would
// silently test a full handshake instead of 0-RTT.
type notifyingSessionCache struct {
	tls.ClientSessionCache
	stored         chan struct{}
	forceEarlyData bool
	forceErr       error
}

func newNotifyingSessionCache(forceEarly bool) *notifyingSessionCache {
	return &notifyingSessionCache{
		ClientSessionCache: tls.NewLRUClientSessionCache(4),
		stored:             make(chan struct{}, 16),
		forceEarlyData:     forceEarly,
	}
}

func (c *notifyingSessionCache) Put(key string, cs *tls.ClientSessionState) {
	if cs != nil && c.forceEarlyData {
		// Put runs on quic-go's handshake goroutine before stored is signalled,
		// so forceErr is read only after this write.
		if err := forceEarlyData(cs); err != nil {
			c.forceErr = err
		}
	}
	c.ClientSessionCache.Put(key, cs)
	if cs != nil {
		select {
		case c.stored <- struct{}{}:
		default:
		}
	}
}

// runZeroRTT connects once to obtain a ticket, then resumes with
// DialAddrEarly and sends "ping" on a stream opened before the handshake
// completes (RFC 9001 section 4.6). When the server rejects 0-RTT, quic-go
// fails the early streams with Err0RTTRejected and the request is repeated
// on the 1-RTT connection, as an application must.
func runZeroRTT(ctx context.Context, o *clientOptions, tlsConf *tls.Config) (err error) {
	conn, confirmation, err := dialResumed(ctx, o, tlsConf)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = conn.CloseWithError(clientFailedCode, oneLine(err.Error()))
		}
	}()

	reply, err := pingOn(ctx, conn, false)
	rejected := errors.Is(err, quic.Err0RTTRejected)
	if err != nil && !rejected {
		return err
	}
	select {
	case <-conn.HandshakeComplete().Done():
	case <-ctx.Done():
		return fmt.Errorf("resumed handshake did not complete: %w", ctx.Err())
	}
	state := conn.ConnectionState().TLS
	if !state.HandshakeComplete {
		return fmt.Errorf("resumed connection closed during the handshake: %w", conn.Context().Err())
	}
	if rejected {
		// NextConnection waits for the handshake and swaps in fresh stream maps.
		reply, err = pingOn(ctx, conn.NextConnection(), true)
		if err != nil {
			return fmt.Errorf("after 0-RTT rejection: %w", err)
		}
	}
	fmt.Fprintf(os.Stderr, "zero-rtt: resumed=%t used0rtt=%t early-stream-rejected=%t\n", state.DidResume, state.Used0RTT, rejected)
	result("zero-rtt used0rtt=%t reply=%s", state.Used0RTT, oneLine(string(reply)))
	closeGracefully(&confirmedConn{Connection: conn, confirmed: confirmation.confirmed}, o.closeCode, o.closeReason)

	switch {
	case o.expect0RTT == "accepted" && !state.Used0RTT:
		return errors.New("--expect-0rtt accepted, but the server rejected 0-RTT")
	case o.expect0RTT == "rejected" && state.Used0RTT:
		return errors.New("--expect-0rtt rejected, but the server accepted 0-RTT")
	}
	return nil
}

// pingOn writes "ping" with FIN and returns the whole reply. sync selects
// OpenStreamSync; the 0-RTT attempt must use OpenStream, which does not wait
// for the handshake.
func pingOn(ctx context.Context, conn quic.Connection, sync bool) ([]byte, error) {
	var str quic.Stream
	var err error
	if sync {
		str, err = conn.OpenStreamSync(ctx)
	} else {
		str, err = conn.OpenStream()
	}
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	if deadline, ok := ctx.Deadline(); ok {
		_ = str.SetDeadline(deadline)
	}
	if _, err := str.Write([]byte("ping")); err != nil {
		return nil, fmt.Errorf("stream %d: write: %w", str.StreamID(), err)
	}
	if err := str.Close(); err != nil {
		return nil, fmt.Errorf("stream %d: close: %w", str.StreamID(), err)
	}
	reply, err := io.ReadAll(str)
	if err != nil {
		return nil, fmt.Errorf("stream %d: read: %w", str.StreamID(), err)
	}
	return reply, nil
}

// dialResumed obtains a session ticket with one full connection, then resumes
// with DialAddrEarly, so streams opened before the handshake completes go out
// as 0-RTT when the ticket allows it.
func dialResumed(ctx context.Context, o *clientOptions, tlsConf *tls.Config) (quic.EarlyConnection, *handshakeConfirmation, error) {
	cache := newNotifyingSessionCache(o.forceEarly)
	tlsConf.ClientSessionCache = cache
	if err := obtainTicket(ctx, o, tlsConf, cache); err != nil {
		return nil, nil, err
	}
	confirmation := newHandshakeConfirmation()
	conn, err := quic.DialAddrEarlyContext(ctx, o.connect, tlsConf, o.quicConfig(confirmation))
	if err != nil {
		return nil, nil, fmt.Errorf("resumed connection to %s: %w", o.connect, err)
	}
	return conn, confirmation, nil
}

// obtainTicket runs one full connection (an echo) and waits until cache holds
// the server's session ticket.
func obtainTicket(ctx context.Context, o *clientOptions, tlsConf *tls.Config, cache *notifyingSessionCache) error {
	firstConfirmation := newHandshakeConfirmation()
	firstDialed, err := quic.DialAddrContext(ctx, o.connect, tlsConf, o.quicConfig(firstConfirmation))
	if err != nil {
		return fmt.Errorf("first connection to %s: %w", o.connect, err)
	}
	first := &confirmedConn{Connection: firstDialed, confirmed: firstConfirmation.confirmed}
	if err := echoOne(ctx, first, 0); err != nil {
		_ = first.CloseWithError(1, "echo failed")
		return fmt.Errorf("first connection: %w", err)
	}
	select {
	case <-cache.stored:
	case <-ctx.Done():
		_ = first.CloseWithError(1, "no ticket")
		return errors.New("the server sent no session ticket on the first connection")
	}
	if cache.forceErr != nil {
		_ = first.CloseWithError(1, "cannot force early data")
		return fmt.Errorf("--force-early-data: %w", cache.forceErr)
	}
	closeGracefully(first, 0, "ticket obtained")
	return nil
}
