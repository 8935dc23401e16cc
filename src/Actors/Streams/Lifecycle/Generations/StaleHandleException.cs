using System.Globalization;

namespace QuicActors.Streams;

/// <summary>
/// An operation came through a stream handle of a connection generation that has ended (0-RTT was rejected, or the
/// connection closed). The operation was refused before it reached the engine: nothing was sent.
/// </summary>
public sealed class StaleHandleException : InvalidOperationException
{
    /// <summary>Creates the exception for a handle of a generation replaced by <paramref name="currentGeneration"/>.</summary>
    public StaleHandleException(StreamHandleStamp stamp, int currentGeneration)
        : base(string.Create(CultureInfo.InvariantCulture, $"{stamp} is stale: the connection is now in generation {currentGeneration} (0-RTT was rejected); nothing was sent"))
    {
        Stamp = stamp;
        CurrentGeneration = currentGeneration;
    }

    /// <summary>Creates the exception for a handle of a connection that has closed.</summary>
    public StaleHandleException(StreamHandleStamp stamp)
        : base(string.Create(CultureInfo.InvariantCulture, $"{stamp} is stale: the connection has closed; nothing was sent"))
    {
        Stamp = stamp;
        CurrentGeneration = stamp.Generation;
        ConnectionClosed = true;
    }

    /// <summary>Creates the exception with a message of the caller's.</summary>
    public StaleHandleException()
    {
    }

    /// <summary>Creates the exception with a message of the caller's.</summary>
    public StaleHandleException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception of the caller's.</summary>
    public StaleHandleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The stamp of the handle that was used.</summary>
    public StreamHandleStamp Stamp { get; }

    /// <summary>The connection's generation when the operation was refused.</summary>
    public int CurrentGeneration { get; }

    /// <summary>Whether the connection had closed (rather than moved to a new generation).</summary>
    public bool ConnectionClosed { get; }
}
