using QuicActors.Kernel;

namespace QuicActors.TestKit;

/// <summary>An extra test actor with its own queue and expectations, in the same system as its TestKit.</summary>
public sealed class TestProbe : TestKitBase
{
    internal TestProbe(ActorSystem system, TestKitSettings settings, string? name) : base(system, settings, name) { }

    /// <summary>The probe's actor (same as <see cref="TestKitBase.TestActor"/>).</summary>
    public IActorRef Ref => TestActor;

    /// <summary>Tells <paramref name="message"/> to <paramref name="actor"/> with the probe as sender.</summary>
    public void Send(IActorRef actor, object message)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Tell(message, TestActor);
    }
}
