#!/usr/bin/env bash
# aof-set.sh [ROUNDS] [SCALE]: redis-benchmark SET throughput with the AOF on, RedMesh against a
# real redis-server through ../shared/bench/compare.sh, for appendfsync everysec and always, with
# RedMesh unsealed and sealed (encryption-at-rest). Redis gets the same appendonly/appendfsync
# through a wrapper passed as REDIS_SERVER. Loopback only; every server is stopped by its PID.
set -euo pipefail
ROUNDS=${1:-3}; SCALE=${2:-0.5}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
COMPARE=${COMPARE:-$ROOT/../shared/bench/compare.sh}
DIR=$(mktemp -d /tmp/aof-set.XXXXXX)
NPID=""
trap '[ -n "$NPID" ] && kill $NPID 2>/dev/null; wait 2>/dev/null; rm -rf "$DIR"' EXIT
printf 'k1 %s\n' "$(openssl rand -hex 32)" > "$DIR/master.keys"; chmod 600 "$DIR/master.keys"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
for F in everysec always; do
  printf '#!/bin/sh\nexec /usr/bin/redis-server "$@" --appendonly yes --appendfsync %s\n' "$F" > "$DIR/rs-aof"
  chmod +x "$DIR/rs-aof"
  for sealed in no yes; do
    P=$(port); D=$DIR/node-$F-$sealed; mkdir -p "$D"
    extra=(); [ $sealed = yes ] && extra=(--encryption-at-rest yes --encryption-key-file "$DIR/master.keys")
    java -XX:+UseParallelGC -jar "$ROOT/cli/target/redmesh.jar" server --port "$P" --bind 127.0.0.1 --save "" \
      --appendonly yes --appendfsync "$F" --dir "$D" "${extra[@]}" >"$D/log" 2>&1 &
    NPID=$!
    for _ in $(seq 300); do grep -q "Ready to accept" "$D/log" && break; sleep 0.1; done
    echo "### appendfsync=$F sealed=$sealed"
    REDIS_SERVER=$DIR/rs-aof "$COMPARE" 127.0.0.1 "$P" --only set_c50_P1,set_c50_P16 --rounds "$ROUNDS" \
      --scale "$SCALE" --target-pid "$NPID"
    kill "$NPID"; wait "$NPID" 2>/dev/null || true; NPID=""
  done
done
