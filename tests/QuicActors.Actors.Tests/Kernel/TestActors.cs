namespace QuicActors.Actors.Tests.Kernel;

using QuicActors.Kernel;

/// <summary>Replies every message to its sender.</summary>
internal sealed class EchoActor : ReceiveActor
{
    public EchoActor() => ReceiveAny(m => Sender.Tell(m));
}

/// <summary>Reports its lifecycle to <c>probe</c> as strings ("prestart:name", ...) and fails on "boom".</summary>
internal sealed class LifecycleActor : ReceiveActor
{
    private readonly IActorRef _probe;
    private int _count;

    public LifecycleActor(IActorRef probe)
    {
        _probe = probe;
        Receive<string>(s => s == "boom", _ => throw new InvalidOperationException("boom"));
        Receive<string>(s => s == "count", _ => Sender.Tell(_count));
        Receive<string>(s => s.StartsWith("child:", StringComparison.Ordinal),
            s => Context.ActorOf(Props.Create(() => new LifecycleActor(_probe)), s["child:".Length..]));
        Receive<string>(s =>
        {
            _count++;
            Sender.Tell(s);
        });
    }

    private string Name => Self.Path.Name;

    protected override void PreStart() => _probe.Tell($"prestart:{Name}", Self);

    protected override void PostStop() => _probe.Tell($"poststop:{Name}", Self);

    protected override void PreRestart(Exception reason, object? message)
    {
        _probe.Tell($"prerestart:{Name}:{message}", Self);
        base.PreRestart(reason, message);
    }

    protected override void PostRestart(Exception reason)
    {
        _probe.Tell($"postrestart:{Name}:{reason.Message}", Self);
        base.PostRestart(reason);
    }
}

/// <summary>A parent whose children are created by "create:name" messages and supervised by the given strategy.</summary>
internal sealed class SupervisorActor : ReceiveActor
{
    private readonly SupervisorStrategy _strategy;

    public SupervisorActor(SupervisorStrategy strategy)
    {
        _strategy = strategy;
        Receive<Props>(p => Sender.Tell(Context.ActorOf(p)));
        Receive<(Props Props, string Name)>(p => Sender.Tell(Context.ActorOf(p.Props, p.Name)));
        Receive<string>(s => s == "boom", _ => throw new InvalidOperationException("supervisor boom"));
    }

    protected override SupervisorStrategy SupervisorStrategy() => _strategy;
}
