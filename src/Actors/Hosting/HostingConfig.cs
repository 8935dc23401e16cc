using System.Net;
using QuicActors.Configuration;

namespace QuicActors.Hosting;

/// <summary>
/// The host-specific settings of <c>quic-actors.hosting</c>, validated: the actor system's name, which engine hosted
/// listeners use, where they bind, and the code a host stop closes connections with. Everything a hosted listener shares
/// with a listener started by hand lives in the shared sections: stream limits and handler failures in
/// <c>quic-actors.connection</c> (<see cref="ConnectionConfig"/>), the linger policy in <c>quic-actors.streams</c>
/// (<see cref="StreamsConfig"/>), the shutdown grace period in <c>quic-actors.listener</c> (<see cref="ListenerConfig"/>).
/// </summary>
/// <param name="SystemName">Name of the actor system the host creates.</param>
/// <param name="Engine">Engine of hosted listeners: <c>in-memory</c>, <c>ngtcp2</c> or <c>msquic</c>.</param>
/// <param name="ListenAddress">Address a hosted listener binds.</param>
/// <param name="ListenPort">UDP port a hosted listener binds; 0 picks a free one.</param>
/// <param name="ApplicationProtocols">ALPN protocols accepted, most preferred first.</param>
/// <param name="ShutdownErrorCode">Application error code of the CONNECTION_CLOSE sent on host stop (RFC 9000 §10.2).</param>
public sealed record HostingConfig(
    string SystemName,
    string Engine,
    IPAddress ListenAddress,
    int ListenPort,
    IReadOnlyList<string> ApplicationProtocols,
    long ShutdownErrorCode) : IConfigSettings<HostingConfig>
{
    /// <summary>The engine names <see cref="Engine"/> accepts.</summary>
    public static IReadOnlyList<string> EngineNames { get; } = ["in-memory", "ngtcp2", "msquic"];

    /// <inheritdoc />
    public static string SectionPath => "quic-actors.hosting";

    /// <inheritdoc />
    public static HostingConfig Bind(SettingsReader section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var systemName = section.String("system-name");
        section.Require(systemName.Length > 0, "system-name", "a non-empty actor system name");
        var engine = section.String("engine");
        section.Require(EngineNames.Contains(engine), "engine", "one of " + string.Join(", ", EngineNames));
        var addressText = section.String("listener.address");
        IPAddress? address = string.Equals(addressText, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(addressText, out var parsed) ? parsed : null;
        section.Require(address is not null, "listener.address", "an IP address or localhost");
        var port = section.Int("listener.port");
        section.Require(port is >= 0 and <= 65535, "listener.port", "a UDP port in 0..65535");
        var alpn = section.StringList("listener.alpn");
        section.Require(alpn.Count > 0 && alpn.All(p => p.Length is > 0 and <= 255), "listener.alpn", "a non-empty list of ALPN protocols (1..255 characters each)");
        var shutdownCode = ConnectionConfig.ErrorCode(section, "listener.shutdown-error-code");
        return new HostingConfig(systemName, engine, address!, port, alpn, shutdownCode);
    }

    /// <summary>Binds from a resolved configuration.</summary>
    /// <exception cref="ConfigException">A setting is missing or invalid; the message names its path and origin.</exception>
    public static HostingConfig From(Config config) => SettingsReader.Bind<HostingConfig>(config);

    /// <summary>The bind address as text, for messages.</summary>
    public string ListenEndPointText => new IPEndPoint(ListenAddress, ListenPort).ToString();
}
