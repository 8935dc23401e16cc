namespace QuicActors.Transport;

/// <summary>Whether a stream carries data both ways or only from its initiator (RFC 9000 §2.1).</summary>
public enum StreamDirection
{
    /// <summary>Both endpoints send and receive: the stream has a send half and a receive half at each end.</summary>
    Bidirectional,

    /// <summary>Only the initiator sends: the initiator has just a send half and the peer just a receive half.</summary>
    Unidirectional,
}
