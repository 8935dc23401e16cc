using System.Diagnostics;
using System.Globalization;
using Serilog.Events;
using Xunit.Sdk;

namespace QuicActors.TestKit;

/// <summary>
/// Asserts how many matching log events an action causes: waits (up to the default timeout) for them to
/// appear, then watches a little longer (ExpectNoMessageDefault) to be sure no extra one follows.
/// </summary>
public sealed class EventFilter
{
    private readonly TestKitBase _kit;
    private readonly LogCapture _capture;
    private readonly string _description;
    private readonly Func<LogEvent, bool> _matches;

    internal EventFilter(TestKitBase kit, LogCapture capture, string description, Func<LogEvent, bool> matches)
    {
        _kit = kit;
        _capture = capture;
        _description = description;
        _matches = matches;
    }

    /// <summary>Runs <paramref name="action"/> and asserts exactly one matching event.</summary>
    public void ExpectOne(Action action) => Expect(1, action);

    /// <summary>Runs <paramref name="action"/> and asserts exactly <paramref name="count"/> matching events.</summary>
    public void Expect(int count, Action action, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var mark = _capture.Count;
        action();
        var limit = timeout ?? _kit.RemainingOrDefault;
        var start = Stopwatch.GetTimestamp();
        while (Matching(mark) < count && Stopwatch.GetElapsedTime(start) < limit) Thread.Sleep(5);
        Thread.Sleep(_kit.Dilated(_kit.TestKitSettings.ExpectNoMessageDefault));
        var found = Matching(mark);
        if (found != count)
        {
            var seen = string.Join(Environment.NewLine, _capture.Since(mark).Select(e => $"  [{e.Level}] {e.RenderMessage(CultureInfo.InvariantCulture)} {e.Exception?.GetType().Name}"));
            throw new XunitException($"Expected {count} {_description} log event(s) but found {found}. Events logged:{Environment.NewLine}{seen}");
        }
    }

    private int Matching(int mark) => _capture.Since(mark).Count(_matches);
}
