namespace QuicActors.Streams.Internal;

/// <summary>A live connection whose stream credit the <c>quicactors.streams.credit.available</c> gauge reads.</summary>
internal interface ICreditGaugeSource
{
    /// <summary>Called on the metrics collector's thread: reads may lag the owning actor by a few updates.</summary>
    CreditReading ReadCredit();
}

/// <summary>Free stream slots of one connection, per side and direction.</summary>
internal readonly record struct CreditReading(long InboundBidirectional, long InboundUnidirectional, long OutboundBidirectional, long OutboundUnidirectional);
