using QuicActors.Kernel;
using QuicActors.Streams.Internal;
using QuicActors.Transport;

namespace QuicActors.Streams;

/// <summary>
/// The 0-RTT replay policy (RFC 9001 §4.6.2): while a client's early phase lasts, remember the streams it opens and the
/// bytes written on them; when the server rejects early data, re-open each early stream in the new generation and
/// re-send its bytes, under <see cref="EarlyDataReplayPolicy.Replay"/>.
/// </summary>
public sealed partial class ConnectionActor
{
    private readonly List<EarlyStream> _earlyStreams = [];
    private readonly Dictionary<StreamHandleStamp, Task<StreamHandle>> _replacements = [];
    private readonly List<ReplacementQuery> _parkedReplacementQueries = [];
    private bool _earlyPhaseOver;
    private long _earlyBytes;

    /// <summary>
    /// Asks for the handle that replaced <paramref name="earlyHandle"/> after a 0-RTT rejection under
    /// <see cref="EarlyDataReplayPolicy.Replay"/>. Completes once the stream was re-opened and its early bytes re-sent.
    /// </summary>
    /// <exception cref="InvalidOperationException">(In the task) the stream was not replayed: the policy is <see cref="EarlyDataReplayPolicy.Fail"/>, it was not opened in 0-RTT, 0-RTT was not rejected, it was aborted, or its bytes exceeded <see cref="ConnectionActorSettings.EarlyDataReplayMaxBytes"/>.</exception>
    public static Task<StreamHandle> GetReplacementAsync(IActorRef connectionActor, StreamHandle earlyHandle)
    {
        ArgumentNullException.ThrowIfNull(connectionActor);
        ArgumentNullException.ThrowIfNull(earlyHandle);
        var completion = new TaskCompletionSource<Task<StreamHandle>>(TaskCreationOptions.RunContinuationsAsynchronously);
        connectionActor.Tell(new ReplacementQuery(earlyHandle.Stamp, completion), ActorRefs.NoSender);
        return completion.Task.Unwrap();
    }

    /// <summary>Whether commands are being recorded: a client replaying early streams, before the 0-RTT outcome.</summary>
    private bool RecordingEarlyStreams =>
        !_earlyPhaseOver && _settings.EarlyDataReplay == EarlyDataReplayPolicy.Replay && _connection.Role == QuicConnectionRole.Client;

    private void RememberEarlyStream(StreamHandle handle)
    {
        if (RecordingEarlyStreams)
        {
            _earlyStreams.Add(new EarlyStream(handle.Stamp));
        }
    }

    /// <summary>
    /// The early stream <paramref name="stamp"/>, if recorded. A method of its own: a lambda capturing the command would make
    /// every command through the connection allocate its closure, recording or not.
    /// </summary>
    private EarlyStream? FindEarlyStream(StreamHandleStamp stamp) => _earlyStreams.Find(e => e.Stamp == stamp);

    /// <summary>Called for each admitted handle command: keeps a copy of the bytes of early writes.</summary>
    private void RecordEarlyCommand(IStreamCommand command)
    {
        if (!RecordingEarlyStreams || command is not (WriteCommand or AbortCommand))
        {
            return;
        }

        var early = FindEarlyStream(command.Stamp);
        if (early is null || early.Abandoned is not null)
        {
            return;
        }

        if (command is AbortCommand abort)
        {
            early.Abandon($"it was aborted (code {abort.ErrorCode}) in 0-RTT");
            return;
        }

        var write = (WriteCommand)command;
        if (_earlyBytes + write.Data.Length > _settings.EarlyDataReplayMaxBytes)
        {
            _earlyBytes -= early.Bytes;
            early.Abandon($"the bytes written in 0-RTT exceed EarlyDataReplayMaxBytes ({_settings.EarlyDataReplayMaxBytes})");
            return;
        }

        if (!write.Data.IsEmpty)
        {
            early.Chunks.Add(write.Data.ToArray());
            early.Bytes += write.Data.Length;
            _earlyBytes += write.Data.Length;
        }

        early.Fin |= write.Fin;
    }

    /// <summary>The handshake completed: 0-RTT was accepted or never used, or its rejection was already handled.</summary>
    private void EndEarlyPhase()
    {
        _earlyPhaseOver = true;
        _earlyStreams.Clear();
        _earlyBytes = 0;
        AnswerParkedReplacementQueries();
    }

    /// <summary>Runs in the new generation, right after the ledgers were rebuilt: queue a re-open for each early stream.</summary>
    private void ReplayEarlyStreams()
    {
        var replaying = RecordingEarlyStreams;
        _earlyPhaseOver = true;
        if (!replaying)
        {
            return;
        }

        var system = Context.System;
        foreach (var early in _earlyStreams)
        {
            if (early.Abandoned is { } reason)
            {
                _replacements[early.Stamp] = Task.FromException<StreamHandle>(new InvalidOperationException($"The early {early.Stamp} was not replayed: {reason}."));
                continue;
            }

            var opened = new TaskCompletionSource<StreamHandle>(TaskCreationOptions.RunContinuationsAsynchronously);
            _replacements[early.Stamp] = ResendAsync(early, opened.Task, system);
            OnOpenStream(new OpenStreamRequest(early.Stamp.StreamId.Direction, _settings.OpenTimeout, opened));
        }

        system.Log.Information("Connection {ConnectionId}: replaying {Count} early streams in {Generation}", _settings.ConnectionId, _earlyStreams.Count, _generations.Current);
        _earlyStreams.Clear();
        _earlyBytes = 0;
        AnswerParkedReplacementQueries();
    }

    /// <summary>
    /// Re-sends the early bytes on the re-opened stream. The writes are issued before the caller gets the handle, so the
    /// caller's own writes queue behind them (commands from one thread reach the connection actor in order).
    /// </summary>
    private static async Task<StreamHandle> ResendAsync(EarlyStream early, Task<StreamHandle> opened, Kernel.ActorSystem system)
    {
        var handle = await opened.ConfigureAwait(false);
        for (var i = 0; i < early.Chunks.Count; i++)
        {
            ObserveFailure(handle.WriteAsync(early.Chunks[i], completeWrites: early.Fin && i == early.Chunks.Count - 1), handle, system);
        }

        if (early.Fin && early.Chunks.Count == 0)
        {
            ObserveFailure(handle.CompleteWritesAsync(), handle, system);
        }

        system.EventStream.Publish(new EarlyStreamReplayed(early.Stamp, handle, early.Bytes, early.Fin));
        return handle;
    }

    private static void ObserveFailure(Task write, StreamHandle handle, Kernel.ActorSystem system) =>
        write.ContinueWith(
            t => system.Log.Debug(t.Exception, "Replayed write on {Stream} failed", handle.Stamp),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    /// <summary>A query about an early stream whose fate is not known yet waits for the 0-RTT outcome.</summary>
    private void OnReplacementQuery(ReplacementQuery query)
    {
        if (RecordingEarlyStreams && _earlyStreams.Exists(e => e.Stamp == query.Original))
        {
            _parkedReplacementQueries.Add(query);
            return;
        }

        query.Completion.TrySetResult(ReplacementFor(query.Original));
    }

    private void FailParkedReplacementQueries()
    {
        foreach (var query in _parkedReplacementQueries)
        {
            query.Completion.TrySetException(new InvalidOperationException($"No replacement for {query.Original}: the connection actor stopped before the 0-RTT outcome."));
        }

        _parkedReplacementQueries.Clear();
    }

    private void AnswerParkedReplacementQueries()
    {
        foreach (var query in _parkedReplacementQueries)
        {
            query.Completion.TrySetResult(ReplacementFor(query.Original));
        }

        _parkedReplacementQueries.Clear();
    }

    private Task<StreamHandle> ReplacementFor(StreamHandleStamp original)
    {
        if (_replacements.TryGetValue(original, out var replacement))
        {
            return replacement;
        }

        var why = _settings.EarlyDataReplay == EarlyDataReplayPolicy.Fail ? "the connection's 0-RTT replay policy is Fail"
            : _generations.IsCurrent(original) ? "its generation is still current (only the streams of a generation ended by a 0-RTT rejection are replaced)"
            : "it was not a stream opened in 0-RTT";
        return Task.FromException<StreamHandle>(new InvalidOperationException($"No replacement for {original}: {why}."));
    }

    private sealed class EarlyStream(StreamHandleStamp stamp)
    {
        public StreamHandleStamp Stamp { get; } = stamp;

        public List<byte[]> Chunks { get; } = [];

        public long Bytes { get; set; }

        public bool Fin { get; set; }

        public string? Abandoned { get; private set; }

        public void Abandon(string reason)
        {
            Abandoned = reason;
            Chunks.Clear();
            Bytes = 0;
        }
    }

    private sealed record ReplacementQuery(StreamHandleStamp Original, TaskCompletionSource<Task<StreamHandle>> Completion);
}
