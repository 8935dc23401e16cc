using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QuicActors.Configuration;
using QuicActors.Hosting;
using QuicActors.Hosting.Internal;
using QuicActors.Kernel;
using QuicActors.Streams;
using QuicActors.Transport;
using QuicActors.Transport.InMemory;

namespace QuicActors.Actors.Tests.Hosting;

/// <summary>
/// The runtime and a listener as hosted services: the host starts them, the listener serves streams, and a host stop
/// winds down in order: the listener stops accepting, live streams linger by policy, then connections close.
/// </summary>
public sealed class HostingTests : IAsyncDisposable
{
    private const string Alpn = "quic-actors";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly InMemoryNetwork _network = new();
    private readonly InMemoryQuicEngine _clientEngine;
    private readonly ActorSystem _clientSystem = ActorSystem.Create("hosting-client");

    public HostingTests() => _clientEngine = new InMemoryQuicEngine(new InMemoryEngineOptions { Network = _network, Seed = 7 });

    public async ValueTask DisposeAsync()
    {
        await _clientEngine.DisposeAsync();
        await _clientSystem.Terminate();
    }

    private IHost BuildHost(string hocon, Func<StreamHandle, CancellationToken, Task> handler, IDictionary<string, string?>? configuration = null) =>
        new HostBuilder()
            .ConfigureAppConfiguration(c => c.AddInMemoryCollection(configuration ?? new Dictionary<string, string?>()))
            .ConfigureServices(services =>
            {
                services.AddQuicActors(ConfigFactory.ParseString(hocon));
                services.AddQuicListener(handler, o =>
                {
                    o.Name = "test";
                    o.Engine = new InMemoryQuicEngine(new InMemoryEngineOptions { Network = _network, Seed = 3 });
                });
            })
            .Build();

    private Task<ClientConnection> ConnectAsync(EndPoint server) =>
        ClientConnection.ConnectAsync(_clientSystem, _clientEngine, new QuicClientOptions { RemoteEndPoint = server, ApplicationProtocols = [Alpn] }, new ConnectionActorSettings(), CancellationToken.None);

    private static async Task<string> ReadToEndAsync(StreamHandle stream)
    {
        var text = new StringBuilder();
        var buffer = new byte[64];
        int n;
        while ((n = await stream.ReadAsync(buffer, Wait)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        return text.ToString();
    }

    [Fact]
    public async Task The_host_serves_a_stream_then_stops_accepting_lets_the_stream_linger_and_closes_the_connection()
    {
        var handlerEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = BuildHost(
            "quic-actors.hosting.listener.shutdown-error-code = 7\nquic-actors.listener.shutdown-grace-period = 10s",
            async (stream, peerAborted) =>
            {
                _ = await stream.ReadAsync(new byte[2]);
                handlerEntered.SetResult();
                await release.Task;

                // Answers and returns without reading to EOF: only the linger policy can finish the receive half.
                await stream.WriteAsync("bye"u8.ToArray(), completeWrites: true);
            });
        await host.StartAsync();
        var listener = host.Services.GetRequiredService<QuicListenerService>();
        var runtime = host.Services.GetRequiredService<QuicActorsRuntime>();
        var server = listener.LocalEndPoint!;

        var client = await ConnectAsync(server).WaitAsync(Wait);
        var stream = await client.OpenStreamAsync(Wait).WaitAsync(Wait);
        await stream.WriteAsync("hello"u8.ToArray(), completeWrites: true).WaitAsync(Wait);
        await handlerEntered.Task.WaitAsync(Wait);

        var stopping = host.StopAsync();

        // 1. The listener stops accepting: a client arriving now is closed at once with the shutdown code.
        QuicListenerStatus status;
        var deadline = DateTime.UtcNow + Wait;
        do
        {
            status = await listener.GetStatusAsync();
        }
        while (status.IsAccepting && DateTime.UtcNow < deadline);
        Assert.False(status.IsAccepting);
        var late = await _clientEngine.ConnectAsync(new QuicClientOptions { RemoteEndPoint = server, ApplicationProtocols = [Alpn] }).AsTask().WaitAsync(Wait);
        await using (late)
        {
            var refused = await late.Closed.WaitAsync(Wait);
            Assert.Equal(ConnectionCloseInitiator.Peer, refused.Initiator);
            Assert.Equal(7, refused.ErrorCode);
        }

        // 2. The live stream lingers: the shutdown waits for it, and the first client's connection stays open.
        await Task.Delay(200);
        Assert.False(stopping.IsCompleted);
        Assert.False(client.Connection.Closed.IsCompleted);
        Assert.Equal(1, (await listener.GetStatusAsync()).LiveStreams);

        // 3. The handler answers and returns; the linger policy finishes the receive half; then the connection closes.
        release.SetResult();
        Assert.Equal("bye", await ReadToEndAsync(stream).WaitAsync(Wait));
        await stopping.WaitAsync(Wait);
        var shutdown = Assert.IsType<QuicListenerShutdown>(listener.LastShutdown);
        Assert.True(shutdown.StreamsDrained);
        Assert.Equal(0, shutdown.StreamsCutByClose);
        Assert.Equal(1, shutdown.ConnectionsClosed);
        var closed = await client.Connection.Closed.WaitAsync(Wait);
        Assert.Equal(ConnectionCloseInitiator.Peer, closed.Initiator);
        Assert.Equal(7, closed.ErrorCode);

        // 4. The runtime stopped last: its actor system is terminated.
        await runtime.System.WhenTerminated.WaitAsync(Wait);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task A_stream_that_outlives_the_shutdown_grace_period_is_cut_by_the_connection_close()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = BuildHost(
            "quic-actors.listener.shutdown-grace-period = 200ms",
            async (stream, peerAborted) =>
            {
                entered.SetResult();

                // Never finishes on its own; the connection close ends it.
                await Task.Delay(Timeout.Infinite, peerAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                finished.SetResult();
            });
        await host.StartAsync();
        var listener = host.Services.GetRequiredService<QuicListenerService>();
        var client = await ConnectAsync(listener.LocalEndPoint!).WaitAsync(Wait);
        var stream = await client.OpenStreamAsync(Wait).WaitAsync(Wait);
        await stream.WriteAsync("x"u8.ToArray()).WaitAsync(Wait);
        await entered.Task.WaitAsync(Wait);

        await host.StopAsync().WaitAsync(Wait);

        var shutdown = Assert.IsType<QuicListenerShutdown>(listener.LastShutdown);
        Assert.False(shutdown.StreamsDrained, $"{shutdown}; the stream on the client: {stream.SendState}/{stream.ReceiveState}; the connection: {client.Connection.Closed.Status}");
        Assert.Equal(1, shutdown.StreamsCutByClose);
        Assert.Equal(1, shutdown.ConnectionsClosed);
        Assert.InRange(shutdown.Elapsed, TimeSpan.FromMilliseconds(200), Wait);
        await client.Connection.Closed.WaitAsync(Wait);

        // The cut stream's handler is told: its token fires, so it does not wait forever on a stream that is gone.
        await finished.Task.WaitAsync(Wait);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task The_listener_takes_its_limits_from_the_connection_section()
    {
        var inHandler = 0;
        var peak = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = BuildHost(
            "quic-actors.connection.max-inbound-bidirectional-streams = 2",
            async (stream, _) =>
            {
                var now = Interlocked.Increment(ref inHandler);
                InterlockedMax(ref peak, now);
                await gate.Task;
                Interlocked.Decrement(ref inHandler);
                await stream.WriteAsync("ok"u8.ToArray(), completeWrites: true);
            });
        await host.StartAsync();
        var listener = host.Services.GetRequiredService<QuicListenerService>();
        var client = await ConnectAsync(listener.LocalEndPoint!).WaitAsync(Wait);
        var streams = new List<StreamHandle>();
        for (var i = 0; i < 2; i++)
        {
            var s = await client.OpenStreamAsync(Wait).WaitAsync(Wait);
            await s.WriteAsync("x"u8.ToArray(), completeWrites: true).WaitAsync(Wait);
            streams.Add(s);
        }

        // A third open waits for a slot: the server advertised 2 (RFC 9000 §4.6).
        await Assert.ThrowsAsync<TimeoutException>(() => client.OpenStreamAsync(TimeSpan.FromMilliseconds(200)).WaitAsync(Wait));
        gate.SetResult();
        foreach (var s in streams)
        {
            Assert.Equal("ok", await ReadToEndAsync(s).WaitAsync(Wait));
            await s.DisposeAsync();
        }

        var third = await client.OpenStreamAsync(Wait).WaitAsync(Wait);
        await third.WriteAsync("x"u8.ToArray(), completeWrites: true).WaitAsync(Wait);
        Assert.Equal("ok", await ReadToEndAsync(third).WaitAsync(Wait));
        Assert.Equal(2, Volatile.Read(ref peak));
        await client.DisposeAsync();
        await host.StopAsync().WaitAsync(Wait);
    }

    [Fact]
    public async Task A_crashing_handler_aborts_its_stream_with_the_code_of_the_connection_section()
    {
        using var host = BuildHost(
            "quic-actors.connection.handler-failure-code = 42",
            async (stream, _) =>
            {
                await stream.ReadAsync(new byte[1]);
                throw new InvalidOperationException("handler bug");
            });
        await host.StartAsync();
        var listener = host.Services.GetRequiredService<QuicListenerService>();
        var client = await ConnectAsync(listener.LocalEndPoint!).WaitAsync(Wait);
        var stream = await client.OpenStreamAsync(Wait).WaitAsync(Wait);
        await stream.WriteAsync("x"u8.ToArray()).WaitAsync(Wait);

        var ex = await Assert.ThrowsAsync<StreamAbortedException>(() => stream.ReadAsync(new byte[8]).WaitAsync(Wait));
        Assert.Equal(42, ex.ErrorCode);
        Assert.True(ex.ByPeer);
        await stream.DisposeAsync();
        await client.DisposeAsync();
        await host.StopAsync().WaitAsync(Wait);
    }

    [Fact]
    public void An_IConfiguration_section_overrides_HOCON()
    {
        using var host = BuildHost(
            "quic-actors.connection.max-inbound-bidirectional-streams = 7\nquic-actors.listener.shutdown-grace-period = 3s\nquic-actors.hosting { system-name = from-hocon, listener.alpn = [x] }",
            (_, _) => Task.CompletedTask,
            new Dictionary<string, string?>
            {
                ["QuicActors:connection:max-inbound-bidirectional-streams"] = "3",
                ["QuicActors:Listener:ShutdownGracePeriod"] = "250ms",
                ["QuicActors:hosting:listener:alpn:0"] = "a",
                ["QuicActors:hosting:listener:alpn:1"] = "b",
                ["QuicActors:actor:throughput"] = "12",
            });
        var runtime = host.Services.GetRequiredService<QuicActorsRuntime>();

        Assert.Equal(3, runtime.Connection.MaxInboundBidirectionalStreams);
        Assert.Equal(3, runtime.Connection.ToTransportParameters().MaxInboundBidirectionalStreams);
        Assert.Equal(TimeSpan.FromMilliseconds(250), runtime.Listener.ShutdownGracePeriod);
        Assert.Equal(["a", "b"], runtime.Settings.ApplicationProtocols);
        Assert.Equal("from-hocon", runtime.Settings.SystemName);
        Assert.Equal("from-hocon", runtime.System.Name);
        Assert.Equal(12, runtime.System.Settings.Throughput);
        Assert.Equal(100, runtime.Connection.MaxInboundUnidirectionalStreams);
        Assert.StartsWith("IConfiguration section 'QuicActors'", runtime.Config.GetOrigin("quic-actors.connection.max-inbound-bidirectional-streams").Description, StringComparison.Ordinal);
        Assert.StartsWith("IConfiguration section 'QuicActors'", runtime.Config.GetOrigin("quic-actors.listener.shutdown-grace-period").Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_override_names_the_setting_and_where_it_came_from()
    {
        using var host = BuildHost(
            string.Empty,
            (_, _) => Task.CompletedTask,
            new Dictionary<string, string?> { ["QuicActors:hosting:listener:port"] = "eighty" });

        var ex = Assert.Throws<ConfigException>(() => host.Services.GetRequiredService<QuicActorsRuntime>());
        Assert.Contains("quic-actors.hosting.listener.port", ex.Message, StringComparison.Ordinal);
        Assert.Contains("IConfiguration section 'QuicActors'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("eighty", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("quic-actors.hosting.engine = quiche", "quic-actors.hosting.engine")]
    [InlineData("quic-actors.hosting.listener.address = \"not-an-ip\"", "quic-actors.hosting.listener.address")]
    [InlineData("quic-actors.hosting.listener.alpn = []", "quic-actors.hosting.listener.alpn")]
    [InlineData("quic-actors.hosting.listener.shutdown-error-code = -1", "quic-actors.hosting.listener.shutdown-error-code")]
    public void Invalid_hosting_settings_fail_naming_their_path(string hocon, string path)
    {
        var config = ConfigFactory.Load(ConfigFactory.ParseString(hocon));
        var ex = Assert.Throws<ConfigException>(() => HostingConfig.From(config));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("quic-actors.connection.max-inbound-bidirectional-streams = -1", "quic-actors.connection.max-inbound-bidirectional-streams")]
    [InlineData("quic-actors.streams.linger.reset-code = -1", "quic-actors.streams.linger.reset-code")]
    [InlineData("quic-actors.streams.linger.mode = sometimes", "quic-actors.streams.linger.mode")]
    [InlineData("quic-actors.listener.shutdown-grace-period = -1s", "quic-actors.listener.shutdown-grace-period")]
    public void Invalid_shared_settings_stop_the_runtime_naming_their_path(string hocon, string path)
    {
        using var host = BuildHost(hocon, (_, _) => Task.CompletedTask);

        var ex = Assert.Throws<ConfigException>(() => host.Services.GetRequiredService<QuicActorsRuntime>());
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_reference_defaults_bind()
    {
        var settings = HostingConfig.From(ConfigFactory.Reference());
        Assert.Equal("quic-actors", settings.SystemName);
        Assert.Equal("in-memory", settings.Engine);
        Assert.Equal(IPAddress.Loopback, settings.ListenAddress);
        Assert.Equal(0, settings.ListenPort);
        Assert.Equal(["quic-actors"], settings.ApplicationProtocols);
        Assert.Equal(0, settings.ShutdownErrorCode);
    }

    [Fact]
    public void The_hosting_section_of_reference_conf_holds_only_what_HostingConfig_reads()
    {
        // One home per value: limits, linger and shutdown grace live in the shared sections, not again under hosting.
        var reference = ConfigFactory.Reference(ConfigResolveOptions.NoEnvironment);
        var reader = new SettingsReader(reference, HostingConfig.SectionPath);
        _ = HostingConfig.Bind(reader);

        var defined = LeafPaths(reference.GetConfig(HostingConfig.SectionPath), HostingConfig.SectionPath).Order(StringComparer.Ordinal);
        Assert.Equal(defined, reader.PathsRead.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_listener_needs_the_runtime_first()
    {
        var services = new ServiceCollection();
        var ex = Assert.Throws<InvalidOperationException>(() => services.AddQuicListener((_, _) => Task.CompletedTask));
        Assert.Contains("AddQuicActors", ex.Message, StringComparison.Ordinal);
    }

    private static IEnumerable<string> LeafPaths(Config section, string prefix)
    {
        foreach (var key in section.Keys)
        {
            Config? child;
            try
            {
                child = section.GetConfig(key);
            }
            catch (ConfigException)
            {
                child = null;
            }

            if (child is null)
            {
                yield return prefix + "." + key;
                continue;
            }

            foreach (var leaf in LeafPaths(child, prefix + "." + key))
            {
                yield return leaf;
            }
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
