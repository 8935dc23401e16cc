using FsCheck;
using FsCheck.Fluent;
using QuicActors.Streams;
using QuicActors.Transport;

namespace QuicActors.Actors.Tests.Streams.Lifecycle;

public sealed class GenerationTrackerTests
{
    private static readonly QuicStreamId Stream0 = new(0);

    [Fact]
    public void A_connection_starts_in_generation_1_and_its_stamps_are_admitted()
    {
        var tracker = new GenerationTracker(3);
        var stamp = tracker.Stamp(Stream0);

        Assert.Equal(new StreamHandleStamp(3, 1, Stream0), stamp);
        Assert.True(tracker.IsCurrent(stamp));
        Assert.True(tracker.TryAdmit(stamp));
        Assert.Equal(0L, tracker.RefusedCount);
    }

    [Fact]
    public void After_0rtt_rejection_every_old_stamp_is_stale_even_for_the_same_stream_id()
    {
        var tracker = new GenerationTracker(3);
        var old = tracker.Stamp(Stream0);

        var next = tracker.BeginNextGeneration();
        var fresh = tracker.Stamp(Stream0);

        Assert.Equal(new ConnectionGeneration(3, 2), next);
        Assert.False(tracker.IsCurrent(old));
        Assert.False(tracker.TryAdmit(old));
        Assert.Equal(CommandAdmission.StaleGeneration, tracker.Check(old));
        Assert.True(tracker.TryAdmit(fresh));
        Assert.Equal(1L, tracker.RefusedCount);
    }

    [Fact]
    public void A_stale_handle_exception_names_the_stamp_and_the_current_generation()
    {
        var tracker = new GenerationTracker(3);
        var old = tracker.Stamp(Stream0);
        tracker.BeginNextGeneration();

        var ex = Assert.Throws<StaleHandleException>(() => tracker.ThrowIfNotAdmitted(old));

        Assert.Equal("stream 0 of connection 3 generation 1 is stale: the connection is now in generation 2 (0-RTT was rejected); nothing was sent", ex.Message);
        Assert.Equal(old, ex.Stamp);
        Assert.Equal(2, ex.CurrentGeneration);
        Assert.False(ex.ConnectionClosed);
        Assert.IsAssignableFrom<InvalidOperationException>(ex);
    }

    [Fact]
    public void After_close_no_stamp_is_admitted_and_no_generation_can_start()
    {
        var tracker = new GenerationTracker(7);
        var stamp = tracker.Stamp(new QuicStreamId(4));
        tracker.Close();

        Assert.False(tracker.TryAdmit(stamp));
        var ex = Assert.Throws<StaleHandleException>(() => tracker.ThrowIfNotAdmitted(stamp));
        Assert.True(ex.ConnectionClosed);
        Assert.Contains("stream 4 of connection 7 generation 1 is stale: the connection has closed", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => tracker.BeginNextGeneration());
    }

    [Fact]
    public void A_stamp_of_another_connection_or_a_future_generation_is_a_host_error()
    {
        var tracker = new GenerationTracker(1);

        Assert.Equal(CommandAdmission.ForeignStamp, tracker.Check(new StreamHandleStamp(2, 1, Stream0)));
        Assert.Equal(CommandAdmission.ForeignStamp, tracker.Check(new StreamHandleStamp(1, 2, Stream0)));
        Assert.Equal(CommandAdmission.ForeignStamp, tracker.Check(new StreamHandleStamp(1, 0, Stream0)));
        var ex = Assert.Throws<ArgumentException>(() => tracker.ThrowIfNotAdmitted(new StreamHandleStamp(2, 1, Stream0)));
        Assert.Contains("stream 0 of connection 2 generation 1", ex.Message, StringComparison.Ordinal);
        Assert.False(tracker.TryAdmit(new StreamHandleStamp(2, 1, Stream0)));
    }

    internal enum GateOpKind
    {
        NewHandle,
        Command,
        BeginNextGeneration,
        Close,
    }

    internal readonly record struct GateOp(GateOpKind Kind, int Pick)
    {
        public override string ToString() => $"{Kind}({Pick})";
    }

    private static readonly Gen<GateOp[]> GateOpsGen = Gen.Sized(size => Gen.ArrayOf(
        from kind in Gen.Frequency(
            (3, Gen.Constant(GateOpKind.NewHandle)),
            (8, Gen.Constant(GateOpKind.Command)),
            (2, Gen.Constant(GateOpKind.BeginNextGeneration)),
            (1, Gen.Constant(GateOpKind.Close)))
        from pick in Gen.Choose(0, 10_000)
        select new GateOp(kind, pick),
        size * 4));

    /// <summary>
    /// Invariant 5: handles of every generation issue commands in any interleaving with generation changes and a close;
    /// a "wire" records what the gate let through. Nothing of generation g is admitted after g ended, and every command
    /// of the current generation is.
    /// </summary>
    [Fact]
    public void No_command_of_an_ended_generation_is_ever_admitted()
    {
        Prop.ForAll(GateOpsGen.ToArbitrary(), ops =>
        {
            var tracker = new GenerationTracker(42);
            var handles = new List<StreamHandleStamp>();
            var endedAt = new Dictionary<int, int>();
            var wire = new List<(int Step, StreamHandleStamp Stamp)>();
            var refused = 0L;
            var closed = false;
            var generation = 1;

            for (var step = 0; step < ops.Length; step++)
            {
                var op = ops[step];
                switch (op.Kind)
                {
                    case GateOpKind.NewHandle when !closed:
                        handles.Add(tracker.Stamp(new QuicStreamId((op.Pick % 8) * 4)));
                        break;
                    case GateOpKind.Command when handles.Count > 0:
                        var stamp = handles[op.Pick % handles.Count];
                        var admitted = op.Pick % 2 == 0 ? tracker.TryAdmit(stamp) : TryThrowing(tracker, stamp);
                        Assert.Equal(!closed && stamp.Generation == generation, admitted);
                        if (admitted)
                        {
                            wire.Add((step, stamp));
                        }
                        else
                        {
                            refused++;
                        }

                        break;
                    case GateOpKind.BeginNextGeneration when !closed:
                        endedAt[generation] = step;
                        generation = tracker.BeginNextGeneration().Generation;
                        break;
                    case GateOpKind.Close when !closed && op.Pick % 4 == 0:
                        endedAt[generation] = step;
                        tracker.Close();
                        closed = true;
                        break;
                }
            }

            foreach (var (step, stamp) in wire)
            {
                Assert.False(endedAt.TryGetValue(stamp.Generation, out var end) && step > end, $"{stamp} reached the wire at step {step} after its generation ended at step {end}");
            }

            Assert.Equal(refused, tracker.RefusedCount);
        }).QuickCheckThrowOnFailure();
    }

    private static bool TryThrowing(GenerationTracker tracker, StreamHandleStamp stamp)
    {
        try
        {
            tracker.ThrowIfNotAdmitted(stamp);
            return true;
        }
        catch (StaleHandleException ex)
        {
            Assert.Equal(stamp, ex.Stamp);
            return false;
        }
    }
}
