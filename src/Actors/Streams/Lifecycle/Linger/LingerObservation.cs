namespace QuicActors.Streams;

/// <summary>What the host knows about a stream when it asks <see cref="LingerPolicy.Decide"/> what to do.</summary>
/// <param name="Send">The send half's progress.</param>
/// <param name="Receive">The receive half's progress.</param>
/// <param name="ApplicationReleased">Whether the application is done with the stream (released or disposed its handle, or its handler returned).</param>
/// <param name="SinceRelease">Time since the application released the stream; ignored while it has not.</param>
/// <param name="DrainedBytes">Bytes the policy has drained from the receive half since the release.</param>
/// <param name="SinceFinSent">Time since the FIN was sent; used only when <paramref name="Send"/> is <see cref="SendHalfProgress.FinSent"/>.</param>
public readonly record struct LingerObservation(
    SendHalfProgress Send,
    ReceiveHalfProgress Receive,
    bool ApplicationReleased,
    TimeSpan SinceRelease,
    long DrainedBytes,
    TimeSpan SinceFinSent);
