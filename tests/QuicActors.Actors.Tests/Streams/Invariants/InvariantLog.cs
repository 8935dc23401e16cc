using System.Collections.Concurrent;
using QuicActors.Streams;
using QuicActors.Transport;

namespace QuicActors.Actors.Tests.Streams.Invariants;

/// <summary>
/// What one scenario saw, from both ends, and the violations of the six lifecycle invariants (ARCHITECTURE.md) found
/// while it ran. Engine-side facts come from <see cref="RecordingConnection"/>; handle-side facts from
/// <see cref="TransitionRecorder"/> and the scenario's reads. Violations are collected, never thrown, so one run
/// reports all of them with its seed.
/// </summary>
internal sealed class InvariantLog
{
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ConcurrentDictionary<(QuicConnectionRole Side, long StreamId), StreamHandle> _handles = new();
    private readonly ConcurrentQueue<TransitionRecorder> _recorders = new();
    private readonly ConcurrentDictionary<(QuicConnectionRole Side, long StreamId), long> _endOfStreamReads = new();

    public IReadOnlyCollection<string> Violations => _violations;

    /// <summary>Releases checked against the handle's half states at the moment of release.</summary>
    public int VerifiedReleases;

    /// <summary>Releases of streams whose handle the scenario never saw (the stream ended before its handler ran).</summary>
    public int UnverifiedReleases;

    /// <summary>Stale handles probed for invariant 5.</summary>
    public int StaleProbes;

    public IEnumerable<TransitionRecorder> Recorders => _recorders;

    public void Violation(string text) => _violations.Enqueue(text);

    /// <summary>A handle reached the application: watch its transitions from now on.</summary>
    public TransitionRecorder Track(QuicConnectionRole side, StreamHandle handle, bool subscribedBeforeAnyEvent)
    {
        _handles[(side, handle.StreamId.Value)] = handle;
        var recorder = new TransitionRecorder(this, side, handle, subscribedBeforeAnyEvent);
        _recorders.Enqueue(recorder);
        return recorder;
    }

    /// <summary>The <paramref name="side"/> application read EOF on <paramref name="streamId"/> after <paramref name="bytes"/> bytes.</summary>
    public void EndOfStreamRead(QuicConnectionRole side, QuicStreamId streamId, long bytes) => _endOfStreamReads[(side, streamId.Value)] = bytes;

    /// <summary>The streams on which the <paramref name="side"/> application read EOF, with the bytes it read before.</summary>
    public IEnumerable<(long StreamId, long Bytes)> EndOfStreamReads(QuicConnectionRole side) =>
        _endOfStreamReads.Where(e => e.Key.Side == side).Select(e => (e.Key.StreamId, e.Value));

    /// <summary>Invariant 2, at the moment the connection actor gives the slot back: both halves must already be terminal.</summary>
    public void CheckReleasable(QuicConnectionRole side, QuicStreamId streamId)
    {
        if (!_handles.TryGetValue((side, streamId.Value), out var handle))
        {
            Interlocked.Increment(ref UnverifiedReleases);
            return;
        }

        Interlocked.Increment(ref VerifiedReleases);
        if (handle.SendState is { } send && !SendStateMachine.IsTerminal(send))
        {
            Violation($"invariant 2: {side} released {streamId} while its send half was {send}");
        }

        if (handle.ReceiveState is { } receive && !ReceiveStateMachine.IsTerminal(receive))
        {
            Violation($"invariant 2: {side} released {streamId} while its receive half was {receive}");
        }
    }
}
