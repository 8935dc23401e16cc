#!/bin/bash
# Go-to-Go self test of quicgo-peer: builds it, runs every server mode against the client over
# loopback, asserts on the RESULT and EVENT lines of both sides, and runs the benchmarks.
# Exits non-zero on the first failure. Every process is bounded in time.
#   usage: selftest.sh [--no-bench]
set -u

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/quicgo-peer-selftest.XXXXXX")
bench=1
[ "${1:-}" = "--no-bench" ] && bench=0

server_pid=""
server_fd=""
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null; fi
    [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    for f in "$work"/*.log; do
        [ -f "$f" ] || continue
        echo "---- $f" >&2
        tail -n 30 "$f" >&2
    done
    exit 1
}

peer=$("$here/build.sh" "$work/bin" | tail -n 1) || fail "build.sh failed"
"$peer" gencert --out "$work/certs" >/dev/null || fail "gencert"
cert=(--cert "$work/certs/cert.pem" --key "$work/certs/key.pem")

# start_server NAME ARGS...: the server reads stdin from a FIFO whose only writer is this
# script, so closing that writer (stop_server) or this script dying ends the server. Other
# children must not inherit the writer ({server_fd}>&-), or the server would outlive stop_server.
start_server() {
    local name=$1; shift
    mkfifo "$work/srv-$name.in"
    "$peer" server "${cert[@]}" "$@" < "$work/srv-$name.in" > "$work/srv-$name.log" 2>&1 &
    server_pid=$!
    exec {server_fd}> "$work/srv-$name.in"
    server_log="$work/srv-$name.log"
    for _ in $(seq 100); do
        addr=$(awk '/^LISTENING /{print $2; exit}' "$server_log" 2>/dev/null)
        [ -n "$addr" ] && return 0
        sleep 0.05
    done
    fail "server $name did not print LISTENING"
}

stop_server() {
    exec {server_fd}>&-
    for _ in $(seq 60); do
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.05
    done
    kill -0 "$server_pid" 2>/dev/null && fail "server did not exit after stdin EOF"
    wait "$server_pid" 2>/dev/null
    server_pid=""
    grep -q '^EVENT server-exit reason=stdin-eof' "$server_log" || fail "server did not report stdin-eof exit"
}

# client NAME EXPECTED_RC ARGS...
client() {
    local name=$1 want=$2; shift 2
    timeout 40 "$peer" client --connect "$addr" --ca "$work/certs/ca.pem" "$@" > "$work/cli-$name.log" 2>&1 {server_fd}>&-
    local rc=$?
    client_log="$work/cli-$name.log"
    [ "$rc" = "$want" ] || fail "client $name exited $rc, expected $want"
}

expect() { # expect FILE REGEX
    # Server events may trail the client's exit by a moment.
    for _ in $(seq 40); do
        grep -Eq -- "$2" "$1" && return 0
        sleep 0.05
    done
    fail "$(basename "$1"): no line matching /$2/"
}

pass() { echo "ok   $*"; }

# --- echo, churn, bulk, stream credit ---------------------------------------------------------
start_server echo --mode echo --max-streams 10
client echo 0 --mode echo --streams 30
expect "$client_log" '^RESULT echo status=ok streams=30$'
expect "$server_log" '^EVENT stream-accepted id=0$'
expect "$server_log" '^EVENT stream-eof id=0 bytes=64$'
expect "$server_log" '^EVENT fin-sent id=116$'
expect "$server_log" '^EVENT handshake-complete peer=127\.0\.0\.1:[0-9]+ used0rtt=false resumed=false alpn=quic-actors-test'
pass "echo: 30 sequential streams through a limit of 10 (credit comes back)"
client churn 0 --mode churn --streams 2000 --concurrency 8 --quiet
expect "$client_log" '^RESULT churn-quicgo [0-9.]+ streams/s streams=2000 concurrency=8'
pass "churn: $(grep -o 'churn-quicgo [0-9.]* streams/s' "$client_log")"
client bulk 0 --mode bulk --bytes 16000000
expect "$client_log" '^RESULT bulk-quicgo [0-9.]+ MB/s bytes=16000000$'
pass "bulk: $(grep -o 'bulk-quicgo [0-9.]* MB/s' "$client_log")"
client reset-to-echo 0 --mode reset --streams 2
expect "$server_log" '^EVENT reset-received id=[0-9]+ code=42$'
pass "client RESET_STREAM(42) seen by the server"
client stop-to-echo 0 --mode stop-sending --streams 1 --size 200000
expect "$server_log" '^EVENT stop-sending-received id=[0-9]+ code=7$'
pass "client STOP_SENDING(7) seen by the echoing server"
stop_server
pass "server exits on stdin EOF"

# --- reply-no-eof keeps the stream slot: the 11th open times out --------------------------------
start_server noeof --mode reply-no-eof --max-streams 10
client noeof-10 0 --mode echo --streams 10 --no-verify
expect "$server_log" '^EVENT reply-sent id=36 len=63$'
expect "$client_log" '^EVENT stream-eof id=36 bytes=63$'
client noeof-11 1 --mode echo --streams 11 --open-timeout 500ms --no-verify
expect "$client_log" '^RESULT echo status=failed completed=10 error=".*no stream credit within 500ms'
pass "reply-no-eof: 10 streams succeed, the 11th open times out (credit never returned)"
stop_server

# --- STOP_SENDING and RESET_STREAM from the server --------------------------------------------
start_server stop --mode stop-sending
client stop 0 --mode echo --streams 3 --no-verify
expect "$server_log" '^EVENT stop-sending-sent id=0 code=7$'
expect "$server_log" '^EVENT stop-sending-sent id=8 code=7$'
pass "server STOP_SENDING(7) on every stream; client completes"
stop_server
start_server stop64 --mode stop-sending --code 9 --read-bytes 64
client stop64 0 --mode echo --streams 3 --no-verify
expect "$server_log" '^EVENT stop-sending-sent id=4 code=9$'
expect "$client_log" '^EVENT stream-eof id=4 bytes=63$'
pass "server reads 63 of 64 B, STOP_SENDING(9), replies them: client completes"
stop_server

start_server reset --mode reset
client reset 1 --mode echo --streams 1
expect "$client_log" '^RESULT echo status=failed completed=0 error=".*canceled with error code 42'
expect "$server_log" '^EVENT reset-sent id=0 code=42 after=32$'
pass "server RESET_STREAM(42) after a partial reply reaches the client"
stop_server

# --- hold: the server never sends FIN and reports the client's aborts --------------------------
start_server hold --mode hold
client hold-reset 0 --mode reset --size 128
expect "$server_log" '^EVENT reply-sent id=0 len=64$'
expect "$server_log" '^EVENT reset-received id=0 code=42$'
client hold-stop 0 --mode stop-sending --code 5
expect "$server_log" '^EVENT stop-sending-received id=0 code=5$'
pass "hold: the server sees the client's RESET_STREAM(42) and STOP_SENDING(5)"
stop_server

# --- connection close with a code ---------------------------------------------------------------
start_server close --mode close --code 9
client close 1 --mode echo
expect "$client_log" '^EVENT conn-closed kind=application remote=true code=9 reason="quicgo-peer close mode"$'
expect "$server_log" '^EVENT conn-close-sent code=9'
pass "close: CONNECTION_CLOSE(9) reaches the client"
stop_server

# --- datagrams ----------------------------------------------------------------------------------
start_server dgram --mode datagrams
client dgram 0 --mode datagrams --count 20 --min-received 15
expect "$client_log" '^RESULT datagrams status=ok sent=20 received=(1[5-9]|20)$'
expect "$server_log" '^EVENT datagram-received len=64$'
expect "$server_log" 'datagrams=true$'
pass "datagrams: $(grep -o 'sent=[0-9]* received=[0-9]*' "$client_log")"
stop_server
start_server nodgram --mode echo
client nodgram 1 --mode datagrams
expect "$client_log" 'RESULT datagrams status=failed error="peer did not negotiate datagram support"'
pass "datagrams refused when the server does not enable them"
stop_server

# --- 0-RTT accepted, rejected, not offered --------------------------------------------------------
start_server early --mode echo --early
client early 0 --mode zero-rtt --expect-0rtt accepted
expect "$client_log" '^RESULT zero-rtt status=ok used0rtt=true rejected=false resumed=true reply=ok$'
expect "$server_log" 'used0rtt=true resumed=true'
pass "0-RTT accepted (ListenEarly)"
stop_server
start_server reject --mode echo --reject-early
client reject 0 --mode zero-rtt --expect-0rtt rejected
expect "$client_log" '^EVENT zero-rtt-rejected$'
expect "$client_log" '^RESULT zero-rtt status=ok used0rtt=false rejected=true resumed=false reply=ok$'
pass "0-RTT rejected (--reject-early), ping re-sent on the new connection"
stop_server
start_server noearly --mode echo
client noearly 0 --mode zero-rtt --expect-0rtt any
expect "$client_log" '^RESULT zero-rtt status=ok used0rtt=false rejected=false resumed=true reply=ok$'
pass "no --early: quic-go's ticket has no early_data, so quic-go's client resumes without 0-RTT"
stop_server

# --- a client that offers 0-RTT on a ticket without early_data (as GnuTLS does) -----------------
start_server noearly2 --mode echo
client forced 1 --mode zero-rtt --force-early-data
expect "$client_log" '^EVENT session-ticket-received key=[^ ]+ early-data-allowed=false$'
expect "$client_log" '^EVENT conn-closed kind=transport remote=true code=0x16e '
expect "$server_log" '^EVENT handshake-failed peer=[^ ]+ kind=transport remote=false code=0x16e reason="tls: client sent unexpected early data"$'
pass "early data on a ticket without early_data: quic-go aborts with CRYPTO_ERROR 0x16e"
stop_server

# --- ticket key file: created once, reused by the next server -----------------------------------
start_server tk1 --mode echo --early --ticket-key-file "$work/ticket.key"
grep -Eq '^[0-9a-f]{64}$' "$work/ticket.key" || fail "ticket key file not created as 64 hex digits"
key1=$(cat "$work/ticket.key")
stop_server
start_server tk2 --mode echo --early --ticket-key-file "$work/ticket.key"
client tk2 0 --mode zero-rtt --expect-0rtt accepted
stop_server
[ "$(cat "$work/ticket.key")" = "$key1" ] || fail "ticket key file was rewritten"
pass "--ticket-key-file is created once and reused"

# restart_during_resume NAME CLIENT_EXPECTED_RC FIRST_SERVER_ARGS -- SECOND_SERVER_ARGS -- CLIENT_ARGS
# The client primes against the first server, which is then replaced on the same port by the
# second before the client's 0-RTT dial.
restart_during_resume() {
    local name=$1 want=$2; shift 2
    local first=() second=()
    while [ "$1" != "--" ]; do first+=("$1"); shift; done; shift
    while [ "$1" != "--" ]; do second+=("$1"); shift; done; shift
    start_server "$name-a" "${first[@]}"
    timeout 40 "$peer" client --connect "$addr" --ca "$work/certs/ca.pem" --mode zero-rtt \
        --resume-pause 1500ms "$@" > "$work/cli-$name.log" 2>&1 {server_fd}>&- &
    local cpid=$!
    client_log="$work/cli-$name.log"
    expect "$client_log" '^EVENT priming-conn-closed'
    stop_server
    start_server "$name-b" --listen "$addr" "${second[@]}"
    wait "$cpid"
    local rc=$?
    [ "$rc" = "$want" ] || fail "client $name exited $rc, expected $want"
    stop_server
}
restart_during_resume restart-same-key 0 --mode echo --early --ticket-key-file "$work/k2" \
    -- --mode echo --early --ticket-key-file "$work/k2" -- --expect-0rtt accepted
expect "$client_log" 'RESULT zero-rtt status=ok used0rtt=true'
pass "restart with the same ticket key and --early: 0-RTT accepted"
restart_during_resume restart-no-early 0 --mode echo --early --ticket-key-file "$work/k3" \
    -- --mode echo --ticket-key-file "$work/k3" -- --expect-0rtt rejected
expect "$client_log" 'RESULT zero-rtt status=ok used0rtt=false rejected=true resumed=true reply=ok'
pass "restart with the same ticket key without --early: 0-RTT rejected cleanly, session resumed"
restart_during_resume restart-new-key 0 --mode echo --early -- --mode echo --early -- --expect-0rtt rejected
expect "$client_log" 'RESULT zero-rtt status=ok used0rtt=false rejected=true resumed=false reply=ok'
pass "restart with new ticket keys: 0-RTT rejected cleanly, full handshake"

# --- safety ---------------------------------------------------------------------------------------
if timeout 5 "$peer" client --connect 192.0.2.1:443 --insecure > "$work/nonloop.log" 2>&1; then
    fail "a non-loopback --connect was accepted"
fi
grep -q 'not a loopback address' "$work/nonloop.log" || fail "non-loopback refusal message"
if timeout 5 "$peer" server --listen 0.0.0.0:0 < /dev/null > "$work/nonloop2.log" 2>&1; then
    fail "a non-loopback --listen was accepted"
fi
pass "non-loopback addresses refused"
start_server exitafter --mode echo --exit-after 300ms
for _ in $(seq 60); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.05; done
kill -0 "$server_pid" 2>/dev/null && fail "--exit-after did not end the server"
grep -q 'server-exit reason=exit-after' "$server_log" || fail "exit-after reason"
exec {server_fd}>&-; server_pid=""
pass "--exit-after ends the server"

if [ "$bench" = 1 ]; then
    timeout 120 "$peer" bench --streams 20000 --concurrency 16 > "$work/bench.log" 2>&1 || fail "bench"
    expect "$work/bench.log" '^RESULT churn-quicgo-quicgo [0-9.]+ streams/s'
    timeout 120 "$peer" bench-bulk --bytes 100000000 > "$work/bench-bulk.log" 2>&1 || fail "bench-bulk"
    expect "$work/bench-bulk.log" '^RESULT bulk-quicgo-quicgo [0-9.]+ MB/s'
    grep '^RESULT' "$work/bench.log" "$work/bench-bulk.log" | sed 's/^[^:]*://'
fi
echo "selftest: all passed"
