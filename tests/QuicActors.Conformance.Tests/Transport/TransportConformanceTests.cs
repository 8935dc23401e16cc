using System.Text;
using QuicActors.Conformance.Tests.Harness;
using QuicActors.TestKit;
using QuicActors.Transport;

namespace QuicActors.Conformance.Tests.Transport;

/// <summary>
/// The engine contract, tested once for every engine. Each engine adds one sealed subclass that passes its harness;
/// tests skip, with the reason printed, when the engine is unavailable here or lacks the capability under test.
/// The tests are split by concern over partial files.
/// </summary>
public abstract partial class TransportConformanceTests(EngineHarness harness) : IAsyncLifetime
{
    protected EngineHarness Harness { get; } = harness;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Harness.DisposeAsync();

    /// <summary>Skips the test when the engine cannot run here.</summary>
    protected void RequireEngine() => Skip.UnlessAvailable(Harness.Name, Harness.UnavailableReason is null, $"{Harness.Name} is unavailable: {Harness.UnavailableReason}");

    /// <summary>Skips the test when the engine cannot run here or lacks <paramref name="capability"/>.</summary>
    protected void Require(EngineCapabilities capability)
    {
        RequireEngine();
        Skip.IfNot(Harness.Capabilities.HasFlag(capability), $"{Harness.Name} has no {capability}");
    }

    protected Task<ConnectedPair> ConnectAsync(QuicTransportParameters? server = null, QuicTransportParameters? client = null, bool autoConsume = true) =>
        ConnectedPair.CreateAsync(Harness, server, client, autoConsume);

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>Waits the harness's quiet period, then asserts that <paramref name="task"/> is still pending.</summary>
    protected async Task AssertStillPendingAsync(Task task, string what)
    {
        await Task.Delay(Harness.QuietPeriod);
        Assert.False(task.IsCompleted, $"{what} should still be pending, but it {(task.IsFaulted ? "failed: " + task.Exception!.InnerException!.Message : "completed")}.");
    }

    /// <summary>Waits for <paramref name="task"/> with the harness's event timeout.</summary>
    protected Task<T> Within<T>(Task<T> task) => task.WaitAsync(Harness.EventTimeout);

    /// <summary>Waits for <paramref name="task"/> with the harness's event timeout.</summary>
    protected Task Within(Task task) => task.WaitAsync(Harness.EventTimeout);
}
