using FsCheck;
using FsCheck.Fluent;
using QuicActors.Streams;
using QuicActors.Transport;

namespace QuicActors.Actors.Tests.Streams.Lifecycle;

public sealed class LeakDetectorTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void A_stream_alive_past_the_deadline_is_reported_once_per_crossing_with_its_half_states()
    {
        var detector = new LeakDetector(S(10));
        detector.Register(new QuicStreamId(4), S(1), "Send", "Recv");
        var reports = new List<LeakReport>();

        Assert.Equal(0, detector.Scan(S(10.999), reports));
        detector.UpdateHalfStates(new QuicStreamId(4), "DataSent", "SizeKnown");
        Assert.Equal(1, detector.Scan(S(11), reports));
        Assert.Equal(0, detector.Scan(S(12), reports));
        Assert.Equal(0, detector.Scan(S(20.9), reports));
        Assert.Equal(1, detector.Scan(S(21), reports));

        Assert.Equal(new LeakReport(new QuicStreamId(4), S(1), S(10), 1, "DataSent", "SizeKnown"), reports[0]);
        Assert.Equal(2, reports[1].Crossings);
        Assert.Equal(2, detector.ReportedCount);
        Assert.Equal("stream 4 alive for 00:00:10 (deadline crossed 1x): send DataSent, receive SizeKnown", reports[0].ToString());
    }

    [Fact]
    public void A_late_scan_reports_a_stream_once_at_its_latest_crossing()
    {
        var detector = new LeakDetector(S(1));
        detector.Register(new QuicStreamId(0), S(0));
        var reports = new List<LeakReport>();

        Assert.Equal(1, detector.Scan(S(5.5), reports));
        Assert.Equal(5, reports[0].Crossings);
        Assert.Equal(LeakDetector.AbsentHalf, reports[0].SendHalfState);
        Assert.Equal(S(6), detector.NextDue());
    }

    [Fact]
    public void An_unregistered_stream_is_never_reported_even_if_its_id_comes_back()
    {
        var detector = new LeakDetector(S(1));
        var id = new QuicStreamId(8);
        detector.Register(id, S(0));
        Assert.True(detector.Unregister(id));
        Assert.False(detector.Unregister(id));
        Assert.Null(detector.NextDue());

        detector.Register(id, S(10));
        var reports = new List<LeakReport>();
        Assert.Equal(0, detector.Scan(S(10.5), reports));
        Assert.Equal(1, detector.Scan(S(11), reports));
        Assert.Equal(S(10), reports[0].OpenedAt);
    }

    [Fact]
    public void Registration_rules()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LeakDetector(TimeSpan.Zero));
        var detector = new LeakDetector(S(1));
        Assert.True(detector.Register(new QuicStreamId(0), S(0)));
        Assert.False(detector.Register(new QuicStreamId(0), S(0)));
        Assert.False(detector.UpdateHalfStates(new QuicStreamId(4), "a", "b"));
        Assert.Equal(1, detector.Count);
    }

    [Fact]
    public void Churn_does_not_grow_the_detector()
    {
        var detector = new LeakDetector(S(30));
        for (var i = 0; i < 100_000; i++)
        {
            var id = new QuicStreamId(i * 4L);
            detector.Register(id, S(i * 0.001));
            Assert.True(detector.Unregister(id));
        }

        Assert.Equal(0, detector.Count);
        Assert.Equal(0, detector.Scan(S(1000), []));
        Assert.Null(detector.NextDue());
    }

    internal readonly record struct LeakOp(int Kind, int Stream, int Advance);

    /// <summary>
    /// Random registrations (most at the current time, some back-dated, so first deadlines also come out of order),
    /// unregistrations and scans at random times: a stream is reported exactly when it crossed a new multiple of the
    /// deadline since its last report, never after it was unregistered, oldest crossing first; the next due time is always
    /// the earliest pending crossing. Up to 64 stream IDs, so churn also makes the detector drop its stale entries.
    /// </summary>
    [Fact]
    public void Reports_match_deadline_crossings_exactly()
    {
        var opGen = Gen.Sized(size => Gen.ArrayOf(
            from kind in Gen.Choose(0, 2)
            from stream in Gen.Choose(0, 63)
            from advance in Gen.Choose(0, 40)
            select new LeakOp(kind, stream, advance),
            size * 6));

        Prop.ForAll(opGen.ToArbitrary(), ops =>
        {
            var deadline = S(10);
            var detector = new LeakDetector(deadline);
            var model = new Dictionary<long, (TimeSpan OpenedAt, long Reported)>();
            var now = TimeSpan.Zero;
            var reports = new List<LeakReport>();

            foreach (var op in ops)
            {
                var id = new QuicStreamId(op.Stream * 4L);
                switch (op.Kind)
                {
                    case 0:
                        var registeredAt = op.Advance % 4 == 0 ? now - S(op.Advance % 13) : now;
                        Assert.Equal(!model.ContainsKey(id.Value), detector.Register(id, registeredAt));
                        model.TryAdd(id.Value, (registeredAt, 0));
                        break;
                    case 1:
                        Assert.Equal(model.Remove(id.Value), detector.Unregister(id));
                        break;
                    default:
                        now += S(op.Advance);
                        reports.Clear();
                        var pendingAt = model.ToDictionary(p => p.Key, p => p.Value.OpenedAt + (deadline * (p.Value.Reported + 1)));
                        detector.Scan(now, reports);
                        for (var i = 1; i < reports.Count; i++)
                        {
                            Assert.True(pendingAt[reports[i - 1].StreamId.Value] <= pendingAt[reports[i].StreamId.Value], "reports out of crossing order");
                        }

                        var expected = new HashSet<long>();
                        foreach (var (stream, (openedAt, reported)) in model)
                        {
                            var crossings = (now - openedAt).Ticks / deadline.Ticks;
                            if (crossings > reported)
                            {
                                expected.Add(stream);
                                model[stream] = (openedAt, crossings);
                            }
                        }

                        Assert.Equal(expected.Count, reports.Count);
                        foreach (var report in reports)
                        {
                            Assert.Contains(report.StreamId.Value, expected);
                            Assert.Equal(model[report.StreamId.Value].Reported, report.Crossings);
                        }

                        break;
                }

                Assert.Equal(model.Count, detector.Count);
                TimeSpan? nextDue = model.Count == 0 ? null : model.Values.Min(m => m.OpenedAt + (deadline * (m.Reported + 1)));
                Assert.Equal(nextDue, detector.NextDue());
            }
        }).QuickCheckThrowOnFailure();
    }
}
