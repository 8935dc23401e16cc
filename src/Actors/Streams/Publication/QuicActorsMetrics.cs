using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using QuicActors.Streams.Internal;

namespace QuicActors.Streams;

/// <summary>
/// The runtime's instruments, under a <see cref="Meter"/> named <see cref="MeterName"/>: active streams, stream credit
/// available, reclaimed slots, leaks reported and reclaimed by the linger policy, transitions by cause, stream lifetime,
/// and datagram flows. docs/metrics.md lists every instrument with its unit and tags.
/// </summary>
/// <remarks>
/// <para>Connection actors use <see cref="Shared"/> unless <see cref="ConnectionActorSettings.Metrics"/> names another
/// instance: one made with an <see cref="IMeterFactory"/> (dependency injection), or a private one so a test's
/// <see cref="MeterListener"/> sees only its own connections (<c>instrument.Meter == metrics.Meter</c>).</para>
/// <para>Every tag value is a preallocated string, so recording allocates nothing.</para>
/// </remarks>
public sealed class QuicActorsMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "QuicActors";

    private readonly ConcurrentDictionary<ICreditGaugeSource, byte> _creditSources = new();
    private readonly bool _ownsMeter;

    /// <summary>Creates instruments on a meter of its own, named <see cref="MeterName"/>; dispose it when done.</summary>
    public QuicActorsMetrics()
        : this(new Meter(MeterName), ownsMeter: true)
    {
    }

    /// <summary>Creates instruments on a meter made by <paramref name="meterFactory"/> (which owns and disposes it).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="meterFactory"/> is null.</exception>
    public QuicActorsMetrics(IMeterFactory meterFactory)
        : this((meterFactory ?? throw new ArgumentNullException(nameof(meterFactory))).Create(MeterName), ownsMeter: false)
    {
    }

    private QuicActorsMetrics(Meter meter, bool ownsMeter)
    {
        Meter = meter;
        _ownsMeter = ownsMeter;
        ActiveStreams = meter.CreateUpDownCounter<long>("quicactors.streams.active", "{stream}", "Stream actors alive now.");
        meter.CreateObservableGauge("quicactors.streams.credit.available", ObserveCredit, "{stream}",
            "Stream slots free now: inbound, slots the peer may still open (our MAX_STREAMS minus streams in use); outbound, streams we may still open under the peer's MAX_STREAMS (RFC 9000 §4.6).");
        SlotsReclaimed = meter.CreateCounter<long>("quicactors.streams.slots.reclaimed", "{stream}", "Peer stream slots given back to the engine (one MAX_STREAMS increment each), after both halves of the stream were terminal.");
        LeaksReported = meter.CreateCounter<long>("quicactors.streams.leaks.reported", "{report}", "Leak detector reports: a stream still alive past the leak deadline.");
        LeaksReclaimed = meter.CreateCounter<long>("quicactors.streams.leaks.reclaimed", "{stream}", "Streams the application released with a half still open on which the linger policy acted.");
        LingerActions = meter.CreateCounter<long>("quicactors.streams.linger.actions", "{action}", "Actions the linger policy took on released streams, by action.");
        Transitions = meter.CreateCounter<long>("quicactors.streams.transitions", "{transition}", "Half-state transitions (RFC 9000 §3.1, §3.2), by half, new state and cause.");
        StreamLifetime = meter.CreateHistogram<double>("quicactors.streams.lifetime", "s", "From the stream actor's start to its stop.");
        ActiveFlows = meter.CreateUpDownCounter<long>("quicactors.datagrams.flows.active", "{flow}", "Datagram flows bound to live streams (RFC 9297 §2).");
        DatagramsSent = meter.CreateCounter<long>("quicactors.datagrams.sent", "{datagram}", "Flow datagrams handed to the engine.");
        DatagramsRefused = meter.CreateCounter<long>("quicactors.datagrams.refused", "{datagram}", "Flow datagrams the application tried to send and the runtime refused, by reason.");
        DatagramsReceived = meter.CreateCounter<long>("quicactors.datagrams.received", "{datagram}", "Flow datagrams delivered to a stream's datagram queue.");
        DatagramsDropped = meter.CreateCounter<long>("quicactors.datagrams.dropped", "{datagram}", "Received datagrams dropped, by reason.");
    }

    /// <summary>The instance connection actors use unless told otherwise; its meter lives as long as the process.</summary>
    public static QuicActorsMetrics Shared { get; } = new();

    /// <summary>The meter all instruments belong to.</summary>
    public Meter Meter { get; }

    internal UpDownCounter<long> ActiveStreams { get; }

    internal Counter<long> SlotsReclaimed { get; }

    internal Counter<long> LeaksReported { get; }

    internal Counter<long> LeaksReclaimed { get; }

    internal Counter<long> LingerActions { get; }

    internal Counter<long> Transitions { get; }

    internal Histogram<double> StreamLifetime { get; }

    internal UpDownCounter<long> ActiveFlows { get; }

    internal Counter<long> DatagramsSent { get; }

    internal Counter<long> DatagramsRefused { get; }

    internal Counter<long> DatagramsReceived { get; }

    internal Counter<long> DatagramsDropped { get; }

    /// <summary>Disposes the meter when this instance created it (not for <see cref="Shared"/>'s users to call).</summary>
    public void Dispose()
    {
        if (_ownsMeter && !ReferenceEquals(this, Shared))
        {
            Meter.Dispose();
        }
    }

    internal void AddCreditSource(ICreditGaugeSource source) => _creditSources.TryAdd(source, 0);

    internal void RemoveCreditSource(ICreditGaugeSource source) => _creditSources.TryRemove(source, out _);

    private IEnumerable<Measurement<long>> ObserveCredit()
    {
        foreach (var source in _creditSources.Keys)
        {
            var credit = source.ReadCredit();
            yield return new Measurement<long>(credit.InboundBidirectional, MetricTags.InboundSide, MetricTags.Bidirectional);
            yield return new Measurement<long>(credit.InboundUnidirectional, MetricTags.InboundSide, MetricTags.Unidirectional);
            yield return new Measurement<long>(credit.OutboundBidirectional, MetricTags.OutboundSide, MetricTags.Bidirectional);
            yield return new Measurement<long>(credit.OutboundUnidirectional, MetricTags.OutboundSide, MetricTags.Unidirectional);
        }
    }
}
