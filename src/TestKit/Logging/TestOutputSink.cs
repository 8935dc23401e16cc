using System.Globalization;
using System.Text;
using Serilog.Core;
using Serilog.Events;
using Xunit.Abstractions;

namespace QuicActors.TestKit;

/// <summary>A Serilog sink that writes to xunit's <see cref="ITestOutputHelper"/> and records events for event filters.</summary>
internal sealed class TestOutputSink(ITestOutputHelper? output, LogCapture capture) : ILogEventSink
{
    public void Emit(LogEvent logEvent)
    {
        capture.Add(logEvent);
        if (output is null) return;
        var line = new StringBuilder()
            .Append(logEvent.Timestamp.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture))
            .Append(" [").Append(Abbreviate(logEvent.Level)).Append("] ")
            .Append(logEvent.RenderMessage(CultureInfo.InvariantCulture));
        if (logEvent.Exception is { } e) line.AppendLine().Append(e);
        try
        {
            output.WriteLine(line.ToString());
        }
        catch (InvalidOperationException)
        {
            // The test already finished (late log from a stopping actor); xunit refuses output then.
        }
    }

    private static string Abbreviate(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "VRB",
        LogEventLevel.Debug => "DBG",
        LogEventLevel.Information => "INF",
        LogEventLevel.Warning => "WRN",
        LogEventLevel.Error => "ERR",
        _ => "FTL",
    };
}
