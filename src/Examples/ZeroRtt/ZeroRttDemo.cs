using System.Diagnostics;
using System.Globalization;
using System.Text;
using QuicActors.Examples.Common;
using QuicActors.Examples.Echo;
using QuicActors.Hosting.Internal;
using QuicActors.Kernel;
using QuicActors.Streams;
using QuicActors.Transport;
using QuicActors.Transport.Events;

namespace QuicActors.Examples.ZeroRtt;

/// <summary>
/// The 0-RTT story step by step (RFC 9001 §4.6): a first connection earns a resumption ticket; a resumed connection opens
/// stream 0 and sends early data; the server rejects 0-RTT; the connection actor restarts into generation 2, ending the
/// early stream as discarded without a frame; the old handle is inert (it throws and sends nothing, even though stream
/// IDs restart at 0); and the request is replayed on stream 0 of generation 2 and answered.
/// </summary>
internal static class ZeroRttDemo
{
    private const string Request = "GET /early";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the in-memory server's handshake answer takes: the window in which early data is really early. Generous,
    /// because the demo runs on the real clock and must open its early stream inside the window.
    /// </summary>
    private static readonly TimeSpan EarlyDataRoundTrip = TimeSpan.FromMilliseconds(300);

    /// <summary>The switches of <c>zero-rtt</c>.</summary>
    internal sealed record Options(string Engine, EarlyDataPolicy Policy);

    public static async Task<int> RunAsync(Options options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ExampleEngines engines;
        try
        {
            engines = ExampleEngines.Create(options.Engine, EarlyDataRoundTrip);
        }
        catch (QuicTransportException ex)
        {
            await error.WriteLineAsync($"error: --engine {options.Engine}: {EchoServer.OneLine(ex.Message)}").ConfigureAwait(false);
            return 1;
        }

        await using (engines.ConfigureAwait(false))
        {
            if ((engines.Server.Capabilities & EngineCapabilities.ZeroRtt) == 0)
            {
                await error.WriteLineAsync($"error: --engine {options.Engine}: the engine has no 0-RTT support.").ConfigureAwait(false);
                return 1;
            }

            using var system = ActorSystem.Create("zero-rtt");
            var listener = await HostedListener.StartAsync(
                system,
                engines.Server,
                engines.ListenerOptions(EchoProtocol.Alpn, new QuicTransportParameters(), options.Policy),
                new ConnectionActorSettings { StreamHandler = EchoProtocol.ServeAsync },
                "zero-rtt",
                cancellationToken).ConfigureAwait(false);
            await using (listener.ConfigureAwait(false))
            {
                try
                {
                    return await TellStoryAsync(engines, listener, system, options, output, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is TimeoutException or QuicTransportException or StreamAbortedException or InvalidOperationException)
                {
                    await error.WriteLineAsync("error: " + EchoServer.OneLine(ex.Message)).ConfigureAwait(false);
                    return 1;
                }
            }
        }
    }

    private static async Task<int> TellStoryAsync(ExampleEngines engines, HostedListener listener, ActorSystem system, Options options, TextWriter output, CancellationToken cancellationToken)
    {
        var c = CultureInfo.InvariantCulture;
        var clientOptions = engines.ClientOptions(listener.LocalEndPoint, EchoProtocol.Alpn);
        var ticket = await EarnTicketAsync(engines.Client, clientOptions, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"1. first connection: resumption ticket received (valid until {ticket.ExpiresAt:u})").ConfigureAwait(false);

        var resumed = await engines.Client.ConnectAsync(clientOptions with { ResumptionTicket = ticket, EnableEarlyData = true }, cancellationToken).ConfigureAwait(false);
        var client = ClientConnection.Start(system, resumed, new ConnectionActorSettings { InitialOutboundBidirectionalCredit = 100 });
        await using (client.ConfigureAwait(false))
        {
            var early = await client.OpenStreamAsync(Wait).ConfigureAwait(false);
            var causes = new TransitionLog();
            using var subscription = early.Transitions.Subscribe(causes);
            string sent;
            try
            {
                await early.WriteAsync(Encoding.UTF8.GetBytes(Request)).ConfigureAwait(false);
                sent = early.Stamp.Generation > 1 ? $"sent \"{Request}\" (as 1-RTT data, see 3)" : $"sent \"{Request}\" as 0-RTT data";
            }
            catch (StaleHandleException)
            {
                // Over a real network the server's answer can beat the first write: the handle is already stale and refuses it.
                sent = $"tried to send \"{Request}\", but the rejection arrived first and the stale handle refused the write";
            }

            await output.WriteLineAsync(string.Create(c, $"2. resumed connection: opened stream {early.StreamId.Value} in generation {early.Stamp.Generation} and {sent} (policy: {options.Policy})")).ConfigureAwait(false);

            if (options.Policy == EarlyDataPolicy.Accept)
            {
                await early.CompleteWritesAsync().ConfigureAwait(false);
                var accepted = await EchoProtocol.ReadAllTextAsync(early, Wait).ConfigureAwait(false);
                await output.WriteLineAsync(string.Create(c, $"3. 0-RTT accepted: the early stream was answered in generation {early.Stamp.Generation}: \"{accepted}\"")).ConfigureAwait(false);
                Result(output, "rejected", "false");
                Result(output, "generation", early.Stamp.Generation);
                Result(output, "echo", accepted);
                return accepted == Request ? 0 : 1;
            }

            if (early.Stamp.Generation > 1)
            {
                // Over a real network the rejection can reach the engine before the open: the runtime then holds the open
                // back and gives it to the new generation, so there is no early stream to discard and no stale handle.
                await early.CompleteWritesAsync().ConfigureAwait(false);
                var answered = await EchoProtocol.ReadAllTextAsync(early, Wait).ConfigureAwait(false);
                await output.WriteLineAsync(string.Create(c, $"3. 0-RTT rejected before the open: stream {early.StreamId.Value} was opened straight in generation {early.Stamp.Generation} (1-RTT), so nothing was discarded; the server answered \"{answered}\"")).ConfigureAwait(false);
                Result(output, "rejected", "true");
                Result(output, "generation", early.Stamp.Generation);
                Result(output, "stream", early.StreamId.Value);
                Result(output, "echo", answered);
                return answered == Request && early.StreamId.Value == 0 ? 0 : 1;
            }

            await WaitUntilAsync(() => early.SendState == SendState.Closed && early.ReceiveState == ReceiveState.Closed, "the early stream to be discarded after the rejection").ConfigureAwait(false);
            await output.WriteLineAsync($"3. 0-RTT rejected: the connection restarted into a new generation; the early stream ended ({causes}) and sent no frame").ConfigureAwait(false);

            var again = await client.OpenStreamAsync(Wait).ConfigureAwait(false);
            var inert = ProbeInert(early);
            await output.WriteLineAsync(string.Create(c, $"4. old handle (generation {early.Stamp.Generation}, stream {early.StreamId.Value}) is inert while stream {again.StreamId.Value} of generation {again.Stamp.Generation} is open: {inert ?? "NOT inert"}")).ConfigureAwait(false);

            await again.WriteAsync(Encoding.UTF8.GetBytes(Request), completeWrites: true).ConfigureAwait(false);
            var echo = await EchoProtocol.ReadAllTextAsync(again, Wait).ConfigureAwait(false);
            await again.DisposeAsync().ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(c, $"5. replay: \"{Request}\" re-sent on stream {again.StreamId.Value} of generation {again.Stamp.Generation} after the handshake; the server answered \"{echo}\"")).ConfigureAwait(false);

            Result(output, "rejected", "true");
            Result(output, "old-generation", early.Stamp.Generation);
            Result(output, "generation", again.Stamp.Generation);
            Result(output, "old-handle-inert", inert is null ? "false" : "true");
            Result(output, "replayed-stream", again.StreamId.Value);
            Result(output, "echo", echo);
            return inert is not null && echo == Request && again.Stamp.Generation == early.Stamp.Generation + 1 ? 0 : 1;
        }
    }

    /// <summary>A first, full handshake whose only purpose is the session ticket (RFC 8446 §4.6.1) for the resumed connection.</summary>
    private static async Task<QuicResumptionTicket> EarnTicketAsync(IQuicEngine engine, QuicClientOptions options, CancellationToken cancellationToken)
    {
        var first = await engine.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        await using (first.ConfigureAwait(false))
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Wait);
            while (await first.Events.WaitToReadAsync(timeout.Token).ConfigureAwait(false))
            {
                while (first.Events.TryRead(out var engineEvent))
                {
                    (engineEvent as IDisposable)?.Dispose();
                    if (engineEvent is ResumptionTicketReceived received)
                    {
                        await first.CloseAsync(0, "ticket received").ConfigureAwait(false);
                        return received.Ticket;
                    }
                }
            }
        }

        throw new InvalidOperationException("The first connection ended without a resumption ticket.");
    }

    /// <summary>Null when some operation on the old handle went through; else the message of the refusal.</summary>
    private static string? ProbeInert(StreamHandle old)
    {
        string? message = null;
        try
        {
            old.Abort(StreamAbortDirection.Both, 42);
            return null;
        }
        catch (StaleHandleException ex)
        {
            message = ex.Message;
        }

        try
        {
            _ = old.WriteAsync(Encoding.UTF8.GetBytes("late"));
            return null;
        }
        catch (StaleHandleException)
        {
            return message;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Wait)
            {
                throw new TimeoutException($"Waited {Wait.TotalSeconds:0} s for {what}.");
            }

            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    private static void Result(TextWriter output, string key, object value) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {key}={value}"));

    /// <summary>Records the causes of the early stream's transitions, for the story.</summary>
    private sealed class TransitionLog : IObserver<StreamTransition>
    {
        private readonly List<string> _entries = [];

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void OnNext(StreamTransition value)
        {
            lock (_entries)
            {
                _entries.Add(value.Half == StreamHalf.Send
                    ? $"send {value.Send.From}->{value.Send.To} by {value.Cause}"
                    : $"receive {value.Receive.From}->{value.Receive.To} by {value.Cause}");
            }
        }

        public override string ToString()
        {
            lock (_entries)
            {
                return string.Join(", ", _entries.Where(e => e.Contains(nameof(TransitionCause.GenerationDiscarded), StringComparison.Ordinal)));
            }
        }
    }
}
