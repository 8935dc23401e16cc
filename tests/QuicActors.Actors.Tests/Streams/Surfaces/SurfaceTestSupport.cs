using System.IO.Pipelines;
using QuicActors.Actors.Tests.Streams.Specs;
using QuicActors.Kernel;
using QuicActors.Streams;
using QuicActors.Transport;

namespace QuicActors.Actors.Tests.Streams.Surfaces;

/// <summary>Shared plumbing of the surface tests: a client and server over the in-memory engine, byte patterns, draining.</summary>
internal static class SurfaceTestSupport
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>A host whose server runs <paramref name="handler"/>, and one client stream to it.</summary>
    public static async Task<(StreamSpecHost Host, StreamHandle Client)> StartAsync(ActorSystem system, TestKit.VirtualTimeProvider time, Func<StreamHandle, CancellationToken, Task> handler)
    {
        var host = await StreamSpecHost.StartAsync(system, time, 100, LingerPolicy.Default, handler);
        var client = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        return (host, client);
    }

    /// <summary>Byte <paramref name="offset"/> of the stream pattern: position mod 251, so chunk boundaries never line up with it.</summary>
    public static byte PatternAt(long offset) => (byte)(offset % 251);

    public static byte[] Pattern(int length, long offset = 0)
    {
        var bytes = new byte[length];
        FillPattern(bytes, offset);
        return bytes;
    }

    public static void FillPattern(Span<byte> destination, long offset)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = PatternAt(offset + i);
        }
    }

    /// <summary>Waits for <paramref name="condition"/>: half states reach the handle through the stream actor, a moment after the operation that caused them.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"never happened: {what}");
            await Task.Delay(5);
        }
    }

    /// <summary>Writes chunks to <paramref name="stream"/> until a write fails (the peer stops it), and returns the failure.</summary>
    public static async Task<Exception> WriteUntilFailureAsync(StreamHandle stream)
    {
        try
        {
            await stream.WriteAllAsync(EndlessAsync(), completeWrites: false).WaitAsync(Wait);
        }
        catch (Exception ex) when (ex is not TimeoutException)
        {
            return ex;
        }

        throw new InvalidOperationException("an endless source ended");

        static async IAsyncEnumerable<ReadOnlyMemory<byte>> EndlessAsync()
        {
            var chunk = Pattern(1000);
            while (true)
            {
                await Task.Delay(1);
                yield return chunk;
            }
        }
    }

    /// <summary>Reads <paramref name="reader"/> to its end and returns every byte.</summary>
    public static async Task<byte[]> ReadToEndAsync(PipeReader reader)
    {
        using var all = new MemoryStream();
        while (true)
        {
            var result = await reader.ReadAsync();
            foreach (var segment in result.Buffer)
            {
                all.Write(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return all.ToArray();
            }
        }
    }
}
