using System.CommandLine;
using QuicActors.Examples.Common;
using QuicActors.Transport;

namespace QuicActors.Examples.Churn;

/// <summary>
/// <c>churn [--engine E] [--streams N] [--limit L] [--mode good|forgetful|crashing|aborting]</c>: opens N streams against
/// a server that allows L at once and shows that every stream slot comes back (RFC 9000 §4.6), whatever the handler does.
/// </summary>
internal static class ChurnCommand
{
    public static Command Create()
    {
        var engine = EngineOption.Create(ExampleEngines.DefaultEngine);
        var streams = new Option<int>("--streams", "-n") { Description = "Streams to open in total (N).", DefaultValueFactory = _ => ChurnOptions.DefaultStreams };
        var limit = new Option<int>("--limit", "-l") { Description = "The server's bidirectional stream limit (L).", DefaultValueFactory = _ => ChurnOptions.DefaultLimit };
        var mode = new Option<ChurnMode>("--mode", "-m")
        {
            Description = "Server handler: good (echo), forgetful (never reads EOF), crashing (throws mid-stream), aborting (aborts both directions).",
            DefaultValueFactory = _ => ChurnMode.Good,
        };
        var payload = new Option<int>("--payload") { Description = "Bytes sent on each stream.", DefaultValueFactory = _ => ChurnOptions.DefaultPayloadBytes };
        var concurrency = new Option<int>("--concurrency") { Description = "Streams kept in flight by the client (default 2 x L, so opens wait for credit)." };

        var command = new Command("churn", "Open N streams against a server with limit L and show that no stream slot leaks.")
        {
            engine, streams, limit, mode, payload, concurrency,
        };
        command.SetAction((result, cancellationToken) =>
        {
            var l = result.GetValue(limit);
            var c = result.GetValue(concurrency);
            var options = new ChurnOptions(result.GetValue(engine)!, result.GetValue(streams), l, result.GetValue(mode), result.GetValue(payload), c == 0 ? 2 * Math.Max(l, 1) : c);
            var output = result.InvocationConfiguration.Output;
            return RunAsync(options, output, result.InvocationConfiguration.Error, ProgressBar.IsInteractive(output), cancellationToken);
        });
        return command;
    }

    /// <summary>Runs, prints the summary and RESULT lines; 0 when the run succeeded, 1 when it did not, 2 on bad input.</summary>
    internal static async Task<int> RunAsync(ChurnOptions options, TextWriter output, TextWriter error, bool interactive, CancellationToken cancellationToken)
    {
        if (options.Validate() is { } invalid)
        {
            await error.WriteLineAsync("error: " + invalid).ConfigureAwait(false);
            return 2;
        }

        ChurnResult result;
        try
        {
            result = await ChurnRun.RunAsync(options, new ProgressBar(output, interactive, options.Streams), cancellationToken).ConfigureAwait(false);
        }
        catch (QuicTransportException ex) when (ex.Error == QuicTransportError.EngineUnavailable)
        {
            await error.WriteLineAsync($"error: --engine {options.Engine}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        result.Write(output);
        return result.Succeeded ? 0 : 1;
    }
}
