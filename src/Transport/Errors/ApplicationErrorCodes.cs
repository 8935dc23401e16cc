namespace QuicActors.Transport;

/// <summary>Checks on application error codes, which QUIC carries as 62-bit variable-length integers (RFC 9000 §16, §20.2).</summary>
public static class ApplicationErrorCodes
{
    /// <summary>The largest code a varint can carry: 2^62-1.</summary>
    public const long MaxValue = (1L << 62) - 1;

    /// <summary>Throws unless <paramref name="code"/> is in 0..2^62-1.</summary>
    /// <param name="code">The application error code.</param>
    /// <param name="paramName">The parameter the code came from, for the exception message.</param>
    /// <exception cref="ArgumentOutOfRangeException">The code is negative or above 2^62-1; the message names the value.</exception>
    public static void Validate(long code, string paramName)
    {
        if (code is < 0 or > MaxValue)
        {
            throw new ArgumentOutOfRangeException(paramName, code, $"An application error code must be in 0..{MaxValue} (a 62-bit QUIC varint, RFC 9000 §16); got {code}.");
        }
    }
}
