using QuicActors.Streams.Internal;

namespace QuicActors.Streams;

/// <summary>An event for <see cref="ReceiveStateMachine.Apply(ReceiveState, ReceiveEvent)"/>.</summary>
/// <remarks>Use the static members; the constructor does not validate the error code.</remarks>
/// <param name="Kind">What happened.</param>
/// <param name="ErrorCode">The application error code of <see cref="ReceiveEventKind.PeerReset"/> and <see cref="ReceiveEventKind.LocalStopSending"/>.</param>
public readonly record struct ReceiveEvent(ReceiveEventKind Kind, ulong ErrorCode = 0)
{
    /// <summary>A STREAM frame without FIN was received.</summary>
    public static ReceiveEvent DataReceived => new(ReceiveEventKind.DataReceived);

    /// <summary>A STREAM frame with FIN was received.</summary>
    public static ReceiveEvent FinReceived => new(ReceiveEventKind.FinReceived);

    /// <summary>Every byte up to the final size has been received.</summary>
    public static ReceiveEvent AllDataReceived => new(ReceiveEventKind.AllDataReceived);

    /// <summary>The application read the end of the stream.</summary>
    public static ReceiveEvent EofRead => new(ReceiveEventKind.EofRead);

    /// <summary>The application was told of the peer's reset.</summary>
    public static ReceiveEvent ResetRead => new(ReceiveEventKind.ResetRead);

    /// <summary>The connection closed.</summary>
    public static ReceiveEvent ConnectionClosed => new(ReceiveEventKind.ConnectionClosed);

    /// <summary>The generation was discarded.</summary>
    public static ReceiveEvent GenerationDiscarded => new(ReceiveEventKind.GenerationDiscarded);

    /// <summary>The peer sent RESET_STREAM with <paramref name="errorCode"/> (at most 2^62-1).</summary>
    public static ReceiveEvent PeerReset(ulong errorCode) =>
        new(ReceiveEventKind.PeerReset, QuicLimits.ValidateErrorCode(errorCode, nameof(errorCode)));

    /// <summary>The application aborted reading with <paramref name="errorCode"/> (at most 2^62-1).</summary>
    public static ReceiveEvent LocalStopSending(ulong errorCode) =>
        new(ReceiveEventKind.LocalStopSending, QuicLimits.ValidateErrorCode(errorCode, nameof(errorCode)));
}
