using System.Globalization;

namespace QuicActors.Streams;

/// <summary>The answer of <see cref="LingerPolicy.Decide"/>: actions to take now and when to ask again.</summary>
/// <param name="Actions">What to do now.</param>
/// <param name="StopSendingErrorCode">The code for STOP_SENDING when <see cref="LingerActions.SendStopSending"/> is set.</param>
/// <param name="ResetErrorCode">The code for RESET_STREAM when <see cref="LingerActions.SendReset"/> is set.</param>
/// <param name="RecheckAfter">When a time bound may change the answer, how long from now; null when only a new event can.</param>
public readonly record struct LingerDecision(LingerActions Actions, long StopSendingErrorCode, long ResetErrorCode, TimeSpan? RecheckAfter)
{
    /// <summary>Nothing to do, nothing to wait for.</summary>
    public static LingerDecision Nothing => default;

    /// <summary>Whether <paramref name="action"/> is among <see cref="Actions"/>.</summary>
    public bool Has(LingerActions action) => (Actions & action) == action && action != LingerActions.None;

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Actions} (stop sending {StopSendingErrorCode}, reset {ResetErrorCode}, recheck {RecheckAfter?.ToString() ?? "never"})");
}
