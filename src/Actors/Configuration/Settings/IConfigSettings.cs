namespace QuicActors.Configuration;

/// <summary>
/// An immutable settings record bound from one section of the configuration and validated once, at startup.
/// Every implementation is found by reflection in the tests and bound against <c>reference.conf</c> alone,
/// so a setting read here but missing from <c>reference.conf</c> fails the build's tests.
/// </summary>
/// <typeparam name="TSelf">The settings record itself.</typeparam>
public interface IConfigSettings<TSelf>
    where TSelf : IConfigSettings<TSelf>
{
    /// <summary>The configuration section the settings live in, e.g. <c>quic-actors.actor</c>.</summary>
    static abstract string SectionPath { get; }

    /// <summary>Reads and validates the settings; every failure is a <see cref="ConfigException"/> naming path and origin.</summary>
    static abstract TSelf Bind(SettingsReader section);
}
