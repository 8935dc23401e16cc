using System.Collections.Concurrent;
using System.Diagnostics;
using QuicActors.Kernel;
using QuicActors.TestKit.Internal;
using Xunit.Sdk;

namespace QuicActors.TestKit;

/// <summary>
/// Expectations on the messages received by a test actor; shared by <see cref="TestKit"/> (whose test actor
/// is the implicit sender of tells from the test) and <see cref="TestProbe"/>. Expectations block the calling
/// thread for at most their (dilated) timeout, measured on the real clock: actors run on the thread pool even
/// when the system's clock is virtual.
/// </summary>
public abstract partial class TestKitBase
{
    private readonly BlockingCollection<ReceivedMessage> _queue = [];
    private long? _withinDeadline;

    /// <summary>Creates the test actor in <paramref name="system"/>.</summary>
    private protected TestKitBase(ActorSystem system, TestKitSettings settings, string? testActorName)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(settings);
        Sys = system;
        TestKitSettings = settings;
        var queue = _queue;
        TestActor = system.ActorOf(Props.Create(() => new TestActor(queue)), testActorName);
    }

    /// <summary>The actor system under test.</summary>
    public ActorSystem Sys { get; }

    /// <summary>The actor whose received messages the expectations inspect.</summary>
    public IActorRef TestActor { get; }

    /// <summary>The timeouts and time factor.</summary>
    public TestKitSettings TestKitSettings { get; }

    /// <summary>The sender of the last message taken by an expectation (dead letters before the first).</summary>
    public IActorRef LastSender { get; private set; } = ActorRefs.Nobody;

    /// <summary>The last message taken by an expectation.</summary>
    public object? LastMessage { get; private set; }

    /// <summary>Messages received and not yet taken by an expectation.</summary>
    public bool HasMessages => _queue.Count > 0;

    /// <summary><paramref name="duration"/> multiplied by the time factor.</summary>
    public TimeSpan Dilated(TimeSpan duration) => TestKitSettings.Dilated(duration);

    /// <summary>The time left in the innermost <see cref="Within(TimeSpan, Action)"/> block.</summary>
    /// <exception cref="InvalidOperationException">Not inside a Within block.</exception>
    public TimeSpan Remaining => _withinDeadline is { } deadline
        ? Max(TimeSpan.Zero, Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline))
        : throw new InvalidOperationException("Remaining is only defined inside Within(...).");

    /// <summary>The time left in a Within block, else the dilated default timeout.</summary>
    public TimeSpan RemainingOrDefault => _withinDeadline is not null ? Remaining : Dilated(TestKitSettings.DefaultTimeout);

    /// <summary>Creates an actor in <see cref="Sys"/>.</summary>
    public IActorRef ActorOf(Props props, string? name = null) => Sys.ActorOf(props, name);

    /// <summary>Creates a probe: another test actor in the same system.</summary>
    public TestProbe CreateTestProbe(string? name = null) => new(Sys, TestKitSettings, name);

    /// <summary>Makes the test actor watch <paramref name="actor"/>, so <see cref="ExpectTerminated"/> can see its death.</summary>
    public IActorRef Watch(IActorRef actor)
    {
        TestActor.Tell(new WatchRequest(actor, Watch: true), null);
        return actor;
    }

    /// <summary>Makes the test actor stop watching <paramref name="actor"/>.</summary>
    public IActorRef Unwatch(IActorRef actor)
    {
        TestActor.Tell(new WatchRequest(actor, Watch: false), null);
        return actor;
    }

    /// <summary>Replies to the sender of the last message, with the test actor as sender.</summary>
    public void Reply(object message)
    {
        if (LastMessage is null) throw new InvalidOperationException("Reply needs a message received first.");
        LastSender.Tell(message, TestActor);
    }

    /// <summary>Forwards the last message to <paramref name="actor"/>, keeping its original sender.</summary>
    public void Forward(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var message = LastMessage ?? throw new InvalidOperationException("Forward needs a message received first.");
        actor.Tell(message, LastSender);
    }

    /// <summary>Takes the next message within <paramref name="timeout"/>, or returns <see langword="null"/>.</summary>
    public object? ReceiveOne(TimeSpan? timeout = null)
    {
        var limit = timeout ?? RemainingOrDefault;
        if (!_queue.TryTake(out var received, Max(TimeSpan.Zero, limit))) return null;
        LastMessage = received.Message;
        LastSender = received.Sender;
        return received.Message;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static XunitException Failure(string message) => new(message);
}
