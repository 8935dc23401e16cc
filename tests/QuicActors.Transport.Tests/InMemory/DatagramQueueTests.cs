using QuicActors.Transport.Events;

namespace QuicActors.Transport.Tests.InMemory;

public sealed class DatagramQueueTests
{
    [Fact]
    public async Task Datagrams_beyond_the_receive_queue_are_dropped_and_counted()
    {
        var server = new QuicTransportParameters { MaxDatagramFrameSize = 100, DatagramReceiveQueueCapacity = 4 };
        var client = new QuicTransportParameters { MaxDatagramFrameSize = 100 };
        await using var pair = await InMemoryTestPair.CreateAsync(server: server, client: client);
        pair.Drain(); // handshake events; the server has read nothing since

        for (byte i = 0; i < 10; i++) Assert.True(pair.Client.SendDatagram([i]));
        Assert.Equal(6, pair.ServerInternals.DatagramsDropped);
        var first = pair.Drain().OfType<DatagramReceived>().Count();
        Assert.Equal(4, first);

        // Reading freed the queue: new datagrams are accepted again.
        for (byte i = 0; i < 3; i++) pair.Client.SendDatagram([i]);
        Assert.Equal(3, pair.Drain().OfType<DatagramReceived>().Count());
        Assert.Equal(6, pair.ServerInternals.DatagramsDropped);
    }
}
