using QuicActors.Kernel;
using Serilog;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace QuicActors.TestKit;

/// <summary>
/// Base class for xunit tests of actors: a fresh <see cref="ActorSystem"/> per test (so per test class
/// instance), its log routed to the test output, its test actor as the implicit sender of tells made from
/// the test, and shutdown on dispose. With <c>useVirtualTime</c> the system's clock is a
/// <see cref="VirtualTimeProvider"/> that only <see cref="Advance"/> moves, so timers and timeouts are tested
/// without sleeping.
/// </summary>
public abstract class TestKit : TestKitBase, IDisposable
{
    private readonly LogCapture _capture;
    private bool _disposed;

    static TestKit()
    {
        // Tests block their thread while waiting for actors; keep enough pool threads for the actors on small machines.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 8), io);
    }

    /// <summary>Starts the system for one test.</summary>
    /// <param name="output">xunit's output helper; kernel log lines go there.</param>
    /// <param name="useVirtualTime">Run the system's clock on a <see cref="VirtualTimeProvider"/> (see <see cref="Advance"/>).</param>
    /// <param name="settings">TestKit timeouts; default <see cref="TestKitSettings.Default"/>.</param>
    /// <param name="systemSettings">Actor system settings; its time provider and logger are replaced by the TestKit's.</param>
    protected TestKit(ITestOutputHelper? output = null, bool useVirtualTime = false, TestKitSettings? settings = null, ActorSystemSettings? systemSettings = null)
        : this(Setup.Create(output, useVirtualTime, settings ?? TestKitSettings.Default, systemSettings))
    {
    }

    private TestKit(Setup setup) : base(setup.System, setup.Settings, "testActor")
    {
        _capture = setup.Capture;
        VirtualTime = setup.VirtualTime;
        Sys.ImplicitSender = TestActor;
        EventFilter = new EventFilterFactory(this, _capture);
    }

    /// <summary>The virtual clock, when the TestKit was created with <c>useVirtualTime</c>.</summary>
    public VirtualTimeProvider? VirtualTime { get; }

    /// <summary>Assertions on what the kernel logged.</summary>
    public EventFilterFactory EventFilter { get; }

    /// <summary>Moves the virtual clock forward, firing the timers due on the way.</summary>
    /// <exception cref="InvalidOperationException">The TestKit runs on the real clock.</exception>
    public void Advance(TimeSpan by)
    {
        var clock = VirtualTime ?? throw new InvalidOperationException("Advance needs a TestKit created with useVirtualTime: true.");
        clock.Advance(by);
    }

    /// <summary>Terminates the system and waits for it.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Terminates the system; fails the test if it does not terminate within the shutdown timeout.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed || !disposing) return;
        _disposed = true;
        var limit = Dilated(TestKitSettings.ShutdownTimeout);
        if (!Sys.Terminate().Wait(limit))
            throw new XunitException($"Actor system {Sys.Name} did not terminate within {limit}.");
    }

    private sealed record Setup(ActorSystem System, TestKitSettings Settings, LogCapture Capture, VirtualTimeProvider? VirtualTime)
    {
        private static int s_counter;

        public static Setup Create(ITestOutputHelper? output, bool useVirtualTime, TestKitSettings settings, ActorSystemSettings? systemSettings)
        {
            var capture = new LogCapture();
            var logger = new LoggerConfiguration()
                .MinimumLevel.Is(settings.LogLevel)
                .WriteTo.Sink(new TestOutputSink(output, capture))
                .CreateLogger();
            var clock = useVirtualTime ? new VirtualTimeProvider() : null;
            var effective = (systemSettings ?? ActorSystemSettings.Default) with
            {
                Logger = logger,
                TimeProvider = clock ?? systemSettings?.TimeProvider ?? TimeProvider.System,
            };
            var name = "test-" + Interlocked.Increment(ref s_counter).ToString(global::System.Globalization.CultureInfo.InvariantCulture);
            return new Setup(ActorSystem.Create(name, effective), settings, capture, clock);
        }
    }
}
