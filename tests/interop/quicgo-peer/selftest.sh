#!/usr/bin/env bash
# Go-to-Go self test of the quic-go interop peer: builds it, then runs the
# server and the client against each other in every mode over loopback,
# checking the RESULT and EVENT lines. Every process is bounded by `timeout`.
# Exits non-zero on the first failed check.
#
#   tests/interop/quicgo-peer/selftest.sh
#
# KEEP_SELFTEST_DIR=1 keeps the work directory (binary, certificates, every
# process's output) for inspection.
set -uo pipefail

src_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/quicgo-peer-selftest.XXXXXX")"
server_pid=""
server_fd=""

cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
[ -n "${KEEP_SELFTEST_DIR:-}" ] && trap - EXIT

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
pass() {
  echo "ok:   $*"
}

bin="$("$src_dir/build.sh" "$work/bin" | tail -n 1)" || { echo "FAIL: build" >&2; exit 1; }
[ -x "$bin" ] || { echo "FAIL: build produced no binary at $bin" >&2; exit 1; }
timeout 10 "$bin" gencert --out "$work/certs" >/dev/null || { echo "FAIL: gencert" >&2; exit 1; }
certs=(--cert "$work/certs/cert.pem" --key "$work/certs/key.pem")
ca=(--ca "$work/certs/ca.pem")

# start_server NAME ARGS...: starts the server with stdin on a FIFO we hold
# open, waits for its LISTENING line and sets PORT.
start_server() {
  local name="$1"
  shift
  server_out="$work/$name.server.out"
  server_err="$work/$name.server.err"
  mkfifo "$work/$name.stdin"
  timeout 60 "$bin" server --listen 127.0.0.1:0 "${certs[@]}" "$@" \
    <"$work/$name.stdin" >"$server_out" 2>"$server_err" &
  server_pid=$!
  exec {server_fd}>"$work/$name.stdin"
  local i
  for i in $(seq 1 100); do
    if grep -q '^LISTENING ' "$server_out" 2>/dev/null; then
      break
    fi
    sleep 0.05
  done
  local listening
  listening="$(grep -m1 '^LISTENING ' "$server_out" 2>/dev/null)"
  if ! [[ "$listening" =~ ^LISTENING\ 127\.0\.0\.1:([0-9]+)$ ]]; then
    fail "$name: server did not print 'LISTENING 127.0.0.1:<port>' (got '$listening'): $(cat "$server_err")"
    PORT=1
    return 1
  fi
  PORT="${BASH_REMATCH[1]}"
}

# stop_server NAME: closes the server's stdin and checks that it exits by itself.
stop_server() {
  local name="$1"
  exec {server_fd}>&-
  local i
  for i in $(seq 1 60); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$server_pid" 2>/dev/null; then
    fail "$name: server still running 3 s after its stdin reached EOF"
    kill "$server_pid" 2>/dev/null
  fi
  wait "$server_pid" 2>/dev/null
  server_pid=""
}

# expect_event NAME REGEX [COUNT]: waits up to 5 s for COUNT (default 1)
# server lines matching REGEX.
expect_event() {
  local name="$1" regex="$2" want="${3:-1}" got=0 i
  for i in $(seq 1 100); do
    got="$(grep -cE "$regex" "$server_out")"
    [ "$got" -ge "$want" ] && break
    sleep 0.05
  done
  if [ "$got" -ge "$want" ]; then
    pass "$name: server printed $want x /$regex/"
  else
    fail "$name: server printed $got of $want lines matching /$regex/; output:
$(cat "$server_out")
stderr:
$(cat "$server_err")"
  fi
}

# no_event NAME REGEX: the server printed no line matching REGEX.
no_event() {
  local name="$1" regex="$2"
  if grep -qE "$regex" "$server_out"; then
    fail "$name: server printed a line matching /$regex/: $(grep -E "$regex" "$server_out" | head -n 3)"
  else
    pass "$name: server printed no /$regex/"
  fi
}

# run_client NAME REGEX ARGS...: runs the client; it must exit 0 and print a
# line matching REGEX.
run_client() {
  local name="$1" regex="$2"
  shift 2
  local out rc
  out="$(timeout 30 "$bin" client --connect "127.0.0.1:$PORT" "$@" 2>"$work/$name.client.err")"
  rc=$?
  if [ $rc -ne 0 ]; then
    fail "$name: client exited $rc: $(cat "$work/$name.client.err") stdout: $out"
  elif ! grep -qE "$regex" <<<"$out"; then
    fail "$name: client output '$out' does not match /$regex/"
  else
    pass "$name: client printed '$(grep -E "$regex" <<<"$out")'"
  fi
}

# client_stderr_has NAME TEXT: the last client run of NAME said TEXT on stderr.
client_stderr_has() {
  if grep -qF "$2" "$work/$1.client.err"; then
    pass "$1: client stderr has '$2'"
  else
    fail "$1: client stderr lacks '$2': $(cat "$work/$1.client.err")"
  fi
}

# client_fails NAME ARGS...: the client must exit 1 with a message on stderr.
client_fails() {
  local name="$1"
  shift
  local out rc
  out="$(timeout 30 "$bin" client --connect "127.0.0.1:$PORT" "$@" 2>&1 >/dev/null)"
  rc=$?
  if [ $rc -eq 1 ] && [ -n "$out" ]; then
    pass "$name: client failed as expected: $out"
  else
    fail "$name: client exited $rc (expected 1 with a message), stderr: $out"
  fi
}

# --- echo -------------------------------------------------------------------
start_server echo --mode echo
run_client echo '^RESULT ok streams=5$' "${ca[@]}" --mode echo --streams 5 --concurrency 2
expect_event echo '^EVENT handshake-complete used0rtt=false$'
expect_event echo '^EVENT stream-accepted id=[0-9]+$' 5
expect_event echo '^EVENT stream-eof id=[0-9]+ bytes=64$' 5
expect_event echo '^EVENT conn-closed code=0 remote=true reason=done$'
# The client side of stop-sending and reset, against the echo server.
run_client echo-client-stop-sending '^RESULT ok stop-sending streams=1 code=7$' "${ca[@]}" --mode stop-sending
expect_event echo-client-stop-sending '^EVENT stop-sending-received id=0 code=7$'
run_client echo-client-reset '^RESULT ok reset streams=1 code=42$' "${ca[@]}" --mode reset
expect_event echo-client-reset '^EVENT reset-received id=0 code=42$'
run_client echo-churn '^RESULT churn-quicgo [0-9]+ streams/s$' "${ca[@]}" --mode churn --streams 2000 --concurrency 50
run_client echo-uni '^RESULT ok streams=3$' "${ca[@]}" --mode echo --uni --streams 3
expect_event echo-uni '^EVENT stream-eof id=(2|6|10) bytes=64$' 3
run_client echo-alpn-list '^RESULT ok streams=1$' "${ca[@]}" --alpn other,quic-actors-test --streams 1
run_client echo-insecure '^RESULT ok streams=1$' --insecure --streams 1
# A failed run closes with code 0x51 and the failure as the reason.
client_fails echo-client-failure "${ca[@]}" --mode expect-reset
expect_event echo-client-failure '^EVENT conn-closed code=81 remote=true reason=stream 0: expected RESET_STREAM'
client_fails echo-untrusted --mode echo --streams 1
client_fails echo-wrong-alpn "${ca[@]}" --alpn no-such-protocol --streams 1
# A failed handshake never reaches Accept, but the server still reports it:
# CRYPTO_ERROR 0x178 is TLS alert 120 (no_application_protocol).
expect_event echo-wrong-alpn '^EVENT conn-closed code=transport:376 remote=false '
client_fails echo-wrong-name "${ca[@]}" --server-name example.org --streams 1
stop_server echo

# --- reply-no-eof ------------------------------------------------------------
start_server reply-no-eof --mode reply-no-eof --max-streams 3
run_client reply-no-eof '^RESULT ok streams=3$' "${ca[@]}" --mode echo --streams 3 --reply-prefix 32
expect_event reply-no-eof '^EVENT stream-accepted id=[0-9]+$' 3
expect_event reply-no-eof '^EVENT conn-closed code=0 remote=true'
no_event reply-no-eof '^EVENT stream-eof'
# The FIN is never consumed, so quic-go never completes those streams and
# never returns their credit: a fourth stream cannot be opened.
client_fails reply-no-eof-credit "${ca[@]}" --mode echo --streams 4 --reply-prefix 32 --timeout 1s
stop_server reply-no-eof

# --- reply-stop-reading (S1 handler c) ------------------------------------------
# Reads half the request, stops reading, replies: quic-go still completes each
# stream once the reply's FIN is acknowledged, so credit comes back.
start_server reply-stop-reading --mode reply-stop-reading --max-streams 3
run_client reply-stop-reading '^RESULT ok streams=12$' "${ca[@]}" --mode echo --streams 12 --reply-prefix 32 --accept-stop-sending
expect_event reply-stop-reading '^EVENT stop-sending-sent id=[0-9]+ code=5$' 12
stop_server reply-stop-reading

# --- reply-once + abort-after-reply (S5) -------------------------------------------
start_server reply-once --mode reply-once
run_client reply-once '^RESULT ok abort-after-reply stream=0 reply=5 timeout-ms=[0-9]+ code=9$' "${ca[@]}" --mode abort-after-reply --read-deadline 300ms
expect_event reply-once '^EVENT reset-received id=0 code=9$'
expect_event reply-once '^EVENT stop-sending-received id=0 code=9$'
expect_event reply-once '^EVENT stream-eof id=4 bytes=64$'
# reply-once is an echo for a client that sends its FIN.
run_client reply-once-echo '^RESULT ok streams=2$' "${ca[@]}" --mode echo --streams 2
stop_server reply-once

# --- flow control: --stream-window, --read-delay, bulk-echo -------------------------
start_server window --mode echo --stream-window 16384 --read-delay 200ms
run_client window '^RESULT ok bulk-echo bytes=100000$' "${ca[@]}" --mode bulk-echo --size 100000
expect_event window '^EVENT stream-eof id=0 bytes=100000$'
stop_server window

# --- stop-sending --------------------------------------------------------------
start_server stop-sending --mode stop-sending --code 9
run_client stop-sending '^RESULT ok stop-sending-received streams=2 code=9$' "${ca[@]}" --mode expect-stop-sending --streams 2 --code 9
expect_event stop-sending '^EVENT stop-sending-sent id=0 code=9$'
expect_event stop-sending '^EVENT stop-sending-sent id=4 code=9$'
stop_server stop-sending

start_server stop-sending-default --mode stop-sending
run_client stop-sending-default '^RESULT ok stop-sending-received streams=1 code=7$' "${ca[@]}" --mode expect-stop-sending
expect_event stop-sending-default '^EVENT stop-sending-sent id=0 code=7$'
stop_server stop-sending-default

# --- reset -------------------------------------------------------------------
start_server reset --mode reset
run_client reset '^RESULT ok reset-received streams=2 code=42$' "${ca[@]}" --mode expect-reset --streams 2 --code 42
expect_event reset '^EVENT reset-sent id=0 code=42$'
expect_event reset '^EVENT reset-sent id=4 code=42$'
expect_event reset '^EVENT stream-eof id=0 bytes=64$'
stop_server reset

# --- datagrams ------------------------------------------------------------------
start_server datagrams --mode datagrams
run_client datagrams '^RESULT datagrams sent=20 received=[1-9][0-9]*$' "${ca[@]}" --mode datagrams --count 20 --size 100
expect_event datagrams '^EVENT datagram-received len=100$'
stop_server datagrams

# With --datagrams outside datagrams mode, datagrams are reported, not echoed.
start_server datagrams-report --mode echo --datagrams
run_client datagrams-report '^RESULT datagrams sent=3 received=0$' "${ca[@]}" --mode datagrams --count 3 --datagram-wait 300ms --min-echoes 0
expect_event datagrams-report '^EVENT datagram-received len=100$' 3
stop_server datagrams-report

start_server datagrams-off --mode echo
client_fails datagrams-off "${ca[@]}" --mode datagrams --count 2
stop_server datagrams-off

# --- stream-bound datagram flows (S3, stream_flows.go) ---------------------------
start_server hold --mode hold --report-frames
# Our STOP_SENDING(7) on a held stream is answered by quic-go's RESET_STREAM(7);
# the only datagrams are the server's "held" signals on streams 0 and 4.
run_client hold-stop-sending '^RESULT ok stop-sending-held code=7 reset-code=7 datagrams=0,1$' "${ca[@]}" --mode stop-sending-held
expect_event hold-stop-sending '^EVENT frame-stop-sending id=0 code=7$'
expect_event hold-stop-sending '^EVENT datagram-sent id=4 quarter=1$'
run_client hold-reset-datagrams '^RESULT ok reset-datagrams code=9 sent=3$' "${ca[@]}" --mode reset-datagrams --code 9 --count 3
expect_event hold-reset-datagrams '^EVENT frame-reset-stream id=0 code=9 final-size=32$'
expect_event hold-reset-datagrams '^EVENT reset-received id=0 code=9$'
expect_event hold-reset-datagrams '^EVENT datagram-received len=2$' 3
stop_server hold
start_server flows --mode datagrams
run_client flows-paced '^RESULT ok flows=10 datagrams=10$' "${ca[@]}" --mode flows --streams 10 --per-second 5 --count 1
run_client flows-no-datagrams '^RESULT ok flows=20 datagrams=0$' "${ca[@]}" --mode flows --streams 20 --concurrency 5 --count 0
expect_event flows '^EVENT stream-eof id=[0-9]+ bytes=8$' 30
# --await-server-close: the client prints its RESULT, then waits for the
# server's close (here the shutdown on stdin EOF) instead of closing itself.
# The subshell must not keep the server's stdin FIFO open.
(
  exec {server_fd}>&-
  timeout 30 "$bin" client --connect "127.0.0.1:$PORT" "${ca[@]}" --mode flows --streams 2 --count 1 --await-server-close \
    >"$work/flows-await.client.out" 2>"$work/flows-await.client.err"
  echo "rc=$?" >>"$work/flows-await.client.out"
) &
await_pid=$!
expect_event flows '^EVENT stream-eof id=[0-9]+ bytes=8$' 32
sleep 0.3
if kill -0 "$await_pid" 2>/dev/null; then pass "flows-await: client still connected after its flows"; else fail "flows-await: client closed by itself: $(cat "$work/flows-await.client.out" "$work/flows-await.client.err")"; fi
stop_server flows
wait "$await_pid"
if grep -qx 'RESULT ok flows=2 datagrams=2' "$work/flows-await.client.out" && grep -qx 'rc=0' "$work/flows-await.client.out"; then
  pass "flows-await: client ended with the server's close"
else
  fail "flows-await: $(cat "$work/flows-await.client.out" "$work/flows-await.client.err")"
fi
# --echo-datagrams echoes in any mode (here reset, whose streams still reset).
start_server reset-echo-datagrams --mode reset --code 9 --echo-datagrams
run_client reset-echo-datagrams '^RESULT ok reset-received streams=1 code=9$' "${ca[@]}" --mode expect-reset --code 9
run_client reset-echo-datagrams-echo '^RESULT datagrams sent=2 received=2$' "${ca[@]}" --mode datagrams --count 2
expect_event reset-echo-datagrams '^EVENT datagram-received len=100$' 2
no_event reset-echo-datagrams '^EVENT frame-'
stop_server reset-echo-datagrams

# --- 0-RTT ------------------------------------------------------------------------
start_server zero-rtt-accepted --mode echo --early
run_client zero-rtt-accepted '^RESULT zero-rtt used0rtt=true reply=ping$' "${ca[@]}" --mode zero-rtt --expect-0rtt accepted
expect_event zero-rtt-accepted '^EVENT handshake-complete used0rtt=true$'
expect_event zero-rtt-accepted '^EVENT stream-eof id=0 bytes=4$'
expect_event zero-rtt-accepted '^EVENT conn-closed code=0 remote=true reason=done$'
client_stderr_has zero-rtt-accepted 'resumed=true used0rtt=true early-stream-rejected=false'
stop_server zero-rtt-accepted

start_server zero-rtt-rejected --mode echo --reject-early
run_client zero-rtt-rejected '^RESULT zero-rtt used0rtt=false reply=ping$' "${ca[@]}" --mode zero-rtt --expect-0rtt rejected
expect_event zero-rtt-rejected '^EVENT handshake-complete used0rtt=false$' 2
no_event zero-rtt-rejected '^EVENT handshake-complete used0rtt=true$'
expect_event zero-rtt-rejected '^EVENT stream-eof id=0 bytes=4$'
# The early stream really was sent and rejected, then repeated in 1-RTT.
client_stderr_has zero-rtt-rejected 'resumed=false used0rtt=false early-stream-rejected=true'
stop_server zero-rtt-rejected

# A server not listening "early" issues tickets without early_data; quic-go's
# client then resumes without offering 0-RTT at all.
start_server zero-rtt-not-early --mode echo
run_client zero-rtt-not-early '^RESULT zero-rtt used0rtt=false reply=ping$' "${ca[@]}" --mode zero-rtt --expect-0rtt rejected
no_event zero-rtt-not-early '^EVENT conn-closed code=transport:'
# A client that offers early data on such a ticket anyway (GnuTLS does) makes
# the quic-go server abort the handshake with TLS alert 110
# (unsupported_extension), i.e. CRYPTO_ERROR 0x16e = 366.
client_fails zero-rtt-forced-not-early "${ca[@]}" --mode zero-rtt --force-early-data
expect_event zero-rtt-forced-not-early '^EVENT conn-closed code=transport:366 remote=false reason=CRYPTO_ERROR \(0x16e\): tls: client sent unexpected early data$'
stop_server zero-rtt-not-early

# quic-go 0.29 keeps one connection across a 0-RTT rejection and only swaps
# its stream maps: aborting the rejected early stream sends STOP_SENDING and
# RESET_STREAM for stream 0 of the 1-RTT connection, which resets the new stream 0.
start_server zero-rtt-stale --mode echo --reject-early
run_client zero-rtt-stale '^RESULT zero-rtt-stale-aborts stream=0 reset=42$' "${ca[@]}" --mode zero-rtt-stale-aborts --read-deadline 2s
expect_event zero-rtt-stale '^EVENT reset-received id=0 code=42$'
stop_server zero-rtt-stale

# The same forced offer is fine where tickets do allow early data.
start_server zero-rtt-forced-early --mode echo --early
run_client zero-rtt-forced-early '^RESULT zero-rtt used0rtt=true reply=ping$' "${ca[@]}" --mode zero-rtt --force-early-data --expect-0rtt accepted
stop_server zero-rtt-forced-early

# --- debugging aids: qlog traces and SSLKEYLOGFILE ---------------------------------
start_server qlog --mode echo --qlog "$work/qlog"
SSLKEYLOGFILE="$work/keys.log" run_client qlog '^RESULT ok streams=1$' "${ca[@]}" --streams 1 --qlog "$work/qlog"
expect_event qlog '^EVENT conn-closed code=0 remote=true reason=done$'
stop_server qlog
if ls "$work/qlog"/server-*.qlog "$work/qlog"/client-*.qlog >/dev/null 2>&1 &&
  grep -q '"qlog_version"' "$work/qlog"/client-*.qlog; then
  pass "qlog: client and server traces written"
else
  fail "qlog: traces missing: $(ls -la "$work/qlog" 2>&1)"
fi
if grep -q '^CLIENT_HANDSHAKE_TRAFFIC_SECRET ' "$work/keys.log" 2>/dev/null; then
  pass "SSLKEYLOGFILE: client wrote TLS secrets"
else
  fail "SSLKEYLOGFILE: no secrets in $work/keys.log"
fi

# --- lifetime -------------------------------------------------------------------
# A connection still open when the server exits is closed with a reason: the
# client is blocked opening a second stream, whose credit never comes back.
start_server shutdown --mode reply-no-eof --max-streams 1 --exit-after 1s
out="$(timeout 30 "$bin" client --connect "127.0.0.1:$PORT" "${ca[@]}" --streams 2 --reply-prefix 32 --timeout 5s 2>&1)"
if grep -q 'server shutting down' <<<"$out"; then
  pass "shutdown: client saw the server's close: $out"
else
  fail "shutdown: client did not see 'server shutting down': $out"
fi
expect_event shutdown '^EVENT conn-closed code=0 remote=false reason=server shutting down$'
stop_server shutdown
start_server exit-after --mode echo --exit-after 500ms
sleep 1.5
if kill -0 "$server_pid" 2>/dev/null; then
  fail "exit-after: server still running after --exit-after 500ms"
else
  pass "exit-after: server exited after --exit-after with stdin still open"
fi
stop_server exit-after

# --- benchmarks (small, to prove they run) ---------------------------------------
out="$(timeout 60 "$bin" bench --streams 2000 --concurrency 50 --warmup 100 2>&1)"
if grep -qE '^RESULT churn-quicgo-quicgo [0-9]+ streams/s$' <<<"$out"; then pass "bench: $out"; else fail "bench: $out"; fi
out="$(timeout 60 "$bin" bench-bulk --bytes 8000000 2>&1)"
if grep -qE '^RESULT bulk-quicgo-quicgo [0-9.]+ MB/s$' <<<"$out"; then pass "bench-bulk: $out"; else fail "bench-bulk: $out"; fi

if [ "$failures" -ne 0 ]; then
  echo "quicgo-peer selftest: $failures check(s) failed" >&2
  exit 1
fi
echo "quicgo-peer selftest: all checks passed"
