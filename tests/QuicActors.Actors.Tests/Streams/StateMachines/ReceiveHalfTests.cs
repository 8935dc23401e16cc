using QuicActors.Streams;

namespace QuicActors.Actors.Tests.Streams.StateMachines;

public sealed class ReceiveHalfTests
{
    [Fact]
    public void Reading_the_eof_completes_the_half()
    {
        var half = default(ReceiveHalf);

        Assert.Equal(StepKind.Stayed, half.OnStreamFrame(0, 40, fin: false).Kind);
        var fin = half.OnStreamFrame(40, 24, fin: true);
        Assert.Equal(StepKind.Stayed, half.OnBytesRead(64).Kind);
        var eof = half.OnEofRead();

        Assert.Equal("[Recv -> SizeKnown (FinReceived), SizeKnown -> DataRecvd (AllDataReceived)]", fin.Transitions.ToString());
        Assert.Equal(new Transition<ReceiveState>(ReceiveState.DataRecvd, ReceiveState.DataRead, TransitionCause.EofRead, null), eof.Transitions[0]);
        Assert.Equal(64UL, half.FinalSize);
        Assert.Equal(64UL, half.BytesRead);
        Assert.True(half.IsTerminal);
    }

    [Fact]
    public void Reading_every_byte_is_not_reading_eof()
    {
        // Scenario S1(b): the handler reads exactly 64 bytes and never the EOF; the half must stay in Data Recvd
        // (RFC 9000 §3.2) so the linger policy can see it.
        var half = default(ReceiveHalf);
        half.OnStreamFrame(0, 64, fin: true);

        half.OnBytesRead(64);

        Assert.Equal(ReceiveState.DataRecvd, half.State);
    }

    [Fact]
    public void Fin_after_abort_reading_ends_the_half_in_one_step_of_three_transitions()
    {
        var half = default(ReceiveHalf);
        var stop = half.StopSending(9);

        var step = half.OnStreamFrame(0, 10, fin: true);

        Assert.Equal(StreamAction.SendStopSending(9), stop.Action);
        Assert.Equal(StepKind.Stayed, stop.Kind);
        Assert.Equal(
            "[Recv -> SizeKnown (FinReceived), SizeKnown -> DataRecvd (AllDataReceived), DataRecvd -> DataRead (LocalStopSending 9)]",
            step.Transitions.ToString());
        Assert.True(half.IsTerminal);
    }

    [Fact]
    public void After_abort_reading_the_end_of_discarded_data_ends_the_half_although_no_fin_was_delivered()
    {
        // The engine discards what arrives after STOP_SENDING and reports only that it ended: the peer need not reset a
        // stream whose data is all acknowledged (RFC 9000 §3.5).
        var half = default(ReceiveHalf);
        half.OnStreamFrame(0, 10, fin: false);
        half.StopSending(9);

        var step = half.OnDiscardedDataEnded(64);

        Assert.Equal(
            "[Recv -> SizeKnown (FinReceived), SizeKnown -> DataRecvd (AllDataReceived), DataRecvd -> DataRead (LocalStopSending 9)]",
            step.Transitions.ToString());
        Assert.Equal(64UL, half.FinalSize);
        Assert.True(half.IsTerminal);
        Assert.Equal(StepKind.Ignored, half.OnDiscardedDataEnded(64).Kind);
    }

    [Fact]
    public void An_engine_that_cannot_see_the_final_size_still_ends_the_half_and_leaves_the_size_unknown()
    {
        var half = default(ReceiveHalf);
        half.OnStreamFrame(0, 10, fin: false);
        half.StopSending(9);

        var step = half.OnDiscardedDataEnded(null);

        Assert.True(half.IsTerminal);
        Assert.Equal(ReceiveState.DataRead, half.State);
        Assert.Null(half.FinalSize);
        Assert.Equal(
            "[Recv -> SizeKnown (FinReceived), SizeKnown -> DataRecvd (AllDataReceived), DataRecvd -> DataRead (LocalStopSending 9)]",
            step.Transitions.ToString());
    }

    [Theory]
    [InlineData(false, 64UL)]
    [InlineData(true, 5UL)]
    public void Discarded_data_without_an_abort_or_below_the_received_bytes_is_refused(bool aborted, ulong finalSize)
    {
        var half = default(ReceiveHalf);
        half.OnStreamFrame(0, 10, fin: false);
        if (aborted)
        {
            half.StopSending(9);
        }

        var step = half.OnDiscardedDataEnded(finalSize);

        Assert.True(step.IsFailure);
        Assert.Equal(aborted ? StreamError.FinalSizeError : StreamError.UnexpectedEvent, step.Error);
        Assert.Equal(ReceiveState.Recv, half.State);
        Assert.Null(half.FinalSize);
    }

    [Fact]
    public void Reset_after_abort_reading_ends_the_half()
    {
        // RFC 9000 §3.5: the peer answers STOP_SENDING with RESET_STREAM; nobody will read that reset.
        var half = default(ReceiveHalf);
        half.OnStreamFrame(0, 5, fin: false);
        half.StopSending(9);

        var step = half.OnResetStream(9, 5);

        Assert.Equal("[Recv -> ResetRecvd (PeerReset 9), ResetRecvd -> ResetRead (LocalStopSending 9)]", step.Transitions.ToString());
        Assert.Equal(StreamActionKind.None, step.Action.Kind);
        Assert.Equal(StepKind.Ignored, half.StopSending(10).Kind);
    }

    [Fact]
    public void Reset_is_published_at_once_and_read_later()
    {
        // Scenario S3: RESET_STREAM while the application never reads.
        var half = default(ReceiveHalf);

        var reset = half.OnResetStream(7, 0);

        Assert.Equal(new Transition<ReceiveState>(ReceiveState.Recv, ReceiveState.ResetRecvd, TransitionCause.PeerReset, 7), reset.Transitions[0]);
        Assert.Equal(7UL, half.ResetErrorCode);
        Assert.Equal(ReceiveState.ResetRead, half.OnResetRead().State);
    }

    public static TheoryData<string, ulong, int, bool> FinalSizeViolations => new()
    {
        { "§4.5 data beyond the final size", 10, 1, false },
        { "§4.5 data crossing the final size", 5, 6, false },
        { "§4.5 FIN moving the final size up", 10, 1, true },
        { "§4.5 FIN moving the final size down", 0, 9, true },
    };

    [Theory]
    [MemberData(nameof(FinalSizeViolations))]
    public void Frames_against_a_known_final_size_are_FINAL_SIZE_ERROR(string rule, ulong offset, int length, bool fin)
    {
        var half = default(ReceiveHalf);
        half.OnStreamFrame(0, 4, fin: false);
        half.OnStreamFrame(4, 6, fin: true);
        var before = half;

        var step = half.OnStreamFrame(offset, length, fin);

        Assert.True(step.Kind == StepKind.ProtocolViolation, rule);
        Assert.Equal(StreamError.FinalSizeError, step.Error);
        Assert.Equal(StreamErrorExtensions.FinalSizeError, step.Error.ToTransportErrorCode());
        Assert.Equal(before.State, half.State);
        Assert.Equal(before.BytesReceived, half.BytesReceived);
    }

    [Fact]
    public void Fin_below_received_data_is_FINAL_SIZE_ERROR()
    {
        var half = default(ReceiveHalf);
        half.OnStreamFrame(0, 20, fin: false);

        Assert.Equal(StreamError.FinalSizeError, half.OnStreamFrame(0, 10, fin: true).Error);
        Assert.Null(half.FinalSize);
    }

    [Fact]
    public void Reset_must_agree_with_the_final_size()
    {
        var received = default(ReceiveHalf);
        received.OnStreamFrame(0, 8, fin: false);
        var complete = default(ReceiveHalf);
        complete.OnStreamFrame(0, 8, fin: true);

        Assert.Equal(StreamError.FinalSizeError, received.OnResetStream(1, 7).Error);
        Assert.Equal(StreamError.FinalSizeError, complete.OnResetStream(1, 9).Error);
        Assert.Equal(StreamError.FinalSizeError, complete.OnResetStream(1, 7).Error);
        // §3.2: the optional Data Recvd -> Reset Recvd edge is not taken, but the final size is still checked.
        Assert.Equal(StepKind.Ignored, complete.OnResetStream(1, 8).Kind);
        Assert.Equal(ReceiveState.Recv, received.State);
        Assert.Equal(ReceiveState.ResetRecvd, received.OnResetStream(1, 12).State);
        Assert.Equal(12UL, received.FinalSize);
        // Frames after the reset must still respect its final size (§4.5).
        Assert.Equal(StreamError.FinalSizeError, received.OnStreamFrame(8, 5, fin: false).Error);
        Assert.Equal(StepKind.Ignored, received.OnStreamFrame(8, 4, fin: true).Kind);
    }

    [Fact]
    public void Retransmissions_overlap_but_gaps_are_refused()
    {
        var half = default(ReceiveHalf);
        half.OnStreamFrame(0, 10, fin: false);

        Assert.Equal(StepKind.Stayed, half.OnStreamFrame(5, 10, fin: false).Kind);
        Assert.Equal(15UL, half.BytesReceived);
        var gap = half.OnStreamFrame(16, 1, fin: false);
        Assert.Equal(StepKind.InconsistentEvent, gap.Kind);
        Assert.Equal(StreamError.DataGap, gap.Error);
        Assert.Null(gap.Error.ToTransportErrorCode());
    }

    [Fact]
    public void Offsets_past_the_varint_limit_are_a_protocol_violation()
    {
        var half = default(ReceiveHalf);

        var step = half.OnStreamFrame((1UL << 62) - 5, 10, fin: false);

        Assert.Equal(StepKind.ProtocolViolation, step.Kind);
        Assert.Equal(StreamErrorExtensions.FlowControlError, step.Error.ToTransportErrorCode());
    }

    [Fact]
    public void Reads_beyond_the_received_bytes_are_inconsistent()
    {
        var half = default(ReceiveHalf);
        half.OnStreamFrame(0, 3, fin: false);

        Assert.Equal(StreamError.ReadBeyondReceived, half.OnBytesRead(4).Error);
        Assert.Equal(0UL, half.BytesRead);
        Assert.Throws<ArgumentOutOfRangeException>(() => half.OnBytesRead(-1));
    }

    [Fact]
    public void Connection_close_ends_an_unfinished_half_and_later_frames_are_ignored()
    {
        var half = default(ReceiveHalf);
        half.OnStreamFrame(0, 3, fin: true);

        var close = half.OnConnectionClosed();

        Assert.Equal(new Transition<ReceiveState>(ReceiveState.DataRecvd, ReceiveState.Closed, TransitionCause.ConnectionClosed, null), close.Transitions[0]);
        Assert.Equal(StepKind.Ignored, half.OnStreamFrame(0, 100, fin: true).Kind);
        Assert.Equal(StepKind.Ignored, half.OnResetStream(1, 0).Kind);
    }
}
