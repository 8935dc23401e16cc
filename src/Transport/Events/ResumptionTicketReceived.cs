namespace QuicActors.Transport.Events;

/// <summary>The server issued a session ticket (client side only); keep it to resume, and maybe send 0-RTT, next time.</summary>
public sealed class ResumptionTicketReceived(QuicResumptionTicket ticket) : EngineEvent
{
    /// <summary>The ticket, to pass as <see cref="QuicClientOptions.ResumptionTicket"/>.</summary>
    public QuicResumptionTicket Ticket { get; } = ticket;

    /// <inheritdoc />
    public override string ToString() => $"ResumptionTicketReceived(expires {Ticket.ExpiresAt:O})";
}
