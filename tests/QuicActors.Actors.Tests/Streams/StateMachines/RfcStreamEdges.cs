using QuicActors.Streams;

namespace QuicActors.Actors.Tests.Streams.StateMachines;

/// <summary>
/// The edges RFC 9000 §3 allows, written down from Figures 2 and 3 independently of the implementation, with the
/// causes that may label each edge. The Closed edges are this runtime's extension (see <see cref="SendState.Closed"/>).
/// </summary>
internal static class RfcStreamEdges
{
    private static readonly TransitionCause[] Ends = [TransitionCause.ConnectionClosed, TransitionCause.GenerationDiscarded];

    public static readonly IReadOnlyDictionary<(SendState From, SendState To), TransitionCause[]> Send =
        new Dictionary<(SendState, SendState), TransitionCause[]>
        {
            // §3.1 Figure 2: "Send STREAM / STREAM_DATA_BLOCKED"; a first frame carrying FIN also opens the stream.
            [(SendState.Ready, SendState.Send)] = [TransitionCause.LocalWrite, TransitionCause.LocalFin],
            // §3.1 "Send RESET_STREAM"; §3.5 STOP_SENDING is answered with RESET_STREAM.
            [(SendState.Ready, SendState.ResetSent)] = [TransitionCause.LocalAbort, TransitionCause.PeerStopSending],
            // §3.1 "Send STREAM + FIN".
            [(SendState.Send, SendState.DataSent)] = [TransitionCause.LocalFin],
            [(SendState.Send, SendState.ResetSent)] = [TransitionCause.LocalAbort, TransitionCause.PeerStopSending],
            // §3.1 "Recv All ACKs".
            [(SendState.DataSent, SendState.DataRecvd)] = [TransitionCause.Acknowledged],
            [(SendState.DataSent, SendState.ResetSent)] = [TransitionCause.LocalAbort, TransitionCause.PeerStopSending],
            // §3.1 "Recv ACK" of the RESET_STREAM.
            [(SendState.ResetSent, SendState.ResetRecvd)] = [TransitionCause.Acknowledged],
            [(SendState.Ready, SendState.Closed)] = Ends,
            [(SendState.Send, SendState.Closed)] = Ends,
            [(SendState.DataSent, SendState.Closed)] = Ends,
            [(SendState.ResetSent, SendState.Closed)] = Ends,
        };

    public static readonly IReadOnlyDictionary<(ReceiveState From, ReceiveState To), TransitionCause[]> Receive =
        new Dictionary<(ReceiveState, ReceiveState), TransitionCause[]>
        {
            // §3.2 Figure 3: "Recv STREAM + FIN".
            [(ReceiveState.Recv, ReceiveState.SizeKnown)] = [TransitionCause.FinReceived],
            // §3.2 "Recv RESET_STREAM" from Recv and Size Known.
            [(ReceiveState.Recv, ReceiveState.ResetRecvd)] = [TransitionCause.PeerReset],
            [(ReceiveState.SizeKnown, ReceiveState.ResetRecvd)] = [TransitionCause.PeerReset],
            // §3.2 "Recv All Data".
            [(ReceiveState.SizeKnown, ReceiveState.DataRecvd)] = [TransitionCause.AllDataReceived],
            // §3.2 the two optional edges between Data Recvd and Reset Recvd.
            [(ReceiveState.DataRecvd, ReceiveState.ResetRecvd)] = [TransitionCause.PeerReset],
            [(ReceiveState.ResetRecvd, ReceiveState.DataRecvd)] = [TransitionCause.AllDataReceived],
            // §3.2 "App Read All Data"; abandoning received data by aborting the read (§3.5) consumes it too.
            [(ReceiveState.DataRecvd, ReceiveState.DataRead)] = [TransitionCause.EofRead, TransitionCause.LocalStopSending],
            // §3.2 "App Read Reset"; an application that aborted reading has nothing more to learn from it.
            [(ReceiveState.ResetRecvd, ReceiveState.ResetRead)] = [TransitionCause.ResetRead, TransitionCause.LocalStopSending],
            [(ReceiveState.Recv, ReceiveState.Closed)] = Ends,
            [(ReceiveState.SizeKnown, ReceiveState.Closed)] = Ends,
            [(ReceiveState.DataRecvd, ReceiveState.Closed)] = Ends,
            [(ReceiveState.ResetRecvd, ReceiveState.Closed)] = Ends,
        };

    /// <summary>The optional edges of §3.2 that this runtime chooses not to take.</summary>
    public static readonly (ReceiveState From, ReceiveState To)[] OptionalReceiveEdges =
    [
        (ReceiveState.DataRecvd, ReceiveState.ResetRecvd),
        (ReceiveState.ResetRecvd, ReceiveState.DataRecvd),
    ];

    /// <summary>§3.1: Data Recvd and Reset Recvd are terminal; Closed is the runtime's terminal.</summary>
    public static readonly SendState[] SendTerminals = [SendState.DataRecvd, SendState.ResetRecvd, SendState.Closed];

    /// <summary>§3.2: Data Read and Reset Read are terminal; Closed is the runtime's terminal.</summary>
    public static readonly ReceiveState[] ReceiveTerminals = [ReceiveState.DataRead, ReceiveState.ResetRead, ReceiveState.Closed];

    /// <summary>Causes whose transitions carry an application error code.</summary>
    public static bool CarriesErrorCode(TransitionCause cause) => cause is TransitionCause.LocalAbort
        or TransitionCause.PeerStopSending or TransitionCause.PeerReset or TransitionCause.LocalStopSending;

    public static bool IsAllowed(Transition<SendState> t) =>
        Send.TryGetValue((t.From, t.To), out var causes) && causes.Contains(t.Cause)
        && CarriesErrorCode(t.Cause) == t.ErrorCode.HasValue;

    public static bool IsAllowed(Transition<ReceiveState> t) =>
        Receive.TryGetValue((t.From, t.To), out var causes) && causes.Contains(t.Cause)
        && CarriesErrorCode(t.Cause) == t.ErrorCode.HasValue;
}
