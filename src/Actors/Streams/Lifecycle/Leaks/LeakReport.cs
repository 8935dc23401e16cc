using System.Globalization;
using QuicActors.Transport;

namespace QuicActors.Streams;

/// <summary>A stream still alive past the leak deadline (invariant 4: every stream terminates), as <see cref="LeakDetector.Scan"/> reports it.</summary>
/// <param name="StreamId">The stream.</param>
/// <param name="OpenedAt">When it was registered, on the host's clock.</param>
/// <param name="Age">How long it has been alive at the scan.</param>
/// <param name="Crossings">Which multiple of the deadline it crossed: 1 the first time, 2 at twice the deadline, and so on.</param>
/// <param name="SendHalfState">The send half's state as last reported by the host ("absent" when there is none).</param>
/// <param name="ReceiveHalfState">The receive half's state as last reported by the host ("absent" when there is none).</param>
public readonly record struct LeakReport(
    QuicStreamId StreamId,
    TimeSpan OpenedAt,
    TimeSpan Age,
    int Crossings,
    string SendHalfState,
    string ReceiveHalfState)
{
    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"stream {StreamId.Value} alive for {Age} (deadline crossed {Crossings}x): send {SendHalfState}, receive {ReceiveHalfState}");
}
