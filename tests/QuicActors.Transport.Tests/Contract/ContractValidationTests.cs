using System.Net;
using QuicActors.Transport;
using QuicActors.Transport.Events;

namespace QuicActors.Transport.Tests.Contract;

public class ContractValidationTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(7L)]
    [InlineData((1L << 62) - 1)]
    public void Error_codes_within_62_bits_are_accepted(long code) => ApplicationErrorCodes.Validate(code, nameof(code));

    [Theory]
    [InlineData(-1L)]
    [InlineData(1L << 62)]
    [InlineData(long.MaxValue)]
    public void Error_codes_outside_62_bits_are_rejected_naming_the_value(long code)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ApplicationErrorCodes.Validate(code, "applicationErrorCode"));
        Assert.Equal("applicationErrorCode", ex.ParamName);
        Assert.Contains(code.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Transport_parameters_name_the_invalid_value()
    {
        var ex = Assert.Throws<ArgumentException>(() => new QuicTransportParameters { StreamReceiveWindow = 0 }.Validate("QuicListenerOptions.Transport"));
        Assert.Contains("QuicListenerOptions.Transport.StreamReceiveWindow = 0", ex.Message, StringComparison.Ordinal);
        new QuicTransportParameters().Validate("defaults");
    }

    [Fact]
    public void Options_require_an_alpn()
    {
        var listener = new QuicListenerOptions { ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0), ApplicationProtocols = [] };
        Assert.Contains("at least one ALPN", Assert.Throws<ArgumentException>(listener.Validate).Message, StringComparison.Ordinal);
        var client = new QuicClientOptions { RemoteEndPoint = new IPEndPoint(IPAddress.Loopback, 1), ApplicationProtocols = [new string('x', 256)] };
        Assert.Contains("not a valid ALPN", Assert.Throws<ArgumentException>(client.Validate).Message, StringComparison.Ordinal);
        Assert.True(client.ValidatePeerCertificate, "peer verification must be on unless turned off explicitly");
    }

    [Fact]
    public void Data_event_owns_its_pooled_buffer_until_disposed()
    {
        var e = StreamDataReceived.Copy(new QuicStreamId(4), 10, "hello"u8, fin: true);
        Assert.Equal("hello"u8.ToArray(), e.Data.ToArray());
        Assert.Equal(5, e.Length);
        e.Dispose();
        e.Dispose();
        Assert.Throws<ObjectDisposedException>(() => e.Data);
        Assert.Equal(5, e.Length);
        var bareFin = StreamDataReceived.Copy(new QuicStreamId(4), 15, default, fin: true);
        Assert.True(bareFin.Data.IsEmpty);
    }

    [Fact]
    public void Close_info_says_who_and_which_code()
    {
        Assert.Equal("closed by the peer, application code 7: bye", new ConnectionCloseInfo(ConnectionCloseInitiator.Peer, true, 7, "bye").ToString());
        Assert.Equal("closed by the transport, transport code 0x6 (FinalSizeError)", new ConnectionCloseInfo(ConnectionCloseInitiator.Transport, false, 6, "").ToString());
    }
}
