using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using QuicActors.Configuration;
using QuicActors.Hosting;
using Serilog;
using ILogger = Microsoft.Extensions.Logging.ILogger;
using Serilog.Core;
using Serilog.Events;

namespace QuicActors.Actors.Tests.Hosting;

/// <summary>The runtime logs through Serilog; a host on Microsoft.Extensions.Logging sees those events, and a host on Serilog gets MEL's.</summary>
public sealed class LoggingBridgeTests
{
    [Fact]
    public void Without_a_Serilog_logger_the_runtime_events_reach_the_hosts_logger_factory_with_their_properties()
    {
        var captured = new CapturingProvider();
        using var host = new HostBuilder()
            .ConfigureLogging(logging => logging.AddProvider(captured).SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Debug))
            .ConfigureServices(services => services.AddQuicActors(Config.Empty))
            .Build();
        var runtime = host.Services.GetRequiredService<QuicActorsRuntime>();

        runtime.System.Log.Warning("Stream {StreamId} leaked after {Seconds} s", 4, 60);
        runtime.System.Log.ForContext(Constants.SourceContextPropertyName, "QuicActors.Streams").Debug("half {Half} closed", "send");
        runtime.System.Log.Verbose("below the host's minimum level");

        var warning = Assert.Single(captured.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.Equal("QuicActors", warning.Category);
        Assert.Equal("Stream 4 leaked after 60 s", warning.Message);
        Assert.Contains(new KeyValuePair<string, object?>("StreamId", 4), warning.State);
        Assert.Contains(new KeyValuePair<string, object?>("{OriginalFormat}", "Stream {StreamId} leaked after {Seconds} s"), warning.State);
        var debug = Assert.Single(captured.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Debug && e.Category == "QuicActors.Streams");
        Assert.Equal("half \"send\" closed", debug.Message);
        Assert.DoesNotContain(captured.Entries, e => e.Message.Contains("below", StringComparison.Ordinal));
    }

    [Fact]
    public void With_a_Serilog_logger_the_hosts_Microsoft_logging_is_routed_into_it()
    {
        var sink = new CollectingSink();
        var serilog = new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(sink).CreateLogger();
        using var host = new HostBuilder()
            .ConfigureServices(services => services.AddQuicActors(Config.Empty, o => o.Logger = serilog))
            .Build();
        var runtime = host.Services.GetRequiredService<QuicActorsRuntime>();

        host.Services.GetRequiredService<ILogger<LoggingBridgeTests>>().LogInformation("from MEL {Value}", 5);
        runtime.System.Log.Information("from the runtime");

        Assert.Contains(sink.Events, e => e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture) == "from MEL 5"
            && e.Properties[Constants.SourceContextPropertyName].ToString() == "\"" + typeof(LoggingBridgeTests).FullName + "\"");
        Assert.Contains(sink.Events, e => e.MessageTemplate.Text == "from the runtime");
    }

    private sealed record Entry(string Category, Microsoft.Extensions.Logging.LogLevel Level, string Message, IReadOnlyList<KeyValuePair<string, object?>> State);

    private sealed class CapturingProvider : ILoggerProvider
    {
        public ConcurrentQueue<Entry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, Entries);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<Entry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), state as IReadOnlyList<KeyValuePair<string, object?>> ?? []));
    }

    private sealed class CollectingSink : ILogEventSink
    {
        public ConcurrentQueue<LogEvent> Events { get; } = new();

        public void Emit(LogEvent logEvent) => Events.Enqueue(logEvent);
    }
}
