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

/// <summary>Owns an endpoint loop's wake-up eventfd; app threads signal it, so it must outlive their last call.</summary>
internal sealed class SafeIoWakeHandle : SafeHandle
{
    public SafeIoWakeHandle(int fd) : base(-1, ownsHandle: true) => SetHandle(fd);

    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>The descriptor, for the loop that holds a reference while it waits.</summary>
    public int Descriptor => (int)handle;

    protected override bool ReleaseHandle()
    {
        NativeMethods.IoClose((int)handle);
        return true;
    }
}
