namespace QuicActors.Streams.Internal;

/// <summary>Numeric limits of the QUIC wire encoding.</summary>
internal static class QuicLimits
{
    /// <summary>The largest variable-length integer, 2^62-1 (RFC 9000 §16): bounds error codes and offsets.</summary>
    public const ulong MaxVarint = (1UL << 62) - 1;

    /// <summary>Whether [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>) ends at or before 2^62-1.</summary>
    public static bool FitsStreamOffset(ulong offset, ulong length) =>
        offset <= MaxVarint && length <= MaxVarint - offset;

    public static ulong ValidateErrorCode(ulong errorCode, string paramName)
    {
        if (errorCode > MaxVarint)
        {
            throw new ArgumentOutOfRangeException(paramName, errorCode,
                $"An application error code is a QUIC varint and cannot exceed 2^62-1 ({MaxVarint}) (RFC 9000 §16, §20.2).");
        }

        return errorCode;
    }
}
