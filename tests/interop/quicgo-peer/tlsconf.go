package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"
	"unsafe"
)

// selfSigned creates an ECDSA P-256 certificate for localhost, 127.0.0.1 and ::1 that is its own
// CA, returned as PEM blocks.
func selfSigned() (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "localhost", Organization: []string{"QuicActors interop tests"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(2 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	return certPEM, keyPEM, nil
}

// genCert writes cert.pem, key.pem and ca.pem (a copy of cert.pem, since the certificate is
// self-signed) into dir.
func genCert(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	certPEM, keyPEM, err := selfSigned()
	if err != nil {
		return err
	}
	files := []struct {
		name string
		data []byte
		mode fs.FileMode
	}{{"cert.pem", certPEM, 0o644}, {"key.pem", keyPEM, 0o600}, {"ca.pem", certPEM, 0o644}}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, f.mode); err != nil {
			return err
		}
	}
	return nil
}

// serverCertificate loads the PEM pair, or makes an ephemeral self-signed one when both paths are empty.
func serverCertificate(certFile, keyFile string) (tls.Certificate, error) {
	if certFile == "" && keyFile == "" {
		certPEM, keyPEM, err := selfSigned()
		if err != nil {
			return tls.Certificate{}, err
		}
		return tls.X509KeyPair(certPEM, keyPEM)
	}
	if certFile == "" || keyFile == "" {
		return tls.Certificate{}, errors.New("--cert and --key must be given together (or neither, for an ephemeral self-signed certificate)")
	}
	c, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("loading --cert %q / --key %q: %v", certFile, keyFile, err)
	}
	return c, nil
}

// ticketKey reads the 32-byte session ticket key stored as hex in path, creating the file with a
// random key when it does not exist. Two server processes given the same file can resume each
// other's session tickets; that is how a test restarts a server and still gets resumption.
func ticketKey(path string) ([32]byte, error) {
	var key [32]byte
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if _, err := rand.Read(key[:]); err != nil {
			return key, err
		}
		return key, os.WriteFile(path, []byte(hex.EncodeToString(key[:])+"\n"), 0o600)
	}
	if err != nil {
		return key, fmt.Errorf("--ticket-key-file %q: %v", path, err)
	}
	raw, err := hex.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(raw) != 32 {
		return key, fmt.Errorf("--ticket-key-file %q must hold 64 hex digits (32 bytes)", path)
	}
	copy(key[:], raw)
	return key, nil
}

func randomTicketKey() [32]byte {
	var key [32]byte
	if _, err := rand.Read(key[:]); err != nil {
		panic(err)
	}
	return key
}

// clientTLS builds the client's TLS configuration. Verification is on unless --insecure.
func clientTLS(alpn, sni, caFile string, insecure bool) (*tls.Config, error) {
	conf := &tls.Config{
		NextProtos:         []string{alpn},
		ServerName:         sni,
		InsecureSkipVerify: insecure,
		ClientSessionCache: newLoggingSessionCache(),
	}
	if caFile != "" {
		pemData, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("--ca %q: %v", caFile, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pemData) {
			return nil, fmt.Errorf("--ca %q holds no PEM certificate", caFile)
		}
		conf.RootCAs = pool
	}
	return conf, nil
}

// loggingSessionCache wraps the standard LRU cache so the output says when a ticket was
// stored and when one was offered: a test can then tell "0-RTT rejected" from "no ticket".
type loggingSessionCache struct {
	inner tls.ClientSessionCache
	onPut func() // set before the first dial; called for every stored ticket
	// forceEarlyData marks every stored ticket as allowing 0-RTT, so this client offers early
	// data even on a ticket from a server that does not accept it, as GnuTLS clients do.
	forceEarlyData bool
}

func newLoggingSessionCache() *loggingSessionCache {
	return &loggingSessionCache{inner: tls.NewLRUClientSessionCache(16)}
}

func (c *loggingSessionCache) Get(key string) (*tls.ClientSessionState, bool) {
	s, ok := c.inner.Get(key)
	if ok {
		events.Event("session-ticket-offered", "key", key)
	}
	return s, ok
}

func (c *loggingSessionCache) Put(key string, s *tls.ClientSessionState) {
	if s != nil {
		events.Event("session-ticket-received", "key", key, "early-data-allowed", ticketAllowsEarlyData(s))
		if c.forceEarlyData && !ticketAllowsEarlyData(s) {
			forceTicketEarlyData(s)
			events.Event("session-ticket-forced-early-data", "key", key)
		}
	}
	c.inner.Put(key, s)
	if s != nil && c.onPut != nil {
		c.onPut()
	}
}

func runGenCert(args []string) error {
	fs := flag.NewFlagSet("gencert", flag.ContinueOnError)
	out := fs.String("out", "", "directory to write cert.pem, key.pem and ca.pem into (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return errors.New("gencert: usage: gencert --out DIR")
	}
	if err := genCert(*out); err != nil {
		return err
	}
	fmt.Println("CERT " + filepath.Join(*out, "cert.pem"))
	return nil
}

// qtls (quic-go 0.29's TLS) keeps the ticket's max_early_data_size in the unexported nonce field
// of tls.ClientSessionState, encoded as: version (2 bytes), max_early_data (4 bytes, big
// endian), app data, nonce. These two helpers read and overwrite it, for the test-only
// --force-early-data flag.
func ticketEarlyDataField(s *tls.ClientSessionState) []byte {
	f := reflect.ValueOf(s).Elem().FieldByName("nonce")
	if !f.IsValid() || f.Kind() != reflect.Slice {
		return nil
	}
	b := *(*[]byte)(unsafe.Pointer(f.UnsafeAddr()))
	if len(b) < 6 {
		return nil
	}
	return b[2:6]
}

func ticketAllowsEarlyData(s *tls.ClientSessionState) bool {
	f := ticketEarlyDataField(s)
	return f != nil && binary.BigEndian.Uint32(f) > 0
}

func forceTicketEarlyData(s *tls.ClientSessionState) {
	if f := ticketEarlyDataField(s); f != nil {
		binary.BigEndian.PutUint32(f, 0xffffffff)
	}
}
