using System.Net.Quic;
using System.Runtime.Versioning;

namespace QuicActors.Transport.MsQuic.Internal;

/// <summary>
/// Carries System.Net.Quic's <c>StreamCapacityCallback</c> to the engine connection. The callback is fixed in the
/// options before the connection exists, and its first invocation (the peer's initial limits) may come before
/// <c>ConnectAsync</c> or <c>AcceptConnectionAsync</c> returns, so increments are kept here until the connection attaches.
/// </summary>
[SupportedOSPlatform("linux")]
[SupportedOSPlatform("windows")]
[SupportedOSPlatform("osx")]
internal sealed class StreamCapacityRelay
{
    private readonly Lock _lock = new();
    private MsQuicEngineConnection? _target;
    private long _bidirectional;
    private long _unidirectional;

    /// <summary>The callback to put into <see cref="QuicConnectionOptions.StreamCapacityCallback"/>.</summary>
    public void OnCapacity(QuicConnection connection, QuicStreamCapacityChangedArgs args)
    {
        lock (_lock)
        {
            if (_target is null)
            {
                _bidirectional += args.BidirectionalIncrement;
                _unidirectional += args.UnidirectionalIncrement;
                return;
            }
            _target.OnStreamCapacity(args.BidirectionalIncrement, args.UnidirectionalIncrement);
        }
    }

    /// <summary>Hands everything received so far to <paramref name="target"/> and sends later increments straight to it.</summary>
    public void Attach(MsQuicEngineConnection target)
    {
        lock (_lock)
        {
            _target = target;
            target.OnAttached(_bidirectional, _unidirectional);
            _bidirectional = _unidirectional = 0;
        }
    }
}
