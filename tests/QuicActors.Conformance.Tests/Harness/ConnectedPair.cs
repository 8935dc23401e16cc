using QuicActors.Transport;

namespace QuicActors.Conformance.Tests.Harness;

/// <summary>A listener with one accepted connection and its client, each with its event recorder.</summary>
public sealed class ConnectedPair : IAsyncDisposable
{
    public required IQuicEngineListener Listener { get; init; }

    public required IQuicEngineConnection Client { get; init; }

    public required IQuicEngineConnection Server { get; init; }

    public required ConnectionEvents ClientEvents { get; init; }

    public required ConnectionEvents ServerEvents { get; init; }

    /// <summary>Connects a client to a new listener with the given limits on each side.</summary>
    public static async Task<ConnectedPair> CreateAsync(EngineHarness harness, QuicTransportParameters? server = null, QuicTransportParameters? client = null,
        bool autoConsume = true, EarlyDataPolicy earlyData = EarlyDataPolicy.Disabled)
    {
        var listener = await harness.ServerEngine.ListenAsync(harness.CreateListenerOptions(server ?? new QuicTransportParameters(), earlyData));
        var connecting = harness.ClientEngine.ConnectAsync(harness.CreateClientOptions(listener.LocalEndPoint, client ?? new QuicTransportParameters())).AsTask();
        using var timeout = new CancellationTokenSource(harness.EventTimeout);
        var serverConnection = await listener.AcceptConnectionAsync(timeout.Token);
        var clientConnection = await connecting.WaitAsync(harness.EventTimeout);
        return new ConnectedPair
        {
            Listener = listener,
            Client = clientConnection,
            Server = serverConnection,
            ClientEvents = new ConnectionEvents(clientConnection, harness.EventTimeout, autoConsume),
            ServerEvents = new ConnectionEvents(serverConnection, harness.EventTimeout, autoConsume),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await ClientEvents.DisposeAsync();
        await ServerEvents.DisposeAsync();
        await Listener.DisposeAsync();
    }
}
