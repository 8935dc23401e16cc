using System.CommandLine;
using QuicActors.Examples.Common;
using QuicActors.Transport.Ngtcp2;

namespace QuicActors.Examples.Echo;

/// <summary><c>echo server</c> and <c>echo client</c> over a real engine (ngtcp2 by default).</summary>
internal static class EchoCommand
{
    public static Command Create() => new("echo", "An echo server and client over real QUIC (ngtcp2 by default).") { CreateServer(), CreateClient() };

    private static Command CreateServer()
    {
        var engine = EngineOption.Create(Ngtcp2Engine.EngineName);
        var listen = new Option<string>("--listen") { Description = "ADDRESS:PORT to bind (port 0 picks one).", DefaultValueFactory = _ => $"127.0.0.1:{EchoProtocol.DefaultPort}" };
        var cert = new Option<string?>("--cert") { Description = "Server certificate (PEM); without it a self-signed certificate for localhost is generated." };
        var key = new Option<string?>("--key") { Description = "Private key of --cert (PEM), if not in the same file." };
        var certOut = new Option<string?>("--cert-out") { Description = "Write the certificate the server presents (PEM) to this file, for a client's --trust." };
        var maxStreams = new Option<int>("--max-streams") { Description = "Streams a client may have open at once.", DefaultValueFactory = _ => 100 };
        var verbose = new Option<bool>("--verbose") { Description = "Log connections and streams." };
        var command = new Command("server", "Serve echo streams until Ctrl+C.") { engine, listen, cert, key, certOut, maxStreams, verbose };
        command.SetAction((result, cancellationToken) => EchoServer.RunAsync(
            new EchoServer.Options(result.GetValue(engine)!, result.GetValue(listen)!, result.GetValue(cert), result.GetValue(key), result.GetValue(certOut), result.GetValue(maxStreams), result.GetValue(verbose)),
            result.InvocationConfiguration.Output,
            result.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    private static Command CreateClient()
    {
        var engine = EngineOption.Create(Ngtcp2Engine.EngineName);
        var connect = new Option<string>("--connect") { Description = "Server ADDRESS:PORT.", DefaultValueFactory = _ => $"127.0.0.1:{EchoProtocol.DefaultPort}" };
        var message = new Option<string>("--message") { Description = "Text to send on each stream.", DefaultValueFactory = _ => "hello, QUIC" };
        var count = new Option<int>("--count") { Description = "Streams to open, one echo each.", DefaultValueFactory = _ => 1 };
        var serverName = new Option<string>("--server-name") { Description = "TLS server name the certificate must carry.", DefaultValueFactory = _ => "localhost" };
        var trust = new Option<string?>("--trust") { Description = "Trust this certificate (PEM), e.g. the server's --cert-out." };
        var insecure = new Option<bool>("--insecure") { Description = "Do not validate the server's certificate (test servers only)." };
        var timeout = new Option<TimeSpan>("--timeout") { Description = "Handshake timeout (hh:mm:ss).", DefaultValueFactory = _ => TimeSpan.FromSeconds(5) };
        var command = new Command("client", "Send a message on one or more streams and print the echoes.") { engine, connect, message, count, serverName, trust, insecure, timeout };
        command.SetAction((result, cancellationToken) => EchoClient.RunAsync(
            new EchoClient.Options(result.GetValue(engine)!, result.GetValue(connect)!, result.GetValue(message)!, result.GetValue(count), result.GetValue(serverName)!, result.GetValue(trust), result.GetValue(insecure), result.GetValue(timeout)),
            result.InvocationConfiguration.Output,
            result.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }
}
