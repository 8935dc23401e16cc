using System.Runtime.InteropServices;

namespace QuicActors.Transport.Ngtcp2.Internal;

/// <summary>Owns a shim connection (ngtcp2_conn, GnuTLS session, stream buffers, event queue).</summary>
internal sealed class SafeQaConnectionHandle : SafeHandle
{
    public SafeQaConnectionHandle(nint handle) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.ConnectionFree(handle);
        return true;
    }
}

/// <summary>Owns a shim server context (GnuTLS credentials, ticket key, anti-replay state).</summary>
internal sealed class SafeQaServerContextHandle : SafeHandle
{
    public SafeQaServerContextHandle(nint handle) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.ServerContextFree(handle);
        return true;
    }
}
