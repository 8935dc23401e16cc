using System.Globalization;

namespace QuicActors.Configuration.Internal;

/// <summary>The HOCON units format: optional whitespace, a number, optional whitespace, an optional unit of letters.</summary>
internal static class Units
{
    private static readonly Dictionary<string, decimal> DurationNanos = BuildDurations();
    private static readonly Dictionary<string, decimal> SizeBytes = BuildSizes();
    private static readonly Dictionary<string, char> PeriodUnits = BuildPeriods();

    public const string DurationUnitList = "ns, us, ms, s, m, h, d (or their long forms)";
    public const string SizeUnitList = "B, K/KB/KiB, M/MB/MiB, G/GB/GiB, T/TB/TiB, P/PB/PiB, E/EB/EiB, Z/ZB/ZiB, Y/YB/YiB (or their long forms)";
    public const string PeriodUnitList = "d, w, m/mo, y (or their long forms)";

    private static Dictionary<string, decimal> BuildDurations()
    {
        var d = new Dictionary<string, decimal>(StringComparer.Ordinal);
        void Add(decimal nanos, params string[] names)
        {
            foreach (var n in names)
            {
                d[n] = nanos;
            }
        }

        Add(1m, "ns", "nano", "nanos", "nanosecond", "nanoseconds");
        Add(1_000m, "us", "micro", "micros", "microsecond", "microseconds");
        Add(1_000_000m, "ms", "milli", "millis", "millisecond", "milliseconds");
        Add(1_000_000_000m, "s", "second", "seconds");
        Add(60_000_000_000m, "m", "minute", "minutes");
        Add(3_600_000_000_000m, "h", "hour", "hours");
        Add(86_400_000_000_000m, "d", "day", "days");
        return d;
    }

    private static Dictionary<string, decimal> BuildSizes()
    {
        var d = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var n in (string[])["B", "b", "byte", "bytes"])
        {
            d[n] = 1m;
        }

        string[] decimalPrefixes = ["k", "M", "G", "T", "P", "E", "Z", "Y"];
        string[] decimalNames = ["kilo", "mega", "giga", "tera", "peta", "exa", "zetta", "yotta"];
        string[] binaryNames = ["kibi", "mebi", "gibi", "tebi", "pebi", "exbi", "zebi", "yobi"];
        decimal ten = 1m, two = 1m;
        for (var i = 0; i < 8; i++)
        {
            ten *= 1000m;
            two *= 1024m;
            var letter = decimalPrefixes[i].ToUpperInvariant();
            d[decimalPrefixes[i] + "B"] = ten;
            d[decimalNames[i] + "byte"] = ten;
            d[decimalNames[i] + "bytes"] = ten;
            foreach (var n in (string[])[letter, letter.ToLowerInvariant(), letter + "i", letter + "iB", binaryNames[i] + "byte", binaryNames[i] + "bytes"])
            {
                d[n] = two;
            }
        }

        return d;
    }

    private static Dictionary<string, char> BuildPeriods() => new(StringComparer.Ordinal)
    {
        ["d"] = 'd', ["day"] = 'd', ["days"] = 'd',
        ["w"] = 'w', ["week"] = 'w', ["weeks"] = 'w',
        ["m"] = 'm', ["mo"] = 'm', ["month"] = 'm', ["months"] = 'm',
        ["y"] = 'y', ["year"] = 'y', ["years"] = 'y',
    };

    /// <summary>Splits "10 ms" into (10, "ms"); false if the text is not a number followed by letters.</summary>
    public static bool TrySplit(string text, out decimal number, out string unit)
    {
        var s = text.Trim();
        var unitStart = s.Length;
        while (unitStart > 0 && char.IsLetter(s[unitStart - 1]))
        {
            unitStart--;
        }

        unit = s[unitStart..];
        var numberText = s[..unitStart].Trim();
        number = 0;
        return numberText.Length > 0
               && (char.IsAsciiDigit(numberText[0]) || numberText[0] is '-' or '+' or '.')
               && decimal.TryParse(numberText, NumberStyles.Float, CultureInfo.InvariantCulture, out number);
    }

    /// <summary>Nanoseconds per unit, or false if the unit is unknown. An empty unit is milliseconds.</summary>
    public static bool TryDurationUnit(string unit, out decimal nanos)
    {
        if (unit.Length == 0)
        {
            nanos = 1_000_000m;
            return true;
        }

        return DurationNanos.TryGetValue(unit, out nanos);
    }

    public static bool TrySizeUnit(string unit, out decimal bytes)
    {
        if (unit.Length == 0)
        {
            bytes = 1m;
            return true;
        }

        return SizeBytes.TryGetValue(unit, out bytes);
    }

    public static bool TryPeriodUnit(string unit, out char kind)
    {
        if (unit.Length == 0)
        {
            kind = 'd';
            return true;
        }

        return PeriodUnits.TryGetValue(unit, out kind);
    }
}
