using System.Runtime.InteropServices;

namespace QuicActors.Transport.Ngtcp2.Internal;

/// <summary>
/// The shim's <c>qa_conn_stats</c>: the bytes ngtcp2 has allocated for one connection (counted by the allocator the shim
/// hands it), and the streams ngtcp2 has not closed yet, split into live ones and ones the managed side released.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct NativeConnectionStats
{
    public readonly ulong Ngtcp2Bytes;
    public readonly ulong LiveStreams;
    public readonly ulong ReleasedStreams;

    public override string ToString() => $"ngtcp2 {Ngtcp2Bytes} B, {LiveStreams} live streams, {ReleasedStreams} released streams ngtcp2 still holds";
}
