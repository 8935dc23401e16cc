using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Serilog.Core;
using Serilog.Events;
using MelLogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace QuicActors.Hosting.Internal;

/// <summary>
/// A Serilog sink that writes the runtime's Serilog events into a host's <see cref="ILoggerFactory"/>, so an application
/// that logs through Microsoft.Extensions.Logging sees the runtime's events (with their structured properties) in its own
/// providers and filters. The category is the event's <c>SourceContext</c>, or <see cref="DefaultCategory"/>.
/// </summary>
internal sealed class MicrosoftLoggingSink(ILoggerFactory factory) : ILogEventSink
{
    public const string DefaultCategory = "QuicActors";

    private readonly ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        var category = logEvent.Properties.TryGetValue(Constants.SourceContextPropertyName, out var source) && source is ScalarValue { Value: string name }
            ? name
            : DefaultCategory;
        var logger = _loggers.GetOrAdd(category, factory.CreateLogger);
        var level = ToMicrosoftLevel(logEvent.Level);
        if (!logger.IsEnabled(level))
        {
            return;
        }

        logger.Log(level, default, new SerilogState(logEvent), logEvent.Exception, static (state, _) => state.Event.RenderMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    public static MelLogLevel ToMicrosoftLevel(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => MelLogLevel.Trace,
        LogEventLevel.Debug => MelLogLevel.Debug,
        LogEventLevel.Information => MelLogLevel.Information,
        LogEventLevel.Warning => MelLogLevel.Warning,
        LogEventLevel.Error => MelLogLevel.Error,
        _ => MelLogLevel.Critical,
    };

    /// <summary>The event's properties as MEL structured state, with the template under "{OriginalFormat}" as MEL's own loggers do.</summary>
    private sealed class SerilogState(LogEvent logEvent) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public LogEvent Event { get; } = logEvent;

        public int Count => Event.Properties.Count + 1;

        // Indexed access walks a dictionary otherwise; a provider that reads by index would do it once per property.
        private KeyValuePair<string, LogEventPropertyValue>[]? _indexed;

        public KeyValuePair<string, object?> this[int index] => index == Event.Properties.Count
            ? new("{OriginalFormat}", Event.MessageTemplate.Text)
            : ToPair((_indexed ??= [.. Event.Properties])[index]);

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            foreach (var property in Event.Properties)
            {
                yield return ToPair(property);
            }

            yield return new("{OriginalFormat}", Event.MessageTemplate.Text);
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => Event.RenderMessage(System.Globalization.CultureInfo.InvariantCulture);

        private static KeyValuePair<string, object?> ToPair(KeyValuePair<string, LogEventPropertyValue> property) =>
            new(property.Key, property.Value is ScalarValue scalar ? scalar.Value : property.Value.ToString());
    }
}
