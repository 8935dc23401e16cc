package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	quic "github.com/lucas-clemente/quic-go"
)

// runBench churns streams between a quic-go server and a quic-go client in this process, over
// loopback: the reference rate the ngtcp2 engine's churn is compared with.
func runBench(args []string, bulk bool) error {
	name := "bench"
	if bulk {
		name = "bench-bulk"
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	streams := fs.Int("streams", 10000, "streams to churn")
	concurrency := fs.Int("concurrency", 16, "streams in flight at once")
	size := fs.Int("size", 64, "bytes written per stream")
	maxStreams := fs.Int64("max-streams", 100, "server MaxIncomingStreams")
	bytes := fs.Int64("bytes", 256<<20, "bench-bulk: bytes sent on one stream")
	timeout := fs.Duration("timeout", 120*time.Second, "hard limit for the run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q", name, fs.Arg(0))
	}
	if *concurrency < 1 || int64(*concurrency) > *maxStreams {
		return fmt.Errorf("%s: --concurrency %d must be between 1 and --max-streams %d", name, *concurrency, *maxStreams)
	}
	events.streams = false
	events.conns = false
	ln, err := startServer(&serverOptions{
		listen: "127.0.0.1:0", alpn: "quic-actors-bench", mode: "echo", maxStreams: *maxStreams,
		idleTimeout: 30 * time.Second, readBytes: 64,
	})
	if err != nil {
		return err
	}
	defer ln.close()
	o := &clientOptions{
		connect: ln.addr, alpn: "quic-actors-bench", sni: "localhost", insecure: true,
		streams: *streams, concurrency: *concurrency, size: *size, openTimeout: 5 * time.Second,
		readTimeout: 10 * time.Second, timeout: *timeout, mode: "churn", bulkBytes: *bytes,
	}
	tlsConf, err := clientTLS(o.alpn, o.sni, "", true)
	if err != nil {
		return err
	}
	time.AfterFunc(*timeout, func() {
		events.Result(name, "status", "timeout", "after", timeout.String())
		os.Exit(2)
	})
	ref, err := dialClient(o, tlsConf, &quic.Config{MaxIdleTimeout: 30 * time.Second})
	if err != nil {
		return err
	}
	defer ref.get().CloseWithError(0, "bench done")
	if bulk {
		mbps, err := bulkTransfer(ref.get(), *bytes, o.openTimeout)
		if err != nil {
			return err
		}
		events.Raw(fmt.Sprintf("RESULT bulk-quicgo-quicgo %.1f MB/s bytes=%d", mbps, *bytes))
		return nil
	}
	// Reuse the client churn loop, then restate its result under the benchmark's name.
	start := time.Now()
	done, err := churn(o, ref)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	events.Raw(fmt.Sprintf("RESULT churn-quicgo-quicgo %.1f streams/s streams=%d concurrency=%d elapsed_ms=%d",
		float64(done)/elapsed.Seconds(), done, *concurrency, elapsed.Milliseconds()))
	return nil
}
