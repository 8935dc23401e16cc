using System.Text;
using QuicActors.Streams;

namespace QuicActors.Examples.Echo;

/// <summary>The echo protocol: the client sends a message and FIN on a bidirectional stream, the server sends it back and FIN.</summary>
internal static class EchoProtocol
{
    public const string Alpn = "quic-actors-echo";
    public const int DefaultPort = 4433;

    /// <summary>The server's stream handler: copies the stream back to the client until EOF.</summary>
    public static async Task ServeAsync(StreamHandle stream, CancellationToken peerAborted)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
        }

        await stream.CompleteWritesAsync().ConfigureAwait(false);
    }

    /// <summary>Reads a stream to EOF as UTF-8.</summary>
    public static async Task<string> ReadAllTextAsync(StreamHandle stream, TimeSpan deadline)
    {
        using var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, deadline).ConfigureAwait(false)) > 0)
        {
            received.Write(buffer, 0, read);
        }

        return Encoding.UTF8.GetString(received.GetBuffer(), 0, (int)received.Length);
    }
}
