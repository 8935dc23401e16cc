using System.CommandLine;
using QuicActors.Hosting;

namespace QuicActors.Examples.Common;

/// <summary>The <c>--engine</c> option every example shares: in-memory, ngtcp2 or msquic.</summary>
internal static class EngineOption
{
    public static Option<string> Create(string defaultEngine)
    {
        var option = new Option<string>("--engine")
        {
            Description = "QUIC engine: " + string.Join(", ", HostingConfig.EngineNames) + ".",
            DefaultValueFactory = _ => defaultEngine,
        };
        option.AcceptOnlyFromAmong([.. HostingConfig.EngineNames]);
        return option;
    }
}
