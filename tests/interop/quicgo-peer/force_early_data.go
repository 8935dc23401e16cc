package main

import (
	"crypto/tls"
	"encoding/binary"
	"errors"
	"reflect"
	"unsafe"
)

// qtls-go1-19 (quic-go 0.29's TLS stack) keeps a ticket's
// max_early_data_size inside the unexported nonce field of
// tls.ClientSessionState, as: uint16 revision (1), uint32 max_early_data,
// then the app data and the real nonce (handshake_client_tls13.go,
// handleNewSessionTicket). The client offers early data only when that value
// is non-zero.
const (
	qtlsSessionStateRevision = 1
	qtlsMaxEarlyDataOffset   = 2
)

// forceEarlyData rewrites a stored ticket's max_early_data_size to
// 0xffffffff, so quic-go's client offers early data on it even when the
// server's NewSessionTicket carried no early_data extension. GnuTLS clients
// behave like this, and the selftest uses it to show what a quic-go server
// does then (it aborts the handshake: see tests/interop/README.md).
func forceEarlyData(cs *tls.ClientSessionState) error {
	field := reflect.ValueOf(cs).Elem().FieldByName("nonce")
	if !field.IsValid() || field.Kind() != reflect.Slice || field.Type().Elem().Kind() != reflect.Uint8 {
		return errors.New("tls.ClientSessionState has no nonce []byte field in this Go version")
	}
	// The field is unexported; reach it through its address. The slice is
	// replaced by a patched copy rather than edited in place.
	noncePtr := (*[]byte)(unsafe.Pointer(field.UnsafeAddr()))
	nonce := *noncePtr
	if len(nonce) < qtlsMaxEarlyDataOffset+4 || binary.BigEndian.Uint16(nonce) != qtlsSessionStateRevision {
		return errors.New("the stored session state is not in qtls-go1-19's layout")
	}
	patched := append([]byte(nil), nonce...)
	binary.BigEndian.PutUint32(patched[qtlsMaxEarlyDataOffset:], 0xffffffff)
	*noncePtr = patched
	return nil
}
