using System.Diagnostics;

namespace QuicActors.TestKit;

public abstract partial class TestKitBase
{
    /// <summary>Runs <paramref name="action"/>, which must finish within <paramref name="max"/> (dilated); expectations inside default to the time left.</summary>
    public void Within(TimeSpan max, Action action) => Within(TimeSpan.Zero, max, action);

    /// <summary>Runs <paramref name="action"/>, which must take between <paramref name="min"/> and <paramref name="max"/> (max dilated).</summary>
    public void Within(TimeSpan min, TimeSpan max, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Within(min, max, () =>
        {
            action();
            return true;
        });
    }

    /// <summary>Runs <paramref name="function"/> within <paramref name="max"/> (dilated) and returns its result.</summary>
    public T Within<T>(TimeSpan max, Func<T> function) => Within(TimeSpan.Zero, max, function);

    /// <summary>Runs <paramref name="function"/>, which must take between <paramref name="min"/> and <paramref name="max"/> (max dilated).</summary>
    public T Within<T>(TimeSpan min, TimeSpan max, Func<T> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var dilatedMax = Dilated(max);
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(dilatedMax.TotalSeconds * Stopwatch.Frequency);
        var outer = _withinDeadline;
        _withinDeadline = outer is { } o && o < deadline ? o : deadline;
        T result;
        try { result = function(); }
        finally { _withinDeadline = outer; }
        var elapsed = Stopwatch.GetElapsedTime(start);
        if (elapsed < min) throw Failure($"Within block finished in {elapsed}, earlier than the minimum {min}.");
        if (elapsed > dilatedMax) throw Failure($"Within block took {elapsed}, longer than the maximum {dilatedMax}.");
        return result;
    }

    /// <summary>Retries <paramref name="assertion"/> every <paramref name="interval"/> until it passes or <paramref name="duration"/> ends.</summary>
    public void AwaitAssert(Action assertion, TimeSpan? duration = null, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        var limit = duration ?? RemainingOrDefault;
        var pause = interval ?? TestKitSettings.AwaitInterval;
        var start = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                assertion();
                return;
            }
            catch (Exception) when (Stopwatch.GetElapsedTime(start) < limit)
            {
                Thread.Sleep(pause);
            }
        }
    }

    /// <summary>Polls <paramref name="condition"/> every <paramref name="interval"/> until it holds; fails after <paramref name="max"/>.</summary>
    public void AwaitCondition(Func<bool> condition, TimeSpan? max = null, TimeSpan? interval = null, string? message = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var limit = max ?? RemainingOrDefault;
        var pause = interval ?? TestKitSettings.AwaitInterval;
        var start = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(start) >= limit)
                throw Failure($"Condition not met within {limit}{(message is null ? "" : ": " + message)}.");
            Thread.Sleep(pause);
        }
    }
}
