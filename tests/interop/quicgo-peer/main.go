// Command quicgo-peer is a QUIC peer built on quic-go 0.29 (Debian's
// golang-github-lucas-clemente-quic-go-dev). The QuicActors interop tests start
// it as a subprocess to check the ngtcp2 engine against an implementation
// written by someone else, and the benchmark uses it for a Go-to-Go baseline.
//
// Output contract: the server prints one "LISTENING <addr>" line, then one
// "EVENT ..." line per observable protocol event; clients and benchmarks print
// "RESULT ..." lines. Everything else goes to stderr. See tests/interop/README.md.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
)

const usage = `usage: quicgo-peer <command> [flags]

commands:
  server      listen and serve one behaviour per accepted stream (--mode)
  client      connect to a server and run one scenario (--mode)
  bench       Go server + Go client in one process: stream churn rate
  bench-bulk  Go server + Go client in one process: one-stream throughput
  gencert     write a self-signed ECDSA P-256 certificate for localhost/127.0.0.1

run "quicgo-peer <command> -h" for the flags of a command.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	args := os.Args[2:]
	switch os.Args[1] {
	case "server":
		err = runServer(args)
	case "client":
		err = runClient(args)
	case "bench":
		err = runBenchChurn(args)
	case "bench-bulk":
		err = runBenchBulk(args)
	case "gencert":
		err = runGenCert(args)
	case "-h", "-help", "--help", "help":
		fmt.Print(usage)
		return
	default:
		fmt.Fprintf(os.Stderr, "quicgo-peer: unknown command %q\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	var usageErr usageError
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		// The flag set has already printed its usage.
	case errors.As(err, &usageErr):
		fmt.Fprintf(os.Stderr, "quicgo-peer %s: %v\n", os.Args[1], usageErr.err)
		os.Exit(2)
	default:
		fmt.Fprintf(os.Stderr, "quicgo-peer %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

// usageError marks a bad command line (exit code 2) as opposed to a failed
// run (exit code 1).
type usageError struct {
	err error
}

func (e usageError) Error() string { return e.err.Error() }

func (e usageError) Unwrap() error { return e.err }

func badUsage(err error) error {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return err
	}
	return usageError{err: err}
}
