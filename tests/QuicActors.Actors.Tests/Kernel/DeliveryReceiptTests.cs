namespace QuicActors.Actors.Tests.Kernel;

using QuicActors.Kernel;
using QuicActors.Kernel.Internal;
using QuicActors.TestKit;
using Xunit.Abstractions;

/// <summary>The kernel's delivery receipt: how a producer learns that a consumer has taken what it was told.</summary>
public sealed class DeliveryReceiptTests(ITestOutputHelper output) : TestKit(output)
{
    private sealed record Handled(string Token);

    /// <summary>Records what its behaviour sees; the first message waits for <paramref name="gate"/>.</summary>
    private sealed class GatedRecorder : ReceiveActor
    {
        public GatedRecorder(Task gate, IActorRef seen)
        {
            var first = true;
            ReceiveAsync<string>(async message =>
            {
                if (first)
                {
                    first = false;
                    await gate;
                }

                seen.Tell(message);
            });
            ReceiveAny(message => seen.Tell(message));
        }
    }

    [Fact]
    public void The_token_comes_back_only_after_the_messages_told_before_it_were_handled_and_the_behaviour_never_sees_the_receipt()
    {
        var seen = CreateTestProbe("seen");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = ActorOf(Props.Create(() => new GatedRecorder(gate.Task, seen.Ref)));

        consumer.Tell("one", TestActor);
        consumer.Tell("two", TestActor);
        consumer.Tell(new DeliveryReceipt(TestActor, new Handled("after two")), TestActor);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        gate.SetResult();
        seen.ExpectMsg("one");
        seen.ExpectMsg("two");
        Assert.Equal(new Handled("after two"), ExpectMsg<Handled>());
        Assert.Same(consumer, LastSender);
        seen.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_receipt_to_a_stopped_actor_is_dropped_without_a_dead_letter()
    {
        var gone = ActorOf(Props.Create(() => new GatedRecorder(Task.CompletedTask, TestActor)));
        Watch(gone);
        Sys.Stop(gone);
        ExpectTerminated(gone);
        Sys.EventStream.Subscribe<DeadLetter>(TestActor);

        EventFilter.Info("dead letter").Expect(0, () => gone.Tell(new DeliveryReceipt(TestActor, new Handled("never")), TestActor));
        gone.Tell("plain", TestActor);
        Assert.Equal("plain", ExpectMsg<DeadLetter>().Message);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }
}
