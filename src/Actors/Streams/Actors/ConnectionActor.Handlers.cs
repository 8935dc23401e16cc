using QuicActors.Kernel;
using QuicActors.Streams.Internal;
using QuicActors.Transport;

namespace QuicActors.Streams;

/// <summary>The public entry points' plumbing: a shared generation tracker for facades and actor-style stream handlers.</summary>
public sealed partial class ConnectionActor
{
    /// <summary>Props whose actor counts generations with <paramref name="generations"/>, so a facade can read the current one without a message.</summary>
    internal static Props Props(IQuicEngineConnection connection, ConnectionActorSettings settings, GenerationTracker generations)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(generations);
        if (generations.ConnectionId != settings.ConnectionId)
        {
            throw new ArgumentException($"The generation tracker belongs to connection {generations.ConnectionId}, the settings name connection {settings.ConnectionId}.", nameof(generations));
        }

        return Kernel.Props.Create(() => new ConnectionActor(connection, settings, generations));
    }

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

    private void ReceiveApiMessages()
    {
        Receive<ReplacementQuery>(OnReplacementQuery);
    }

    /// <summary>
    /// Spawns the bridge that runs an actor-style handler for <paramref name="handle"/>. The bridge is a child of this
    /// actor but not a stream actor: its Terminated is ignored by the release bookkeeping (it is not in the stream maps).
    /// </summary>
    private void SpawnHandlerActor(Props handlerProps, StreamHandle handle)
    {
        var name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"handler-{handle.Stamp.Generation}-{handle.StreamId.Value}");
        Context.ActorOf(StreamHandlerBridge.Props(handle, handlerProps, _settings.HandlerFailureErrorCode), name);
    }

    private sealed record ReplacementQuery(StreamHandleStamp Original, TaskCompletionSource<Task<StreamHandle>> Completion);
}
