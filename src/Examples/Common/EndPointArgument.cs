using System.Net;

namespace QuicActors.Examples.Common;

/// <summary>Parses ADDRESS:PORT from the command line ("localhost" is the loopback address), naming the option in errors.</summary>
internal static class EndPointArgument
{
    /// <summary>Null when <paramref name="text"/> is a valid endpoint, else a one-line message naming <paramref name="option"/> and the value.</summary>
    public static string? TryParse(string option, string? text, bool allowPortZero, out IPEndPoint endPoint)
    {
        endPoint = new IPEndPoint(IPAddress.Loopback, 0);
        if (string.IsNullOrWhiteSpace(text))
        {
            return $"{option} is empty: expected ADDRESS:PORT, e.g. 127.0.0.1:4433.";
        }

        var normalized = text.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase) ? "127.0.0.1" + text["localhost".Length..] : text;
        if (!IPEndPoint.TryParse(normalized, out var parsed) || !HasExplicitPort(normalized))
        {
            return $"{option} '{text}': not an ADDRESS:PORT endpoint (e.g. 127.0.0.1:4433 or [::1]:4433).";
        }

        if (parsed.Port == 0 && !allowPortZero)
        {
            return $"{option} '{text}': port 0 cannot be connected to.";
        }

        endPoint = parsed;
        return null;
    }

    private static bool HasExplicitPort(string text)
    {
        var colon = text.LastIndexOf(':');
        var bracket = text.LastIndexOf(']');
        return colon > 0 && colon > bracket && (bracket >= 0 || text.IndexOf(':', StringComparison.Ordinal) == colon);
    }
}
