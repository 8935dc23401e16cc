package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/lucas-clemente/quic-go/logging"
	"github.com/lucas-clemente/quic-go/qlog"
)

// Debugging aids for interop failures: qlog traces (one file per connection)
// that qvis or a text editor can read, and SSLKEYLOGFILE so Wireshark can
// decrypt a loopback capture.

// ensureQlogDir creates the --qlog directory, if one was given.
func ensureQlogDir(dir string) error {
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--qlog %s: %w", dir, err)
	}
	return nil
}

// withQlog adds a qlog tracer writing into dir (made by ensureQlogDir) to
// base; an empty dir leaves base as it is.
func withQlog(base logging.Tracer, dir string) logging.Tracer {
	if dir == "" {
		return base
	}
	qlogTracer := qlog.NewTracer(func(p logging.Perspective, connID []byte) io.WriteCloser {
		role := "server"
		if p == logging.PerspectiveClient {
			role = "client"
		}
		path := filepath.Join(dir, fmt.Sprintf("%s-%x.qlog", role, connID))
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "qlog: %v\n", err)
			return nil
		}
		return bufferedFile{Writer: bufio.NewWriter(f), file: f}
	})
	return logging.NewMultiplexedTracer(base, qlogTracer)
}

type bufferedFile struct {
	*bufio.Writer
	file *os.File
}

func (b bufferedFile) Close() error {
	if err := b.Flush(); err != nil {
		_ = b.file.Close()
		return err
	}
	return b.file.Close()
}

// keyLogWriter opens $SSLKEYLOGFILE for appending, or returns nil when unset.
func keyLogWriter() (io.Writer, error) {
	path := os.Getenv("SSLKEYLOGFILE")
	if path == "" {
		return nil, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("SSLKEYLOGFILE %s: %w", path, err)
	}
	return f, nil
}
