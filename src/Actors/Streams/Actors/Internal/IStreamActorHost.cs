using QuicActors.Kernel;

namespace QuicActors.Streams.Internal;

/// <summary>
/// What a <see cref="StreamActor"/> asks of the connection actor it runs on. Every member is called on the connection
/// actor's turn, from inside the stream's own message handling.
/// </summary>
internal interface IStreamActorHost
{
    /// <summary>Tells the connection actor, after <paramref name="delay"/>, to hand <paramref name="message"/> to <paramref name="stream"/>.</summary>
    ICancelable ScheduleStreamMessage(TimeSpan delay, StreamActor stream, object message);

    /// <summary>Publishes a transition beyond the stream's handle: subscribers, observers, callback, metrics, log, datagram flows.</summary>
    void PublishTransition(in StreamTransition transition);

    /// <summary>The linger policy took <paramref name="newActions"/> on the stream <paramref name="stamp"/>, for the metrics.</summary>
    void OnLingerActed(StreamHandleStamp stamp, LingerActions newActions, bool firstActions);
}
