#!/usr/bin/env bash
# Compares RedMesh's two TLS providers — tls-provider openssl (netty-tcnative BoringSSL) and
# tls-provider jdk (the JDK's SSLEngine) — with Debian's redis-server over the same TLS material
# as the reference. Uses the shared harness ../shared/bench/redis-bench.sh (redis-benchmark
# workloads, server CPU per request from /proc): SET/GET with 50 clients unpipelined and -P 16,
# and a new TLS connection per request (conn_k0_get: the handshake rate).
# Rounds are interleaved (openssl, jdk, redis, openssl, ...) so drifting machine load hits all
# three alike. Bounded: fixed request counts; loopback only; every server is stopped at the end.
#   tools/bench-tls-provider.sh [--rounds 3] [--scale 0.5] [--certs rsa|ec] [--raw DIR]
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
BENCH=${REDMESH_BENCH_DIR:-$ROOT/../shared/bench}
ROUNDS=3
SCALE=0.5
KIND=ec
RAW=
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --scale) SCALE=$2; shift 2 ;;
    --certs) KIND=$2; shift 2 ;;
    --raw) RAW=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
WORKLOADS=set_c50_P1,get_c50_P1,set_c50_P16,get_c50_P16,conn_k0_get
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

CERTS=${REDMESH_BENCH_TLS:-/tmp/redmesh-bench-tls}
[ -f "$CERTS/$KIND/server.crt" ] || "$BENCH/tls/gen-certs.sh" "$CERTS" >/dev/null
D=$CERTS/$KIND
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SERVER_TLS=(--port 0 --bind 127.0.0.1 --save "" --tls-cert-file "$D/server.crt" --tls-key-file "$D/server.key"
  --tls-ca-cert-file "$D/ca.crt" --tls-auth-clients no)

wait_ready() {
  for _ in $(seq 1 300); do
    redis-cli -p "$1" --tls --cacert "$D/ca.crt" PING 2>/dev/null | grep -q PONG && return 0
    sleep 0.2
  done
  echo "server on $1 did not start" >&2; return 1
}

"$ROOT/bin/redmesh" --version >/dev/null # builds the jar when stale
declare -A PORT PID
for provider in openssl jdk; do
  PORT[$provider]=$(free_port)
  "$ROOT/bin/redmesh-server" "${SERVER_TLS[@]}" --tls-port "${PORT[$provider]}" --tls-provider "$provider" \
    --logfile "$WORK/redmesh-$provider.log" &
  PID[$provider]=$!; PIDS+=($!)
done
PORT[redis]=$(free_port)
redis-server "${SERVER_TLS[@]}" --tls-port "${PORT[redis]}" --appendonly no --dir "$WORK" \
  --logfile "$WORK/redis.log" &
PID[redis]=$!; PIDS+=($!)
for t in openssl jdk redis; do wait_ready "${PORT[$t]}"; done

# warm-up (JIT, caches): not reported
for t in openssl jdk; do
  "$BENCH/redis-bench.sh" 127.0.0.1 "${PORT[$t]}" --tls --cacert "$D/ca.crt" --scale 0.1 --only "$WORKLOADS" >/dev/null
done

echo "# $(date -u +%F) certs=$KIND scale=$SCALE rounds=$ROUNDS; $(java -version 2>&1 | head -1); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# target round workload rps p50_ms p99_ms srv_cpu_us_per_req"
for r in $(seq 1 "$ROUNDS"); do
  for t in openssl jdk redis; do
    args=(127.0.0.1 "${PORT[$t]}" --tls --cacert "$D/ca.crt" --pid "${PID[$t]}" --scale "$SCALE" --only "$WORKLOADS")
    [ -n "$RAW" ] && args+=(--raw "$RAW/$t-$r")
    "$BENCH/redis-bench.sh" "${args[@]}" | sed "s/^/$t $r /"
  done
done
echo "# load at end $(cut -d' ' -f1-3 /proc/loadavg)"
