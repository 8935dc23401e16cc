using System.CommandLine;
using QuicActors.Configuration;

namespace QuicActors.Examples.Commands;

/// <summary><c>config show [FILE...] [--json] [--no-env] [--only]</c>: prints the resolved configuration.</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("FILE")
        {
            Description = "HOCON, JSON or .properties files; later files override earlier ones, all over reference.conf.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of HOCON." };
        var noEnv = new Option<bool>("--no-env") { Description = "Do not fall back to environment variables for substitutions." };
        var only = new Option<bool>("--only") { Description = "Show only the given files, without reference.conf underneath." };
        var origins = new Option<bool>("--origins") { Description = "Annotate each setting with the file and line it came from (HOCON only)." };

        var show = new Command("show", "Print the resolved configuration.") { files, json, noEnv, only, origins };
        show.SetAction(result => Show(
            result.GetValue(files) ?? [],
            new ShowOptions(result.GetValue(json), result.GetValue(noEnv), result.GetValue(only), result.GetValue(origins)),
            result.InvocationConfiguration.Output,
            result.InvocationConfiguration.Error));

        return new Command("config", "Inspect QuicActors configuration.") { show };
    }

    /// <summary>The switches of <c>config show</c>.</summary>
    internal sealed record ShowOptions(bool Json, bool NoEnvironment, bool Only, bool Origins);

    /// <summary>Layers <paramref name="files"/> (last wins) over reference.conf unless <see cref="ShowOptions.Only"/>, resolves and prints; 1 on bad input.</summary>
    internal static int Show(IReadOnlyList<string> files, ShowOptions options, TextWriter output, TextWriter error)
    {
        try
        {
            var config = Config.Empty;
            foreach (var file in files)
            {
                config = ConfigFactory.ParseFile(file).WithFallback(config);
            }

            if (!options.Only)
            {
                config = config.WithFallback(ConfigFactory.ReferenceUnresolved);
            }

            var resolved = config.Resolve(options.NoEnvironment ? ConfigResolveOptions.NoEnvironment : ConfigResolveOptions.Default);
            if (!options.Only) KnownSettings.Validate(resolved);
            output.Write(resolved.Render(new ConfigRenderOptions { AsJson = options.Json, OriginComments = options.Origins && !options.Json }));
            return 0;
        }
        catch (ConfigException e)
        {
            error.WriteLine("error: " + e.Message);
            return 1;
        }
    }
}
