using System.Globalization;

namespace QuicActors.Benchmarks;

/// <summary>
/// Samples a counter in short windows together with the CPU time every thread of the process got in each
/// (Linux <c>/proc/self/task/*/schedstat</c>, nanosecond precision), and keeps the rate of the windows in
/// which the process had (nearly) every core of the machine.
/// </summary>
/// <remarks>
/// On a machine shared with other builds a two-thread scenario rarely gets both cores for a whole run, so its
/// wall-clock rate measures the neighbours and its per-CPU-second rate mixes one-core and two-core phases
/// (which cost very differently per message: on two cores the cache lines travel between them). The rate
/// in full-core windows is the two-core figure alone, measured in the gaps the neighbours leave.
/// </remarks>
internal sealed class FullCoreWindows : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(20);
    private const double FullShare = 0.9;

    private readonly Func<long> _counter;
    private readonly Thread _sampler;
    private readonly List<double> _fullRates = [];
    private volatile bool _stop;
    private int _windows;

    private FullCoreWindows(Func<long> counter)
    {
        _counter = counter;
        _sampler = new Thread(Sample) { IsBackground = true, Name = "full-core-windows" };
    }

    /// <summary>Starts sampling; null where the per-thread scheduler statistics are not available (not Linux).</summary>
    public static FullCoreWindows? Start(Func<long> counter)
    {
        if (!Directory.Exists("/proc/self/task")) return null;
        var windows = new FullCoreWindows(counter);
        windows._sampler.Start();
        return windows;
    }

    /// <summary>Stops sampling and describes the full-core windows (median rate, how many of all).</summary>
    public string Stop(string unit)
    {
        _stop = true;
        _sampler.Join();
        if (_fullRates.Count == 0) return $"no {Window.TotalMilliseconds:F0} ms window of {_windows} had all {Environment.ProcessorCount} cores busy";
        _fullRates.Sort();
        var median = _fullRates[_fullRates.Count / 2];
        return string.Create(CultureInfo.InvariantCulture,
            $"{median:F0} {unit} (median) in {_fullRates.Count} of {_windows} {Window.TotalMilliseconds:F0} ms windows with all {Environment.ProcessorCount} cores busy");
    }

    public void Dispose()
    {
        if (!_stop) Stop("");
    }

    private void Sample()
    {
        var self = ThreadId();
        var cores = Environment.ProcessorCount;
        var (cpu, count, clock) = (CpuNanoseconds(self), _counter(), System.Diagnostics.Stopwatch.GetTimestamp());
        while (!_stop)
        {
            Thread.Sleep(Window);
            var (cpuNow, countNow, clockNow) = (CpuNanoseconds(self), _counter(), System.Diagnostics.Stopwatch.GetTimestamp());
            var seconds = (clockNow - clock) / (double)System.Diagnostics.Stopwatch.Frequency;
            _windows++;
            // Threads that ended during the window drop out of the sum: such a window only looks less busy.
            if ((cpuNow - cpu) / 1e9 >= FullShare * cores * seconds) _fullRates.Add((countNow - count) / seconds);
            (cpu, count, clock) = (cpuNow, countNow, clockNow);
        }
    }

    /// <summary>CPU time of every thread of the process except <paramref name="exclude"/>, in nanoseconds.</summary>
    private static long CpuNanoseconds(string exclude)
    {
        long total = 0;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            if (Path.GetFileName(task) == exclude) continue;
            try
            {
                var text = File.ReadAllText(Path.Combine(task, "schedstat"));
                var end = text.IndexOf(' ', StringComparison.Ordinal);
                total += long.Parse(text.AsSpan(0, end < 0 ? text.Length : end), NumberStyles.Integer, CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The thread ended between the listing and the read.
            }
        }
        return total;
    }

    private static string ThreadId()
    {
        var info = new FileInfo("/proc/thread-self");
        var target = info.LinkTarget ?? throw new InvalidOperationException("/proc/thread-self is not a link");
        return Path.GetFileName(target);
    }
}
