/*
 * QuicActors ngtcp2 shim. See qa_ngtcp2_shim.h for the contract.
 *
 * Ownership: a qa_conn owns its ngtcp2_conn, its GnuTLS session, (client) its credentials, its streams' send buffers
 * and its event queue. Stream send data is kept in chunks until ngtcp2 reports it acknowledged, because ngtcp2 keeps
 * pointers to sent data for retransmission instead of copying it.
 */
#define _GNU_SOURCE
#include "qa_ngtcp2_shim.h"

#include <ngtcp2/ngtcp2.h>
#include <ngtcp2/ngtcp2_crypto.h>
#include <ngtcp2/ngtcp2_crypto_gnutls.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define QA_SCID_LEN 18
#define QA_MAX_DGRAM_QUEUE 128
#define QA_MAX_VECS 16

static const char qa_priority[] =
    "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:+CHACHA20-POLY1305:+AES-128-CCM:"
    "-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1:+GROUP-SECP521R1:%DISABLE_TLS13_COMPAT_MODE";

typedef struct qa_chunk {
  struct qa_chunk *next;
  uint64_t start; /* stream offset of data[0] */
  size_t len;
  uint8_t data[];
} qa_chunk;

struct qa_stream {
  int64_t id;
  qa_stream *prev, *next; /* in the connection's stream list */
  qa_chunk *head, *tail;  /* unacknowledged and unsent data, in offset order */
  qa_chunk *send_chunk;   /* first chunk with unsent bytes */
  size_t send_pos;        /* position inside send_chunk */
  uint64_t total;         /* bytes queued */
  uint64_t sent;          /* bytes handed to ngtcp2 */
  uint64_t acked;         /* contiguous bytes acknowledged */
  int fin_queued, fin_sent, fin_acked, write_shut, closed, detached;
};

/* An event and, in the same allocation, a copy of its data: one allocation per event, and none at all for the usual
 * event, whose node comes back from the connection's free list. */
typedef struct qa_event_node {
  struct qa_event_node *next;
  qa_event evt;
  size_t cap; /* bytes data[] can hold */
  uint8_t data[];
} qa_event_node;

/* Recycled nodes hold a full UDP payload, so a STREAM or DATAGRAM frame's data always fits; larger ones (tickets,
 * crypto-sized oddities) are allocated to size and freed when drained. */
#define QA_NODE_POOL_CAP 1536
#define QA_NODE_POOL_MAX 32

typedef struct qa_dgram {
  uint8_t *data;
  size_t len;
} qa_dgram;

struct qa_server_ctx {
  gnutls_certificate_credentials_t cred;
  gnutls_datum_t ticket_key;
  gnutls_anti_replay_t anti_replay;
  gnutls_datum_t alpn[16];
  unsigned alpn_count;
  uint8_t alpn_storage[16 * 256];
  int early_policy;
};

struct qa_conn {
  ngtcp2_conn *conn;
  gnutls_session_t session;
  gnutls_certificate_credentials_t own_cred;
  ngtcp2_crypto_conn_ref ref;
  struct sockaddr_storage local, remote;
  socklen_t local_len, remote_len;
  ngtcp2_path path;
  int is_server, early_offered, early_attempted, verify;
  qa_event_node *ev_head, *ev_tail;
  qa_event_node *ev_last; /* the node handed out last, freed on the next drain */
  qa_event_node *node_pool; /* drained nodes of QA_NODE_POOL_CAP bytes, reused */
  size_t node_pool_count;
  qa_stream *streams;     /* live streams */
  qa_stream *released;    /* streams the managed side released that ngtcp2 has not closed yet: never sent from */
  qa_stream *zombies;     /* streams waiting for their CLOSED/REJECTED event to be drained */
  qa_stream *rr;          /* round-robin position */
  qa_dgram dgrams[QA_MAX_DGRAM_QUEUE];
  size_t dgram_head, dgram_count;
  ngtcp2_connection_close_error local_close;
  int local_close_set;
  uint8_t local_reason[256];
  gnutls_datum_t alpn[16];
  unsigned alpn_count;
  uint8_t alpn_storage[16 * 256];
  /* GnuTLS keeps the pointer given to gnutls_session_set_verify_cert for the whole session, so the name lives here. */
  char *server_name;
  /* ngtcp2 allocates through this, so the connection knows how much memory ngtcp2 holds for it (qa_conn_get_stats). */
  ngtcp2_mem mem;
  uint64_t ngtcp2_bytes;
};

/* ---------- ngtcp2's allocations, counted ---------- */

static void *counted_malloc(size_t size, void *user_data) {
  void *p = malloc(size);
  if (p) ((qa_conn *)user_data)->ngtcp2_bytes += malloc_usable_size(p);
  return p;
}

static void counted_free(void *ptr, void *user_data) {
  if (!ptr) return;
  ((qa_conn *)user_data)->ngtcp2_bytes -= malloc_usable_size(ptr);
  free(ptr);
}

static void *counted_calloc(size_t nmemb, size_t size, void *user_data) {
  void *p = calloc(nmemb, size);
  if (p) ((qa_conn *)user_data)->ngtcp2_bytes += malloc_usable_size(p);
  return p;
}

static void *counted_realloc(void *ptr, size_t size, void *user_data) {
  qa_conn *c = user_data;
  if (size == 0) {
    counted_free(ptr, user_data);
    return NULL;
  }
  size_t before = ptr ? malloc_usable_size(ptr) : 0;
  void *p = realloc(ptr, size);
  if (!p) return NULL;
  c->ngtcp2_bytes = c->ngtcp2_bytes - before + malloc_usable_size(p);
  return p;
}

static const ngtcp2_mem *counting_mem(qa_conn *c) {
  c->mem.user_data = c;
  c->mem.malloc = counted_malloc;
  c->mem.free = counted_free;
  c->mem.calloc = counted_calloc;
  c->mem.realloc = counted_realloc;
  return &c->mem;
}

static void set_err(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  if (!err || errlen == 0) return;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

/* Raised with Ngtcp2Library.ShimVersion whenever an export changes (2: qa_conn_get_pto, 3: qa_conn_get_stats). */
int qa_version(void) { return 3; }

const char *qa_strerror(int liberr) { return ngtcp2_strerror(liberr); }

uint64_t qa_timestamp(void) {
  struct timespec tp;
  clock_gettime(CLOCK_MONOTONIC, &tp);
  return (uint64_t)tp.tv_sec * NGTCP2_SECONDS + (uint64_t)tp.tv_nsec;
}

/* ---------- event queue ---------- */

static qa_event_node *alloc_node(qa_conn *c, size_t len) {
  qa_event_node *n;
  if (len <= QA_NODE_POOL_CAP && c->node_pool) {
    n = c->node_pool;
    c->node_pool = n->next;
    c->node_pool_count--;
  } else {
    size_t cap = len <= QA_NODE_POOL_CAP ? QA_NODE_POOL_CAP : len;
    n = malloc(sizeof(*n) + cap);
    if (!n) return NULL;
    n->cap = cap;
  }
  n->next = NULL;
  memset(&n->evt, 0, sizeof(n->evt));
  return n;
}

static void release_node(qa_conn *c, qa_event_node *n) {
  if (n->cap == QA_NODE_POOL_CAP && c->node_pool_count < QA_NODE_POOL_MAX) {
    n->next = c->node_pool;
    c->node_pool = n;
    c->node_pool_count++;
  } else {
    free(n);
  }
}

static qa_event_node *push_event_sized(qa_conn *c, int type, int64_t stream_id, size_t len) {
  qa_event_node *n = alloc_node(c, len);
  if (!n) return NULL;
  n->evt.type = type;
  n->evt.stream_id = stream_id;
  if (c->ev_tail) c->ev_tail->next = n; else c->ev_head = n;
  c->ev_tail = n;
  return n;
}

static qa_event_node *push_event(qa_conn *c, int type, int64_t stream_id) {
  return push_event_sized(c, type, stream_id, 0);
}

static int push_event_data(qa_conn *c, int type, int64_t stream_id, const uint8_t *data, size_t len) {
  qa_event_node *n = push_event_sized(c, type, stream_id, len);
  if (!n) return -1;
  if (len > 0) {
    memcpy(n->data, data, len);
    n->evt.data = n->data;
    n->evt.datalen = len;
  }
  return 0;
}

static void stream_free(qa_stream *s) {
  qa_chunk *ch = s->head;
  while (ch) {
    qa_chunk *next = ch->next;
    free(ch);
    ch = next;
  }
  free(s);
}

static void free_event_node(qa_conn *c, qa_event_node *n) {
  /* A drained CLOSED or REJECTED event releases the zombie streams it refers to. */
  if (n->evt.stream && (n->evt.type == QA_EV_STREAM_CLOSED)) {
    qa_stream **pp = &c->zombies;
    while (*pp) {
      if (*pp == n->evt.stream) {
        *pp = (*pp)->next;
        stream_free(n->evt.stream);
        break;
      }
      pp = &(*pp)->next;
    }
  }
  release_node(c, n);
}

int qa_conn_next_event(qa_conn *c, qa_event *evt) {
  if (c->ev_last) {
    free_event_node(c, c->ev_last);
    c->ev_last = NULL;
  }
  qa_event_node *n = c->ev_head;
  if (!n) return 0;
  c->ev_head = n->next;
  if (!c->ev_head) c->ev_tail = NULL;
  *evt = n->evt;
  c->ev_last = n;
  return 1;
}

/* ---------- streams ---------- */

static void stream_push(qa_stream **head, qa_stream *s) {
  s->prev = NULL;
  s->next = *head;
  if (*head) (*head)->prev = s;
  *head = s;
}

static qa_stream *stream_new(qa_conn *c, int64_t id) {
  qa_stream *s = calloc(1, sizeof(*s));
  if (!s) return NULL;
  s->id = id;
  stream_push(&c->streams, s);
  return s;
}

/* Takes a stream off the list it is on: the live streams, or the released ones (a released stream is detached). */
static void stream_unlink(qa_conn *c, qa_stream *s) {
  qa_stream **head = s->detached ? &c->released : &c->streams;
  if (c->rr == s) c->rr = s->next;
  if (s->prev) s->prev->next = s->next; else *head = s->next;
  if (s->next) s->next->prev = s->prev;
  s->prev = s->next = NULL;
}

static void stream_to_zombie(qa_conn *c, qa_stream *s) {
  stream_unlink(c, s);
  s->closed = 1;
  s->next = c->zombies;
  c->zombies = s;
}

static int stream_pending(const qa_stream *s) {
  return !s->closed && !s->write_shut && !s->detached && (s->sent < s->total || (s->fin_queued && !s->fin_sent));
}

/* ---------- ngtcp2 callbacks: they only record events ---------- */

static ngtcp2_conn *get_conn(ngtcp2_crypto_conn_ref *ref) { return ((qa_conn *)ref->user_data)->conn; }

static void rand_cb(uint8_t *dest, size_t destlen, const ngtcp2_rand_ctx *rand_ctx) {
  (void)rand_ctx;
  (void)gnutls_rnd(GNUTLS_RND_RANDOM, dest, destlen);
}

static int get_new_connection_id_cb(ngtcp2_conn *conn, ngtcp2_cid *cid, uint8_t *token, size_t cidlen,
                                    void *user_data) {
  qa_conn *c = user_data;
  (void)conn;
  if (gnutls_rnd(GNUTLS_RND_RANDOM, cid->data, cidlen) != 0) return NGTCP2_ERR_CALLBACK_FAILURE;
  cid->datalen = cidlen;
  if (gnutls_rnd(GNUTLS_RND_RANDOM, token, NGTCP2_STATELESS_RESET_TOKENLEN) != 0) return NGTCP2_ERR_CALLBACK_FAILURE;
  if (push_event_data(c, QA_EV_NEW_CID, -1, cid->data, cidlen) != 0) return NGTCP2_ERR_CALLBACK_FAILURE;
  return 0;
}

static int remove_connection_id_cb(ngtcp2_conn *conn, const ngtcp2_cid *cid, void *user_data) {
  (void)conn;
  return push_event_data(user_data, QA_EV_RETIRE_CID, -1, cid->data, cid->datalen) == 0 ? 0
                                                                                        : NGTCP2_ERR_CALLBACK_FAILURE;
}

static int handshake_completed_cb(ngtcp2_conn *conn, void *user_data) {
  qa_conn *c = user_data;
  int accepted = (gnutls_session_get_flags(c->session) & GNUTLS_SFLAGS_EARLY_DATA) != 0;
  if (!c->is_server && c->early_attempted && !accepted) {
    /* The server refused 0-RTT: ngtcp2 drops the early streams and resets its counters. Their records become zombies
     * (ngtcp2 reports no close for them) and are freed with the connection: the managed side drops its pointers to
     * them when it drains the rejection event, and never touches them again. */
    while (c->streams) stream_to_zombie(c, c->streams);
    while (c->released) stream_to_zombie(c, c->released);
    if (!push_event(c, QA_EV_EARLY_DATA_REJECTED, -1)) return NGTCP2_ERR_CALLBACK_FAILURE;
    if (ngtcp2_conn_early_data_rejected(conn) != 0) return NGTCP2_ERR_CALLBACK_FAILURE;
  }
  qa_event_node *n = push_event(c, QA_EV_HANDSHAKE_COMPLETED, -1);
  if (!n) return NGTCP2_ERR_CALLBACK_FAILURE;
  n->evt.flags = accepted;
  return 0;
}

static int recv_stream_data_cb(ngtcp2_conn *conn, uint32_t flags, int64_t stream_id, uint64_t offset,
                               const uint8_t *data, size_t datalen, void *user_data, void *stream_user_data) {
  qa_conn *c = user_data;
  (void)conn;
  (void)stream_user_data;
  if (push_event_data(c, QA_EV_STREAM_DATA, stream_id, data, datalen) != 0) return NGTCP2_ERR_CALLBACK_FAILURE;
  c->ev_tail->evt.offset = offset;
  c->ev_tail->evt.flags = (flags & NGTCP2_STREAM_DATA_FLAG_FIN) ? 1 : 0;
  return 0;
}

static int acked_stream_data_offset_cb(ngtcp2_conn *conn, int64_t stream_id, uint64_t offset, uint64_t datalen,
                                       void *user_data, void *stream_user_data) {
  qa_conn *c = user_data;
  qa_stream *s = stream_user_data;
  (void)conn;
  if (!s) return 0;
  uint64_t end = offset + datalen;
  if (end > s->acked) s->acked = end;
  while (s->head && s->head != s->send_chunk && s->head->start + s->head->len <= s->acked) {
    qa_chunk *ch = s->head;
    s->head = ch->next;
    if (!s->head) s->tail = NULL;
    free(ch);
  }
  int fin_now = s->fin_sent && !s->fin_acked && s->acked == s->total;
  if (fin_now) s->fin_acked = 1;
  qa_event_node *n = push_event(c, QA_EV_STREAM_ACKED, stream_id);
  if (!n) return NGTCP2_ERR_CALLBACK_FAILURE;
  n->evt.offset = s->acked;
  n->evt.flags = fin_now;
  return 0;
}

static int stream_open_cb(ngtcp2_conn *conn, int64_t stream_id, void *user_data) {
  qa_conn *c = user_data;
  qa_stream *s = stream_new(c, stream_id);
  if (!s) return NGTCP2_ERR_CALLBACK_FAILURE;
  ngtcp2_conn_set_stream_user_data(conn, stream_id, s);
  qa_event_node *n = push_event(c, QA_EV_STREAM_OPENED, stream_id);
  if (!n) return NGTCP2_ERR_CALLBACK_FAILURE;
  n->evt.stream = s;
  return 0;
}

static int stream_close_cb(ngtcp2_conn *conn, uint32_t flags, int64_t stream_id, uint64_t app_error_code,
                           void *user_data, void *stream_user_data) {
  qa_conn *c = user_data;
  qa_stream *s = stream_user_data;
  (void)conn;
  qa_event_node *n = push_event(c, QA_EV_STREAM_CLOSED, stream_id);
  if (!n) return NGTCP2_ERR_CALLBACK_FAILURE;
  n->evt.code = app_error_code;
  n->evt.flags = (flags & NGTCP2_STREAM_CLOSE_FLAG_APP_ERROR_CODE_SET) ? 1 : 0;
  if (s && !s->closed) {
    stream_to_zombie(c, s);
    n->evt.stream = s;
  }
  return 0;
}

static int stream_reset_cb(ngtcp2_conn *conn, int64_t stream_id, uint64_t final_size, uint64_t app_error_code,
                           void *user_data, void *stream_user_data) {
  (void)conn;
  (void)stream_user_data;
  qa_event_node *n = push_event(user_data, QA_EV_STREAM_RESET, stream_id);
  if (!n) return NGTCP2_ERR_CALLBACK_FAILURE;
  n->evt.code = app_error_code;
  n->evt.offset = final_size;
  return 0;
}

/* ngtcp2 0.12 has no callback for a peer's STOP_SENDING: it answers with RESET_STREAM on its own and tells nobody.
 * Its qlog output names every frame of every received packet, so the shim reads STOP_SENDING frames from there. */
static const char qa_stop_sending_tag[] = "{\"frame_type\":\"stop_sending\",\"stream_id\":";

static void on_peer_stop_sending(qa_conn *c, int64_t stream_id, uint64_t code) {
  for (qa_stream *s = c->streams; s; s = s->next) {
    if (s->id == stream_id) {
      s->write_shut = 1;
      break;
    }
  }
  qa_event_node *n = push_event(c, QA_EV_STOP_SENDING, stream_id);
  if (n) n->evt.code = code;
}

static void qlog_cb(void *user_data, uint32_t flags, const void *data, size_t datalen) {
  qa_conn *c = user_data;
  (void)flags;
  if (!memmem(data, datalen, "packet_received", sizeof("packet_received") - 1)) return;
  const char *p = data, *end = (const char *)data + datalen;
  for (;;) {
    const char *hit = memmem(p, (size_t)(end - p), qa_stop_sending_tag, sizeof(qa_stop_sending_tag) - 1);
    if (!hit) return;
    char num[24];
    const char *q = hit + sizeof(qa_stop_sending_tag) - 1;
    size_t i = 0;
    while (q < end && *q >= '0' && *q <= '9' && i < sizeof(num) - 1) num[i++] = *q++;
    num[i] = 0;
    int64_t stream_id = (int64_t)strtoull(num, NULL, 10);
    const char *code_tag = "\"error_code\":";
    const char *cq = memmem(q, (size_t)(end - q), code_tag, strlen(code_tag));
    uint64_t code = 0;
    if (cq) {
      cq += strlen(code_tag);
      i = 0;
      while (cq < end && *cq >= '0' && *cq <= '9' && i < sizeof(num) - 1) num[i++] = *cq++;
      num[i] = 0;
      code = strtoull(num, NULL, 10);
    }
    on_peer_stop_sending(c, stream_id, code);
    p = q;
  }
}

static int extend_max_local_streams_bidi_cb(ngtcp2_conn *conn, uint64_t max_streams, void *user_data) {
  (void)conn;
  qa_event_node *n = push_event(user_data, QA_EV_CREDIT_BIDI, -1);
  if (!n) return NGTCP2_ERR_CALLBACK_FAILURE;
  n->evt.code = max_streams;
  return 0;
}

static int extend_max_local_streams_uni_cb(ngtcp2_conn *conn, uint64_t max_streams, void *user_data) {
  (void)conn;
  qa_event_node *n = push_event(user_data, QA_EV_CREDIT_UNI, -1);
  if (!n) return NGTCP2_ERR_CALLBACK_FAILURE;
  n->evt.code = max_streams;
  return 0;
}

static int recv_datagram_cb(ngtcp2_conn *conn, uint32_t flags, const uint8_t *data, size_t datalen,
                            void *user_data) {
  (void)conn;
  (void)flags;
  return push_event_data(user_data, QA_EV_DATAGRAM, -1, data, datalen) == 0 ? 0 : NGTCP2_ERR_CALLBACK_FAILURE;
}

static int recv_tx_key_cb(ngtcp2_conn *conn, ngtcp2_crypto_level level, void *user_data) {
  qa_conn *c = user_data;
  (void)conn;
  /* GnuTLS derives 0-RTT keys on every resumption; only an offer we made counts as an attempt. */
  if (level == NGTCP2_CRYPTO_LEVEL_EARLY && !c->is_server && c->early_offered) c->early_attempted = 1;
  return 0;
}

/* Finds the early_data extension (type 42, RFC 8446 §4.2.10) in a <2-byte length><extensions> block. Returns 1 when
 * the block parses (max_early = its value, 0 when absent), 0 when it is not an extensions block. */
static int parse_ticket_extensions(const uint8_t *p, size_t len, uint32_t *max_early) {
  if (len < 2 || 2 + (((size_t)p[0] << 8) | p[1]) != len) return 0;
  size_t pos = 2;
  *max_early = 0;
  while (pos + 4 <= len) {
    unsigned type = ((unsigned)p[pos] << 8) | p[pos + 1];
    size_t ext_len = ((size_t)p[pos + 2] << 8) | p[pos + 3];
    pos += 4;
    if (pos + ext_len > len) return 0;
    if (type == 42 && ext_len == 4)
      *max_early = ((uint32_t)p[pos] << 24) | ((uint32_t)p[pos + 1] << 16) | ((uint32_t)p[pos + 2] << 8) | p[pos + 3];
    pos += ext_len;
  }
  return pos == len;
}

/* What a NewSessionTicket (RFC 8446 §4.6.1) allows: GnuTLS does not tell a client whether a ticket permits 0-RTT, and
 * offers early data on any ticket. Its post-hook hands over either the whole message or (3.7) just the extensions. */
static void parse_new_session_ticket(const uint8_t *p, size_t len, uint32_t *lifetime, uint32_t *max_early) {
  *lifetime = 0;
  *max_early = 0;
  if (parse_ticket_extensions(p, len, max_early)) return;
  if (len >= 4 && p[0] == GNUTLS_HANDSHAKE_NEW_SESSION_TICKET && (((size_t)p[1] << 16) | ((size_t)p[2] << 8) | p[3]) == len - 4) {
    p += 4;
    len -= 4;
  }
  if (len < 9) return;
  size_t pos = 8 + 1 + p[8];
  if (pos + 2 > len) return;
  pos += 2 + (((size_t)p[pos] << 8) | p[pos + 1]);
  if (pos > len || !parse_ticket_extensions(p + pos, len - pos, max_early)) return;
  *lifetime = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static int ticket_hook(gnutls_session_t session, unsigned int htype, unsigned when, unsigned int incoming,
                       const gnutls_datum_t *msg) {
  (void)when;
  if (htype != GNUTLS_HANDSHAKE_NEW_SESSION_TICKET || !incoming) return 0;
  ngtcp2_crypto_conn_ref *ref = gnutls_session_get_ptr(session);
  qa_conn *c = ref->user_data;
  uint32_t lifetime = 0, max_early = 0;
  if (msg && msg->data) parse_new_session_ticket(msg->data, msg->size, &lifetime, &max_early);
  gnutls_datum_t data;
  if (gnutls_session_get_data2(session, &data) != 0) return 0;
  if (push_event_data(c, QA_EV_TICKET, -1, data.data, data.size) == 0) {
    c->ev_tail->evt.code = max_early;
    c->ev_tail->evt.offset = lifetime;
  }
  gnutls_free(data.data);
  return 0;
}

static void fill_callbacks(ngtcp2_callbacks *cb, int server) {
  memset(cb, 0, sizeof(*cb));
  if (server) {
    cb->recv_client_initial = ngtcp2_crypto_recv_client_initial_cb;
  } else {
    cb->client_initial = ngtcp2_crypto_client_initial_cb;
    cb->recv_retry = ngtcp2_crypto_recv_retry_cb;
  }
  cb->recv_crypto_data = ngtcp2_crypto_recv_crypto_data_cb;
  cb->encrypt = ngtcp2_crypto_encrypt_cb;
  cb->decrypt = ngtcp2_crypto_decrypt_cb;
  cb->hp_mask = ngtcp2_crypto_hp_mask_cb;
  cb->update_key = ngtcp2_crypto_update_key_cb;
  cb->delete_crypto_aead_ctx = ngtcp2_crypto_delete_crypto_aead_ctx_cb;
  cb->delete_crypto_cipher_ctx = ngtcp2_crypto_delete_crypto_cipher_ctx_cb;
  cb->get_path_challenge_data = ngtcp2_crypto_get_path_challenge_data_cb;
  cb->version_negotiation = ngtcp2_crypto_version_negotiation_cb;
  cb->rand = rand_cb;
  cb->get_new_connection_id = get_new_connection_id_cb;
  cb->remove_connection_id = remove_connection_id_cb;
  cb->handshake_completed = handshake_completed_cb;
  cb->recv_stream_data = recv_stream_data_cb;
  cb->acked_stream_data_offset = acked_stream_data_offset_cb;
  cb->stream_open = stream_open_cb;
  cb->stream_close = stream_close_cb;
  cb->stream_reset = stream_reset_cb;
  cb->extend_max_local_streams_bidi = extend_max_local_streams_bidi_cb;
  cb->extend_max_local_streams_uni = extend_max_local_streams_uni_cb;
  cb->recv_datagram = recv_datagram_cb;
  cb->recv_tx_key = recv_tx_key_cb;
}

static void fill_params(ngtcp2_transport_params *tp, const qa_params *p) {
  ngtcp2_transport_params_default(tp);
  tp->initial_max_streams_bidi = p->max_streams_bidi;
  tp->initial_max_streams_uni = p->max_streams_uni;
  tp->initial_max_stream_data_bidi_local = p->stream_window;
  tp->initial_max_stream_data_bidi_remote = p->stream_window;
  tp->initial_max_stream_data_uni = p->stream_window;
  tp->initial_max_data = p->connection_window;
  tp->max_idle_timeout = p->idle_timeout_ns;
  tp->max_datagram_frame_size = p->max_datagram_frame_size;
}

static void fill_settings(ngtcp2_settings *st, const qa_params *p, uint64_t ts, const ngtcp2_cid *odcid) {
  ngtcp2_settings_default(st);
  st->initial_ts = ts;
  st->qlog.odcid = *odcid;
  st->qlog.write = qlog_cb;
  if (p->handshake_timeout_ns) st->handshake_timeout = p->handshake_timeout_ns;
  /* The receive windows never grow on their own: only the application's consume extends them. */
  st->max_window = p->connection_window;
  st->max_stream_window = p->stream_window;
}

static unsigned parse_alpn(const uint8_t *alpn, size_t alpn_len, gnutls_datum_t *out, uint8_t *storage) {
  unsigned count = 0;
  size_t pos = 0, used = 0;
  while (pos < alpn_len && count < 16) {
    size_t l = alpn[pos++];
    if (l == 0 || pos + l > alpn_len) break;
    memcpy(storage + used, alpn + pos, l);
    out[count].data = storage + used;
    out[count].size = (unsigned)l;
    used += l;
    pos += l;
    count++;
  }
  return count;
}

static qa_conn *conn_alloc(const void *local_sa, size_t local_salen, const void *remote_sa, size_t remote_salen) {
  qa_conn *c = calloc(1, sizeof(*c));
  if (!c) return NULL;
  memcpy(&c->local, local_sa, local_salen);
  memcpy(&c->remote, remote_sa, remote_salen);
  c->local_len = (socklen_t)local_salen;
  c->remote_len = (socklen_t)remote_salen;
  c->path.local.addr = (ngtcp2_sockaddr *)&c->local;
  c->path.local.addrlen = c->local_len;
  c->path.remote.addr = (ngtcp2_sockaddr *)&c->remote;
  c->path.remote.addrlen = c->remote_len;
  c->ref.get_conn = get_conn;
  c->ref.user_data = c;
  return c;
}

/* ---------- server context ---------- */

static int anti_replay_accept(void *dbf, time_t exp_time, const gnutls_datum_t *key, const gnutls_datum_t *data) {
  (void)dbf;
  (void)exp_time;
  (void)key;
  (void)data;
  return 0;
}

static int anti_replay_refuse(void *dbf, time_t exp_time, const gnutls_datum_t *key, const gnutls_datum_t *data) {
  (void)dbf;
  (void)exp_time;
  (void)key;
  (void)data;
  /* Claims every ClientHello was seen before: GnuTLS then refuses its early data (policy Reject). */
  return GNUTLS_E_DB_ENTRY_EXISTS;
}

qa_server_ctx *qa_server_ctx_new(const uint8_t *cert_pem, size_t cert_len, const uint8_t *key_pem, size_t key_len,
                                 const uint8_t *alpn, size_t alpn_len, int early_policy, char *err, size_t errlen) {
  qa_server_ctx *ctx = calloc(1, sizeof(*ctx));
  int rv;
  if (!ctx) {
    set_err(err, errlen, "out of memory");
    return NULL;
  }
  ctx->early_policy = early_policy;
  ctx->alpn_count = parse_alpn(alpn, alpn_len, ctx->alpn, ctx->alpn_storage);
  if ((rv = gnutls_certificate_allocate_credentials(&ctx->cred)) != 0) goto fail;
  gnutls_datum_t cert = {(unsigned char *)cert_pem, (unsigned)cert_len};
  gnutls_datum_t key = {(unsigned char *)key_pem, (unsigned)key_len};
  if ((rv = gnutls_certificate_set_x509_key_mem2(ctx->cred, &cert, &key, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0) {
    set_err(err, errlen, "the server certificate or its key was refused by GnuTLS: %s", gnutls_strerror(rv));
    qa_server_ctx_free(ctx);
    return NULL;
  }
  if ((rv = gnutls_session_ticket_key_generate(&ctx->ticket_key)) != 0) goto fail;
  if ((rv = gnutls_anti_replay_init(&ctx->anti_replay)) != 0) goto fail;
  gnutls_anti_replay_set_add_function(ctx->anti_replay, early_policy == 2 ? anti_replay_refuse : anti_replay_accept);
  gnutls_anti_replay_set_ptr(ctx->anti_replay, NULL);
  return ctx;
fail:
  set_err(err, errlen, "GnuTLS server setup failed: %s", gnutls_strerror(rv));
  qa_server_ctx_free(ctx);
  return NULL;
}

void qa_server_ctx_free(qa_server_ctx *ctx) {
  if (!ctx) return;
  if (ctx->cred) gnutls_certificate_free_credentials(ctx->cred);
  if (ctx->ticket_key.data) gnutls_free(ctx->ticket_key.data);
  if (ctx->anti_replay) gnutls_anti_replay_deinit(ctx->anti_replay);
  free(ctx);
}

int qa_packet_dcid(const uint8_t *pkt, size_t pktlen, size_t short_dcidlen, uint8_t *dcid, size_t *dcidlen,
                   int *is_initial) {
  ngtcp2_version_cid vc;
  *is_initial = 0;
  int rv = ngtcp2_pkt_decode_version_cid(&vc, pkt, pktlen, short_dcidlen);
  if (rv != 0 || vc.dcidlen > NGTCP2_MAX_CIDLEN) return -1;
  memcpy(dcid, vc.dcid, vc.dcidlen);
  *dcidlen = vc.dcidlen;
  if (vc.version != 0) {
    ngtcp2_pkt_hd hd;
    if (ngtcp2_accept(&hd, pkt, pktlen) == 0) *is_initial = 1;
  }
  return 0;
}

/* ---------- connections ---------- */

qa_conn *qa_client_new(const void *local_sa, size_t local_salen, const void *remote_sa, size_t remote_salen,
                       const char *server_name, const uint8_t *alpn, size_t alpn_len, int verify,
                       const uint8_t *trust_pem, size_t trust_len, const qa_params *params, const uint8_t *ticket,
                       size_t ticket_len, const uint8_t *early_params, size_t early_params_len,
                       int enable_early_data, uint64_t ts, char *err, size_t errlen) {
  qa_conn *c = conn_alloc(local_sa, local_salen, remote_sa, remote_salen);
  int rv;
  if (!c) {
    set_err(err, errlen, "out of memory");
    return NULL;
  }
  c->verify = verify;
  if ((rv = gnutls_certificate_allocate_credentials(&c->own_cred)) != 0) goto tls_fail;
  if (verify) {
    /* A machine without a system store still verifies against the explicitly trusted certificates. */
    (void)gnutls_certificate_set_x509_system_trust(c->own_cred);
    if (trust_pem && trust_len > 0) {
      gnutls_datum_t t = {(unsigned char *)trust_pem, (unsigned)trust_len};
      if ((rv = gnutls_certificate_set_x509_trust_mem(c->own_cred, &t, GNUTLS_X509_FMT_PEM)) < 0) goto tls_fail;
    }
  }
  unsigned flags = GNUTLS_CLIENT | GNUTLS_NO_END_OF_EARLY_DATA;
  if (enable_early_data && ticket && early_params) {
    flags |= GNUTLS_ENABLE_EARLY_DATA;
    c->early_offered = 1;
  }
  if ((rv = gnutls_init(&c->session, flags)) != 0) goto tls_fail;
  if ((rv = gnutls_priority_set_direct(c->session, qa_priority, NULL)) != 0) goto tls_fail;
  if (ngtcp2_crypto_gnutls_configure_client_session(c->session) != 0) {
    set_err(err, errlen, "ngtcp2_crypto_gnutls_configure_client_session failed");
    goto fail;
  }
  gnutls_handshake_set_hook_function(c->session, GNUTLS_HANDSHAKE_NEW_SESSION_TICKET, GNUTLS_HOOK_POST, ticket_hook);
  if (ticket && ticket_len > 0) {
    if ((rv = gnutls_session_set_data(c->session, ticket, ticket_len)) != 0) goto tls_fail;
  }
  gnutls_session_set_ptr(c->session, &c->ref);
  if ((rv = gnutls_credentials_set(c->session, GNUTLS_CRD_CERTIFICATE, c->own_cred)) != 0) goto tls_fail;
  c->alpn_count = parse_alpn(alpn, alpn_len, c->alpn, c->alpn_storage);
  if ((rv = gnutls_alpn_set_protocols(c->session, c->alpn, c->alpn_count, GNUTLS_ALPN_MANDATORY)) != 0) goto tls_fail;
  if (server_name && *server_name) {
    c->server_name = strdup(server_name);
    if (!c->server_name) {
      set_err(err, errlen, "out of memory");
      goto fail;
    }
    gnutls_server_name_set(c->session, GNUTLS_NAME_DNS, c->server_name, strlen(c->server_name));
    if (verify) gnutls_session_set_verify_cert(c->session, c->server_name, 0);
  } else if (verify) {
    gnutls_session_set_verify_cert(c->session, NULL, 0);
  }

  ngtcp2_cid dcid, scid;
  dcid.datalen = QA_SCID_LEN;
  scid.datalen = QA_SCID_LEN;
  gnutls_rnd(GNUTLS_RND_RANDOM, dcid.data, dcid.datalen);
  gnutls_rnd(GNUTLS_RND_RANDOM, scid.data, scid.datalen);
  ngtcp2_callbacks cb;
  ngtcp2_settings st;
  ngtcp2_transport_params tp;
  fill_callbacks(&cb, 0);
  fill_settings(&st, params, ts, &dcid);
  fill_params(&tp, params);
  if ((rv = ngtcp2_conn_client_new(&c->conn, &dcid, &scid, &c->path, NGTCP2_PROTO_VER_V1, &cb, &st, &tp,
                                   counting_mem(c), c)) !=
      0) {
    set_err(err, errlen, "ngtcp2_conn_client_new failed: %s", ngtcp2_strerror(rv));
    goto fail;
  }
  ngtcp2_conn_set_tls_native_handle(c->conn, c->session);
  if (ticket && early_params && early_params_len > 0) {
    ngtcp2_transport_params remembered;
    if (ngtcp2_decode_transport_params(&remembered, NGTCP2_TRANSPORT_PARAMS_TYPE_ENCRYPTED_EXTENSIONS, early_params,
                                       early_params_len) == 0) {
      ngtcp2_conn_set_early_remote_transport_params(c->conn, &remembered);
    }
  }
  return c;
tls_fail:
  set_err(err, errlen, "GnuTLS client setup failed: %s", gnutls_strerror(rv));
fail:
  qa_conn_free(c);
  return NULL;
}

qa_conn *qa_server_new(qa_server_ctx *ctx, const void *local_sa, size_t local_salen, const void *remote_sa,
                       size_t remote_salen, const uint8_t *pkt, size_t pktlen, const qa_params *params, uint64_t ts,
                       char *err, size_t errlen) {
  ngtcp2_pkt_hd hd;
  int rv;
  if ((rv = ngtcp2_accept(&hd, pkt, pktlen)) != 0) {
    set_err(err, errlen, "not a client Initial packet: %s", ngtcp2_strerror(rv));
    return NULL;
  }
  qa_conn *c = conn_alloc(local_sa, local_salen, remote_sa, remote_salen);
  if (!c) {
    set_err(err, errlen, "out of memory");
    return NULL;
  }
  c->is_server = 1;
  unsigned flags = GNUTLS_SERVER | GNUTLS_NO_END_OF_EARLY_DATA;
  if (ctx->early_policy != 0) flags |= GNUTLS_ENABLE_EARLY_DATA;
  if ((rv = gnutls_init(&c->session, flags)) != 0) goto tls_fail;
  if ((rv = gnutls_priority_set_direct(c->session, qa_priority, NULL)) != 0) goto tls_fail;
  if (ngtcp2_crypto_gnutls_configure_server_session(c->session) != 0) {
    set_err(err, errlen, "ngtcp2_crypto_gnutls_configure_server_session failed");
    goto fail;
  }
  if ((rv = gnutls_session_ticket_enable_server(c->session, &ctx->ticket_key)) != 0) goto tls_fail;
  if (ctx->early_policy != 0) {
    gnutls_anti_replay_enable(c->session, ctx->anti_replay);
    gnutls_record_set_max_early_data_size(c->session, 0xffffffffu);
  }
  gnutls_session_set_ptr(c->session, &c->ref);
  if ((rv = gnutls_credentials_set(c->session, GNUTLS_CRD_CERTIFICATE, ctx->cred)) != 0) goto tls_fail;
  if ((rv = gnutls_alpn_set_protocols(c->session, ctx->alpn, ctx->alpn_count, GNUTLS_ALPN_MANDATORY)) != 0)
    goto tls_fail;

  ngtcp2_cid scid;
  scid.datalen = QA_SCID_LEN;
  gnutls_rnd(GNUTLS_RND_RANDOM, scid.data, scid.datalen);
  ngtcp2_callbacks cb;
  ngtcp2_settings st;
  ngtcp2_transport_params tp;
  fill_callbacks(&cb, 1);
  fill_settings(&st, params, ts, &hd.dcid);
  fill_params(&tp, params);
  tp.original_dcid = hd.dcid;
  if ((rv = ngtcp2_conn_server_new(&c->conn, &hd.scid, &scid, &c->path, hd.version, &cb, &st, &tp, counting_mem(c),
                                   c)) != 0) {
    set_err(err, errlen, "ngtcp2_conn_server_new failed: %s", ngtcp2_strerror(rv));
    goto fail;
  }
  ngtcp2_conn_set_tls_native_handle(c->conn, c->session);
  push_event_data(c, QA_EV_NEW_CID, -1, scid.data, scid.datalen);
  return c;
tls_fail:
  set_err(err, errlen, "GnuTLS server session setup failed: %s", gnutls_strerror(rv));
fail:
  qa_conn_free(c);
  return NULL;
}

void qa_conn_free(qa_conn *c) {
  if (!c) return;
  if (c->conn) ngtcp2_conn_del(c->conn);
  if (c->session) gnutls_deinit(c->session);
  if (c->own_cred) gnutls_certificate_free_credentials(c->own_cred);
  free(c->server_name);
  while (c->streams) {
    qa_stream *s = c->streams;
    c->streams = s->next;
    stream_free(s);
  }
  while (c->released) {
    qa_stream *s = c->released;
    c->released = s->next;
    stream_free(s);
  }
  while (c->zombies) {
    qa_stream *s = c->zombies;
    c->zombies = s->next;
    stream_free(s);
  }
  free(c->ev_last);
  while (c->ev_head) {
    qa_event_node *n = c->ev_head;
    c->ev_head = n->next;
    free(n);
  }
  while (c->node_pool) {
    qa_event_node *n = c->node_pool;
    c->node_pool = n->next;
    free(n);
  }
  for (size_t i = 0; i < c->dgram_count; i++) free(c->dgrams[(c->dgram_head + i) % QA_MAX_DGRAM_QUEUE].data);
  free(c);
}

int qa_conn_read_pkt(qa_conn *c, const uint8_t *pkt, size_t pktlen, uint64_t ts) {
  ngtcp2_pkt_info pi = {0};
  return ngtcp2_conn_read_pkt(c->conn, &c->path, &pi, pkt, pktlen, ts);
}

static int64_t write_stream_packet(qa_conn *c, qa_stream *s, uint8_t *buf, size_t cap, uint64_t ts, int *blocked) {
  ngtcp2_vec vec[QA_MAX_VECS];
  size_t cnt = 0;
  uint64_t remaining = 0;
  qa_chunk *ch = s->send_chunk;
  size_t pos = s->send_pos;
  while (ch && cnt < QA_MAX_VECS) {
    vec[cnt].base = ch->data + pos;
    vec[cnt].len = ch->len - pos;
    remaining += vec[cnt].len;
    cnt++;
    ch = ch->next;
    pos = 0;
  }
  int all = (ch == NULL);
  uint32_t flags = (all && s->fin_queued) ? NGTCP2_WRITE_STREAM_FLAG_FIN : NGTCP2_WRITE_STREAM_FLAG_NONE;
  /* MORE: when this stream's data leaves room in the packet, ngtcp2 says so (NGTCP2_ERR_WRITE_MORE) instead of
   * sealing it, and the caller packs the next stream in: many small streams share one packet, not one packet each. */
  flags |= NGTCP2_WRITE_STREAM_FLAG_MORE;
  ngtcp2_ssize pdatalen = -1;
  ngtcp2_pkt_info pi = {0};
  ngtcp2_ssize n = ngtcp2_conn_writev_stream(c->conn, &c->path, &pi, buf, cap, &pdatalen, flags, s->id, vec, cnt, ts);
  *blocked = 0;
  if (n < 0 && n != NGTCP2_ERR_WRITE_MORE) {
    if (n == NGTCP2_ERR_STREAM_DATA_BLOCKED || n == NGTCP2_ERR_STREAM_SHUT_WR || n == NGTCP2_ERR_STREAM_NOT_FOUND) {
      if (n != NGTCP2_ERR_STREAM_DATA_BLOCKED) s->write_shut = 1;
      *blocked = 1;
      return 0;
    }
    return n;
  }
  if (pdatalen >= 0) {
    size_t left = (size_t)pdatalen;
    s->sent += (uint64_t)pdatalen;
    while (left > 0 && s->send_chunk) {
      size_t avail = s->send_chunk->len - s->send_pos;
      if (left < avail) {
        s->send_pos += left;
        left = 0;
      } else {
        left -= avail;
        s->send_chunk = s->send_chunk->next;
        s->send_pos = 0;
      }
    }
    if ((flags & NGTCP2_WRITE_STREAM_FLAG_FIN) && (uint64_t)pdatalen == remaining) s->fin_sent = 1;
  } else if (n == 0 || n == NGTCP2_ERR_WRITE_MORE) {
    *blocked = 1; /* congestion or connection flow control: nothing more this round */
  }
  return n;
}

int64_t qa_conn_write(qa_conn *c, uint8_t *buf, size_t cap, uint64_t ts) {
  ngtcp2_pkt_info pi = {0};
  while (c->dgram_count > 0) {
    qa_dgram *d = &c->dgrams[c->dgram_head];
    ngtcp2_vec v = {d->data, d->len};
    int accepted = 0;
    ngtcp2_ssize n = ngtcp2_conn_writev_datagram(c->conn, &c->path, &pi, buf, cap, &accepted,
                                                 NGTCP2_DATAGRAM_FLAG_NONE, 0, &v, 1, ts);
    if (n < 0 && n != NGTCP2_ERR_INVALID_ARGUMENT && n != NGTCP2_ERR_INVALID_STATE && n != NGTCP2_ERR_WRITE_MORE)
      return n;
    if (accepted || n == NGTCP2_ERR_INVALID_ARGUMENT || n == NGTCP2_ERR_INVALID_STATE) {
      /* Sent, or can never be sent (too large, not negotiated): either way it leaves the queue. */
      free(d->data);
      c->dgram_head = (c->dgram_head + 1) % QA_MAX_DGRAM_QUEUE;
      c->dgram_count--;
    }
    if (n > 0) return n;
    if (!accepted) break;
  }
  /* One pass over the streams with pending data, starting after the last one served, so streams share the wire. */
  qa_stream *start = c->rr ? c->rr : c->streams;
  qa_stream *s = start;
  int visited = 0;
  while (s && (s != start || !visited)) {
    visited = 1;
    qa_stream *next = s->next ? s->next : c->streams;
    if (stream_pending(s)) {
      int blocked = 0;
      int64_t n = write_stream_packet(c, s, buf, cap, ts, &blocked);
      if (n == NGTCP2_ERR_WRITE_MORE) {
        /* Room left: the next stream goes into the same packet; the call with stream -1 below seals it. */
        c->rr = next;
        s = next;
        continue;
      }
      if (n < 0) return n;
      if (n > 0) {
        c->rr = next;
        return n;
      }
      if (!blocked) break;
    }
    s = next;
  }
  /* Seals a packet left open by NGTCP2_ERR_WRITE_MORE, or writes what is due without stream data (ACK, MAX_*). */
  ngtcp2_ssize n = ngtcp2_conn_writev_stream(c->conn, &c->path, &pi, buf, cap, NULL, NGTCP2_WRITE_STREAM_FLAG_NONE,
                                             -1, NULL, 0, ts);
  return n;
}

uint64_t qa_conn_get_expiry(qa_conn *c) { return ngtcp2_conn_get_expiry(c->conn); }

uint64_t qa_conn_get_pto(qa_conn *c) { return ngtcp2_conn_get_pto(c->conn); }

void qa_conn_get_stats(qa_conn *c, qa_conn_stats *stats) {
  memset(stats, 0, sizeof(*stats));
  stats->ngtcp2_bytes = c->ngtcp2_bytes;
  for (const qa_stream *s = c->streams; s; s = s->next) stats->live_streams++;
  for (const qa_stream *s = c->released; s; s = s->next) stats->released_streams++;
}

int qa_conn_handle_expiry(qa_conn *c, uint64_t ts) { return ngtcp2_conn_handle_expiry(c->conn, ts); }

int qa_conn_is_handshake_completed(qa_conn *c) { return ngtcp2_conn_get_handshake_completed(c->conn); }

int qa_conn_is_closing(qa_conn *c) {
  return ngtcp2_conn_is_in_closing_period(c->conn) || ngtcp2_conn_is_in_draining_period(c->conn);
}

int qa_conn_early_data_attempted(qa_conn *c) { return c->early_attempted; }

int qa_conn_get_alpn(qa_conn *c, uint8_t *buf, size_t cap) {
  gnutls_datum_t p;
  if (gnutls_alpn_get_selected_protocol(c->session, &p) != 0) return 0;
  size_t n = p.size < cap ? p.size : cap;
  memcpy(buf, p.data, n);
  return (int)n;
}

void qa_conn_get_remote_params(qa_conn *c, qa_remote_params *out) {
  const ngtcp2_transport_params *tp = ngtcp2_conn_get_remote_transport_params(c->conn);
  memset(out, 0, sizeof(*out));
  if (!tp) return;
  out->max_streams_bidi = tp->initial_max_streams_bidi;
  out->max_streams_uni = tp->initial_max_streams_uni;
  out->stream_window_bidi_remote = tp->initial_max_stream_data_bidi_remote;
  out->connection_window = tp->initial_max_data;
  out->idle_timeout_ns = tp->max_idle_timeout;
  out->max_datagram_frame_size = tp->max_datagram_frame_size;
}

uint64_t qa_conn_streams_bidi_left(qa_conn *c) { return ngtcp2_conn_get_streams_bidi_left(c->conn); }

uint64_t qa_conn_streams_uni_left(qa_conn *c) { return ngtcp2_conn_get_streams_uni_left(c->conn); }

size_t qa_conn_get_scids(qa_conn *c, uint8_t *buf, size_t cap, size_t *cidlen) {
  ngtcp2_cid cids[16];
  size_t n = ngtcp2_conn_get_num_scid(c->conn);
  if (n > 16) n = 16;
  ngtcp2_conn_get_scid(c->conn, cids);
  size_t written = 0;
  *cidlen = QA_SCID_LEN;
  for (size_t i = 0; i < n && (written + 1) * QA_SCID_LEN <= cap; i++) {
    if (cids[i].datalen != QA_SCID_LEN) continue;
    memcpy(buf + written * QA_SCID_LEN, cids[i].data, QA_SCID_LEN);
    written++;
  }
  return written;
}

int64_t qa_conn_encode_early_params(qa_conn *c, uint8_t *buf, size_t cap) {
  const ngtcp2_transport_params *tp = ngtcp2_conn_get_remote_transport_params(c->conn);
  if (!tp) return NGTCP2_ERR_INVALID_STATE;
  return ngtcp2_encode_transport_params(buf, cap, NGTCP2_TRANSPORT_PARAMS_TYPE_ENCRYPTED_EXTENSIONS, tp);
}

size_t qa_conn_handshake_error(qa_conn *c, char *buf, size_t cap) {
  buf[0] = 0;
  if (!c->is_server && c->verify) {
    unsigned status = gnutls_session_get_verify_cert_status(c->session);
    if (status != 0) {
      gnutls_datum_t out;
      if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &out, 0) == 0) {
        snprintf(buf, cap, "%s", (const char *)out.data);
        gnutls_free(out.data);
        return strlen(buf);
      }
    }
  }
  uint8_t alert = ngtcp2_conn_get_tls_alert(c->conn);
  if (alert) {
    snprintf(buf, cap, "TLS alert %u (%s)", alert, gnutls_alert_get_strname((gnutls_alert_description_t)alert));
  }
  return strlen(buf);
}

uint8_t qa_conn_tls_alert(qa_conn *c) { return ngtcp2_conn_get_tls_alert(c->conn); }

size_t qa_conn_peer_certificate(qa_conn *c, unsigned idx, uint8_t *buf, size_t cap) {
  unsigned count = 0;
  const gnutls_datum_t *certs = gnutls_certificate_get_peers(c->session, &count);
  if (!certs || idx >= count) return 0;
  if (certs[idx].size > cap) return certs[idx].size;
  memcpy(buf, certs[idx].data, certs[idx].size);
  return certs[idx].size;
}

qa_stream *qa_stream_open(qa_conn *c, int bidi, int64_t *stream_id) {
  int rv = bidi ? ngtcp2_conn_open_bidi_stream(c->conn, stream_id, NULL)
                : ngtcp2_conn_open_uni_stream(c->conn, stream_id, NULL);
  if (rv != 0) return NULL;
  qa_stream *s = stream_new(c, *stream_id);
  if (!s) {
    ngtcp2_conn_shutdown_stream(c->conn, *stream_id, 0);
    return NULL;
  }
  ngtcp2_conn_set_stream_user_data(c->conn, *stream_id, s);
  return s;
}

int qa_stream_write(qa_conn *c, qa_stream *s, const uint8_t *data, size_t len, int fin) {
  (void)c;
  if (s->closed || s->write_shut || s->fin_queued) return NGTCP2_ERR_STREAM_SHUT_WR;
  if (len > 0) {
    qa_chunk *ch = malloc(sizeof(qa_chunk) + len);
    if (!ch) return NGTCP2_ERR_NOMEM;
    ch->next = NULL;
    ch->start = s->total;
    ch->len = len;
    memcpy(ch->data, data, len);
    if (s->tail) s->tail->next = ch; else s->head = ch;
    s->tail = ch;
    if (!s->send_chunk) {
      s->send_chunk = ch;
      s->send_pos = 0;
    }
    s->total += len;
  }
  if (fin) s->fin_queued = 1;
  return 0;
}

int qa_stream_shutdown_write(qa_conn *c, qa_stream *s, uint64_t code) {
  s->write_shut = 1;
  return ngtcp2_conn_shutdown_stream_write(c->conn, s->id, code);
}

int qa_stream_shutdown_read(qa_conn *c, int64_t stream_id, uint64_t code) {
  return ngtcp2_conn_shutdown_stream_read(c->conn, stream_id, code);
}

int qa_stream_extend(qa_conn *c, int64_t stream_id, uint64_t bytes) {
  ngtcp2_conn_extend_max_offset(c->conn, bytes);
  return ngtcp2_conn_extend_max_stream_offset(c->conn, stream_id, bytes);
}

void qa_conn_extend_max_streams(qa_conn *c, int bidi, uint64_t n) {
  if (bidi) ngtcp2_conn_extend_max_streams_bidi(c->conn, (size_t)n);
  else ngtcp2_conn_extend_max_streams_uni(c->conn, (size_t)n);
}

void qa_stream_detach(qa_conn *c, qa_stream *s) {
  if (s->detached) return;
  /* A closed stream is a zombie already, freed with its event; a live one moves to the released list, off the send
   * path: ngtcp2 may hold it for a long time (until the connection ends, if a peer never resets after our STOP_SENDING),
   * and qa_conn_write must not walk such streams on every packet. */
  if (!s->closed) {
    stream_unlink(c, s); /* from the live list: the flag, set below, names the list stream_unlink takes it from */
    stream_push(&c->released, s);
  }
  s->detached = 1;
}

int qa_conn_queue_datagram(qa_conn *c, const uint8_t *data, size_t len) {
  if (c->dgram_count >= QA_MAX_DGRAM_QUEUE) return -1;
  uint8_t *copy = malloc(len > 0 ? len : 1);
  if (!copy) return -1;
  memcpy(copy, data, len);
  qa_dgram *d = &c->dgrams[(c->dgram_head + c->dgram_count) % QA_MAX_DGRAM_QUEUE];
  d->data = copy;
  d->len = len;
  c->dgram_count++;
  return 0;
}

uint64_t qa_conn_max_datagram_payload(qa_conn *c) {
  const ngtcp2_transport_params *tp = ngtcp2_conn_get_remote_transport_params(c->conn);
  if (!tp || tp->max_datagram_frame_size == 0) return 0;
  /* A DATAGRAM frame spends 1 byte of type and up to 4 of length; a short header packet about 40 more with AEAD. */
  uint64_t frame = tp->max_datagram_frame_size > 5 ? tp->max_datagram_frame_size - 5 : 0;
  uint64_t path = 1200 - 1 - QA_SCID_LEN - 4 - 16 - 5;
  return frame < path ? frame : path;
}

static void remember_close(qa_conn *c, const ngtcp2_connection_close_error *ccerr) {
  c->local_close = *ccerr;
  size_t n = ccerr->reasonlen < sizeof(c->local_reason) ? ccerr->reasonlen : sizeof(c->local_reason);
  if (n) memcpy(c->local_reason, ccerr->reason, n);
  c->local_close.reason = c->local_reason;
  c->local_close.reasonlen = n;
  c->local_close_set = 1;
}

int64_t qa_conn_write_close(qa_conn *c, uint8_t *buf, size_t cap, int app, uint64_t code, const uint8_t *reason,
                            size_t reasonlen, uint64_t ts) {
  ngtcp2_connection_close_error ccerr;
  ngtcp2_connection_close_error_default(&ccerr);
  if (app) ngtcp2_connection_close_error_set_application_error(&ccerr, code, reason, reasonlen);
  else ngtcp2_connection_close_error_set_transport_error(&ccerr, code, reason, reasonlen);
  remember_close(c, &ccerr);
  if (ngtcp2_conn_is_in_closing_period(c->conn) || ngtcp2_conn_is_in_draining_period(c->conn)) return 0;
  ngtcp2_pkt_info pi = {0};
  return ngtcp2_conn_write_connection_close(c->conn, &c->path, &pi, buf, cap, &ccerr, ts);
}

int64_t qa_conn_write_error_close(qa_conn *c, uint8_t *buf, size_t cap, int liberr, uint64_t ts) {
  ngtcp2_connection_close_error ccerr;
  ngtcp2_connection_close_error_default(&ccerr);
  if (liberr == NGTCP2_ERR_CRYPTO) {
    ngtcp2_connection_close_error_set_transport_error_tls_alert(&ccerr, ngtcp2_conn_get_tls_alert(c->conn), NULL, 0);
  } else {
    ngtcp2_connection_close_error_set_transport_error_liberr(&ccerr, liberr, NULL, 0);
  }
  remember_close(c, &ccerr);
  if (liberr == NGTCP2_ERR_DRAINING || liberr == NGTCP2_ERR_IDLE_CLOSE || liberr == NGTCP2_ERR_DROP_CONN ||
      liberr == NGTCP2_ERR_HANDSHAKE_TIMEOUT || ngtcp2_conn_is_in_closing_period(c->conn) ||
      ngtcp2_conn_is_in_draining_period(c->conn))
    return 0;
  ngtcp2_pkt_info pi = {0};
  return ngtcp2_conn_write_connection_close(c->conn, &c->path, &pi, buf, cap, &ccerr, ts);
}

void qa_conn_get_close(qa_conn *c, qa_close_info *out) {
  memset(out, 0, sizeof(*out));
  ngtcp2_connection_close_error ccerr;
  if (ngtcp2_conn_is_in_draining_period(c->conn)) {
    ngtcp2_conn_get_connection_close_error(c->conn, &ccerr);
  } else if (c->local_close_set) {
    ccerr = c->local_close;
  } else {
    return;
  }
  switch (ccerr.type) {
  case NGTCP2_CONNECTION_CLOSE_ERROR_CODE_TYPE_APPLICATION: out->kind = 2; break;
  case NGTCP2_CONNECTION_CLOSE_ERROR_CODE_TYPE_TRANSPORT_IDLE_CLOSE: out->kind = 3; break;
  default: out->kind = 1; break;
  }
  out->code = ccerr.error_code;
  size_t n = ccerr.reasonlen < sizeof(out->reason) ? ccerr.reasonlen : sizeof(out->reason);
  if (n && ccerr.reason) memcpy(out->reason, ccerr.reason, n);
  out->reasonlen = (int32_t)n;
}

/* ---------- endpoint I/O ---------- */

#define QA_IO_MAX_BATCH 64
#define QA_IO_ADDR_SLOT 128

int qa_io_wake_new(void) {
  int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  return fd < 0 ? -errno : fd;
}

void qa_io_wake(int wakefd) {
  uint64_t one = 1;
  /* EAGAIN means the counter is saturated: the loop is woken anyway. */
  ssize_t rv = write(wakefd, &one, sizeof(one));
  (void)rv;
}

void qa_io_close(int fd) { close(fd); }

int qa_io_wait(int fd, int wakefd, int64_t timeout_ns) {
  struct pollfd fds[2] = {{.fd = fd, .events = POLLIN}, {.fd = wakefd, .events = POLLIN}};
  struct timespec ts, *tsp = NULL;
  if (timeout_ns >= 0) {
    ts.tv_sec = (time_t)(timeout_ns / 1000000000);
    ts.tv_nsec = (long)(timeout_ns % 1000000000);
    tsp = &ts;
  }
  int rv = ppoll(fds, 2, tsp, NULL);
  if (rv < 0) return errno == EINTR ? 0 : -errno;
  if (fds[1].revents & POLLIN) {
    uint64_t count;
    ssize_t n = read(wakefd, &count, sizeof(count));
    (void)n;
  }
  return (fds[0].revents & (POLLIN | POLLERR)) ? 1 : 0;
}

int qa_io_recv(int fd, uint8_t *bufs, size_t slot, int count, int32_t *lens, uint8_t *addrs, int32_t *addrlens) {
  struct mmsghdr msgs[QA_IO_MAX_BATCH];
  struct iovec iov[QA_IO_MAX_BATCH];
  if (count > QA_IO_MAX_BATCH) count = QA_IO_MAX_BATCH;
  memset(msgs, 0, sizeof(msgs[0]) * (size_t)count);
  for (int i = 0; i < count; i++) {
    iov[i].iov_base = bufs + (size_t)i * slot;
    iov[i].iov_len = slot;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_name = addrs + (size_t)i * QA_IO_ADDR_SLOT;
    msgs[i].msg_hdr.msg_namelen = QA_IO_ADDR_SLOT;
  }
  int n = recvmmsg(fd, msgs, (unsigned)count, MSG_DONTWAIT, NULL);
  if (n < 0) return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -errno;
  for (int i = 0; i < n; i++) {
    /* A datagram larger than the slot was cut: -1, so the caller drops (and counts) it instead of parsing half. */
    lens[i] = (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) ? -1 : (int32_t)msgs[i].msg_len;
    addrlens[i] = (int32_t)msgs[i].msg_hdr.msg_namelen;
  }
  return n;
}

int qa_io_send(int fd, const uint8_t *bufs, size_t slot, int count, const int32_t *lens, const void *addr,
               size_t addrlen) {
  struct mmsghdr msgs[QA_IO_MAX_BATCH];
  struct iovec iov[QA_IO_MAX_BATCH];
  int sent = 0;
  while (sent < count) {
    int batch = count - sent < QA_IO_MAX_BATCH ? count - sent : QA_IO_MAX_BATCH;
    memset(msgs, 0, sizeof(msgs[0]) * (size_t)batch);
    for (int i = 0; i < batch; i++) {
      iov[i].iov_base = (void *)(bufs + (size_t)(sent + i) * slot);
      iov[i].iov_len = (size_t)lens[sent + i];
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = (void *)addr;
      msgs[i].msg_hdr.msg_namelen = (socklen_t)addrlen;
    }
    int n = sendmmsg(fd, msgs, (unsigned)batch, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      /* A refused or unreachable destination, or a full buffer: this datagram is lost, the rest still go. */
      if (sent + 1 >= count) return sent > 0 ? sent : -errno;
      sent++;
      continue;
    }
    sent += n;
  }
  return sent;
}
