using System.IO.Pipelines;
using QuicActors.Streams;
using Xunit.Abstractions;
using static QuicActors.Actors.Tests.Streams.Surfaces.SurfaceTestSupport;

namespace QuicActors.Actors.Tests.Streams.Surfaces;

/// <summary>Length-prefixed frames over <see cref="StreamDuplexPipe"/> through the actors over the in-memory engine.</summary>
public sealed class FramedStreamTests(ITestOutputHelper output) : QuicActors.TestKit.TestKit(output, useVirtualTime: true)
{
    [Fact]
    public async Task Frames_cross_both_ways_through_an_echoing_peer()
    {
        var (host, client) = await StartAsync(Sys, VirtualTime!, async (stream, _) =>
        {
            var pipe = stream.AsDuplexPipe();
            await using var frames = new LengthPrefixedFrameReader(pipe.Input, new LengthPrefixedFramingOptions { MaxFrameSize = 32 * 1024 });
            var echo = new LengthPrefixedFrameWriter(pipe.Output, new LengthPrefixedFramingOptions { MaxFrameSize = 32 * 1024 });
            await foreach (var frame in frames.ReadFramesAsync(CancellationToken.None))
            {
                await echo.WriteFrameAsync(frame, CancellationToken.None);
            }

            await echo.CompleteAsync();
            await pipe.Completion;
        });
        await using var _ = host;

        var random = new Random(11);
        var sent = Enumerable.Range(0, 150).Select(i => Pattern(random.Next(0, i % 10 == 0 ? 30_000 : 3_000), i)).ToList();
        var pipe = client.AsDuplexPipe();
        var options = new LengthPrefixedFramingOptions { MaxFrameSize = 32 * 1024 };
        var writer = new LengthPrefixedFrameWriter(pipe.Output, options);
        var writing = Task.Run(async () =>
        {
            foreach (var frame in sent)
            {
                await writer.WriteFrameAsync(frame);
            }

            await writer.CompleteAsync();
        });

        var received = new List<byte[]>();
        await using (var reader = new LengthPrefixedFrameReader(pipe.Input, options))
        {
            await foreach (var frame in reader.ReadFramesAsync().WithCancellation(CancellationToken.None))
            {
                received.Add(frame.ToArray());
            }
        }

        await writing.WaitAsync(Wait);
        Assert.Equal(sent, received);
    }

    [Fact]
    public async Task An_oversized_frame_from_the_peer_stops_the_stream_with_the_abandoned_read_code()
    {
        var serverError = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (host, client) = await StartAsync(Sys, VirtualTime!, async (stream, token) =>
        {
            var pipe = stream.AsDuplexPipe(options: new StreamSurfaceOptions { ReadAbandonedErrorCode = 0x10 });
            await using var frames = new LengthPrefixedFrameReader(pipe.Input, new LengthPrefixedFramingOptions { MaxFrameSize = 1000 });
            try
            {
                while (await frames.ReadFrameAsync(CancellationToken.None))
                {
                }
            }
            catch (Exception ex)
            {
                serverError.TrySetResult(ex);
            }

            await Task.Delay(Timeout.Infinite, token).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        await using var _ = host;

        var pipe = client.AsDuplexPipe();
        var writer = new LengthPrefixedFrameWriter(pipe.Output, new LengthPrefixedFramingOptions { MaxFrameSize = 100_000 });
        await writer.WriteFrameAsync(new byte[10]);
        await writer.WriteFrameAsync(new byte[5000]);

        var error = Assert.IsType<InvalidDataException>(await serverError.Task.WaitAsync(Wait));
        Assert.Contains("5000 bytes", error.Message, StringComparison.Ordinal);
        Exception? aborted = null;
        for (var i = 0; i < 1000 && aborted is null; i++)
        {
            try
            {
                await writer.WriteFrameAsync(new byte[100]).AsTask().WaitAsync(Wait);
                await Task.Delay(1);
            }
            catch (StreamAbortedException ex)
            {
                aborted = ex;
            }
        }

        var stopped = Assert.IsType<StreamAbortedException>(aborted);
        Assert.Equal(0x10, stopped.ErrorCode);
        Assert.True(stopped.ByPeer);
    }

    [Fact]
    public async Task A_frame_reader_refuses_a_pipe_whose_pause_threshold_cannot_hold_a_frame()
    {
        var (host, client) = await StartAsync(Sys, VirtualTime!, (_, _) => Task.CompletedTask);
        await using var _ = host;

        await using var pipe = client.AsDuplexPipe(new PipeOptions(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024));
        var error = Assert.Throws<ArgumentException>(() => new LengthPrefixedFrameReader(pipe.Input, new LengthPrefixedFramingOptions { MaxFrameSize = 64 * 1024 }));
        Assert.Contains("65536", error.Message, StringComparison.Ordinal);
        Assert.Contains("PauseWriterThreshold", error.Message, StringComparison.Ordinal);
        var fits = new LengthPrefixedFrameReader(pipe.Input, new LengthPrefixedFramingOptions { MaxFrameSize = 60 * 1024 });
        Assert.True(fits.Current.IsEmpty, "no frame before the first read");
    }
}
