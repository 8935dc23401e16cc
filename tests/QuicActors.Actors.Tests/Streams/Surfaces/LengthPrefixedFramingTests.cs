using System.Buffers;
using System.IO.Pipelines;
using FsCheck;
using FsCheck.Fluent;
using QuicActors.Streams;

namespace QuicActors.Actors.Tests.Streams.Surfaces;

/// <summary>The length-prefixed framing codec, reader and writer over plain pipes: properties and error messages.</summary>
public sealed class LengthPrefixedFramingTests
{
    private static readonly Gen<byte[]> FrameGen =
        from size in Gen.Frequency((6, Gen.Choose(0, 63)), (3, Gen.Choose(64, 3000)), (1, Gen.Choose(16_384, 40_000)))
        from seed in Gen.Choose(0, int.MaxValue)
        select RandomBytes(size, seed);

    private static readonly Gen<FrameLengthPrefix> PrefixGen = Gen.Elements(FrameLengthPrefix.VarInt, FrameLengthPrefix.UInt32BigEndian);

    [Fact]
    public void Random_frames_survive_random_chunking()
    {
        Prop.ForAll(
            Gen.ListOf(FrameGen).Select(l => l.ToArray()).ToArbitrary(),
            Gen.NonEmptyListOf(Gen.Choose(1, 5000)).Select(l => l.ToArray()).ToArbitrary(),
            PrefixGen.ToArbitrary(),
            (frames, chunks, prefix) =>
            {
                var options = new LengthPrefixedFramingOptions { Prefix = prefix, MaxFrameSize = 40_000 };
                var read = RoundTripAsync(frames, chunks, options).GetAwaiter().GetResult();
                Assert.Equal(frames.Length, read.Count);
                for (var i = 0; i < frames.Length; i++)
                {
                    Assert.Equal(frames[i], read[i]);
                }
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Varints_round_trip_in_their_shortest_encoding()
    {
        var valueGen = Gen.OneOf(
            Gen.Choose(0, 63).Select(i => (long)i),
            Gen.Choose(0, 16_383).Select(i => (long)i),
            Gen.Choose(0, int.MaxValue).Select(i => (long)i),
            from high in Gen.Choose(0, int.MaxValue)
            from low in Gen.Choose(0, int.MaxValue)
            select (((long)high << 31) | (uint)low) & LengthPrefixedFraming.MaxVarInt);
        Prop.ForAll(valueGen.ToArbitrary(), value =>
        {
            Span<byte> bytes = stackalloc byte[8];
            var length = LengthPrefixedFraming.WriteVarInt(bytes, value);
            Assert.Equal(value switch { <= 63 => 1, <= 16_383 => 2, <= 1_073_741_823 => 4, _ => 8 }, length);
            Assert.True(LengthPrefixedFraming.TryReadVarInt(bytes[..length], out var decoded, out var decodedLength));
            Assert.Equal(value, decoded);
            Assert.Equal(length, decodedLength);
            Assert.False(LengthPrefixedFraming.TryReadVarInt(bytes[..(length - 1)], out _, out _));
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("c2197c5eff14e88c", 151_288_809_941_952_652L)]
    [InlineData("9d7f3e7d", 494_878_333L)]
    [InlineData("7bbd", 15_293L)]
    [InlineData("25", 37L)]
    [InlineData("4025", 37L)] // not the shortest encoding, still valid
    public void Varints_decode_the_rfc_9000_appendix_a_examples(string hex, long expected)
    {
        var bytes = Convert.FromHexString(hex);
        Assert.True(LengthPrefixedFraming.TryReadVarInt(bytes, out var value, out var length));
        Assert.Equal(expected, value);
        Assert.Equal(bytes.Length, length);
    }

    [Fact]
    public void A_varint_beyond_2_to_the_62_is_refused_naming_the_value()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => LengthPrefixedFraming.WriteVarInt(new byte[8], 1L << 62));
        Assert.Contains((1L << 62).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(FrameLengthPrefix.VarInt)]
    [InlineData(FrameLengthPrefix.UInt32BigEndian)]
    public async Task A_frame_above_the_maximum_fails_on_its_prefix_naming_the_size_and_the_limit(FrameLengthPrefix prefix)
    {
        var pipe = new Pipe();
        var header = new byte[8];
        var length = LengthPrefixedFraming.WritePrefix(header, prefix, 1001);
        await pipe.Writer.WriteAsync(header.AsMemory(0, length));
        // The payload never comes: the reader must not wait for it.
        var reader = new LengthPrefixedFrameReader(pipe.Reader, new LengthPrefixedFramingOptions { Prefix = prefix, MaxFrameSize = 1000 });
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => reader.ReadFrameAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("1001 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("1000 bytes", error.Message, StringComparison.Ordinal);

        // The reader completed the pipe with the error: the writer learns of it.
        await Assert.ThrowsAsync<InvalidDataException>(async () => await pipe.Writer.WriteAsync(new byte[1]));
    }

    [Fact]
    public void The_writer_refuses_a_payload_above_the_maximum_naming_the_size_and_the_limit()
    {
        var pipe = new Pipe();
        var writer = new LengthPrefixedFrameWriter(pipe.Writer, new LengthPrefixedFramingOptions { MaxFrameSize = 10 });
        var error = Assert.Throws<ArgumentException>(() => writer.WriteFrame(new byte[11]));
        Assert.Contains("11 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("10 bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal("payload", error.ParamName);
    }

    [Fact]
    public async Task Input_ending_inside_a_frame_fails_with_how_much_arrived()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[] { 2, 0xAA, 0xBB, 10, 1, 2, 3, 4 });
        await pipe.Writer.CompleteAsync();
        await using var reader = new LengthPrefixedFrameReader(pipe.Reader);
        Assert.True(await reader.ReadFrameAsync());
        Assert.Equal(new byte[] { 0xAA, 0xBB }, reader.Current.ToArray());
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => reader.ReadFrameAsync().AsTask());
        Assert.Contains("5 of its 11 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Input_ending_inside_a_length_prefix_fails_too()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[] { 0x80, 0x01 }); // a 4-byte varint cut after 2 bytes
        await pipe.Writer.CompleteAsync();
        await using var reader = new LengthPrefixedFrameReader(pipe.Reader);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => reader.ReadFrameAsync().AsTask());
        Assert.Contains("length prefix", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Input_ending_on_a_frame_boundary_ends_the_frames_cleanly()
    {
        var pipe = new Pipe();
        var writer = new LengthPrefixedFrameWriter(pipe.Writer);
        await writer.WriteFrameAsync(new byte[] { 1 });
        await writer.WriteFrameAsync(ReadOnlyMemory<byte>.Empty);
        await writer.CompleteAsync();
        var frames = new List<byte[]>();
        await foreach (var frame in new LengthPrefixedFrameReader(pipe.Reader).ReadFramesAsync())
        {
            frames.Add(frame.ToArray());
        }

        Assert.Equal([[1], []], frames);
    }

    [Fact]
    public void Options_refuse_a_negative_maximum_naming_it()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new LengthPrefixedFramingOptions { MaxFrameSize = -1 });
        Assert.Contains("MaxFrameSize = -1", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Writes <paramref name="frames"/> with the frame writer, feeds the encoded bytes to a pipe in the sizes of
    /// <paramref name="chunks"/> (cycled), and collects what the frame reader yields as each chunk lands. Inline schedulers
    /// make the reader run inside each flush, so every chunk boundary is a point where a frame may be incomplete.
    /// </summary>
    private static async Task<List<byte[]>> RoundTripAsync(byte[][] frames, int[] chunks, LengthPrefixedFramingOptions options)
    {
        using var encoded = new MemoryStream();
        var encoder = new LengthPrefixedFrameWriter(PipeWriter.Create(encoded, new StreamPipeWriterOptions(leaveOpen: true)), options);
        foreach (var frame in frames)
        {
            encoder.WriteFrame(frame);
        }

        await encoder.CompleteAsync();
        var bytes = encoded.ToArray();

        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        var reader = new LengthPrefixedFrameReader(pipe.Reader, options);
        var read = new List<byte[]>();
        var pending = reader.ReadFrameAsync().AsTask();
        var offset = 0;
        for (var i = 0; offset < bytes.Length; i++)
        {
            var count = Math.Min(chunks[i % chunks.Length], bytes.Length - offset);
            await pipe.Writer.WriteAsync(bytes.AsMemory(offset, count));
            offset += count;
            while (pending.IsCompletedSuccessfully && pending.Result)
            {
                read.Add(reader.Current.ToArray());
                pending = reader.ReadFrameAsync().AsTask();
            }
        }

        await pipe.Writer.CompleteAsync();
        while (await pending)
        {
            read.Add(reader.Current.ToArray());
            pending = reader.ReadFrameAsync().AsTask();
        }

        return read;
    }

    private static byte[] RandomBytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
