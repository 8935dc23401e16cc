package main

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"time"

	quic "github.com/lucas-clemente/quic-go"
)

const benchALPN = "quic-actors-bench"

// benchPair is a quic-go server and a connected quic-go client over loopback
// in one process: the baseline the ngtcp2 engine's rates are compared with.
type benchPair struct {
	listener quic.Listener
	client   quic.Connection
}

func newBenchPair(maxStreams int64, serve func(quic.Stream)) (*benchPair, error) {
	pair, pool, err := selfSignedPair()
	if err != nil {
		return nil, err
	}
	serverTLS := &tls.Config{Certificates: []tls.Certificate{pair}, NextProtos: []string{benchALPN}}
	ln, err := quic.ListenAddr("127.0.0.1:0", serverTLS, &quic.Config{MaxIncomingStreams: maxStreams, MaxIncomingUniStreams: -1})
	if err != nil {
		return nil, err
	}
	go func() {
		for {
			conn, err := ln.Accept(context.Background())
			if err != nil {
				return
			}
			go func() {
				for {
					str, err := conn.AcceptStream(context.Background())
					if err != nil {
						return
					}
					go serve(str)
				}
			}()
		}
	}()
	clientTLS := &tls.Config{RootCAs: pool, ServerName: "localhost", NextProtos: []string{benchALPN}}
	conn, err := quic.DialAddr(ln.Addr().String(), clientTLS, &quic.Config{MaxIncomingStreams: -1, MaxIncomingUniStreams: -1})
	if err != nil {
		_ = ln.Close()
		return nil, err
	}
	return &benchPair{listener: ln, client: conn}, nil
}

func (p *benchPair) close() {
	_ = p.client.CloseWithError(0, "bench done")
	_ = p.listener.Close()
}

func benchEcho(str quic.Stream) {
	data, err := io.ReadAll(str)
	if err != nil {
		str.CancelWrite(1)
		return
	}
	_, _ = str.Write(data)
	_ = str.Close()
}

// runBenchChurn measures stream churn: each stream carries one 64-byte
// request with FIN and its echo, so the rate is dominated by stream
// open/accept/close and credit (MAX_STREAMS) turnaround, not by bytes.
func runBenchChurn(args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	streams := fs.Int("streams", 20000, "streams to run through")
	concurrency := fs.Int("concurrency", 100, "streams in flight at once")
	maxStreams := fs.Int64("max-streams", 100, "initial_max_streams_bidi the server grants")
	warmup := fs.Int("warmup", 1000, "streams run before measuring")
	timeout := fs.Duration("timeout", 120*time.Second, "bound on the whole run")
	if err := fs.Parse(args); err != nil {
		return badUsage(err)
	}
	if *streams < 1 || *concurrency < 1 || *warmup < 0 {
		return badUsage(fmt.Errorf("--streams %d, --concurrency %d must be positive and --warmup %d not negative", *streams, *concurrency, *warmup))
	}
	pair, err := newBenchPair(*maxStreams, benchEcho)
	if err != nil {
		return err
	}
	defer pair.close()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if *warmup > 0 {
		if _, err := echoStreams(ctx, pair.client, *warmup, *concurrency, bidiEcho); err != nil {
			return fmt.Errorf("warm-up: %w", err)
		}
	}
	elapsed, err := echoStreams(ctx, pair.client, *streams, *concurrency, bidiEcho)
	if err != nil {
		return err
	}
	result("churn-quicgo-quicgo %.0f streams/s", float64(*streams)/elapsed.Seconds())
	return nil
}

// runBenchBulk measures one-stream throughput: the client sends --bytes with
// FIN, the server counts them and answers with the count, which stops the clock.
func runBenchBulk(args []string) error {
	fs := flag.NewFlagSet("bench-bulk", flag.ContinueOnError)
	total := fs.Int64("bytes", 256<<20, "bytes to send on one stream")
	chunk := fs.Int("chunk", 64<<10, "size of each Write")
	timeout := fs.Duration("timeout", 120*time.Second, "bound on the whole run")
	if err := fs.Parse(args); err != nil {
		return badUsage(err)
	}
	if *total < 1 || *chunk < 1 {
		return badUsage(fmt.Errorf("--bytes %d and --chunk %d must be positive", *total, *chunk))
	}
	pair, err := newBenchPair(100, func(str quic.Stream) {
		n, err := io.Copy(io.Discard, str)
		if err != nil {
			str.CancelWrite(1)
			return
		}
		var count [8]byte
		binary.BigEndian.PutUint64(count[:], uint64(n))
		_, _ = str.Write(count[:])
		_ = str.Close()
	})
	if err != nil {
		return err
	}
	defer pair.close()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	str, err := pair.client.OpenStreamSync(ctx)
	if err != nil {
		return err
	}
	deadline, _ := ctx.Deadline()
	_ = str.SetDeadline(deadline)
	buf := make([]byte, *chunk)
	start := time.Now()
	for sent := int64(0); sent < *total; {
		n := int64(len(buf))
		if *total-sent < n {
			n = *total - sent
		}
		if _, err := str.Write(buf[:n]); err != nil {
			return fmt.Errorf("write after %d bytes: %w", sent, err)
		}
		sent += n
	}
	if err := str.Close(); err != nil {
		return err
	}
	reply, err := io.ReadAll(str)
	if err != nil {
		return fmt.Errorf("reading the server's byte count: %w", err)
	}
	elapsed := time.Since(start)
	if len(reply) != 8 || int64(binary.BigEndian.Uint64(reply)) != *total {
		return fmt.Errorf("server counted %x, expected %d bytes", reply, *total)
	}
	// MB here is 10^6 bytes.
	result("bulk-quicgo-quicgo %.1f MB/s", float64(*total)/1e6/elapsed.Seconds())
	return nil
}
