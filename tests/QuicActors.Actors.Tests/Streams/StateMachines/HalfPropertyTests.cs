using FsCheck;
using FsCheck.Fluent;
using QuicActors.Streams;

namespace QuicActors.Actors.Tests.Streams.StateMachines;

/// <summary>
/// Random operation sequences on <see cref="SendHalf"/> and <see cref="ReceiveHalf"/>: RFC 9000 §3 edges only,
/// terminal states absorbing, each transition reported once, and the final-size rules of RFC 9000 §4.5 checked
/// against an oracle written here.
/// </summary>
public sealed class HalfPropertyTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(1000);

    public enum SendOpKind { Write, CompleteWrites, Abort, StopSending, AllDataAcknowledged, ResetAcknowledged, ConnectionClosed, GenerationDiscarded }

    public sealed record SendOp(SendOpKind Kind, int Bytes, ulong Code);

    public enum ReceiveOpKind { Frame, Reset, BytesRead, EofRead, ResetRead, StopSending, ConnectionClosed, GenerationDiscarded }

    /// <summary>
    /// Offsets are relative to what the half has received, so that most frames are plausible: <paramref name="Back"/>
    /// bytes before the received prefix (a retransmission), or past it when <paramref name="Gap"/> is set.
    /// </summary>
    public sealed record ReceiveOp(ReceiveOpKind Kind, int Back, int Length, bool Fin, bool Gap, int SizeDelta, ulong Code);

    private static readonly Gen<SendOp> SendOps =
        from kind in Gen.Frequency(
            (6, Gen.Constant(SendOpKind.Write)),
            (2, Gen.Elements(SendOpKind.CompleteWrites, SendOpKind.AllDataAcknowledged, SendOpKind.ResetAcknowledged)),
            (1, Gen.Elements(SendOpKind.Abort, SendOpKind.StopSending, SendOpKind.ConnectionClosed, SendOpKind.GenerationDiscarded)))
        from bytes in Gen.Choose(0, 100)
        from code in Gen.Choose(0, 50)
        select new SendOp(kind, bytes, (ulong)code);

    private static readonly Gen<ReceiveOp> ReceiveOps =
        from kind in Gen.Frequency(
            (8, Gen.Constant(ReceiveOpKind.Frame)),
            (3, Gen.Elements(ReceiveOpKind.BytesRead, ReceiveOpKind.EofRead, ReceiveOpKind.ResetRead)),
            (1, Gen.Elements(ReceiveOpKind.Reset, ReceiveOpKind.StopSending, ReceiveOpKind.ConnectionClosed, ReceiveOpKind.GenerationDiscarded)))
        from back in Gen.Choose(0, 20)
        from length in Gen.Choose(0, 40)
        from fin in Gen.Frequency((1, Gen.Constant(true)), (4, Gen.Constant(false)))
        from gap in Gen.Frequency((1, Gen.Constant(true)), (9, Gen.Constant(false)))
        from sizeDelta in Gen.Frequency((4, Gen.Constant(0)), (1, Gen.Choose(-3, 3)))
        from code in Gen.Choose(0, 50)
        select new ReceiveOp(kind, back, length, fin, gap, sizeDelta, (ulong)code);

    [Fact]
    public void Send_half_keeps_RFC_edges_and_final_size()
    {
        var seen = new HashSet<SendState>();
        Check.One(Runs, Prop.ForAll(Arb.From(Gen.ArrayOf(SendOps)), (SendOp[] ops) =>
        {
            var half = default(SendHalf);
            var run = new List<Transition<SendState>>();
            foreach (var op in ops)
            {
                var before = half;
                var step = op.Kind switch
                {
                    SendOpKind.Write => half.Write(op.Bytes),
                    SendOpKind.CompleteWrites => half.CompleteWrites(),
                    SendOpKind.Abort => half.Abort(op.Code),
                    SendOpKind.StopSending => half.OnStopSending(op.Code),
                    SendOpKind.AllDataAcknowledged => half.OnAllDataAcknowledged(),
                    SendOpKind.ResetAcknowledged => half.OnResetAcknowledged(),
                    SendOpKind.ConnectionClosed => half.OnConnectionClosed(),
                    _ => half.OnGenerationDiscarded(),
                };

                StepAssert.Send(before.State, step);
                Assert.Equal(step.State, half.State);
                if (step.IsFailure)
                {
                    AssertUnchanged(before, half);
                }

                // §4.5: the final size, once fixed by FIN or RESET_STREAM, never changes and equals the bytes sent.
                if (before.FinalSize is { } fixedSize)
                {
                    Assert.Equal(fixedSize, half.FinalSize);
                }

                if (half.FinalSize is { } finalSize)
                {
                    Assert.Equal(finalSize, half.BytesSent);
                }

                if (half.State is SendState.DataSent or SendState.DataRecvd or SendState.ResetSent or SendState.ResetRecvd)
                {
                    Assert.NotNull(half.FinalSize);
                }

                if (step.Action.Kind == StreamActionKind.SendResetStream)
                {
                    Assert.True(op.Kind is SendOpKind.Abort or SendOpKind.StopSending);
                    Assert.Equal(op.Code, step.Action.ErrorCode);
                    Assert.Equal(half.ResetErrorCode, step.Action.ErrorCode);
                    Assert.Equal(half.FinalSize, step.Action.FinalSize);
                }
                else
                {
                    Assert.Equal(StreamActionKind.None, step.Action.Kind);
                }

                run.AddRange(StateMachinePropertyTests.Enumerate(step.Transitions));
            }

            StepAssert.ReportedOnce(SendState.Ready, run, half.State);
            seen.UnionWith(run.Select(t => t.To));
        }));

        // The generator is not vacuous: the runs visit every state.
        Assert.Equal(Enum.GetValues<SendState>().Where(s => s != SendState.Ready).ToHashSet(), seen);
    }

    [Fact]
    public void Receive_half_keeps_RFC_edges_and_final_size()
    {
        var seen = new HashSet<ReceiveState>();
        var finalSizeErrors = 0;
        Check.One(Runs, Prop.ForAll(Arb.From(Gen.ArrayOf(ReceiveOps)), (ReceiveOp[] ops) =>
        {
            var half = default(ReceiveHalf);
            var run = new List<Transition<ReceiveState>>();
            var stopSendingFrames = 0;
            foreach (var op in ops)
            {
                var before = half;
                bool expectFinalSizeError;
                StepResult<ReceiveState> step;
                switch (op.Kind)
                {
                    case ReceiveOpKind.Frame:
                        var offset = op.Gap
                            ? half.BytesReceived + 1 + (ulong)op.Back
                            : half.BytesReceived - Math.Min((ulong)op.Back, half.BytesReceived);
                        var end = offset + (ulong)op.Length;
                        // §4.5 oracle: nothing beyond a known final size, a FIN may not move it, nor fall below received data.
                        expectFinalSizeError = before.State != ReceiveState.Closed && (before.FinalSize is { } known
                            ? end > known || (op.Fin && end != known)
                            : op.Fin && end < before.BytesReceived);
                        step = half.OnStreamFrame(offset, op.Length, op.Fin);
                        break;
                    case ReceiveOpKind.Reset:
                        var resetSize = (ulong)Math.Max(0, (long)(half.FinalSize ?? half.BytesReceived) + op.SizeDelta);
                        // §4.5 oracle: RESET_STREAM may not change a known final size nor fall below received data.
                        expectFinalSizeError = before.State != ReceiveState.Closed
                            && ((before.FinalSize is { } size && size != resetSize) || resetSize < before.BytesReceived);
                        step = half.OnResetStream(op.Code, resetSize);
                        break;
                    default:
                        expectFinalSizeError = false;
                        step = op.Kind switch
                        {
                            ReceiveOpKind.BytesRead => half.OnBytesRead(op.Length),
                            ReceiveOpKind.EofRead => half.OnEofRead(),
                            ReceiveOpKind.ResetRead => half.OnResetRead(),
                            ReceiveOpKind.StopSending => half.StopSending(op.Code),
                            ReceiveOpKind.ConnectionClosed => half.OnConnectionClosed(),
                            _ => half.OnGenerationDiscarded(),
                        };
                        break;
                }

                StepAssert.Receive(before.State, step);
                Assert.Equal(step.State, half.State);
                Assert.Equal(expectFinalSizeError, step.Error == StreamError.FinalSizeError);
                finalSizeErrors += expectFinalSizeError ? 1 : 0;
                if (step.IsFailure)
                {
                    AssertUnchanged(before, half);
                }

                AssertReceiveInvariants(before, half);
                if (step.Action.Kind == StreamActionKind.SendStopSending)
                {
                    Assert.Equal(ReceiveOpKind.StopSending, op.Kind);
                    Assert.Equal(op.Code, step.Action.ErrorCode);
                    stopSendingFrames++;
                }

                run.AddRange(StateMachinePropertyTests.Enumerate(step.Transitions));
            }

            Assert.InRange(stopSendingFrames, 0, 1);
            StepAssert.ReportedOnce(ReceiveState.Recv, run, half.State);
            seen.UnionWith(run.Select(t => t.To));
        }));

        // The generator is not vacuous: the runs visit every state and provoke FINAL_SIZE_ERROR.
        Assert.Equal(Enum.GetValues<ReceiveState>().Where(s => s != ReceiveState.Recv).ToHashSet(), seen);
        Assert.True(finalSizeErrors > 0);
    }

    private static void AssertReceiveInvariants(ReceiveHalf before, ReceiveHalf half)
    {
        if (before.FinalSize is { } fixedSize)
        {
            Assert.Equal(fixedSize, half.FinalSize);
        }

        Assert.True(half.BytesRead <= half.BytesReceived, half.ToString());
        Assert.True(half.FinalSize is null || half.BytesReceived <= half.FinalSize, half.ToString());
        switch (half.State)
        {
            case ReceiveState.Recv:
                Assert.Null(half.FinalSize);
                break;
            case ReceiveState.SizeKnown:
                Assert.True(half.BytesReceived < half.FinalSize, half.ToString());
                break;
            case ReceiveState.DataRecvd:
                Assert.Equal(half.FinalSize, half.BytesReceived);
                break;
            case ReceiveState.ResetRecvd:
                Assert.NotNull(half.FinalSize);
                Assert.NotNull(half.ResetErrorCode);
                break;
        }

        // An application that aborted reading never leaves the half waiting for a read that will not come.
        if (half.StopSendingErrorCode is not null)
        {
            Assert.False(half.State is ReceiveState.DataRecvd or ReceiveState.ResetRecvd, half.ToString());
        }
    }

    private static void AssertUnchanged(SendHalf before, SendHalf after)
    {
        Assert.Equal(before.State, after.State);
        Assert.Equal(before.BytesSent, after.BytesSent);
        Assert.Equal(before.FinalSize, after.FinalSize);
        Assert.Equal(before.ResetErrorCode, after.ResetErrorCode);
    }

    private static void AssertUnchanged(ReceiveHalf before, ReceiveHalf after)
    {
        Assert.Equal(before.State, after.State);
        Assert.Equal(before.BytesReceived, after.BytesReceived);
        Assert.Equal(before.BytesRead, after.BytesRead);
        Assert.Equal(before.FinalSize, after.FinalSize);
        Assert.Equal(before.ResetErrorCode, after.ResetErrorCode);
        Assert.Equal(before.StopSendingErrorCode, after.StopSendingErrorCode);
    }
}
