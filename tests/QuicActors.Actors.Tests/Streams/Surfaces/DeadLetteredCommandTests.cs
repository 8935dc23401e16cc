using QuicActors.Kernel;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Surfaces;

/// <summary>
/// The kernel hook the surfaces rely on so that a stream command told to a stream actor that stopped on the way fails
/// rather than leaving its caller (a pipe pump, an enumeration) waiting forever.
/// </summary>
public sealed class DeadLetteredCommandTests(ITestOutputHelper output) : QuicActors.TestKit.TestKit(output)
{
    [Fact]
    public void A_dead_letter_aware_message_to_a_stopped_actor_learns_it_once_and_is_still_published()
    {
        var target = Sys.ActorOf(Props.Create<SilentActor>(), "silent");
        Watch(target);
        Sys.Stop(target);
        ExpectTerminated(target);
        Sys.EventStream.Subscribe<DeadLetter>(TestActor);

        var message = new AwareMessage();
        target.Tell(message, ActorRefs.NoSender);

        var letter = ExpectMsg<DeadLetter>();
        Assert.Same(message, letter.Message);
        Assert.Equal(1, message.Calls);
    }

    private sealed class AwareMessage : IDeadLetterAware
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public void OnDeadLetter() => Interlocked.Increment(ref _calls);
    }

    private sealed class SilentActor : ReceiveActor
    {
        public SilentActor() => ReceiveAny(_ => { });
    }
}
