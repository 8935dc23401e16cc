using FsCheck;
using FsCheck.Fluent;
using QuicActors.Transport;

namespace QuicActors.Transport.Tests.Contract;

public class QuicStreamIdTests
{
    // RFC 9000 §2.1, Table 1: the two low bits of a stream ID give its type.
    [Theory]
    [InlineData(0x0L, QuicConnectionRole.Client, StreamDirection.Bidirectional)]
    [InlineData(0x1L, QuicConnectionRole.Server, StreamDirection.Bidirectional)]
    [InlineData(0x2L, QuicConnectionRole.Client, StreamDirection.Unidirectional)]
    [InlineData(0x3L, QuicConnectionRole.Server, StreamDirection.Unidirectional)]
    [InlineData(0x10L, QuicConnectionRole.Client, StreamDirection.Bidirectional)]
    [InlineData(0x17L, QuicConnectionRole.Server, StreamDirection.Unidirectional)]
    public void Low_bits_give_initiator_and_direction(long raw, QuicConnectionRole initiator, StreamDirection direction)
    {
        var id = new QuicStreamId(raw);
        Assert.Equal(initiator, id.Initiator);
        Assert.Equal(direction, id.Direction);
        Assert.Equal(raw >> 2, id.Index);
    }

    [Theory]
    [InlineData(QuicConnectionRole.Client, StreamDirection.Bidirectional, 0L, 0L)]
    [InlineData(QuicConnectionRole.Server, StreamDirection.Bidirectional, 0L, 1L)]
    [InlineData(QuicConnectionRole.Client, StreamDirection.Unidirectional, 0L, 2L)]
    [InlineData(QuicConnectionRole.Server, StreamDirection.Unidirectional, 2L, 11L)]
    [InlineData(QuicConnectionRole.Client, StreamDirection.Bidirectional, 100L, 400L)]
    public void Create_builds_the_nth_stream_of_a_type(QuicConnectionRole initiator, StreamDirection direction, long index, long expected)
        => Assert.Equal(expected, QuicStreamId.Create(initiator, direction, index).Value);

    [Fact]
    public void Create_and_decomposition_round_trip()
    {
        Prop.ForAll(Gen.Choose(0, int.MaxValue).Select(i => (long)i * 997).ToArbitrary(), ArbMap.Default.ArbFor<bool>(), ArbMap.Default.ArbFor<bool>(), (index, server, uni) =>
        {
            var role = server ? QuicConnectionRole.Server : QuicConnectionRole.Client;
            var dir = uni ? StreamDirection.Unidirectional : StreamDirection.Bidirectional;
            var id = QuicStreamId.Create(role, dir, index);
            return id.Initiator == role && id.Direction == dir && id.Index == index;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Create_rejects_indices_beyond_the_varint_range()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => QuicStreamId.Create(QuicConnectionRole.Client, StreamDirection.Bidirectional, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => QuicStreamId.Create(QuicConnectionRole.Client, StreamDirection.Bidirectional, (1L << 60)));
        Assert.Equal(QuicStreamId.MaxValue, QuicStreamId.Create(QuicConnectionRole.Server, StreamDirection.Unidirectional, (1L << 60) - 1).Value);
    }

    // A unidirectional stream has only a send half at its initiator and only a receive half at the peer (RFC 9000 §2.1).
    [Theory]
    [InlineData(0L, QuicConnectionRole.Client, true, true)]
    [InlineData(0L, QuicConnectionRole.Server, true, true)]
    [InlineData(2L, QuicConnectionRole.Client, true, false)]
    [InlineData(2L, QuicConnectionRole.Server, false, true)]
    [InlineData(3L, QuicConnectionRole.Server, true, false)]
    [InlineData(3L, QuicConnectionRole.Client, false, true)]
    public void Halves_present_depend_on_direction_and_role(long raw, QuicConnectionRole role, bool send, bool receive)
    {
        var id = new QuicStreamId(raw);
        Assert.Equal(send, id.HasSendHalf(role));
        Assert.Equal(receive, id.HasReceiveHalf(role));
    }
}
