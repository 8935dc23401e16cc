using QuicActors.TestKit;
using QuicActors.Transport;
using static QuicActors.Transport.Tests.Ngtcp2.Ngtcp2TestContext;

namespace QuicActors.Transport.Tests.Ngtcp2;

/// <summary>
/// GnuTLS keeps the server-name pointer it is given for certificate verification for the whole session; the shim must
/// hold its own copy, not the managed buffer pinned only during the create call. A compacting GC right after each
/// connect starts moves that buffer and reuses its memory, so a shim that kept the pointer fails the name check.
/// </summary>
public sealed class Ngtcp2ServerNameLifetimeTests
{
    [SkippableFact]
    public async Task Certificate_name_checks_survive_a_compacting_gc_during_the_handshake()
    {
        await using var engine = EngineOrSkip();
        await using var listener = await engine.ListenAsync(Listener());
        for (var i = 0; i < 20; i++)
        {
            var accept = listener.AcceptConnectionAsync().AsTask();
            var connecting = engine.ConnectAsync(Client(listener.LocalEndPoint)).AsTask();
            Churn();
            await using var client = await connecting.WaitAsync(Wait);
            await using var server = await accept.WaitAsync(Wait);
        }
    }

    /// <summary>Compacts the heap and fills freed memory with other bytes.</summary>
    private static void Churn()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var junk = new List<byte[]>();
        for (var i = 0; i < 2000; i++)
        {
            var block = new byte[16];
            Array.Fill(block, (byte)'x');
            junk.Add(block);
        }
        GC.KeepAlive(junk);
    }
}
