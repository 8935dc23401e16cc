using System.Runtime.InteropServices;

namespace QuicActors.Transport.Ngtcp2.Internal;

/// <summary>One event drained from a shim connection (mirrors <c>qa_event</c> in qa_ngtcp2_shim.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct QaEvent
{
    public int Type;
    public int Flags;
    public long StreamId;
    public ulong Code;
    public ulong Offset;
    public nint Stream;
    public nint Data;
    public nuint DataLength;
}

/// <summary>Local transport parameters (mirrors <c>qa_params</c>).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct QaParams
{
    public ulong MaxStreamsBidi;
    public ulong MaxStreamsUni;
    public ulong StreamWindow;
    public ulong ConnectionWindow;
    public ulong IdleTimeoutNs;
    public ulong MaxDatagramFrameSize;
    public ulong HandshakeTimeoutNs;
}

/// <summary>The peer's transport parameters (mirrors <c>qa_remote_params</c>).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct QaRemoteParams
{
    public ulong MaxStreamsBidi;
    public ulong MaxStreamsUni;
    public ulong StreamWindowBidiRemote;
    public ulong ConnectionWindow;
    public ulong IdleTimeoutNs;
    public ulong MaxDatagramFrameSize;
}

/// <summary>How a connection closed (mirrors <c>qa_close_info</c>).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct QaCloseInfo
{
    public int Kind;
    public int ReasonLength;
    public ulong Code;
    public fixed byte Reason[256];
}

/// <summary>Event kinds of the shim's queue.</summary>
internal static class QaEventType
{
    public const int HandshakeCompleted = 1;
    public const int StreamOpened = 2;
    public const int StreamData = 3;
    public const int StreamReset = 4;
    public const int StopSending = 5;
    public const int StreamAcked = 6;
    public const int StreamClosed = 7;
    public const int CreditBidi = 8;
    public const int CreditUni = 9;
    public const int Datagram = 10;
    public const int EarlyDataRejected = 11;
    public const int Ticket = 12;
    public const int NewConnectionId = 13;
    public const int RetireConnectionId = 14;
}

/// <summary>ngtcp2 error codes the managed side reacts to (ngtcp2.h, 0.12).</summary>
internal static class Ngtcp2Error
{
    public const int Draining = -231;
    public const int IdleClose = -248;
    public const int HandshakeTimeout = -246;
    public const int Crypto = -215;
}

/// <summary>P/Invoke surface of libqa_ngtcp2_shim.so; every call is blittable.</summary>
internal static unsafe partial class NativeMethods
{
    public const string Library = "qa_ngtcp2_shim";

    [LibraryImport(Library, EntryPoint = "qa_version")]
    public static partial int Version();

    [LibraryImport(Library, EntryPoint = "qa_timestamp")]
    public static partial ulong Timestamp();

    [LibraryImport(Library, EntryPoint = "qa_strerror")]
    public static partial nint StrError(int liberr);

    [LibraryImport(Library, EntryPoint = "qa_server_ctx_new")]
    public static partial nint ServerContextNew(byte* certPem, nuint certLength, byte* keyPem, nuint keyLength, byte* alpn, nuint alpnLength, int earlyPolicy, byte* error, nuint errorLength);

    [LibraryImport(Library, EntryPoint = "qa_server_ctx_free")]
    public static partial void ServerContextFree(nint context);

    [LibraryImport(Library, EntryPoint = "qa_packet_dcid")]
    public static partial int PacketDestinationId(byte* packet, nuint length, nuint shortIdLength, byte* id, nuint* idLength, int* isInitial);

    [LibraryImport(Library, EntryPoint = "qa_client_new")]
    public static partial nint ClientNew(byte* localAddress, nuint localLength, byte* remoteAddress, nuint remoteLength, byte* serverName, byte* alpn, nuint alpnLength, int verify, byte* trustPem, nuint trustLength, QaParams* parameters, byte* ticket, nuint ticketLength, byte* earlyParameters, nuint earlyParametersLength, int enableEarlyData, ulong timestamp, byte* error, nuint errorLength);

    [LibraryImport(Library, EntryPoint = "qa_server_new")]
    public static partial nint ServerNew(nint context, byte* localAddress, nuint localLength, byte* remoteAddress, nuint remoteLength, byte* packet, nuint packetLength, QaParams* parameters, ulong timestamp, byte* error, nuint errorLength);

    [LibraryImport(Library, EntryPoint = "qa_conn_free")]
    public static partial void ConnectionFree(nint connection);

    [LibraryImport(Library, EntryPoint = "qa_conn_read_pkt")]
    public static partial int ReadPacket(nint connection, byte* packet, nuint length, ulong timestamp);

    [LibraryImport(Library, EntryPoint = "qa_conn_write")]
    public static partial long Write(nint connection, byte* buffer, nuint capacity, ulong timestamp);

    [LibraryImport(Library, EntryPoint = "qa_conn_get_expiry")]
    public static partial ulong GetExpiry(nint connection);

    /// <summary>The connection's probe timeout (RFC 9002 §6.2), in nanoseconds.</summary>
    [LibraryImport(Library, EntryPoint = "qa_conn_get_pto")]
    public static partial ulong GetProbeTimeout(nint connection);

    /// <summary>What the connection holds: ngtcp2's memory, and the streams ngtcp2 has not closed, live or released.</summary>
    [LibraryImport(Library, EntryPoint = "qa_conn_get_stats")]
    public static partial void GetStats(nint connection, out NativeConnectionStats stats);

    [LibraryImport(Library, EntryPoint = "qa_conn_handle_expiry")]
    public static partial int HandleExpiry(nint connection, ulong timestamp);

    [LibraryImport(Library, EntryPoint = "qa_conn_next_event")]
    public static partial int NextEvent(nint connection, QaEvent* evt);

    [LibraryImport(Library, EntryPoint = "qa_conn_early_data_attempted")]
    public static partial int EarlyDataAttempted(nint connection);

    [LibraryImport(Library, EntryPoint = "qa_conn_get_alpn")]
    public static partial int GetAlpn(nint connection, byte* buffer, nuint capacity);

    [LibraryImport(Library, EntryPoint = "qa_conn_get_remote_params")]
    public static partial void GetRemoteParameters(nint connection, QaRemoteParams* parameters);

    [LibraryImport(Library, EntryPoint = "qa_conn_streams_bidi_left")]
    public static partial ulong StreamsBidiLeft(nint connection);

    [LibraryImport(Library, EntryPoint = "qa_conn_streams_uni_left")]
    public static partial ulong StreamsUniLeft(nint connection);

    [LibraryImport(Library, EntryPoint = "qa_conn_encode_early_params")]
    public static partial long EncodeEarlyParameters(nint connection, byte* buffer, nuint capacity);

    [LibraryImport(Library, EntryPoint = "qa_conn_handshake_error")]
    public static partial nuint HandshakeError(nint connection, byte* buffer, nuint capacity);

    [LibraryImport(Library, EntryPoint = "qa_conn_peer_certificate")]
    public static partial nuint PeerCertificate(nint connection, uint index, byte* buffer, nuint capacity);

    [LibraryImport(Library, EntryPoint = "qa_stream_open")]
    public static partial nint StreamOpen(nint connection, int bidi, long* streamId);

    [LibraryImport(Library, EntryPoint = "qa_stream_write")]
    public static partial int StreamWrite(nint connection, nint stream, byte* data, nuint length, int fin);

    [LibraryImport(Library, EntryPoint = "qa_stream_shutdown_write")]
    public static partial int StreamShutdownWrite(nint connection, nint stream, ulong code);

    [LibraryImport(Library, EntryPoint = "qa_stream_shutdown_read")]
    public static partial int StreamShutdownRead(nint connection, long streamId, ulong code);

    [LibraryImport(Library, EntryPoint = "qa_stream_extend")]
    public static partial int StreamExtend(nint connection, long streamId, ulong bytes);

    [LibraryImport(Library, EntryPoint = "qa_conn_extend_max_streams")]
    public static partial void ExtendMaxStreams(nint connection, int bidi, ulong count);

    [LibraryImport(Library, EntryPoint = "qa_stream_detach")]
    public static partial void StreamDetach(nint connection, nint stream);

    [LibraryImport(Library, EntryPoint = "qa_conn_queue_datagram")]
    public static partial int QueueDatagram(nint connection, byte* data, nuint length);

    [LibraryImport(Library, EntryPoint = "qa_conn_max_datagram_payload")]
    public static partial ulong MaxDatagramPayload(nint connection);

    [LibraryImport(Library, EntryPoint = "qa_conn_write_close")]
    public static partial long WriteClose(nint connection, byte* buffer, nuint capacity, int application, ulong code, byte* reason, nuint reasonLength, ulong timestamp);

    [LibraryImport(Library, EntryPoint = "qa_conn_write_error_close")]
    public static partial long WriteErrorClose(nint connection, byte* buffer, nuint capacity, int liberr, ulong timestamp);

    [LibraryImport(Library, EntryPoint = "qa_conn_get_close")]
    public static partial void GetClose(nint connection, QaCloseInfo* info);

    [LibraryImport(Library, EntryPoint = "qa_io_wake_new")]
    public static partial int IoWakeNew();

    [LibraryImport(Library, EntryPoint = "qa_io_wake")]
    public static partial void IoWake(SafeIoWakeHandle wake);

    [LibraryImport(Library, EntryPoint = "qa_io_close")]
    public static partial void IoClose(int fd);

    [LibraryImport(Library, EntryPoint = "qa_io_wait")]
    public static partial int IoWait(int fd, int wake, long timeoutNanos);

    [LibraryImport(Library, EntryPoint = "qa_io_recv")]
    public static partial int IoReceive(int fd, byte* buffers, nuint slot, int count, int* lengths, byte* addresses, int* addressLengths);

    [LibraryImport(Library, EntryPoint = "qa_io_send")]
    public static partial int IoSend(int fd, byte* buffers, nuint slot, int count, int* lengths, byte* address, nuint addressLength);

    /// <summary>ngtcp2's text for an error code.</summary>
    public static string ErrorText(int liberr) => Marshal.PtrToStringUTF8(StrError(liberr)) ?? liberr.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
