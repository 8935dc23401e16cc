using QuicActors.Streams;
using static QuicActors.Streams.ReceiveEventKind;
using static QuicActors.Streams.ReceiveState;
using static QuicActors.Streams.StepKind;

namespace QuicActors.Actors.Tests.Streams.StateMachines;

/// <summary>
/// Every (state, event) pair of the receiving part, with the outcome written by hand from RFC 9000 §3.2, §3.3 and
/// §3.5. Expected transitions are "To:Cause" separated by spaces; events with a code use code 7.
/// </summary>
public sealed class ReceiveStateMachineTableTests
{
    private const ulong Code = 7;
    private const StreamActionKind NoFrame = StreamActionKind.None;
    private const StreamActionKind StopFrame = StreamActionKind.SendStopSending;
    private const StreamError Ok = StreamError.None;
    private const StreamError Unexpected = StreamError.UnexpectedEvent;

    public static TheoryData<string, ReceiveState, ReceiveEventKind, StepKind, string, StreamActionKind, StreamError> Rows => new()
    {
        // Recv (§3.2): final size unknown.
        { "§3.2 Recv: STREAM frames stay in Recv", Recv, DataReceived, Stayed, "", NoFrame, Ok },
        { "§3.2 Recv: Recv STREAM + FIN", Recv, FinReceived, Transitioned, "SizeKnown:FinReceived", NoFrame, Ok },
        { "§3.2 Recv: all data needs a known final size", Recv, AllDataReceived, InconsistentEvent, "", NoFrame, Unexpected },
        { "§3.2 Recv: no EOF before the FIN", Recv, EofRead, InconsistentEvent, "", NoFrame, Unexpected },
        { "§3.2 Recv: Recv RESET_STREAM", Recv, PeerReset, Transitioned, "ResetRecvd:PeerReset", NoFrame, Ok },
        { "§3.2 Recv: no reset to read", Recv, ReceiveEventKind.ResetRead, InconsistentEvent, "", NoFrame, Unexpected },
        { "§3.5 Recv: abort reading sends STOP_SENDING, state unchanged", Recv, LocalStopSending, Stayed, "", StopFrame, Ok },
        { "§10 Recv: connection closed", Recv, ReceiveEventKind.ConnectionClosed, Transitioned, "Closed:ConnectionClosed", NoFrame, Ok },
        { "RFC 9001 §4.6.2 Recv: 0-RTT generation discarded", Recv, ReceiveEventKind.GenerationDiscarded, Transitioned, "Closed:GenerationDiscarded", NoFrame, Ok },

        // Size Known (§3.2).
        { "§3.2 Size Known: STREAM frames up to the final size", SizeKnown, DataReceived, Stayed, "", NoFrame, Ok },
        { "§3.2 Size Known: retransmitted FIN", SizeKnown, FinReceived, Stayed, "", NoFrame, Ok },
        { "§3.2 Size Known: Recv All Data", SizeKnown, AllDataReceived, Transitioned, "DataRecvd:AllDataReceived", NoFrame, Ok },
        { "§3.2 Size Known: no EOF before all data", SizeKnown, EofRead, InconsistentEvent, "", NoFrame, Unexpected },
        { "§3.2 Size Known: Recv RESET_STREAM", SizeKnown, PeerReset, Transitioned, "ResetRecvd:PeerReset", NoFrame, Ok },
        { "§3.2 Size Known: no reset to read", SizeKnown, ReceiveEventKind.ResetRead, InconsistentEvent, "", NoFrame, Unexpected },
        { "§3.5 Size Known: abort reading sends STOP_SENDING, state unchanged", SizeKnown, LocalStopSending, Stayed, "", StopFrame, Ok },
        { "§10 Size Known: connection closed", SizeKnown, ReceiveEventKind.ConnectionClosed, Transitioned, "Closed:ConnectionClosed", NoFrame, Ok },
        { "RFC 9001 §4.6.2 Size Known: 0-RTT generation discarded", SizeKnown, ReceiveEventKind.GenerationDiscarded, Transitioned, "Closed:GenerationDiscarded", NoFrame, Ok },

        // Data Recvd (§3.2): all data in, not yet read.
        { "§3.2 Data Recvd: retransmitted data ignored", DataRecvd, DataReceived, Ignored, "", NoFrame, Ok },
        { "§3.2 Data Recvd: retransmitted FIN ignored", DataRecvd, FinReceived, Ignored, "", NoFrame, Ok },
        { "§3.2 Data Recvd: all data already received", DataRecvd, AllDataReceived, Ignored, "", NoFrame, Ok },
        { "§3.2 Data Recvd: App Read All Data", DataRecvd, EofRead, Transitioned, "DataRead:EofRead", NoFrame, Ok },
        { "§3.2 Data Recvd: optional edge to Reset Recvd not taken, data wins", DataRecvd, PeerReset, Ignored, "", NoFrame, Ok },
        { "§3.2 Data Recvd: no reset to read", DataRecvd, ReceiveEventKind.ResetRead, InconsistentEvent, "", NoFrame, Unexpected },
        { "§3.5 Data Recvd: no STOP_SENDING needed; abandoned data counts as read", DataRecvd, LocalStopSending, Transitioned, "DataRead:LocalStopSending", NoFrame, Ok },
        { "§10 Data Recvd: connection closed", DataRecvd, ReceiveEventKind.ConnectionClosed, Transitioned, "Closed:ConnectionClosed", NoFrame, Ok },
        { "RFC 9001 §4.6.2 Data Recvd: 0-RTT generation discarded", DataRecvd, ReceiveEventKind.GenerationDiscarded, Transitioned, "Closed:GenerationDiscarded", NoFrame, Ok },

        // Data Read (§3.2): terminal.
        { "§3.2 Data Read: terminal, late data ignored", DataRead, DataReceived, Ignored, "", NoFrame, Ok },
        { "§3.2 Data Read: terminal, late FIN ignored", DataRead, FinReceived, Ignored, "", NoFrame, Ok },
        { "§3.2 Data Read: terminal, all data ignored", DataRead, AllDataReceived, Ignored, "", NoFrame, Ok },
        { "§3.2 Data Read: terminal, second EOF read ignored", DataRead, EofRead, Ignored, "", NoFrame, Ok },
        { "§3.2 Data Read: terminal, late RESET_STREAM ignored", DataRead, PeerReset, Ignored, "", NoFrame, Ok },
        { "§3.2 Data Read: terminal, reset read ignored", DataRead, ReceiveEventKind.ResetRead, Ignored, "", NoFrame, Ok },
        { "§3.5 Data Read: STOP_SENDING not needed", DataRead, LocalStopSending, Ignored, "", NoFrame, Ok },
        { "§3.2 Data Read: terminal survives connection close", DataRead, ReceiveEventKind.ConnectionClosed, Ignored, "", NoFrame, Ok },
        { "§3.2 Data Read: terminal survives generation discard", DataRead, ReceiveEventKind.GenerationDiscarded, Ignored, "", NoFrame, Ok },

        // Reset Recvd (§3.2).
        { "§3.2 Reset Recvd: data after reset discarded", ResetRecvd, DataReceived, Ignored, "", NoFrame, Ok },
        { "§3.2 Reset Recvd: FIN after reset discarded", ResetRecvd, FinReceived, Ignored, "", NoFrame, Ok },
        { "§3.2 Reset Recvd: optional edge to Data Recvd not taken, reset wins", ResetRecvd, AllDataReceived, Ignored, "", NoFrame, Ok },
        { "§3.2 Reset Recvd: no EOF after a reset", ResetRecvd, EofRead, InconsistentEvent, "", NoFrame, Unexpected },
        { "§3.2 Reset Recvd: duplicate RESET_STREAM ignored", ResetRecvd, PeerReset, Ignored, "", NoFrame, Ok },
        { "§3.2 Reset Recvd: App Read Reset", ResetRecvd, ReceiveEventKind.ResetRead, Transitioned, "ResetRead:ResetRead", NoFrame, Ok },
        { "§3.5 Reset Recvd: no STOP_SENDING needed; the reset counts as read", ResetRecvd, LocalStopSending, Transitioned, "ResetRead:LocalStopSending", NoFrame, Ok },
        { "§10 Reset Recvd: connection closed", ResetRecvd, ReceiveEventKind.ConnectionClosed, Transitioned, "Closed:ConnectionClosed", NoFrame, Ok },
        { "RFC 9001 §4.6.2 Reset Recvd: 0-RTT generation discarded", ResetRecvd, ReceiveEventKind.GenerationDiscarded, Transitioned, "Closed:GenerationDiscarded", NoFrame, Ok },

        // Reset Read (§3.2): terminal.
        { "§3.2 Reset Read: terminal, late data ignored", ReceiveState.ResetRead, DataReceived, Ignored, "", NoFrame, Ok },
        { "§3.2 Reset Read: terminal, late FIN ignored", ReceiveState.ResetRead, FinReceived, Ignored, "", NoFrame, Ok },
        { "§3.2 Reset Read: terminal, all data ignored", ReceiveState.ResetRead, AllDataReceived, Ignored, "", NoFrame, Ok },
        { "§3.2 Reset Read: terminal, EOF read ignored", ReceiveState.ResetRead, EofRead, Ignored, "", NoFrame, Ok },
        { "§3.2 Reset Read: terminal, duplicate reset ignored", ReceiveState.ResetRead, PeerReset, Ignored, "", NoFrame, Ok },
        { "§3.2 Reset Read: terminal, second reset read ignored", ReceiveState.ResetRead, ReceiveEventKind.ResetRead, Ignored, "", NoFrame, Ok },
        { "§3.5 Reset Read: STOP_SENDING not needed", ReceiveState.ResetRead, LocalStopSending, Ignored, "", NoFrame, Ok },
        { "§3.2 Reset Read: terminal survives connection close", ReceiveState.ResetRead, ReceiveEventKind.ConnectionClosed, Ignored, "", NoFrame, Ok },
        { "§3.2 Reset Read: terminal survives generation discard", ReceiveState.ResetRead, ReceiveEventKind.GenerationDiscarded, Ignored, "", NoFrame, Ok },

        // Closed (runtime terminal, no RFC state: the connection is gone, §10).
        { "§10 Closed: late data ignored", ReceiveState.Closed, DataReceived, Ignored, "", NoFrame, Ok },
        { "§10 Closed: late FIN ignored", ReceiveState.Closed, FinReceived, Ignored, "", NoFrame, Ok },
        { "§10 Closed: all data ignored", ReceiveState.Closed, AllDataReceived, Ignored, "", NoFrame, Ok },
        { "§10 Closed: EOF read ignored", ReceiveState.Closed, EofRead, Ignored, "", NoFrame, Ok },
        { "§10 Closed: late reset ignored", ReceiveState.Closed, PeerReset, Ignored, "", NoFrame, Ok },
        { "§10 Closed: reset read ignored", ReceiveState.Closed, ReceiveEventKind.ResetRead, Ignored, "", NoFrame, Ok },
        { "§10 Closed: abort reading moot, no frame", ReceiveState.Closed, LocalStopSending, Ignored, "", NoFrame, Ok },
        { "§10 Closed: second close ignored", ReceiveState.Closed, ReceiveEventKind.ConnectionClosed, Ignored, "", NoFrame, Ok },
        { "§10 Closed: discard after close ignored", ReceiveState.Closed, ReceiveEventKind.GenerationDiscarded, Ignored, "", NoFrame, Ok },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Apply_matches_the_RFC_table(
        string rule, ReceiveState from, ReceiveEventKind kind, StepKind expectedKind, string expectedTransitions,
        StreamActionKind expectedAction, StreamError expectedError)
    {
        var @event = kind is PeerReset or LocalStopSending ? new ReceiveEvent(kind, Code) : new ReceiveEvent(kind);

        var result = ReceiveStateMachine.Apply(from, @event);

        Assert.True(expectedKind == result.Kind, $"{rule}: expected {expectedKind}, got {result}");
        Assert.Equal(expectedError, result.Error);
        Assert.Equal(expectedAction, result.Action.Kind);
        if (expectedAction != StreamActionKind.None)
        {
            Assert.Equal(Code, result.Action.ErrorCode);
        }

        TableAssert.Transitions(from, expectedTransitions, result.Transitions, result.State, Code);
    }

    [Fact]
    public void Table_covers_every_state_and_event_exactly_once()
    {
        var rows = Rows.Select(row => ((ReceiveState)row[1], (ReceiveEventKind)row[2])).ToList();
        var all = Enum.GetValues<ReceiveState>().SelectMany(s => Enum.GetValues<ReceiveEventKind>().Select(e => (s, e))).ToList();

        Assert.Equal(all.Count, rows.Count);
        Assert.Equal(all.ToHashSet(), rows.ToHashSet());
    }
}
