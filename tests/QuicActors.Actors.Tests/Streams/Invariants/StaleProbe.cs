namespace QuicActors.Actors.Tests.Streams.Invariants;

/// <summary>
/// What a scenario does through a handle of an ended generation (invariant 5): a write of <see cref="Bytes"/> and aborts
/// with <see cref="ErrorCode"/>, which no other step uses, so the recording engine can tell if one of them got through.
/// </summary>
internal static class StaleProbe
{
    public const long ErrorCode = 0xDEAD;

    public static readonly byte[] Bytes = [0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE];

    public static bool IsProbe(ReadOnlySpan<byte> data) => data.SequenceEqual(Bytes);
}
