using QuicActors.Streams;
using static QuicActors.Streams.SendEventKind;
using static QuicActors.Streams.SendState;
using static QuicActors.Streams.StepKind;

namespace QuicActors.Actors.Tests.Streams.StateMachines;

/// <summary>
/// Every (state, event) pair of the sending part, with the outcome written by hand from RFC 9000 §3.1, §3.3 and
/// §3.5. Expected transitions are "To:Cause" separated by spaces; events with a code use code 7.
/// </summary>
public sealed class SendStateMachineTableTests
{
    private const ulong Code = 7;
    private const StreamActionKind NoFrame = StreamActionKind.None;
    private const StreamActionKind ResetFrame = StreamActionKind.SendResetStream;
    private const StreamError Ok = StreamError.None;

    public static TheoryData<string, SendState, SendEventKind, StepKind, string, StreamActionKind, StreamError> Rows => new()
    {
        // Ready (§3.1): nothing sent yet.
        { "§3.1 Ready: first STREAM frame enters Send", Ready, LocalWrite, Transitioned, "Send:LocalWrite", NoFrame, Ok },
        { "§3.1 Ready: one STREAM+FIN frame passes Send into Data Sent", Ready, LocalFin, Transitioned, "Send:LocalFin DataSent:LocalFin", NoFrame, Ok },
        { "§3.1 Ready: Send RESET_STREAM", Ready, LocalAbort, Transitioned, "ResetSent:LocalAbort", ResetFrame, Ok },
        { "§3.5 Ready: STOP_SENDING MUST be answered by RESET_STREAM", Ready, PeerStopSending, Transitioned, "ResetSent:PeerStopSending", ResetFrame, Ok },
        { "§3.1 Ready: no FIN sent, so no ACK of it", Ready, AllDataAcknowledged, InconsistentEvent, "", NoFrame, StreamError.UnexpectedEvent },
        { "§3.1 Ready: no RESET_STREAM sent, so no ACK of it", Ready, ResetAcknowledged, InconsistentEvent, "", NoFrame, StreamError.UnexpectedEvent },
        { "§10 Ready: connection closed", Ready, SendEventKind.ConnectionClosed, Transitioned, "Closed:ConnectionClosed", NoFrame, Ok },
        { "RFC 9001 §4.6.2 Ready: 0-RTT generation discarded", Ready, SendEventKind.GenerationDiscarded, Transitioned, "Closed:GenerationDiscarded", NoFrame, Ok },

        // Send (§3.1): data flowing.
        { "§3.1 Send: more STREAM frames stay in Send", Send, LocalWrite, Stayed, "", NoFrame, Ok },
        { "§3.1 Send: Send STREAM + FIN", Send, LocalFin, Transitioned, "DataSent:LocalFin", NoFrame, Ok },
        { "§3.1 Send: Send RESET_STREAM", Send, LocalAbort, Transitioned, "ResetSent:LocalAbort", ResetFrame, Ok },
        { "§3.5 Send: STOP_SENDING MUST be answered by RESET_STREAM", Send, PeerStopSending, Transitioned, "ResetSent:PeerStopSending", ResetFrame, Ok },
        { "§3.1 Send: no FIN sent, so no ACK of all data", Send, AllDataAcknowledged, InconsistentEvent, "", NoFrame, StreamError.UnexpectedEvent },
        { "§3.1 Send: no RESET_STREAM sent, so no ACK of it", Send, ResetAcknowledged, InconsistentEvent, "", NoFrame, StreamError.UnexpectedEvent },
        { "§10 Send: connection closed", Send, SendEventKind.ConnectionClosed, Transitioned, "Closed:ConnectionClosed", NoFrame, Ok },
        { "RFC 9001 §4.6.2 Send: 0-RTT generation discarded", Send, SendEventKind.GenerationDiscarded, Transitioned, "Closed:GenerationDiscarded", NoFrame, Ok },

        // Data Sent (§3.1): FIN sent, only retransmissions remain.
        { "§3.1 Data Sent: no new data after FIN (local usage error)", DataSent, LocalWrite, InvalidLocalOperation, "", NoFrame, StreamError.WritesCompleted },
        { "§3.1 Data Sent: FIN already sent, CompleteWrites again is harmless", DataSent, LocalFin, Ignored, "", NoFrame, Ok },
        { "§3.1 Data Sent: Send RESET_STREAM", DataSent, LocalAbort, Transitioned, "ResetSent:LocalAbort", ResetFrame, Ok },
        { "§3.5 Data Sent: STOP_SENDING answered at once (deferring is only a MAY)", DataSent, PeerStopSending, Transitioned, "ResetSent:PeerStopSending", ResetFrame, Ok },
        { "§3.1 Data Sent: Recv All ACKs", DataSent, AllDataAcknowledged, Transitioned, "DataRecvd:Acknowledged", NoFrame, Ok },
        { "§3.1 Data Sent: no RESET_STREAM sent, so no ACK of it", DataSent, ResetAcknowledged, InconsistentEvent, "", NoFrame, StreamError.UnexpectedEvent },
        { "§10 Data Sent: connection closed", DataSent, SendEventKind.ConnectionClosed, Transitioned, "Closed:ConnectionClosed", NoFrame, Ok },
        { "RFC 9001 §4.6.2 Data Sent: 0-RTT generation discarded", DataSent, SendEventKind.GenerationDiscarded, Transitioned, "Closed:GenerationDiscarded", NoFrame, Ok },

        // Data Recvd (§3.1): terminal.
        { "§3.1 Data Recvd: no new data after FIN (local usage error)", DataRecvd, LocalWrite, InvalidLocalOperation, "", NoFrame, StreamError.WritesCompleted },
        { "§3.1 Data Recvd: terminal, repeated CompleteWrites ignored", DataRecvd, LocalFin, Ignored, "", NoFrame, Ok },
        { "§3.1 Data Recvd: terminal, nothing left to reset", DataRecvd, LocalAbort, Ignored, "", NoFrame, Ok },
        { "§3.5 Data Recvd: STOP_SENDING may be ignored", DataRecvd, PeerStopSending, Ignored, "", NoFrame, Ok },
        { "§3.1 Data Recvd: duplicate ACK ignored", DataRecvd, AllDataAcknowledged, Ignored, "", NoFrame, Ok },
        { "§3.1 Data Recvd: no RESET_STREAM was ever sent", DataRecvd, ResetAcknowledged, InconsistentEvent, "", NoFrame, StreamError.UnexpectedEvent },
        { "§3.1 Data Recvd: terminal survives connection close", DataRecvd, SendEventKind.ConnectionClosed, Ignored, "", NoFrame, Ok },
        { "§3.1 Data Recvd: terminal survives generation discard", DataRecvd, SendEventKind.GenerationDiscarded, Ignored, "", NoFrame, Ok },

        // Reset Sent (§3.1).
        { "§3.1 Reset Sent: no data after RESET_STREAM (local usage error)", ResetSent, LocalWrite, InvalidLocalOperation, "", NoFrame, StreamError.WritesAborted },
        { "§3.1 Reset Sent: CompleteWrites after abort is moot", ResetSent, LocalFin, Ignored, "", NoFrame, Ok },
        { "§3.1 Reset Sent: RESET_STREAM already sent", ResetSent, LocalAbort, Ignored, "", NoFrame, Ok },
        { "§3.5 Reset Sent: STOP_SENDING already answered", ResetSent, PeerStopSending, Ignored, "", NoFrame, Ok },
        { "§3.1 Reset Sent: late ACK of data, the reset stands", ResetSent, AllDataAcknowledged, Ignored, "", NoFrame, Ok },
        { "§3.1 Reset Sent: Recv ACK", ResetSent, ResetAcknowledged, Transitioned, "ResetRecvd:Acknowledged", NoFrame, Ok },
        { "§10 Reset Sent: connection closed", ResetSent, SendEventKind.ConnectionClosed, Transitioned, "Closed:ConnectionClosed", NoFrame, Ok },
        { "RFC 9001 §4.6.2 Reset Sent: 0-RTT generation discarded", ResetSent, SendEventKind.GenerationDiscarded, Transitioned, "Closed:GenerationDiscarded", NoFrame, Ok },

        // Reset Recvd (§3.1): terminal.
        { "§3.1 Reset Recvd: no data after reset (local usage error)", ResetRecvd, LocalWrite, InvalidLocalOperation, "", NoFrame, StreamError.WritesAborted },
        { "§3.1 Reset Recvd: terminal, CompleteWrites moot", ResetRecvd, LocalFin, Ignored, "", NoFrame, Ok },
        { "§3.1 Reset Recvd: terminal, already reset", ResetRecvd, LocalAbort, Ignored, "", NoFrame, Ok },
        { "§3.5 Reset Recvd: STOP_SENDING may be ignored", ResetRecvd, PeerStopSending, Ignored, "", NoFrame, Ok },
        { "§3.1 Reset Recvd: late ACK of data ignored", ResetRecvd, AllDataAcknowledged, Ignored, "", NoFrame, Ok },
        { "§3.1 Reset Recvd: duplicate ACK of reset ignored", ResetRecvd, ResetAcknowledged, Ignored, "", NoFrame, Ok },
        { "§3.1 Reset Recvd: terminal survives connection close", ResetRecvd, SendEventKind.ConnectionClosed, Ignored, "", NoFrame, Ok },
        { "§3.1 Reset Recvd: terminal survives generation discard", ResetRecvd, SendEventKind.GenerationDiscarded, Ignored, "", NoFrame, Ok },

        // Closed (runtime terminal, no RFC state: the connection is gone, §10).
        { "§10 Closed: write on a closed stream (local usage error)", SendState.Closed, LocalWrite, InvalidLocalOperation, "", NoFrame, StreamError.StreamClosed },
        { "§10 Closed: CompleteWrites moot", SendState.Closed, LocalFin, Ignored, "", NoFrame, Ok },
        { "§10 Closed: abort moot, no frame", SendState.Closed, LocalAbort, Ignored, "", NoFrame, Ok },
        { "§10 Closed: STOP_SENDING moot", SendState.Closed, PeerStopSending, Ignored, "", NoFrame, Ok },
        { "§10 Closed: ACK moot", SendState.Closed, AllDataAcknowledged, Ignored, "", NoFrame, Ok },
        { "§10 Closed: reset ACK moot", SendState.Closed, ResetAcknowledged, Ignored, "", NoFrame, Ok },
        { "§10 Closed: second close ignored", SendState.Closed, SendEventKind.ConnectionClosed, Ignored, "", NoFrame, Ok },
        { "§10 Closed: discard after close ignored", SendState.Closed, SendEventKind.GenerationDiscarded, Ignored, "", NoFrame, Ok },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Apply_matches_the_RFC_table(
        string rule, SendState from, SendEventKind kind, StepKind expectedKind, string expectedTransitions,
        StreamActionKind expectedAction, StreamError expectedError)
    {
        var @event = kind is LocalAbort or PeerStopSending ? new SendEvent(kind, Code) : new SendEvent(kind);

        var result = SendStateMachine.Apply(from, @event);

        Assert.True(expectedKind == result.Kind, $"{rule}: expected {expectedKind}, got {result}");
        Assert.Equal(expectedError, result.Error);
        Assert.Equal(expectedAction, result.Action.Kind);
        if (expectedAction != StreamActionKind.None)
        {
            // §3.5: the RESET_STREAM copies the code of the STOP_SENDING (or of the local abort).
            Assert.Equal(Code, result.Action.ErrorCode);
        }

        TableAssert.Transitions(from, expectedTransitions, result.Transitions, result.State, Code);
    }

    [Fact]
    public void Table_covers_every_state_and_event_exactly_once()
    {
        var rows = Rows.Select(row => ((SendState)row[1], (SendEventKind)row[2])).ToList();
        var all = Enum.GetValues<SendState>().SelectMany(s => Enum.GetValues<SendEventKind>().Select(e => (s, e))).ToList();

        Assert.Equal(all.Count, rows.Count);
        Assert.Equal(all.ToHashSet(), rows.ToHashSet());
    }
}
