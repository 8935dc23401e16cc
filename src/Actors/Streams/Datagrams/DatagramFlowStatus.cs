namespace QuicActors.Streams;

/// <summary>A snapshot of a <see cref="ConnectionActor"/>'s datagram flows (see <see cref="ConnectionActor.GetDatagramStatusAsync"/>).</summary>
/// <param name="ActiveFlows">Flows bound now.</param>
/// <param name="FlowsBound">Flows bound since the connection actor started.</param>
/// <param name="FlowsRemoved">Flows removed since then, each exactly once, when every half of its stream was terminal (or its generation ended).</param>
/// <param name="Sent">Datagrams handed to the engine.</param>
/// <param name="Refused">Datagrams refused: send half closed, no flow, too large for the path, or the engine's send queue full.</param>
/// <param name="Delivered">Received datagrams queued for their stream.</param>
/// <param name="DroppedReceiveClosed">Received datagrams dropped because their stream's receive half was closed.</param>
/// <param name="DroppedNoFlow">
/// Received datagrams dropped because no flow was bound to their stream; this includes datagrams held for a peer stream
/// not opened yet (RFC 9297 §2.1 allows brief buffering) that were pushed out by newer ones or never claimed.
/// </param>
/// <param name="DroppedQueueFull">Received datagrams dropped because their flow's queue was full.</param>
/// <param name="DroppedMalformed">Received datagrams dropped because they did not start with a valid Quarter Stream ID.</param>
/// <param name="HeldForUnopenedStreams">Received datagrams held now for peer streams whose first frame has not arrived yet.</param>
public sealed record DatagramFlowStatus(
    int ActiveFlows,
    long FlowsBound,
    long FlowsRemoved,
    long Sent,
    long Refused,
    long Delivered,
    long DroppedReceiveClosed,
    long DroppedNoFlow,
    long DroppedQueueFull,
    long DroppedMalformed,
    int HeldForUnopenedStreams);
