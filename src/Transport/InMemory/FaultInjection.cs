namespace QuicActors.Transport.InMemory;

/// <summary>
/// One peer action injected at an exact point: when <paramref name="Trigger"/> holds at the endpoint of role
/// <paramref name="Actor"/> on connection number <paramref name="Connection"/>, that endpoint performs
/// <paramref name="Action"/> as if its application had asked for it. Each injection fires at most once; an action on a
/// stream the actor does not know (yet, or any more) does nothing.
/// </summary>
/// <param name="Trigger">When to act.</param>
/// <param name="Action">What to do.</param>
/// <param name="Actor">Which end acts: the other end sees a peer doing it.</param>
/// <param name="Connection">Which connection of the client engine, counting from 0 in the order of <c>ConnectAsync</c> calls.</param>
public sealed record FaultInjection(FaultTrigger Trigger, FaultAction Action, QuicConnectionRole Actor = QuicConnectionRole.Server, int Connection = 0)
{
    internal void Validate(string source)
    {
        if (Trigger is null) throw new ArgumentException($"{source}.{nameof(Trigger)} must not be null.", source);
        if (Action is null) throw new ArgumentException($"{source}.{nameof(Action)} must not be null.", source);
        if (Connection < 0) throw new ArgumentException($"{source}.{nameof(Connection)} = {Connection}: must not be negative.", source);
        Trigger.Validate(source + "." + nameof(Trigger));
        Action.Validate(source + "." + nameof(Action));
        if (Action is FaultAction.RejectEarlyData && (Actor != QuicConnectionRole.Server || Trigger is not FaultTrigger.AtHandshake))
            throw new ArgumentException($"{source}: {nameof(FaultAction.RejectEarlyData)} is decided by the server at the handshake; use Actor = Server and {nameof(FaultTrigger)}.{nameof(FaultTrigger.AtHandshake)}.", source);
    }
}
