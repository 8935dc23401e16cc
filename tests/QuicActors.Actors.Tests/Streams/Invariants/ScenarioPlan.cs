using System.Globalization;
using QuicActors.Streams;
using QuicActors.Transport;
using QuicActors.Transport.InMemory;

namespace QuicActors.Actors.Tests.Streams.Invariants;

/// <summary>How one side's application treats its receive half.</summary>
internal enum ReadMode
{
    /// <summary>Reads to EOF.</summary>
    ToEof,

    /// <summary>Reads at most <see cref="SideBehaviour.ReadLimit"/> bytes, then stops reading.</summary>
    Some,

    /// <summary>Never reads.</summary>
    None,
}

/// <summary>What one side's application does on one stream, drawn from the scenario's seed.</summary>
internal sealed record SideBehaviour(
    int[] Chunks,
    bool CompleteWrites,
    int? AbortWriteBeforeChunk,
    ReadMode Read,
    int ReadLimit,
    bool AbortReadAfterReading,
    bool ThrowAtEnd)
{
    public static SideBehaviour Draw(Random random, bool mayThrow) => new(
        Chunks: [.. Enumerable.Range(0, random.Next(0, 4)).Select(_ => random.Next(1, 300))],
        CompleteWrites: random.Next(5) != 0,
        AbortWriteBeforeChunk: random.Next(8) == 0 ? random.Next(0, 3) : null,
        Read: (ReadMode)random.Next(3),
        ReadLimit: random.Next(1, 200),
        AbortReadAfterReading: random.Next(8) == 0,
        ThrowAtEnd: mayThrow && random.Next(12) == 0);

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"write [{string.Join(',', Chunks)}]{(CompleteWrites ? "+FIN" : "")}{(AbortWriteBeforeChunk is { } a ? $" abort@{a}" : "")}, read {Read}{(Read == ReadMode.Some ? $"({ReadLimit})" : "")}{(AbortReadAfterReading ? " then abort" : "")}{(ThrowAtEnd ? ", throws" : "")}");
}

/// <summary>
/// One random scenario, all drawn from <see cref="Seed"/>: the server's inbound limit, the linger policy, the faults of the
/// in-memory wire (delays that reorder frames; STOP_SENDING, RESET_STREAM or a close injected by the server's engine),
/// and what each side's application does on each stream.
/// </summary>
internal sealed record ScenarioPlan(
    int Seed,
    int InboundLimit,
    LingerPolicy Linger,
    int Concurrency,
    FaultPlan Faults,
    SideBehaviour[] Client,
    int ServerSeed)
{
    public bool ClosesEarly => Faults.Injections.Any(i => i.Action is FaultAction.Close);

    /// <summary>
    /// The client resumes with a ticket and starts in 0-RTT, and the server rejects it (RFC 9001 §4.6.2): the streams
    /// opened early end with generation 1, the rest run in generation 2.
    /// </summary>
    public bool RejectsEarlyData => Faults.Injections.Any(i => i.Action is FaultAction.RejectEarlyData);

    /// <summary>Whether the server's engine is told to send STOP_SENDING on <paramref name="streamId"/>, behind its runtime's back.</summary>
    public bool InjectsStopSending(long streamId) => Faults.Injections.Any(i => i.Action is FaultAction.StopSending stop && stop.StreamId.Value == streamId);

    /// <summary>Whether the plan injects a RESET_STREAM on <paramref name="streamId"/> (delivered to the server as if the client sent it).</summary>
    public bool InjectsReset(long streamId) => Faults.Injections.Any(i => i.Action is FaultAction.ResetStream reset && reset.StreamId.Value == streamId);

    public static ScenarioPlan Draw(int seed)
    {
        var random = new Random(seed);
        var streams = random.Next(1, 7);
        var client = Enumerable.Range(0, streams).Select(_ => SideBehaviour.Draw(random, mayThrow: false)).ToArray();
        var injections = new List<FaultInjection>();
        for (var i = random.Next(0, 3); i > 0; i--)
        {
            var stream = QuicStreamId.Create(QuicConnectionRole.Client, StreamDirection.Bidirectional, random.Next(0, streams));
            FaultTrigger trigger = random.Next(2) == 0
                ? new FaultTrigger.StreamBytesReceived(stream, random.Next(1, 300))
                : new FaultTrigger.FramesReceived(random.Next(1, 20));
            FaultAction action = random.Next(2) == 0
                ? new FaultAction.StopSending(stream, 0x50 + random.Next(0, 16))
                : new FaultAction.ResetStream(stream, 0x60 + random.Next(0, 16));
            injections.Add(new FaultInjection(trigger, action));
        }

        if (random.Next(8) == 0)
        {
            injections.Add(new FaultInjection(new FaultTrigger.AtTime(TimeSpan.FromMilliseconds(random.Next(0, 200))), new FaultAction.Close(0x70, "injected")));
        }

        if (random.Next(6) == 0)
        {
            // Connection 0 of the client engine only fetches the resumption ticket; connection 1 is the scenario's.
            for (var i = 0; i < injections.Count; i++)
            {
                injections[i] = injections[i] with { Connection = 1 };
            }

            injections.Add(new FaultInjection(new FaultTrigger.AtHandshake(), new FaultAction.RejectEarlyData(), QuicConnectionRole.Server, Connection: 1));
        }

        var delay = random.Next(2) == 0 ? 0 : random.NextDouble() * 0.6;
        return new ScenarioPlan(
            seed,
            InboundLimit: random.Next(1, 4),
            Linger: random.Next(6) == 0 ? LingerPolicy.RawMode : LingerPolicy.Default,
            Concurrency: random.Next(1, 4),
            new FaultPlan { DelayProbability = delay, MinDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(150), Injections = injections },
            client,
            ServerSeed: random.Next());
    }

    /// <summary>The server's behaviour on <paramref name="streamId"/>: drawn from the seed and the stream, so independent of scheduling.</summary>
    public SideBehaviour Server(QuicStreamId streamId) =>
        SideBehaviour.Draw(new Random(unchecked(ServerSeed ^ (int)(streamId.Value * 0x9E3779B1L))), mayThrow: true);

    public override string ToString()
    {
        var faults = string.Join("; ", Faults.Injections.Select(i => $"{i.Trigger} -> {i.Action}"));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"seed {Seed}: {(RejectsEarlyData ? "0-RTT rejected, " : "")}limit {InboundLimit}, linger {Linger.Mode}, concurrency {Concurrency}, delay p={Faults.DelayProbability:0.00}, faults [{faults}]; client streams: {string.Join(" | ", Client.Select(c => c.ToString()))}");
    }
}
