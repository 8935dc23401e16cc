namespace QuicActors.Conformance.Tests.Interop.Peer;

/// <summary>
/// One <c>EVENT name key=value ...</c> line of the quic-go peer (tests/interop/README.md, "Output contract"); a
/// <c>reason=</c> field comes last and runs to the end of the line.
/// </summary>
internal sealed class QuicGoEvent
{
    private readonly Dictionary<string, string> _fields;

    private QuicGoEvent(string name, Dictionary<string, string> fields, string line)
    {
        Name = name;
        _fields = fields;
        Line = line;
    }

    public string Name { get; }

    public string Line { get; }

    public string this[string key] => _fields.TryGetValue(key, out var v)
        ? v
        : throw new KeyNotFoundException($"The quic-go peer's event has no field '{key}': {Line}");

    public bool Has(string key, string value) => _fields.TryGetValue(key, out var v) && v == value;

    public long Long(string key) => long.Parse(this[key], System.Globalization.CultureInfo.InvariantCulture);

    public static QuicGoEvent? TryParse(string line)
    {
        const string prefix = "EVENT ";
        if (!line.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var rest = line[prefix.Length..];
        var reasonAt = rest.IndexOf(" reason=", StringComparison.Ordinal);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (reasonAt >= 0)
        {
            fields["reason"] = rest[(reasonAt + " reason=".Length)..];
            rest = rest[..reasonAt];
        }
        var parts = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return null;
        foreach (var part in parts.Skip(1))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) fields[part[..eq]] = part[(eq + 1)..];
        }
        return new QuicGoEvent(parts[0], fields, line);
    }

    public override string ToString() => Line;
}
