#!/usr/bin/env bash
# Compares RedMesh's two TLS providers (tls-provider openssl = netty-tcnative BoringSSL, jdk =
# the JDK's SSLEngine) with redis-benchmark over TLS, and Debian's redis-server as a reference:
#   - handshake rate: a new TLS connection per request (-k 0)
#   - throughput: SET/GET, 50 clients, unpipelined and -P 16
# Bounded: every run has a request count; servers listen on loopback only and are stopped at the end.
#   tools/bench-tls-provider.sh            # N=100000 requests per throughput run
#   N=20000 HS=3000 tools/bench-tls-provider.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
N=${N:-100000}
HS=${HS:-5000}
ROUNDS=${ROUNDS:-2}
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# Throw-away certificates (never committed): a CA and a server certificate for 127.0.0.1.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/ca.key" -out "$WORK/ca.crt" -days 1 -subj "/CN=bench-ca" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$WORK/server.key" -out "$WORK/server.csr" -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$WORK/ext"
openssl x509 -req -in "$WORK/server.csr" -CA "$WORK/ca.crt" -CAkey "$WORK/ca.key" -CAcreateserial \
  -out "$WORK/server.crt" -days 1 -extfile "$WORK/ext" 2>/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
TLS=(--tls --cacert "$WORK/ca.crt")
SERVER_TLS=(--port 0 --bind 127.0.0.1 --save "" --tls-cert-file "$WORK/server.crt" --tls-key-file "$WORK/server.key"
  --tls-ca-cert-file "$WORK/ca.crt" --tls-auth-clients no)

wait_ready() {
  for _ in $(seq 1 200); do
    redis-cli -p "$1" "${TLS[@]}" PING 2>/dev/null | grep -q PONG && return 0
    sleep 0.1
  done
  echo "server on $1 did not start" >&2; return 1
}

rps() { # prints requests/s of the last line of redis-benchmark -q output for one test
  redis-benchmark -p "$1" "${TLS[@]}" -q "${@:2}" 2>/dev/null | tr '\r' '\n' | grep 'requests per second' | tail -1 \
    | sed -E 's/.*: ([0-9.]+) requests per second.*/\1/'
}

measure() { # name port
  local name=$1 port=$2
  # warm-up (JIT, session caches), not reported
  rps "$port" -c 50 -n 20000 -t set >/dev/null
  rps "$port" -k 0 -c 10 -n 1000 -t get >/dev/null
  for r in $(seq 1 "$ROUNDS"); do
    hs=$(rps "$port" -k 0 -c 10 -n "$HS" -t get)
    set1=$(rps "$port" -c 50 -n "$N" -t set)
    get1=$(rps "$port" -c 50 -n "$N" -t get)
    setp=$(rps "$port" -c 50 -n "$((N * 4))" -P 16 -t set)
    getp=$(rps "$port" -c 50 -n "$((N * 4))" -P 16 -t get)
    printf '%-10s round %s  handshakes/s %9s  SET %9s  GET %9s  SET -P16 %10s  GET -P16 %10s\n' \
      "$name" "$r" "$hs" "$set1" "$get1" "$setp" "$getp"
  done
}

JAR=$ROOT/cli/target/redmesh.jar
"$ROOT/bin/redmesh" --version >/dev/null # builds the jar if needed

for provider in openssl jdk; do
  port=$(free_port)
  "$ROOT/bin/redmesh-server" "${SERVER_TLS[@]}" --tls-port "$port" --tls-provider "$provider" \
    --logfile "$WORK/redmesh-$provider.log" &
  PIDS+=($!)
  wait_ready "$port"
  measure "$provider" "$port"
  kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
done

if command -v redis-server >/dev/null; then
  port=$(free_port)
  redis-server "${SERVER_TLS[@]}" --tls-port "$port" --appendonly no --dir "$WORK" --logfile "$WORK/redis.log" &
  PIDS+=($!)
  wait_ready "$port"
  measure "redis" "$port"
fi
echo "java: $(java -version 2>&1 | head -1); cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"
