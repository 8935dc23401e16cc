using System.CommandLine;
using QuicActors.Transport.InMemory;
using QuicActors.Transport.Ngtcp2;

namespace QuicActors.Examples.Datagrams;

/// <summary>
/// <c>datagrams [--flows N] [--datagrams N] [--engine in-memory|ngtcp2]</c>: runs datagram flows bound to streams
/// (RFC 9297 §2) between a client and a server connection actor and prints what happened to every datagram.
/// </summary>
internal static class DatagramsCommand
{
    public static Command Create()
    {
        var flows = new Option<int>("--flows") { Description = "Streams to open, each with its datagram flow.", DefaultValueFactory = _ => 50 };
        var datagrams = new Option<int>("--datagrams") { Description = "Datagrams the client sends on each flow before its FIN.", DefaultValueFactory = _ => 4 };
        var engine = new Option<string>("--engine")
        {
            Description = $"The QUIC engine: {InMemoryQuicEngine.EngineName} (default, runs anywhere) or {Ngtcp2Engine.EngineName} (real QUIC over loopback UDP).",
            DefaultValueFactory = _ => InMemoryQuicEngine.EngineName,
        };
        engine.AcceptOnlyFromAmong(InMemoryQuicEngine.EngineName, Ngtcp2Engine.EngineName);
        var command = new Command("datagrams", "Datagram flows bound to streams: sends refused after the send half closes, datagrams dropped after the receive half closes, every flow removed.")
        {
            flows,
            datagrams,
            engine,
        };
        command.SetAction((result, cancellationToken) => RunAsync(
            new DatagramsOptions(result.GetValue(flows), result.GetValue(datagrams), result.GetValue(engine)!),
            result.InvocationConfiguration.Output,
            result.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    /// <summary>Runs the example; 0 when every flow was removed, 1 on bad input or when flows were left.</summary>
    internal static async Task<int> RunAsync(DatagramsOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (options.Flows < 1 || options.DatagramsPerFlow < 1)
        {
            await error.WriteLineAsync($"error: --flows ({options.Flows}) and --datagrams ({options.DatagramsPerFlow}) must be at least 1.").ConfigureAwait(false);
            return 1;
        }

        try
        {
            var report = await DatagramsExample.RunAsync(options, output, cancellationToken).ConfigureAwait(false);
            report.Write(output);
            return report.FlowsLeft == 0 ? 0 : 1;
        }
        catch (EngineUnavailableException ex)
        {
            await error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return 1;
        }
    }
}
