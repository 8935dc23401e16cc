using QuicActors.Kernel;
using QuicActors.Streams;
using QuicActors.TestKit;
using QuicActors.Transport;

namespace QuicActors.Actors.Tests.Streams.Endpoint;

/// <summary>
/// An actor-style handler that handles nothing until a gate opens, against a client that writes 1 MiB: the peer must be
/// held back by flow control (the handler's read-ahead, the server's stream window and the client's send buffer, no more)
/// and then every byte must arrive in order. Shared by the in-memory and the ngtcp2 specs.
/// </summary>
internal static class SlowHandlerScenario
{
    public const long ReadAhead = 16 * 1024;
    private const int Total = 1024 * 1024;
    private const int Chunk = 16 * 1024;

    public static Props HandlerProps(Task gate, IActorRef probe) => Props.Create(() => new GatedCountingHandler(gate, probe));

    /// <param name="client">The client connection; the server runs <see cref="HandlerProps"/> with <see cref="ReadAhead"/>.</param>
    /// <param name="probe">The probe given to <see cref="HandlerProps"/>.</param>
    /// <param name="gate">The gate given to <see cref="HandlerProps"/>, opened here once the writer has stalled.</param>
    /// <param name="windows">The transport parameters of both ends (the server's stream window, the client's send buffer).</param>
    /// <param name="wait">How long any one step may take.</param>
    public static async Task RunAsync(QuicConnection client, TestProbe probe, TaskCompletionSource gate, QuicTransportParameters windows, TimeSpan wait)
    {
        await using var stream = await client.OpenStreamAsync().WaitAsync(wait);
        var payload = new byte[Total];
        for (var i = 0; i < Total; i++)
        {
            payload[i] = (byte)(i % 251);
        }

        long written = 0;
        var writer = Task.Run(async () =>
        {
            for (var offset = 0; offset < Total; offset += Chunk)
            {
                await stream.WriteAsync(payload.AsMemory(offset, Chunk), completeWrites: offset + Chunk == Total);
                Interlocked.Add(ref written, Chunk);
            }
        });

        // The handler sits on its first chunk: the writer gets as far as the windows and the read-ahead let it, and stops.
        var stalled = await WaitUntilSteadyAsync(() => Interlocked.Read(ref written), wait);
        var bound = windows.StreamReceiveWindow + windows.StreamSendBufferSize + ReadAhead + (2 * Chunk);
        Assert.True(stalled < bound, $"the writer got {stalled} bytes out past a handler that handled nothing (bound {bound})");
        Assert.False(writer.IsCompleted);

        gate.SetResult();
        await writer.WaitAsync(wait);
        var (received, inOrder) = probe.ExpectMsg<(long, bool)>(wait);
        Assert.Equal(Total, received);
        Assert.True(inOrder, "the handler saw the bytes out of order");
        probe.FishForMessage(m => m is StreamClosed, wait);
    }

    /// <summary>Polls <paramref name="read"/> on the real clock until it has not changed for 300 ms (at most <paramref name="wait"/>).</summary>
    private static async Task<long> WaitUntilSteadyAsync(Func<long> read, TimeSpan wait)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var last = read();
        var steadySince = clock.Elapsed;
        while (clock.Elapsed < wait)
        {
            await Task.Delay(20);
            var now = read();
            if (now != last)
            {
                (last, steadySince) = (now, clock.Elapsed);
            }
            else if (clock.Elapsed - steadySince >= TimeSpan.FromMilliseconds(300))
            {
                return now;
            }
        }

        return last;
    }

    /// <summary>Waits for the gate on its first chunk, checks the byte pattern, and reports the count at the end of the data.</summary>
    private sealed class GatedCountingHandler : ReceiveActor
    {
        private long _received;
        private bool _inOrder = true;

        public GatedCountingHandler(Task gate, IActorRef probe)
        {
            var first = true;
            ReceiveAsync<StreamData>(async data =>
            {
                if (first)
                {
                    first = false;
                    await gate;
                }

                foreach (var b in data.Data.Span)
                {
                    _inOrder &= b == (byte)(_received++ % 251);
                }
            });
            Receive<StreamEndOfData>(_ =>
            {
                probe.Tell((_received, _inOrder), Self);
                Sender.Tell(StreamCompleteWrites.Instance, Self);
            });
            Receive<StreamClosed>(m => probe.Tell(m, Self));
            ReceiveAny(_ => { });
        }
    }
}
