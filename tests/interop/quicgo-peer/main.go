// Command quicgo-peer is a quic-go 0.29 peer for QuicActors' interop tests and benchmarks: a
// server with scripted per-stream behaviour, a client with scripted runs, an in-process
// quic-go-to-quic-go benchmark, and a self-signed certificate generator. Every line it prints
// on stdout is meant to be parsed: "LISTENING addr", "EVENT name k=v ...", "RESULT name ...".
package main

import (
	"fmt"
	"os"
)

const usage = `usage:
  quicgo-peer server  --listen 127.0.0.1:0 [--cert cert.pem --key key.pem] [--alpn A] [--mode M]
                      [--max-streams 100] [--datagrams] [--early | --reject-early] [--ticket-key-file F]
                      [--code C] [--read-bytes N] [--exit-after D] [--ignore-stdin] [--quiet]
        modes: echo reply-no-eof hold stop-sending reset datagrams close
  quicgo-peer client  --connect 127.0.0.1:PORT [--insecure | --ca ca.pem] [--alpn A] [--mode M]
                      [--streams N] [--concurrency C] [--size B] [--resume] [--expect-0rtt accepted|rejected]
        modes: echo churn bulk datagrams zero-rtt stop-sending reset
  quicgo-peer bench       [--streams 10000] [--concurrency 16]
  quicgo-peer bench-bulk  [--bytes 268435456]
  quicgo-peer gencert --out DIR
run "quicgo-peer <command> -h" for every flag`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(64)
	}
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "server":
		err = runServer(args)
	case "client":
		err = runClient(args)
	case "bench":
		err = runBench(args, false)
	case "bench-bulk":
		err = runBench(args, true)
	case "gencert":
		err = runGenCert(args)
	case "help", "-h", "--help":
		fmt.Println(usage)
		return
	default:
		fmt.Fprintf(os.Stderr, "quicgo-peer: unknown command %q\n%s\n", cmd, usage)
		os.Exit(64)
	}
	if err == errSilentFailure {
		os.Exit(1)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "quicgo-peer %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}
