namespace QuicActors.Actors.Tests.Kernel;

using QuicActors.Kernel;
using QuicActors.TestKit;
using Xunit.Abstractions;

public sealed class EventStreamTests(ITestOutputHelper output) : TestKit(output)
{
    private abstract record Animal;

    private sealed record Dog : Animal;

    private sealed record Cat : Animal;

    [Fact]
    public void Subscribers_to_a_base_type_receive_its_subtypes()
    {
        var animals = CreateTestProbe();
        var dogs = CreateTestProbe();
        Sys.EventStream.Subscribe<Animal>(animals.Ref);
#pragma warning disable CA2263 // the Type overload is what this test covers
        Sys.EventStream.Subscribe(dogs.Ref, typeof(Dog));
#pragma warning restore CA2263
        Sys.EventStream.Publish(new Dog());
        Sys.EventStream.Publish(new Cat());
        animals.ExpectMsg<Dog>();
        animals.ExpectMsg<Cat>();
        dogs.ExpectMsg<Dog>();
        dogs.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Unsubscribed_actors_receive_nothing()
    {
        var probe = CreateTestProbe();
        Assert.True(Sys.EventStream.Subscribe<Dog>(probe.Ref));
        Assert.False(Sys.EventStream.Subscribe<Dog>(probe.Ref));
        Assert.True(Sys.EventStream.Unsubscribe(probe.Ref, typeof(Dog)));
        Sys.EventStream.Publish(new Dog());
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Sys.EventStream.Subscribe<Dog>(probe.Ref);
        Assert.True(Sys.EventStream.Unsubscribe(probe.Ref));
        Sys.EventStream.Publish(new Dog());
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Dead_letters_are_published_and_telling_dead_letters_publishes_too()
    {
        Sys.EventStream.Subscribe<DeadLetter>(TestActor);
        Sys.DeadLetters.Tell("direct");
        Assert.Equal("direct", ExpectMsg<DeadLetter>().Message);
        var actor = ActorOf(Props.Create<EchoActor>());
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);
        actor.Tell("late");
        var dead = ExpectMsg<DeadLetter>();
        Assert.Equal("late", dead.Message);
        Assert.Same(TestActor, dead.Sender);
    }

    [Fact]
    public void A_dead_subscriber_does_not_cause_a_dead_letter_loop()
    {
        var probe = CreateTestProbe();
        var subscriber = ActorOf(Props.Create<EchoActor>());
        Sys.EventStream.Subscribe<DeadLetter>(subscriber);
        Sys.EventStream.Subscribe<DeadLetter>(probe.Ref);
        Watch(subscriber);
        Sys.Stop(subscriber);
        ExpectTerminated(subscriber);
        Sys.DeadLetters.Tell("once");
        Assert.Equal("once", probe.ExpectMsg<DeadLetter>().Message);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }
}
