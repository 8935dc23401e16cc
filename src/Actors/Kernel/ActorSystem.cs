using QuicActors.Kernel.Internal;
using Serilog;

namespace QuicActors.Kernel;

/// <summary>
/// A hierarchy of actors under one guardian (<c>/user</c>), with its event stream, dead letters and
/// scheduler. <see cref="Terminate"/> stops every actor (children before parents) and completes
/// <see cref="WhenTerminated"/>.
/// </summary>
public sealed class ActorSystem : IDisposable
{
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ActorCell _guardian;
    private long _uidCounter;
    private long _tempCounter;
    private int _terminating;

    private ActorSystem(string name, ActorSystemSettings settings)
    {
        Name = name;
        Settings = settings;
        RootPath = ActorPath.Root(name);
        Log = settings.Logger.ForContext("ActorSystem", name);
        EventStream = new EventStream();
        Scheduler = new TimeProviderScheduler(settings.TimeProvider);
        DeadLetters = new DeadLetterRef(this);
        _guardian = new ActorCell(this, null, "user", Props.Create<GuardianActor>(), NextUid());
        _guardian.SendSystemMessage(new CreateMessage());
    }

    /// <summary>Creates and starts a system.</summary>
    /// <param name="name">Letters, digits, '-' and '_' only (it appears in every actor path).</param>
    /// <param name="settings">Settings, or <see cref="ActorSystemSettings.Default"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or has other characters.</exception>
    public static ActorSystem Create(string name, ActorSystemSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new ArgumentException($"Invalid actor system name '{name}': use letters, digits, '-' and '_' only.", nameof(name));
        return new ActorSystem(name, settings ?? ActorSystemSettings.Default);
    }

    /// <summary>The system's name.</summary>
    public string Name { get; }

    /// <summary>The settings it runs with.</summary>
    public ActorSystemSettings Settings { get; }

    /// <summary>The kernel's logger (with the system name as a property).</summary>
    public ILogger Log { get; }

    /// <summary>Publish-subscribe by type; carries <see cref="DeadLetter"/> and <see cref="UnhandledMessage"/>.</summary>
    public EventStream EventStream { get; }

    /// <summary>The scheduler, on <see cref="ActorSystemSettings.TimeProvider"/>.</summary>
    public IScheduler Scheduler { get; }

    /// <summary>Where undeliverable messages go; telling it publishes a <see cref="DeadLetter"/>.</summary>
    public IActorRef DeadLetters { get; }

    /// <summary>Completes once every actor has stopped after <see cref="Terminate"/> (or a guardian escalation).</summary>
    public Task WhenTerminated => _terminated.Task;

    internal ActorPath RootPath { get; }

    /// <summary>Sender used for <c>Tell(message)</c> outside any actor (the TestKit sets its test actor).</summary>
    internal IActorRef? ImplicitSender { get; set; }

    internal ActorCell Guardian => _guardian;

    /// <summary>Creates a top-level actor under <c>/user</c>.</summary>
    /// <exception cref="InvalidActorNameException">The name is malformed or taken.</exception>
    /// <exception cref="InvalidOperationException">The system is terminating.</exception>
    public IActorRef ActorOf(Props props, string? name = null)
    {
        if (Volatile.Read(ref _terminating) != 0)
            throw new InvalidOperationException($"Actor system '{Name}' is terminating; cannot create actor '{name}'.");
        return _guardian.MakeChild(props, name);
    }

    /// <summary>Stops <paramref name="actor"/> after its current message.</summary>
    public void Stop(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor is not InternalActorRef target) return;
        if (target.SystemOrNull is { } owner && !ReferenceEquals(owner, this))
            throw new ArgumentException($"{actor} belongs to actor system '{owner.Name}', not '{Name}'.", nameof(actor));
        target.SendSystemMessage(new TerminateMessage());
    }

    /// <summary>Stops all actors; the task completes when they have all stopped.</summary>
    public Task Terminate()
    {
        if (Interlocked.Exchange(ref _terminating, 1) == 0) _guardian.SendSystemMessage(new TerminateMessage());
        return WhenTerminated;
    }

    /// <summary>Terminates and waits up to 10 s for all actors to stop. Do not call from inside an actor.</summary>
    public void Dispose() => Terminate().Wait(TimeSpan.FromSeconds(10));

    internal long NextUid() => Interlocked.Increment(ref _uidCounter);

    internal ActorPath TempPath() => RootPath / "temp" / ("$" + Interlocked.Increment(ref _tempCounter).ToString(System.Globalization.CultureInfo.InvariantCulture));

    internal void OnGuardianTerminated()
    {
        Log.Debug("Actor system {ActorSystem:l} terminated", Name);
        _terminated.TrySetResult();
    }

    internal void OnGuardianFailed(ActorCell guardian, Exception cause)
    {
        Log.Error(cause, "The user guardian {ActorPath:l} escalated a failure: {ExceptionMessage:l}; terminating the actor system",
            guardian.Path.ToString(), cause.Message);
        Terminate();
    }

    internal void PublishDeadLetter(object message, IActorRef? sender, IActorRef recipient)
    {
        if (message is DeadLetter) return;
        (message as IDeadLetterAware)?.OnDeadLetter();
        if (Settings.LogDeadLetters && message is not IDeadLetterSuppression && (Volatile.Read(ref _terminating) == 0 || Settings.LogDeadLettersDuringShutdown))
        {
            Log.Information("Message {MessageType:l} from {Sender:l} to {Recipient:l} was not delivered (dead letter)",
                message.GetType().FullName, sender?.Path.ToString() ?? "NoSender", recipient.Path.ToString());
        }
        EventStream.Publish(new DeadLetter(message, sender, recipient));
    }

    /// <inheritdoc />
    public override string ToString() => $"ActorSystem({Name})";
}
