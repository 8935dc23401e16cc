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
	if err != nil {
		fmt.Fprintf(os.Stderr, "quicgo-peer %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}
