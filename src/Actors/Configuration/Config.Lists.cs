using QuicActors.Configuration.Internal;

namespace QuicActors.Configuration;

/// <content>
/// List getters: each element converts as the single-value getter would, errors name the element as
/// <c>path[i]</c>, and an object with numeric keys (<c>{ "0": a, "1": b }</c>) counts as a list.
/// </content>
public sealed partial class Config
{
    /// <summary>A list of strings (numbers and booleans convert).</summary>
    public IReadOnlyList<string> GetStringList(string path) => GetList(path, "a list of strings", Convert.ToText);

    /// <summary>A list of booleans.</summary>
    public IReadOnlyList<bool> GetBooleanList(string path) => GetList(path, "a list of booleans", Convert.ToBoolean);

    /// <summary>A list of 32-bit integers.</summary>
    public IReadOnlyList<int> GetIntList(string path) => GetList(path, "a list of 32-bit integers", Convert.ToInt);

    /// <summary>A list of 64-bit integers.</summary>
    public IReadOnlyList<long> GetLongList(string path) => GetList(path, "a list of 64-bit integers", Convert.ToLong);

    /// <summary>A list of numbers.</summary>
    public IReadOnlyList<double> GetDoubleList(string path) => GetList(path, "a list of numbers", Convert.ToDouble);

    /// <summary>A list of durations.</summary>
    public IReadOnlyList<TimeSpan> GetDurationList(string path) => GetList(path, "a list of durations", Convert.ToDuration);

    /// <summary>A list of sizes in bytes.</summary>
    public IReadOnlyList<long> GetBytesList(string path) => GetList(path, "a list of sizes in bytes", Convert.ToBytes);

    /// <summary>A list of periods.</summary>
    public IReadOnlyList<ConfigPeriod> GetPeriodList(string path) => GetList(path, "a list of periods", Convert.ToPeriod);

    /// <summary>A list of enum members.</summary>
    public IReadOnlyList<T> GetEnumList<T>(string path)
        where T : struct, Enum => GetList(path, "a list of " + typeof(T).Name, Convert.ToEnum<T>);

    /// <summary>A list of objects, each as a configuration of its own.</summary>
    public IReadOnlyList<Config> GetConfigList(string path)
    {
        var parsed = ParsePath(path);
        return GetList(path, "a list of objects", (node, full) => node is ConfigObject o
            ? new Config(o, Prefix.Concat(parsed))
            : throw Convert.WrongType(full, node, "an object"));
    }

    private List<T> GetList<T>(string path, string expected, Func<ConfigNode, string, T> convert)
    {
        var (node, full) = GetNodeWithPath(path, expected);
        var list = Convert.ToList(node, full);
        var result = new List<T>(list.Items.Count);
        for (var i = 0; i < list.Items.Count; i++)
        {
            var item = list.Items[i];
            var itemPath = $"{full}[{i}]";
            if (item is ConfigNull)
            {
                throw Convert.WrongType(itemPath, item, "a non-null element");
            }

            result.Add(convert(item, itemPath));
        }

        return result;
    }
}
