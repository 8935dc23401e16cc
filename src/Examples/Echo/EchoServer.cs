using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QuicActors.Configuration;
using QuicActors.Hosting;
using QuicActors.Transport;
using Serilog;

namespace QuicActors.Examples.Echo;

/// <summary>
/// <c>echo server</c>: a generic host running the QuicActors runtime and one hosted listener whose handler echoes each
/// stream. Command-line values reach the runtime as an IConfiguration section over HOCON, the way an application's
/// appsettings.json would. Runs until cancelled (Ctrl+C), then stops the host: stop accepting, streams linger, connections close.
/// </summary>
internal static class EchoServer
{
    /// <summary>The switches of <c>echo server</c>.</summary>
    internal sealed record Options(string Engine, string Listen, string? CertificatePath, string? KeyPath, string? CertificateOutPath, int MaxStreams, bool Verbose);

    /// <summary>0 after a clean stop; 2 on bad input (address, certificate); 1 when the listener cannot start (busy port, engine unavailable).</summary>
    public static async Task<int> RunAsync(Options options, TextWriter output, TextWriter error, CancellationToken cancellationToken, Action<EndPoint>? listening = null)
    {
        if (Common.EndPointArgument.TryParse("--listen", options.Listen, allowPortZero: true, out var endPoint) is { } badAddress)
        {
            await error.WriteLineAsync("error: " + badAddress).ConfigureAwait(false);
            return 2;
        }

        if (options.MaxStreams < 1)
        {
            await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"error: --max-streams {options.MaxStreams}: must be at least 1.")).ConfigureAwait(false);
            return 2;
        }

        X509Certificate2? certificate = null;
        if (options.CertificatePath is { } certificatePath)
        {
            try
            {
                certificate = options.KeyPath is { } keyPath ? X509Certificate2.CreateFromPemFile(certificatePath, keyPath) : X509Certificate2.CreateFromPemFile(certificatePath);
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                await error.WriteLineAsync($"error: --cert '{certificatePath}'{(options.KeyPath is null ? string.Empty : $" --key '{options.KeyPath}'")}: cannot load the certificate and its private key (PEM): {OneLine(ex.Message)}").ConfigureAwait(false);
                return 2;
            }
        }

        await using var logger = new LoggerConfiguration()
            .MinimumLevel.Is(options.Verbose ? Serilog.Events.LogEventLevel.Debug : Serilog.Events.LogEventLevel.Warning)
            .WriteTo.Console(standardErrorFromLevel: Serilog.Events.LogEventLevel.Verbose, formatProvider: CultureInfo.InvariantCulture)
            .CreateLogger();
        var settings = new Dictionary<string, string?>
        {
            ["QuicActors:hosting:engine"] = options.Engine,
            ["QuicActors:hosting:listener:address"] = endPoint.Address.ToString(),
            ["QuicActors:hosting:listener:port"] = endPoint.Port.ToString(CultureInfo.InvariantCulture),
            ["QuicActors:hosting:listener:alpn:0"] = EchoProtocol.Alpn,
            ["QuicActors:connection:max-inbound-bidirectional-streams"] = options.MaxStreams.ToString(CultureInfo.InvariantCulture),
        };
        using var host = new HostBuilder()
            .ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(settings))
            .ConfigureServices(services =>
            {
                services.AddQuicActors(o =>
                {
                    o.Logger = logger;

                    // The host's own start-failure log repeats, with a stack trace, what the one-line error below says.
                    o.RouteMicrosoftLoggingToSerilog = options.Verbose;
                });
                services.AddQuicListener(EchoProtocol.ServeAsync, o =>
                {
                    o.Name = "echo";
                    o.ServerCertificate = certificate;
                });
            })
            .Build();

        QuicListenerService listener;
        try
        {
            listener = host.Services.GetRequiredService<QuicListenerService>();
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (QuicTransportException ex) when (ex.Error == QuicTransportError.AddressInUse)
        {
            await error.WriteLineAsync($"error: --listen {endPoint}: the address is in use (another server on that port?): {OneLine(ex.Message)}").ConfigureAwait(false);
            return 1;
        }
        catch (QuicTransportException ex)
        {
            await error.WriteLineAsync($"error: cannot listen on {endPoint} with --engine {options.Engine}: {OneLine(ex.Message)}").ConfigureAwait(false);
            return 1;
        }
        catch (ConfigException ex)
        {
            await error.WriteLineAsync("error: " + OneLine(ex.Message)).ConfigureAwait(false);
            return 2;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }

        var bound = listener.LocalEndPoint!;
        var certificateText = listener.ServerCertificate is null ? "none (in-memory)"
            : certificate is null ? "self-signed for localhost (generated)" : $"{listener.ServerCertificate.Subject} from {options.CertificatePath}";
        if (listener.ServerCertificate is { } presented && options.CertificateOutPath is { } outPath)
        {
            await File.WriteAllTextAsync(outPath, presented.ExportCertificatePem(), CancellationToken.None).ConfigureAwait(false);
            certificateText += $", written to {outPath}";
        }

        await output.WriteLineAsync($"echo server listening on {bound} (engine {options.Engine}, ALPN {EchoProtocol.Alpn}, certificate {certificateText})").ConfigureAwait(false);
        await output.WriteLineAsync($"try: quic-actors echo client --connect {bound} --engine {options.Engine}{(options.CertificateOutPath is null ? " --insecure" : $" --trust {options.CertificateOutPath}")}").ConfigureAwait(false);
        listening?.Invoke(bound);
        // The host's console lifetime takes SIGINT/SIGTERM for itself, so wait for its stopping signal as well as the caller's token.
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or the caller's token: stop the host below.
        }

        await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        if (listener.LastShutdown is { } shutdown)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"echo server stopped: streams {(shutdown.StreamsDrained ? "drained" : $"cut by close ({shutdown.StreamsCutByClose})")}, {shutdown.ConnectionsClosed} connections closed")).ConfigureAwait(false);
        }

        return 0;
    }

    internal static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
