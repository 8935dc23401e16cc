namespace QuicActors.TestKit.Tests;

using QuicActors.Kernel;
using QuicActors.TestKit;
using Xunit.Abstractions;

internal sealed class Echo : ReceiveActor
{
    public Echo() => ReceiveAny(m => Sender.Tell(m));
}

/// <summary>Collects what the TestKit writes to the test output.</summary>
internal sealed class RecordingOutput : ITestOutputHelper
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get { lock (_gate) { return [.. _lines]; } }
    }

    public void WriteLine(string message)
    {
        lock (_gate) { _lines.Add(message); }
    }

    public void WriteLine(string format, params object[] args) => WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
}

/// <summary>A TestKit created by hand inside a test, to test the TestKit itself.</summary>
internal sealed class ManualKit(ITestOutputHelper? output = null, bool useVirtualTime = false, TestKitSettings? settings = null)
    : TestKit(output, useVirtualTime, settings);
