/*
 * QuicActors ngtcp2 shim: a flat C API over ngtcp2 0.12 and GnuTLS.
 *
 * Why it exists: ngtcp2's structs are versioned and its callbacks run inside library calls. The managed side must
 * never run inside a native callback, so every callback here only appends a plain event record to a per-connection
 * queue that the managed event loop drains with qa_conn_next_event after each call that can trigger callbacks.
 *
 * Threading: none. A qa_conn and everything reached from it is used by one thread at a time (the managed loop that
 * owns it). A qa_server_ctx is shared read-only by the connections of one listener (same loop).
 */
#ifndef QA_NGTCP2_SHIM_H
#define QA_NGTCP2_SHIM_H

#include <stddef.h>
#include <stdint.h>

#define QA_API __attribute__((visibility("default")))

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qa_conn qa_conn;
typedef struct qa_server_ctx qa_server_ctx;
typedef struct qa_stream qa_stream;

/* Event kinds drained by qa_conn_next_event. */
enum {
  QA_EV_HANDSHAKE_COMPLETED = 1, /* flags: 1 = early data accepted */
  QA_EV_STREAM_OPENED = 2,       /* peer opened stream_id; stream = its shim stream */
  QA_EV_STREAM_DATA = 3,         /* data/datalen at offset; flags 1 = fin */
  QA_EV_STREAM_RESET = 4,        /* code = app error, offset = final size */
  QA_EV_STOP_SENDING = 5,        /* code = app error (ngtcp2 already answered with RESET_STREAM) */
  QA_EV_STREAM_ACKED = 6,        /* offset = contiguous acked bytes; flags 1 = FIN acknowledged too */
  QA_EV_STREAM_CLOSED = 7,       /* ngtcp2 forgot the stream; its shim stream is freed when this event is drained */
  QA_EV_CREDIT_BIDI = 8,         /* code = peer's cumulative MAX_STREAMS for bidi */
  QA_EV_CREDIT_UNI = 9,          /* code = peer's cumulative MAX_STREAMS for uni */
  QA_EV_DATAGRAM = 10,           /* data/datalen */
  QA_EV_EARLY_DATA_REJECTED = 11,
  QA_EV_TICKET = 12,             /* data = TLS session data (client only); code = the ticket's max_early_data_size (0: no 0-RTT), offset = lifetime in seconds */
  QA_EV_NEW_CID = 13,            /* data = a new source connection ID of ours (server routing) */
  QA_EV_RETIRE_CID = 14,         /* data = a source connection ID of ours that is gone */
};

typedef struct qa_event {
  int32_t type;
  int32_t flags;
  int64_t stream_id;
  uint64_t code;
  uint64_t offset;
  qa_stream *stream;
  const uint8_t *data; /* valid until the next qa_conn_next_event or qa_conn_free */
  size_t datalen;
} qa_event;

/* Local transport parameters and settings, laid out for P/Invoke (all 64-bit). */
typedef struct qa_params {
  uint64_t max_streams_bidi;
  uint64_t max_streams_uni;
  uint64_t stream_window;
  uint64_t connection_window;
  uint64_t idle_timeout_ns;
  uint64_t max_datagram_frame_size;
  uint64_t handshake_timeout_ns;
} qa_params;

/* Close information (filled by qa_conn_get_close). */
typedef struct qa_close_info {
  int32_t kind;        /* 0 none, 1 transport code, 2 application code, 3 idle close */
  int32_t reasonlen;
  uint64_t code;
  uint8_t reason[256];
} qa_close_info;

/* Peer's transport parameters (filled by qa_conn_get_remote_params). */
typedef struct qa_remote_params {
  uint64_t max_streams_bidi;
  uint64_t max_streams_uni;
  uint64_t stream_window_bidi_remote;
  uint64_t connection_window;
  uint64_t idle_timeout_ns;
  uint64_t max_datagram_frame_size;
} qa_remote_params;

QA_API int qa_version(void);
QA_API const char *qa_strerror(int liberr);
QA_API uint64_t qa_timestamp(void);

/* Server context: certificate (PEM), ALPN list (length-prefixed bytes), early data policy (0 disabled, 1 accept,
 * 2 reject). Errors go to err (NUL-terminated) and NULL is returned. */
QA_API qa_server_ctx *qa_server_ctx_new(const uint8_t *cert_pem, size_t cert_len, const uint8_t *key_pem,
                                        size_t key_len, const uint8_t *alpn, size_t alpn_len, int early_policy,
                                        char *err, size_t errlen);
QA_API void qa_server_ctx_free(qa_server_ctx *ctx);

/* Classifies a datagram arriving at a listener: returns 1 and the DCID when it is a valid client Initial that may
 * start a connection, 0 with the DCID when it is another QUIC packet, -1 when it is not QUIC at all. */
QA_API int qa_packet_dcid(const uint8_t *pkt, size_t pktlen, size_t short_dcidlen, uint8_t *dcid, size_t *dcidlen,
                          int *is_initial);

/* Creates a client connection. trust_pem may be NULL; verify != 0 checks the server certificate against the
 * system store plus trust_pem, for server_name. ticket/early_params from an earlier connection may be NULL. */
QA_API qa_conn *qa_client_new(const void *local_sa, size_t local_salen, const void *remote_sa, size_t remote_salen,
                              const char *server_name, const uint8_t *alpn, size_t alpn_len, int verify,
                              const uint8_t *trust_pem, size_t trust_len, const qa_params *params,
                              const uint8_t *ticket, size_t ticket_len, const uint8_t *early_params,
                              size_t early_params_len, int enable_early_data, uint64_t ts, char *err, size_t errlen);

/* Creates a server connection for the Initial packet pkt. */
QA_API qa_conn *qa_server_new(qa_server_ctx *ctx, const void *local_sa, size_t local_salen, const void *remote_sa,
                              size_t remote_salen, const uint8_t *pkt, size_t pktlen, const qa_params *params,
                              uint64_t ts, char *err, size_t errlen);

QA_API void qa_conn_free(qa_conn *c);

/* Feeds one received datagram. 0 on success, or a negative ngtcp2 error (the connection is then closing/draining or
 * failed; call qa_conn_close_error / qa_conn_get_close). */
QA_API int qa_conn_read_pkt(qa_conn *c, const uint8_t *pkt, size_t pktlen, uint64_t ts);

/* Writes the next datagram into buf. Returns its length, 0 when there is nothing to send, or a negative error. */
QA_API int64_t qa_conn_write(qa_conn *c, uint8_t *buf, size_t cap, uint64_t ts);

QA_API uint64_t qa_conn_get_expiry(qa_conn *c);
/* The probe timeout (RFC 9002 §6.2), in ns: how long the managed side waits for a reset after STOP_SENDING. */
QA_API uint64_t qa_conn_get_pto(qa_conn *c);
/* What a connection holds: ngtcp2's memory (its allocations, counted), and the streams ngtcp2 has not closed yet, live
 * or released by the managed side. Walks the stream lists: for diagnostics and tests, not for every packet. */
typedef struct qa_conn_stats {
  uint64_t ngtcp2_bytes;
  uint64_t live_streams;
  uint64_t released_streams;
} qa_conn_stats;
QA_API void qa_conn_get_stats(qa_conn *c, qa_conn_stats *stats);
QA_API int qa_conn_handle_expiry(qa_conn *c, uint64_t ts);

/* Drains one event; returns 1 when evt was filled, 0 when the queue is empty. */
QA_API int qa_conn_next_event(qa_conn *c, qa_event *evt);

QA_API int qa_conn_is_handshake_completed(qa_conn *c);
QA_API int qa_conn_is_closing(qa_conn *c);
QA_API int qa_conn_early_data_attempted(qa_conn *c);
QA_API int qa_conn_get_alpn(qa_conn *c, uint8_t *buf, size_t cap);
QA_API void qa_conn_get_remote_params(qa_conn *c, qa_remote_params *out);
QA_API uint64_t qa_conn_streams_bidi_left(qa_conn *c);
QA_API uint64_t qa_conn_streams_uni_left(qa_conn *c);
QA_API size_t qa_conn_get_scids(qa_conn *c, uint8_t *buf, size_t cap, size_t *cidlen);
/* The remote transport parameters encoded for 0-RTT on a later connection; returns the length or a negative error. */
QA_API int64_t qa_conn_encode_early_params(qa_conn *c, uint8_t *buf, size_t cap);
/* Why the TLS handshake failed, as text (GnuTLS verification status or alert); returns the length. */
QA_API size_t qa_conn_handshake_error(qa_conn *c, char *buf, size_t cap);
QA_API uint8_t qa_conn_tls_alert(qa_conn *c);
/* The peer's certificate number idx (0 = leaf) in DER; returns its length, 0 when there is none, or the size needed
 * when cap is too small (then nothing is copied). */
QA_API size_t qa_conn_peer_certificate(qa_conn *c, unsigned idx, uint8_t *buf, size_t cap);

/* Streams. */
QA_API qa_stream *qa_stream_open(qa_conn *c, int bidi, int64_t *stream_id);
/* Queues a copy of data (and FIN) for sending. 0, or a negative error when the send side is finished. */
QA_API int qa_stream_write(qa_conn *c, qa_stream *s, const uint8_t *data, size_t len, int fin);
QA_API int qa_stream_shutdown_write(qa_conn *c, qa_stream *s, uint64_t code);
QA_API int qa_stream_shutdown_read(qa_conn *c, int64_t stream_id, uint64_t code);
QA_API int qa_stream_extend(qa_conn *c, int64_t stream_id, uint64_t bytes);
QA_API void qa_conn_extend_max_streams(qa_conn *c, int bidi, uint64_t n);
/* Forgets the stream on the managed side's request: no more data is sent for it; freed when ngtcp2 closes it. */
QA_API void qa_stream_detach(qa_conn *c, qa_stream *s);

/* Datagrams: queues one; returns 0, or -1 when the queue is full. */
QA_API int qa_conn_queue_datagram(qa_conn *c, const uint8_t *data, size_t len);
QA_API uint64_t qa_conn_max_datagram_payload(qa_conn *c);

/* Closing: writes a CONNECTION_CLOSE into buf. app != 0 for an application code. Returns the length or an error. */
QA_API int64_t qa_conn_write_close(qa_conn *c, uint8_t *buf, size_t cap, int app, uint64_t code,
                                   const uint8_t *reason, size_t reasonlen, uint64_t ts);
/* After a failed read_pkt/handle_expiry with liberr: writes the CONNECTION_CLOSE that the error calls for. */
QA_API int64_t qa_conn_write_error_close(qa_conn *c, uint8_t *buf, size_t cap, int liberr, uint64_t ts);
QA_API void qa_conn_get_close(qa_conn *c, qa_close_info *out);

/* Endpoint I/O on a UDP socket the managed side owns (fd), so a busy endpoint spends one system call per batch of
 * datagrams instead of two per datagram, and waits with nanosecond timeouts for ngtcp2's timers. */

/* A wake-up handle (eventfd) for qa_io_wait; -errno on failure. */
QA_API int qa_io_wake_new(void);
/* Ends the current or next qa_io_wait on wakefd. */
QA_API void qa_io_wake(int wakefd);
QA_API void qa_io_close(int fd);
/* Waits until fd is readable, wakefd was woken, or timeout_ns passed (negative: no limit); drains wakefd. Returns 1
 * when fd is readable, 0 otherwise, -errno on failure. */
QA_API int qa_io_wait(int fd, int wakefd, int64_t timeout_ns);
/* Receives up to count datagrams without blocking: datagram i goes to bufs + i * slot, its length to lens[i] (-1 when
 * it was longer than slot and cut short) and its
 * source address (up to 128 bytes) to addrs + i * 128, its length to addrlens[i]. Returns how many were received (0
 * when none is queued), or -errno (an ICMP error reported on the socket: the next call goes on). */
QA_API int qa_io_recv(int fd, uint8_t *bufs, size_t slot, int count, int32_t *lens, uint8_t *addrs, int32_t *addrlens);
/* Sends count datagrams (datagram i at bufs + i * slot, lens[i] bytes) to one address. A datagram the kernel refuses is
 * skipped (lost, left to QUIC's loss recovery) and the rest still go. Returns how many were sent, or -errno when the
 * only remaining one failed and none went. */
QA_API int qa_io_send(int fd, const uint8_t *bufs, size_t slot, int count, const int32_t *lens, const void *addr,
                      size_t addrlen);

#ifdef __cplusplus
}
#endif

#endif
