namespace QuicActors.Configuration;

/// <summary>
/// Reads one configuration section for a settings binder: typed getters by key relative to the section,
/// validation helpers that throw <see cref="ConfigException"/> with the full path and origin, and a record
/// of every path read (so tests can check them against <c>reference.conf</c>).
/// </summary>
public sealed class SettingsReader
{
    private readonly Config root;
    private readonly List<string> read = [];

    public SettingsReader(Config root, string sectionPath)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentException.ThrowIfNullOrEmpty(sectionPath);
        this.root = root;
        SectionPath = sectionPath;
    }

    /// <summary>The section's absolute path.</summary>
    public string SectionPath { get; }

    /// <summary>Absolute paths read so far, in order.</summary>
    public IReadOnlyList<string> PathsRead => read;

    /// <summary>Binds settings of type <typeparamref name="T"/> from <paramref name="config"/>.</summary>
    public static T Bind<T>(Config config)
        where T : IConfigSettings<T> => T.Bind(new SettingsReader(config, T.SectionPath));

    private string Track(string key)
    {
        var full = SectionPath + "." + key;
        read.Add(full);
        return full;
    }

    /// <summary>A string setting (numbers and booleans convert).</summary>
    public string String(string key) => root.GetString(Track(key));

    /// <summary>A boolean setting (true/false, yes/no, on/off).</summary>
    public bool Boolean(string key) => root.GetBoolean(Track(key));

    /// <summary>A 32-bit integer setting.</summary>
    public int Int(string key) => root.GetInt(Track(key));

    /// <summary>A 64-bit integer setting.</summary>
    public long Long(string key) => root.GetLong(Track(key));

    /// <summary>A number setting.</summary>
    public double Double(string key) => root.GetDouble(Track(key));

    /// <summary>A duration setting (bare numbers are milliseconds).</summary>
    public TimeSpan Duration(string key) => root.GetDuration(Track(key));

    /// <summary>A size in bytes (bare numbers are bytes).</summary>
    public long Bytes(string key) => root.GetBytes(Track(key));

    /// <summary>An enum setting, matched ignoring case, '-' and '_'.</summary>
    public T Enum<T>(string key)
        where T : struct, System.Enum => root.GetEnum<T>(Track(key));

    /// <summary>A list of strings.</summary>
    public IReadOnlyList<string> StringList(string key) => root.GetStringList(Track(key));

    /// <summary>An int that must be at least <paramref name="min"/>.</summary>
    public int IntAtLeast(string key, int min)
    {
        var value = Int(key);
        Require(value >= min, key, $"an integer >= {min}");
        return value;
    }

    /// <summary>A size in bytes that must be at least <paramref name="min"/>.</summary>
    public long BytesAtLeast(string key, long min)
    {
        var value = Bytes(key);
        Require(value >= min, key, $"a size >= {min} {(min == 1 ? "byte" : "bytes")}");
        return value;
    }

    /// <summary>A duration that must be greater than zero.</summary>
    public TimeSpan PositiveDuration(string key)
    {
        var value = Duration(key);
        Require(value > TimeSpan.Zero, key, "a duration greater than zero");
        return value;
    }

    /// <summary>A double that must be greater than zero.</summary>
    public double PositiveDouble(string key)
    {
        var value = Double(key);
        Require(value > 0 && double.IsFinite(value), key, "a number greater than zero");
        return value;
    }

    /// <summary>Throws a <see cref="ConfigException"/> naming the setting, its origin and <paramref name="expected"/> unless <paramref name="condition"/> holds.</summary>
    public void Require(bool condition, string key, string expected)
    {
        if (condition)
        {
            return;
        }

        var full = SectionPath + "." + key;
        var (shown, origin) = root.Describe(full);
        throw new ConfigException($"{full} ({origin?.ToString() ?? "not set"}): expected {expected}, got {shown}");
    }
}
