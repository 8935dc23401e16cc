namespace QuicActors.Streams.Internal;

/// <summary>Reports what the linger policy did, for the connection's metrics.</summary>
internal sealed partial class StreamActor
{
    private LingerActions LingerActionsTaken() =>
        (_drainAsked ? LingerActions.Drain : LingerActions.None)
        | (_stopSendingSent ? LingerActions.SendStopSending : LingerActions.None)
        | (_finAsked ? LingerActions.SendFin : LingerActions.None)
        | (_resetSent ? LingerActions.SendReset : LingerActions.None);

    /// <summary>Tells the connection about actions taken since <paramref name="before"/>: one message per linger step that acted, none otherwise.</summary>
    private void ReportLingerActions(LingerActions before)
    {
        var added = LingerActionsTaken() & ~before;
        if (added != LingerActions.None)
        {
            _context.Host.OnLingerActed(_handle.Stamp, added, firstActions: before == LingerActions.None);
        }
    }
}
