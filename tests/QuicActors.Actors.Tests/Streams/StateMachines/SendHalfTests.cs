using QuicActors.Streams;

namespace QuicActors.Actors.Tests.Streams.StateMachines;

public sealed class SendHalfTests
{
    [Fact]
    public void Peer_stop_sending_with_nothing_pending_resets_with_the_same_code_at_once()
    {
        // Scenario S3 and RFC 9000 §3.5: STOP_SENDING(7) in Ready is answered by RESET_STREAM(7), final size 0.
        var half = default(SendHalf);

        var step = half.OnStopSending(7);

        Assert.Equal(StepKind.Transitioned, step.Kind);
        Assert.Equal(new Transition<SendState>(SendState.Ready, SendState.ResetSent, TransitionCause.PeerStopSending, 7), step.Transitions[0]);
        Assert.Equal(StreamAction.SendResetStream(7, 0), step.Action);
        Assert.Equal(SendState.ResetSent, half.State);
        Assert.Equal(7UL, half.ResetErrorCode);
    }

    [Fact]
    public void Complete_lifecycle_fixes_the_final_size_at_the_fin()
    {
        var half = default(SendHalf);

        Assert.Equal(SendState.Send, half.Write(64).State);
        Assert.Equal(StepKind.Stayed, half.Write(36).Kind);
        var fin = half.CompleteWrites();
        var acked = half.OnAllDataAcknowledged();

        Assert.Equal(100UL, half.FinalSize);
        Assert.Equal(new Transition<SendState>(SendState.Send, SendState.DataSent, TransitionCause.LocalFin, null), fin.Transitions[0]);
        Assert.Equal(new Transition<SendState>(SendState.DataSent, SendState.DataRecvd, TransitionCause.Acknowledged, null), acked.Transitions[0]);
        Assert.True(half.IsTerminal);
    }

    [Fact]
    public void Fin_on_a_fresh_stream_reports_both_RFC_edges()
    {
        var half = default(SendHalf);

        var step = half.CompleteWrites();

        Assert.Equal(2, step.Transitions.Count);
        Assert.Equal((SendState.Ready, SendState.Send), (step.Transitions[0].From, step.Transitions[0].To));
        Assert.Equal((SendState.Send, SendState.DataSent), (step.Transitions[1].From, step.Transitions[1].To));
        Assert.Equal(0UL, half.FinalSize);
    }

    [Fact]
    public void Reset_after_fin_repeats_the_final_size()
    {
        // RFC 9000 §4.5: the final size in RESET_STREAM must equal the one the FIN fixed.
        var half = default(SendHalf);
        half.Write(10);
        half.CompleteWrites();

        var step = half.Abort(3);

        Assert.Equal(SendState.ResetSent, step.State);
        Assert.Equal(StreamAction.SendResetStream(3, 10), step.Action);
        Assert.Equal(SendState.ResetRecvd, half.OnResetAcknowledged().State);
    }

    [Fact]
    public void Writes_after_fin_or_reset_or_close_are_refused_and_change_nothing()
    {
        var finished = default(SendHalf);
        finished.Write(5);
        finished.CompleteWrites();
        var aborted = default(SendHalf);
        aborted.Abort(1);
        var closed = default(SendHalf);
        closed.OnGenerationDiscarded();

        Assert.Equal(StreamError.WritesCompleted, finished.Write(1).Error);
        Assert.Equal(StreamError.WritesAborted, aborted.Write(1).Error);
        Assert.Equal(StreamError.StreamClosed, closed.Write(1).Error);
        Assert.Equal(5UL, finished.BytesSent);
        Assert.Equal(0UL, aborted.BytesSent);
        Assert.Equal(0UL, closed.BytesSent);
    }

    [Fact]
    public void Generation_discard_ends_the_half_without_a_frame()
    {
        var half = default(SendHalf);
        half.Write(4);

        var step = half.OnGenerationDiscarded();

        Assert.Equal(new Transition<SendState>(SendState.Send, SendState.Closed, TransitionCause.GenerationDiscarded, null), step.Transitions[0]);
        Assert.Equal(StreamActionKind.None, step.Action.Kind);
        // Deferred Abort and CompleteWrites from an old handle do nothing (scenario S4).
        Assert.Equal(StepKind.Ignored, half.Abort(42).Kind);
        Assert.Equal(StepKind.Ignored, half.CompleteWrites().Kind);
        Assert.Null(half.ResetErrorCode);
    }

    [Theory]
    [InlineData(0UL, 0UL, true)]
    [InlineData(0UL, (1UL << 62) - 1, true)]
    [InlineData(0UL, 1UL << 62, false)]
    [InlineData((1UL << 62) - 10, 9UL, true)]
    [InlineData((1UL << 62) - 10, 10UL, false)]
    [InlineData((1UL << 62) + 1, 0UL, false)]
    [InlineData(ulong.MaxValue, ulong.MaxValue, false)]
    public void Stream_offsets_stop_at_the_varint_limit(ulong offset, ulong length, bool fits)
    {
        // RFC 9000 §4.5 and §19.8: no stream offset may exceed 2^62-1; both halves use this check.
        Assert.Equal(fits, QuicActors.Streams.Internal.QuicLimits.FitsStreamOffset(offset, length));
    }

    [Fact]
    public void Bad_arguments_name_the_offending_value()
    {
        var half = default(SendHalf);

        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => half.Write(-1));
        var code = Assert.Throws<ArgumentOutOfRangeException>(() => half.Abort(1UL << 62));

        Assert.Equal("byteCount", negative.ParamName);
        Assert.Equal("errorCode", code.ParamName);
        Assert.Equal(1UL << 62, code.ActualValue);
        Assert.Equal(SendState.Ready, half.State);
    }

    [Fact]
    public void Half_operations_do_not_allocate()
    {
        RunLifecycles();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var transitions = RunLifecycles();

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(transitions > 0);

        static int RunLifecycles()
        {
            var count = 0;
            for (var i = 0; i < 1000; i++)
            {
                var send = default(SendHalf);
                count += send.Write(64).Transitions.Count + send.CompleteWrites().Transitions.Count
                    + send.OnStopSending(7).Transitions.Count + send.OnResetAcknowledged().Transitions.Count;
                var receive = default(ReceiveHalf);
                count += receive.OnStreamFrame(0, 64, false).Transitions.Count + receive.StopSending(7).Transitions.Count
                    + receive.OnStreamFrame(64, 0, true).Transitions.Count;
            }

            return count;
        }
    }
}
