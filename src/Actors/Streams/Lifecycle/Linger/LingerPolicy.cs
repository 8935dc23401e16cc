using System.Globalization;

namespace QuicActors.Streams;

/// <summary>
/// What the runtime does with a stream the application let go of while a half was not terminal, so that a careless
/// handler cannot keep a stream slot (RFC 9000 §4.6) forever: the receive half is drained up to a byte and a time bound
/// and then stopped with STOP_SENDING (§3.5); the send half is finished with FIN and reset with RESET_STREAM if the FIN is
/// not acknowledged in time. In <see cref="LingerMode.Raw"/> the policy never acts.
/// </summary>
public sealed record LingerPolicy
{
    private readonly long _receiveDrainMaxBytes = 64 * 1024;
    private readonly TimeSpan _receiveDrainMaxTime = TimeSpan.FromSeconds(1);
    private readonly TimeSpan _finAckTimeout = TimeSpan.FromSeconds(5);
    private readonly long _stopSendingErrorCode;
    private readonly long _resetErrorCode;

    /// <summary>The default policy: linger, drain up to 64 KiB for 1 s, reset 5 s after an unacknowledged FIN, codes 0.</summary>
    public static LingerPolicy Default { get; } = new();

    /// <summary>The policy that never acts.</summary>
    public static LingerPolicy RawMode { get; } = new() { Mode = LingerMode.Raw };

    /// <summary>Whether the policy acts at all.</summary>
    public LingerMode Mode { get; init; } = LingerMode.Linger;

    /// <summary>At most this many bytes are drained from a released receive half before STOP_SENDING; 0 stops at once.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public long ReceiveDrainMaxBytes
    {
        get => _receiveDrainMaxBytes;
        init => _receiveDrainMaxBytes = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(ReceiveDrainMaxBytes), value, "The drain byte bound cannot be negative.");
    }

    /// <summary>A released receive half is drained at most this long before STOP_SENDING.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public TimeSpan ReceiveDrainMaxTime
    {
        get => _receiveDrainMaxTime;
        init => _receiveDrainMaxTime = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(ReceiveDrainMaxTime), value, "The drain time bound cannot be negative.");
    }

    /// <summary>How long a FIN may stay unacknowledged before the send half is reset.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public TimeSpan FinAckTimeout
    {
        get => _finAckTimeout;
        init => _finAckTimeout = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(FinAckTimeout), value, "The FIN acknowledgement timeout cannot be negative.");
    }

    /// <summary>The application error code of the STOP_SENDING the policy sends (0 to 2^62-1, RFC 9000 §20.2).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0..2^62-1.</exception>
    public long StopSendingErrorCode
    {
        get => _stopSendingErrorCode;
        init => _stopSendingErrorCode = CheckErrorCode(value, nameof(StopSendingErrorCode));
    }

    /// <summary>The application error code of the RESET_STREAM the policy sends (0 to 2^62-1, RFC 9000 §20.2).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0..2^62-1.</exception>
    public long ResetErrorCode
    {
        get => _resetErrorCode;
        init => _resetErrorCode = CheckErrorCode(value, nameof(ResetErrorCode));
    }

    /// <summary>
    /// Decides what to do now for one stream. Pure: the same observation gives the same answer. Nothing happens while
    /// the application still holds the stream, nor ever in <see cref="LingerMode.Raw"/>.
    /// </summary>
    /// <remarks>
    /// Receive half <see cref="ReceiveHalfProgress.Open"/>: <see cref="LingerActions.Drain"/> until
    /// <see cref="ReceiveDrainMaxBytes"/> were drained or <see cref="ReceiveDrainMaxTime"/> passed since the release, then
    /// <see cref="LingerActions.SendStopSending"/>. Send half <see cref="SendHalfProgress.Open"/>:
    /// <see cref="LingerActions.SendFin"/>; <see cref="SendHalfProgress.FinSent"/> for <see cref="FinAckTimeout"/> or more:
    /// <see cref="LingerActions.SendReset"/>. Other half states need nothing.
    /// </remarks>
    public LingerDecision Decide(in LingerObservation observation)
    {
        if (Mode == LingerMode.Raw || !observation.ApplicationReleased)
        {
            return LingerDecision.Nothing;
        }

        var actions = LingerActions.None;
        TimeSpan? recheck = null;

        if (observation.Receive == ReceiveHalfProgress.Open)
        {
            if (observation.DrainedBytes >= ReceiveDrainMaxBytes || observation.SinceRelease >= ReceiveDrainMaxTime)
            {
                actions |= LingerActions.SendStopSending;
            }
            else
            {
                actions |= LingerActions.Drain;
                recheck = ReceiveDrainMaxTime - observation.SinceRelease;
            }
        }

        switch (observation.Send)
        {
            case SendHalfProgress.Open:
                actions |= LingerActions.SendFin;
                recheck = Earliest(recheck, FinAckTimeout);
                break;
            case SendHalfProgress.FinSent when observation.SinceFinSent >= FinAckTimeout:
                actions |= LingerActions.SendReset;
                break;
            case SendHalfProgress.FinSent:
                recheck = Earliest(recheck, FinAckTimeout - observation.SinceFinSent);
                break;
        }

        return new LingerDecision(
            actions,
            (actions & LingerActions.SendStopSending) != 0 ? StopSendingErrorCode : 0,
            (actions & LingerActions.SendReset) != 0 ? ResetErrorCode : 0,
            recheck);
    }

    private static TimeSpan Earliest(TimeSpan? a, TimeSpan b) => a is { } value && value < b ? value : b;

    private static long CheckErrorCode(long value, string name) =>
        value is >= 0 and <= (1L << 62) - 1
            ? value
            : throw new ArgumentOutOfRangeException(name, value, string.Create(CultureInfo.InvariantCulture, $"{name} must be between 0 and 2^62-1 (RFC 9000 §20.2)."));
}
