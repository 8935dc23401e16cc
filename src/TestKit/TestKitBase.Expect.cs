using System.Diagnostics;
using QuicActors.Kernel;

namespace QuicActors.TestKit;

public abstract partial class TestKitBase
{
    /// <summary>Expects the next message to be a <typeparamref name="T"/> and returns it.</summary>
    public T ExpectMsg<T>(TimeSpan? timeout = null, string? hint = null) => ExpectMsgCore<T>(null, timeout, hint);

    /// <summary>Expects the next message to equal <paramref name="message"/>.</summary>
    public T ExpectMsg<T>(T message, TimeSpan? timeout = null)
        where T : notnull
        => ExpectMsgCore<T>(m => Equals(m, message), timeout, $"a message equal to {message}");

    /// <summary>Expects the next message to be a <typeparamref name="T"/> satisfying <paramref name="isMessage"/>.</summary>
    public T ExpectMsg<T>(Predicate<T> isMessage, TimeSpan? timeout = null, string? hint = null)
    {
        ArgumentNullException.ThrowIfNull(isMessage);
        return ExpectMsgCore(isMessage, timeout, hint);
    }

    private T ExpectMsgCore<T>(Predicate<T>? isMessage, TimeSpan? timeout, string? hint)
    {
        var limit = timeout ?? RemainingOrDefault;
        var description = hint ?? $"a message of type {typeof(T).Name}";
        var message = ReceiveOne(limit)
            ?? throw Failure($"Timeout ({limit}) while waiting for {description}.");
        if (message is not T typed)
            throw Failure($"Expected {description}, but received {Describe(message)} from {LastSender}.");
        if (isMessage is not null && !isMessage(typed))
            throw Failure($"Expected {description}, but received {Describe(message)} from {LastSender}, which does not match.");
        return typed;
    }

    /// <summary>Expects no message for <paramref name="duration"/> (default: the dilated ExpectNoMessageDefault).</summary>
    public void ExpectNoMsg(TimeSpan? duration = null)
    {
        var limit = duration ?? Dilated(TestKitSettings.ExpectNoMessageDefault);
        var message = ReceiveOne(limit);
        if (message is not null) throw Failure($"Expected no message for {limit}, but received {Describe(message)} from {LastSender}.");
    }

    /// <summary>Expects the <see cref="Terminated"/> of <paramref name="target"/> (call <see cref="Watch"/> first).</summary>
    public Terminated ExpectTerminated(IActorRef target, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        return ExpectMsgCore<Terminated>(t => t.ActorRef.Equals(target), timeout, $"Terminated of {target}");
    }

    /// <summary>Takes exactly <paramref name="count"/> messages within <paramref name="timeout"/> (for all of them).</summary>
    public IReadOnlyList<object> ReceiveN(int count, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var limit = timeout ?? RemainingOrDefault;
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        var received = new List<object>(count);
        while (received.Count < count)
        {
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            var message = ReceiveOne(left > TimeSpan.Zero ? left : TimeSpan.Zero)
                ?? throw Failure($"Timeout ({limit}) while waiting for {count} messages; received only {received.Count}: [{string.Join(", ", received.Select(Describe))}].");
            received.Add(message);
        }
        return received;
    }

    /// <summary>Skips messages until one satisfies <paramref name="isMessage"/>, and returns it.</summary>
    public object FishForMessage(Predicate<object> isMessage, TimeSpan? max = null, string? hint = null)
        => FishForMessage<object>(isMessage, max, hint);

    /// <summary>Skips messages until a <typeparamref name="T"/> satisfies <paramref name="isMessage"/>, and returns it.</summary>
    public T FishForMessage<T>(Predicate<T> isMessage, TimeSpan? max = null, string? hint = null)
    {
        ArgumentNullException.ThrowIfNull(isMessage);
        var limit = max ?? RemainingOrDefault;
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        var skipped = new List<object>();
        while (true)
        {
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            var message = ReceiveOne(left > TimeSpan.Zero ? left : TimeSpan.Zero)
                ?? throw Failure($"Timeout ({limit}) while fishing for {hint ?? typeof(T).Name}; skipped [{string.Join(", ", skipped.Select(Describe))}].");
            if (message is T typed && isMessage(typed)) return typed;
            skipped.Add(message);
        }
    }

    private static string Describe(object message) => $"{message.GetType().Name} ({message})";
}
