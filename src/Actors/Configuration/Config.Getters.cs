using System.Globalization;
using QuicActors.Configuration.Internal;

namespace QuicActors.Configuration;

/// <content>Typed getters with the HOCON spec's automatic conversions and unit formats.</content>
public sealed partial class Config
{
    /// <summary>A string; numbers and booleans convert to their text.</summary>
    public string GetString(string path)
    {
        var (node, full) = GetNodeWithPath(path, "a string");
        return Convert.ToText(node, full);
    }

    /// <summary>A boolean: true/false, or the strings yes/no, on/off.</summary>
    public bool GetBoolean(string path)
    {
        var (node, full) = GetNodeWithPath(path, "a boolean");
        return Convert.ToBoolean(node, full);
    }

    /// <summary>A 32-bit integer.</summary>
    public int GetInt(string path)
    {
        var (node, full) = GetNodeWithPath(path, "a 32-bit integer");
        return Convert.ToInt(node, full);
    }

    /// <summary>A 64-bit integer.</summary>
    public long GetLong(string path)
    {
        var (node, full) = GetNodeWithPath(path, "a 64-bit integer");
        return Convert.ToLong(node, full);
    }

    /// <summary>A floating-point number.</summary>
    public double GetDouble(string path)
    {
        var (node, full) = GetNodeWithPath(path, "a number");
        return Convert.ToDouble(node, full);
    }

    /// <summary>A duration: a bare number is milliseconds; a string is a number and a unit (ns, us, ms, s, m, h, d and their long forms).</summary>
    public TimeSpan GetDuration(string path)
    {
        var (node, full) = GetNodeWithPath(path, "a duration");
        return Convert.ToDuration(node, full);
    }

    /// <summary>A size in bytes: a bare number is bytes; a string is a number and a unit (B, kB, KiB, K, MB, ... as in the HOCON spec).</summary>
    public long GetBytes(string path)
    {
        var (node, full) = GetNodeWithPath(path, "a size in bytes");
        return Convert.ToBytes(node, full);
    }

    /// <summary>A period: a bare number is days; a string is a number and a unit (d, w, m/mo, y and their long forms).</summary>
    public ConfigPeriod GetPeriod(string path)
    {
        var (node, full) = GetNodeWithPath(path, "a period");
        return Convert.ToPeriod(node, full);
    }

    /// <summary>An enum member, matched ignoring case, '-' and '_' (so <c>drain-then-stop</c> matches <c>DrainThenStop</c>).</summary>
    public T GetEnum<T>(string path)
        where T : struct, Enum
    {
        var (node, full) = GetNodeWithPath(path, "one of " + string.Join(", ", Enum.GetNames<T>()));
        return Convert.ToEnum<T>(node, full);
    }

    /// <summary>The object at <paramref name="path"/> as a configuration of its own; error paths stay absolute.</summary>
    public Config GetConfig(string path)
    {
        var parsed = ParsePath(path);
        var (node, full) = GetNodeWithPath(path, "an object");
        if (node is not ConfigObject obj)
        {
            throw Convert.WrongType(full, node, "an object");
        }

        return new Config(obj, Prefix.Concat(parsed));
    }

    /// <summary>Conversions shared by the single-value and list getters; <c>full</c> is the absolute path for messages.</summary>
    internal static class Convert
    {
        public static ConfigException WrongType(string full, ConfigNode node, string expected, string? detail = null) =>
            new($"{full} ({node.Origin}): expected {expected}, got {node.Describe()}{detail}", full, node.Origin);

        public static string ToText(ConfigNode node, string full) => node switch
        {
            ConfigString s => s.Value,
            ConfigNumber n => n.Text,
            ConfigBoolean b => b.Value ? "true" : "false",
            _ => throw WrongType(full, node, "a string"),
        };

        public static bool ToBoolean(ConfigNode node, string full) => node switch
        {
            ConfigBoolean b => b.Value,
            ConfigString { Value: "true" or "yes" or "on" } => true,
            ConfigString { Value: "false" or "no" or "off" } => false,
            _ => throw WrongType(full, node, "a boolean (true/false, yes/no, on/off)"),
        };

        private static ConfigNumber? ToNumber(ConfigNode node)
        {
            switch (node)
            {
                case ConfigNumber n:
                    return n;
                case ConfigString s:
                    var t = s.Value.Trim();
                    if (t.Length > 0 && (char.IsAsciiDigit(t[0]) || t[0] == '-')
                        && double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
                    {
                        return new ConfigNumber(t, s.Origin);
                    }

                    return null;
                default:
                    return null;
            }
        }

        public static long ToLong(ConfigNode node, string full)
        {
            var n = ToNumber(node) ?? throw WrongType(full, node, "a 64-bit integer");
            if (n.IsIntegral)
            {
                return n.LongValue;
            }

            if (Math.Floor(n.DoubleValue) == n.DoubleValue && n.DoubleValue >= long.MinValue && n.DoubleValue < 9.2233720368547758E18)
            {
                return (long)n.DoubleValue;
            }

            throw WrongType(full, node, "a 64-bit integer", Math.Floor(n.DoubleValue) == n.DoubleValue ? " (out of range)" : " (not a whole number)");
        }

        public static int ToInt(ConfigNode node, string full)
        {
            var n = ToNumber(node) ?? throw WrongType(full, node, "a 32-bit integer");
            long l;
            try
            {
                l = ToLong(n, full);
            }
            catch (ConfigException)
            {
                throw WrongType(full, node, "a 32-bit integer", Math.Floor(n.DoubleValue) == n.DoubleValue ? " (out of range)" : " (not a whole number)");
            }

            return l is >= int.MinValue and <= int.MaxValue ? (int)l : throw WrongType(full, node, "a 32-bit integer", " (out of range)");
        }

        public static double ToDouble(ConfigNode node, string full) =>
            (ToNumber(node) ?? throw WrongType(full, node, "a number")).DoubleValue;

        public static TimeSpan ToDuration(ConfigNode node, string full)
        {
            decimal number;
            string unit;
            if (node is ConfigNumber n)
            {
                number = ToDecimal(n, full, "a duration");
                unit = "ms";
            }
            else if (node is ConfigString s && Units.TrySplit(s.Value, out number, out unit))
            {
                if (!Units.TryDurationUnit(unit, out _))
                {
                    throw WrongType(full, node, "a duration", $" (unknown unit \"{unit}\"; use {Units.DurationUnitList})");
                }
            }
            else
            {
                throw WrongType(full, node, "a duration", node is ConfigString ? $" (write a number and a unit: {Units.DurationUnitList})" : null);
            }

            Units.TryDurationUnit(unit, out var nanos);
            try
            {
                var ticks = decimal.Truncate(number * nanos / 100m);
                if (ticks > TimeSpan.MaxValue.Ticks || ticks < TimeSpan.MinValue.Ticks)
                {
                    throw new OverflowException();
                }

                return TimeSpan.FromTicks((long)ticks);
            }
            catch (OverflowException)
            {
                throw WrongType(full, node, "a duration", " (out of range for a TimeSpan)");
            }
        }

        public static long ToBytes(ConfigNode node, string full)
        {
            decimal number;
            string unit;
            if (node is ConfigNumber n)
            {
                number = ToDecimal(n, full, "a size in bytes");
                unit = string.Empty;
            }
            else if (node is ConfigString s && Units.TrySplit(s.Value, out number, out unit))
            {
                if (!Units.TrySizeUnit(unit, out _))
                {
                    throw WrongType(full, node, "a size in bytes", $" (unknown unit \"{unit}\"; use {Units.SizeUnitList})");
                }
            }
            else
            {
                throw WrongType(full, node, "a size in bytes", node is ConfigString ? $" (write a number and a unit: {Units.SizeUnitList})" : null);
            }

            Units.TrySizeUnit(unit, out var factor);
            if (number < 0)
            {
                throw WrongType(full, node, "a size in bytes", " (negative)");
            }

            try
            {
                var bytes = decimal.Truncate(number * factor);
                return bytes <= long.MaxValue ? (long)bytes : throw new OverflowException();
            }
            catch (OverflowException)
            {
                throw WrongType(full, node, "a size in bytes", " (out of range for a 64-bit byte count)");
            }
        }

        public static ConfigPeriod ToPeriod(ConfigNode node, string full)
        {
            decimal number;
            string unit;
            if (node is ConfigNumber n)
            {
                number = ToDecimal(n, full, "a period");
                unit = string.Empty;
            }
            else if (node is ConfigString s && Units.TrySplit(s.Value, out number, out unit))
            {
                if (!Units.TryPeriodUnit(unit, out _))
                {
                    throw WrongType(full, node, "a period", $" (unknown unit \"{unit}\"; use {Units.PeriodUnitList})");
                }
            }
            else
            {
                throw WrongType(full, node, "a period");
            }

            Units.TryPeriodUnit(unit, out var kind);
            if (number != decimal.Truncate(number) || number > int.MaxValue / 7 || number < int.MinValue / 7)
            {
                throw WrongType(full, node, "a period", " (a period is a whole number of days, weeks, months or years)");
            }

            var count = (int)number;
            return kind switch
            {
                'd' => new ConfigPeriod(0, 0, count),
                'w' => new ConfigPeriod(0, 0, count * 7),
                'm' => new ConfigPeriod(0, count, 0),
                _ => new ConfigPeriod(count, 0, 0),
            };
        }

        private static decimal ToDecimal(ConfigNumber n, string full, string expected)
        {
            if (n.IsIntegral)
            {
                return n.LongValue;
            }

            return n.DoubleValue is > -7.9e28 and < 7.9e28 ? (decimal)n.DoubleValue : throw WrongType(full, n, expected, " (out of range)");
        }

        public static T ToEnum<T>(ConfigNode node, string full)
            where T : struct, Enum
        {
            static string Normalize(string s) => s.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal);

            if (node is ConfigString s)
            {
                var wanted = Normalize(s.Value);
                foreach (var name in Enum.GetNames<T>())
                {
                    if (string.Equals(Normalize(name), wanted, StringComparison.OrdinalIgnoreCase))
                    {
                        return Enum.Parse<T>(name);
                    }
                }
            }

            throw WrongType(full, node, "one of " + string.Join(", ", Enum.GetNames<T>()));
        }

        public static ConfigList ToList(ConfigNode node, string full) => node switch
        {
            ConfigList l => l,
            ConfigObject o when Concatenator.NumericObjectToList(o) is { } l => l,
            _ => throw WrongType(full, node, "a list"),
        };
    }
}
