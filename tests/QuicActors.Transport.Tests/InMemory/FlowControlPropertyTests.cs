using FsCheck;
using FsCheck.Fluent;
using QuicActors.Transport.InMemory;

namespace QuicActors.Transport.Tests.InMemory;

/// <summary>
/// Random sequences of writes and partial consumption on a pair with small windows: at every step the receiver holds
/// no more unconsumed bytes than its windows allow (RFC 9000 §4.1), and at the end it read exactly what was written.
/// </summary>
public sealed class FlowControlPropertyTests
{
    private const int StreamWindow = 1000;
    private const int ConnectionWindow = 2500;
    private const int Streams = 3;

    /// <summary>
    /// Kind 0: write <see cref="Size"/> bytes (with FIN when <see cref="Fin"/>); kind 1: consume <see cref="Size"/> % of what
    /// is unconsumed; kind 2: let <see cref="Size"/> ms of virtual time pass (delayed frames land).
    /// </summary>
    public sealed record Op(int Kind, int Stream, int Size, bool Fin)
    {
        public override string ToString() => Kind switch
        {
            0 => $"write(s{Stream}, {Size}{(Fin ? ", fin" : "")})",
            1 => $"consume(s{Stream}, {Size}%)",
            _ => $"advance({Size} ms)",
        };
    }

    private static readonly Gen<Op> OpGen =
        from kind in Gen.Frequency((3, Gen.Constant(0)), (2, Gen.Constant(1)), (1, Gen.Constant(2)))
        from stream in Gen.Choose(0, Streams - 1)
        from size in kind == 0 ? Gen.Choose(1, 1500) : Gen.Choose(0, 100)
        from fin in Gen.Frequency((1, Gen.Constant(true)), (12, Gen.Constant(false)))
        select new Op(kind, stream, size, fin);

    [Fact]
    public void Flow_control_invariants_hold_for_random_operation_sequences()
    {
        Prop.ForAll(Gen.ListOf(OpGen).ToArbitrary(), ops => Check(ops, jitter: null)).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Flow_control_invariants_hold_on_a_reordering_wire()
    {
        var jitter = new FaultPlan { DelayProbability = 0.5, MinDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(10) };
        Prop.ForAll(Gen.ListOf(OpGen).ToArbitrary(), ops => Check(ops, jitter)).QuickCheckThrowOnFailure();
    }

    private static bool Check(IEnumerable<Op> ops, FaultPlan? jitter)
    {
        var pair = Sync(InMemoryTestPair.CreateAsync(
            plan: jitter,
            server: new QuicTransportParameters { StreamReceiveWindow = StreamWindow, ConnectionReceiveWindow = ConnectionWindow },
            client: new QuicTransportParameters { StreamSendBufferSize = 500 }));
        try
        {
            var ids = new QuicStreamId[Streams];
            var written = new MemoryStream[Streams];
            var finished = new bool[Streams];
            var consumed = new long[Streams];
            var writes = new List<Task>();
            for (var s = 0; s < Streams; s++)
            {
                Assert.True(pair.Client.TryOpenStream(StreamDirection.Bidirectional, out ids[s]));
                written[s] = new MemoryStream();
            }
            var payload = 0;

            foreach (var op in ops)
            {
                var s = op.Stream;
                if (op.Kind == 0)
                {
                    if (finished[s]) continue;
                    var data = new byte[op.Size];
                    for (var i = 0; i < data.Length; i++) data[i] = (byte)(payload++ * 31);
                    written[s].Write(data);
                    finished[s] = op.Fin;
                    writes.Add(pair.Client.WriteAsync(ids[s], data, op.Fin).AsTask());
                }
                else if (op.Kind == 2)
                {
                    pair.Time.Advance(TimeSpan.FromMilliseconds(op.Size % 20));
                }
                else
                {
                    pair.Drain();
                    var unconsumed = pair.ServerBytes(ids[s]).Length - consumed[s];
                    var n = (int)(unconsumed * op.Size / 100);
                    if (n == 0) continue; // the server may not know the stream yet
                    pair.Server.Consume(ids[s], n);
                    consumed[s] += n;
                }
                pair.Drain();
                AssertWithinWindows(pair, ids, consumed);
            }

            // Finish every stream and read everything: all writes complete and the bytes match, in order.
            for (var s = 0; s < Streams; s++)
            {
                if (!finished[s]) writes.Add(pair.Client.WriteAsync(ids[s], ReadOnlyMemory<byte>.Empty, fin: true).AsTask());
            }
            for (var round = 0; round < 10_000 && !AllFinished(pair, ids); round++)
            {
                pair.Time.Advance(TimeSpan.FromMilliseconds(1));
                pair.Drain();
                AssertWithinWindows(pair, ids, consumed);
                for (var s = 0; s < Streams; s++)
                {
                    var unconsumed = (int)(pair.ServerBytes(ids[s]).Length - consumed[s]);
                    if (unconsumed == 0) continue;
                    pair.Server.Consume(ids[s], unconsumed);
                    consumed[s] += unconsumed;
                }
            }
            Assert.True(AllFinished(pair, ids), "every stream should reach its FIN once the reader consumes everything");
            Assert.All(writes, w => Assert.True(w.IsCompletedSuccessfully, "every write completes once the reader consumed"));
            for (var s = 0; s < Streams; s++) Assert.Equal(written[s].ToArray(), pair.ServerBytes(ids[s]));
            return true;
        }
        finally
        {
            Sync(pair.DisposeAsync());
        }
    }

    private static bool AllFinished(InMemoryTestPair pair, QuicStreamId[] ids)
    {
        pair.Drain();
        return ids.All(id => pair.Trace.Any(t => t.Contains($"server: StreamDataReceived({id},", StringComparison.Ordinal) && t.Contains(", fin)", StringComparison.Ordinal)));
    }

    private static void AssertWithinWindows(InMemoryTestPair pair, QuicStreamId[] ids, long[] consumed)
    {
        long total = 0;
        for (var s = 0; s < ids.Length; s++)
        {
            var unconsumed = pair.ServerBytes(ids[s]).Length - consumed[s];
            Assert.True(unconsumed <= StreamWindow, $"stream {ids[s]} holds {unconsumed} unconsumed bytes, beyond its window of {StreamWindow}");
            total += unconsumed;
        }
        Assert.True(total <= ConnectionWindow, $"the connection holds {total} unconsumed bytes, beyond its window of {ConnectionWindow}");
    }

    private static T Sync<T>(Task<T> task)
    {
        Assert.True(task.Wait(TimeSpan.FromSeconds(10)), "the in-memory engine completes this synchronously");
        return task.Result;
    }

    private static void Sync(ValueTask task)
    {
        Assert.True(task.AsTask().Wait(TimeSpan.FromSeconds(10)), "the in-memory engine completes this synchronously");
    }
}
