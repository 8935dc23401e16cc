namespace QuicActors.Configuration;

/// <summary>
/// Every settings binder of the runtime, so a configuration can be checked whole before anything starts (and
/// <c>config show</c> can refuse a file whose values would fail later). A test keeps this list equal to the set of
/// <see cref="IConfigSettings{TSelf}"/> implementations.
/// </summary>
public static class KnownSettings
{
    private static readonly (Type Type, Func<Config, object> Bind)[] Binders =
    [
        (typeof(KernelConfig), c => SettingsReader.Bind<KernelConfig>(c)),
        (typeof(TestKitConfig), c => SettingsReader.Bind<TestKitConfig>(c)),
        (typeof(Hosting.HostingConfig), c => SettingsReader.Bind<Hosting.HostingConfig>(c)),
        (typeof(ConnectionConfig), c => SettingsReader.Bind<ConnectionConfig>(c)),
        (typeof(StreamsConfig), c => SettingsReader.Bind<StreamsConfig>(c)),
        (typeof(ListenerConfig), c => SettingsReader.Bind<ListenerConfig>(c)),
    ];

    /// <summary>The settings types that <see cref="Validate"/> binds.</summary>
    public static IEnumerable<Type> Types => Binders.Select(b => b.Type);

    /// <summary>Binds every known settings section of a resolved configuration.</summary>
    /// <exception cref="ConfigException">The first invalid or missing value, naming its path and origin.</exception>
    public static void Validate(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        foreach (var (_, bind) in Binders) bind(config);
    }
}
