using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using QuicActors.Examples.Common;
using QuicActors.Hosting.Internal;
using QuicActors.Kernel;
using QuicActors.Streams;
using QuicActors.Transport;

namespace QuicActors.Examples.Echo;

/// <summary><c>echo client</c>: connects, sends the message on <c>--count</c> streams, prints each echo.</summary>
internal static class EchoClient
{
    private static readonly TimeSpan StreamTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The switches of <c>echo client</c>.</summary>
    internal sealed record Options(string Engine, string Connect, string Message, int Count, string ServerName, string? TrustPath, bool Insecure, TimeSpan Timeout);

    /// <summary>0 when every echo matched; 2 on bad input; 1 when the peer cannot be reached, the handshake fails or an echo is wrong.</summary>
    public static async Task<int> RunAsync(Options options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (EndPointArgument.TryParse("--connect", options.Connect, allowPortZero: false, out var endPoint) is { } badAddress)
        {
            await error.WriteLineAsync("error: " + badAddress).ConfigureAwait(false);
            return 2;
        }

        if (options.Count < 1 || options.Timeout <= TimeSpan.Zero)
        {
            await error.WriteLineAsync(options.Count < 1
                ? string.Create(CultureInfo.InvariantCulture, $"error: --count {options.Count}: must be at least 1.")
                : $"error: --timeout {options.Timeout}: must be positive.").ConfigureAwait(false);
            return 2;
        }

        X509Certificate2Collection? trusted = null;
        if (options.TrustPath is { } trustPath)
        {
            try
            {
                trusted = [];
                trusted.ImportFromPemFile(trustPath);
                if (trusted.Count == 0)
                {
                    throw new CryptographicException("the file holds no PEM certificate");
                }
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"error: --trust '{trustPath}': cannot read a PEM certificate: {EchoServer.OneLine(ex.Message)}").ConfigureAwait(false);
                return 2;
            }
        }

        IQuicEngine engine;
        try
        {
            engine = QuicEngines.Create(options.Engine);
        }
        catch (QuicTransportException ex)
        {
            await error.WriteLineAsync($"error: --engine {options.Engine}: {EchoServer.OneLine(ex.Message)}").ConfigureAwait(false);
            return 1;
        }

        await using (engine.ConfigureAwait(false))
        {
            using var system = ActorSystem.Create("echo-client");
            var clientOptions = new QuicClientOptions
            {
                RemoteEndPoint = endPoint,
                ServerName = options.ServerName,
                ApplicationProtocols = [EchoProtocol.Alpn],
                TrustedCertificates = trusted,
                ValidatePeerCertificate = !options.Insecure,
                HandshakeTimeout = options.Timeout,
            };
            ClientConnection connection;
            try
            {
                connection = await ClientConnection.ConnectAsync(system, engine, clientOptions, new ConnectionActorSettings(), cancellationToken).ConfigureAwait(false);
            }
            catch (QuicTransportException ex) when (ex.Error == QuicTransportError.ConnectionRefused)
            {
                await error.WriteLineAsync($"error: cannot reach {endPoint} (--connect): no QUIC server answered within {options.Timeout.TotalSeconds:0.#} s: {EchoServer.OneLine(ex.Message)}").ConfigureAwait(false);
                return 1;
            }
            catch (QuicTransportException ex) when (ex.Error == QuicTransportError.HandshakeFailed)
            {
                var hint = options.Insecure || options.TrustPath is not null ? string.Empty : " (a self-signed server needs --trust FILE or --insecure)";
                await error.WriteLineAsync($"error: the handshake with {endPoint} failed{hint}: {EchoServer.OneLine(ex.Message)}").ConfigureAwait(false);
                return 1;
            }
            catch (QuicTransportException ex)
            {
                await error.WriteLineAsync($"error: cannot connect to {endPoint}: {EchoServer.OneLine(ex.Message)}").ConfigureAwait(false);
                return 1;
            }

            await using (connection.ConfigureAwait(false))
            {
                return await EchoAllAsync(connection, options, output, error).ConfigureAwait(false);
            }
        }
    }

    private static async Task<int> EchoAllAsync(ClientConnection connection, Options options, TextWriter output, TextWriter error)
    {
        var message = Encoding.UTF8.GetBytes(options.Message);
        for (var i = 0; i < options.Count; i++)
        {
            try
            {
                var stream = await connection.OpenStreamAsync(StreamTimeout).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    await stream.WriteAsync(message, completeWrites: true).ConfigureAwait(false);
                    var echo = await EchoProtocol.ReadAllTextAsync(stream, StreamTimeout).ConfigureAwait(false);
                    if (echo != options.Message)
                    {
                        await error.WriteLineAsync($"error: stream {stream.StreamId}: the echo differs: sent \"{options.Message}\", got \"{echo}\"").ConfigureAwait(false);
                        return 1;
                    }

                    await output.WriteLineAsync($"echo (stream {stream.StreamId}): {echo}").ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is TimeoutException or StreamAbortedException or InvalidOperationException)
            {
                await error.WriteLineAsync($"error: echo {i + 1} of {options.Count} failed: {EchoServer.OneLine(ex.Message)}").ConfigureAwait(false);
                return 1;
            }
        }

        return 0;
    }
}
