namespace QuicActors.Streams;

/// <summary>The wire shape of length-prefixed frames and the largest payload a reader accepts or a writer sends.</summary>
public sealed record LengthPrefixedFramingOptions
{
    private readonly int _maxFrameSize = 1024 * 1024;

    /// <summary>Varint prefixes, frames of at most 1 MiB.</summary>
    public static LengthPrefixedFramingOptions Default { get; } = new();

    /// <summary>How the payload length is written; <see cref="FrameLengthPrefix.VarInt"/> by default.</summary>
    public FrameLengthPrefix Prefix { get; init; } = FrameLengthPrefix.VarInt;

    /// <summary>
    /// The largest payload, in bytes. A reader fails on a frame that announces more before buffering it, so a peer cannot
    /// make it hold more than this plus the prefix; a writer refuses a larger payload. 1 MiB by default.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in 0..<see cref="Array.MaxLength"/>.</exception>
    public int MaxFrameSize
    {
        get => _maxFrameSize;
        init => _maxFrameSize = value >= 0 && value <= Array.MaxLength
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxFrameSize), value, $"{nameof(LengthPrefixedFramingOptions)}.{nameof(MaxFrameSize)} = {value}: must be in 0..{Array.MaxLength} bytes.");
    }

    /// <summary>The most bytes one frame occupies: the longest prefix plus <see cref="MaxFrameSize"/>.</summary>
    public long MaxEncodedFrameSize => LengthPrefixedFraming.GetPrefixLength(Prefix, MaxFrameSize) + (long)MaxFrameSize;
}
