using Serilog.Events;

namespace QuicActors.TestKit;

/// <summary>Makes <see cref="EventFilter"/>s over the kernel log of one TestKit.</summary>
public sealed class EventFilterFactory
{
    private readonly TestKitBase _kit;
    private readonly LogCapture _capture;

    internal EventFilterFactory(TestKitBase kit, LogCapture capture)
    {
        _kit = kit;
        _capture = capture;
    }

    /// <summary>Matches events carrying an exception of type <typeparamref name="TException"/> (or a subtype).</summary>
    public EventFilter Exception<TException>(string? messageContains = null) where TException : Exception
        => new(_kit, _capture, $"exception {typeof(TException).Name}",
            e => e.Exception is TException && Contains(e.Exception.Message, messageContains));

    /// <summary>Matches Error events whose rendered message contains <paramref name="messageContains"/>.</summary>
    public EventFilter Error(string? messageContains = null) => Level(LogEventLevel.Error, messageContains);

    /// <summary>Matches Warning events whose rendered message contains <paramref name="messageContains"/>.</summary>
    public EventFilter Warning(string? messageContains = null) => Level(LogEventLevel.Warning, messageContains);

    /// <summary>Matches Information events whose rendered message contains <paramref name="messageContains"/>.</summary>
    public EventFilter Info(string? messageContains = null) => Level(LogEventLevel.Information, messageContains);

    private EventFilter Level(LogEventLevel level, string? messageContains)
        => new(_kit, _capture, $"{level} event",
            e => e.Level == level && Contains(e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture), messageContains));

    private static bool Contains(string text, string? part) => part is null || text.Contains(part, StringComparison.Ordinal);
}
