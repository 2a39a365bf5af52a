#!/usr/bin/env bash
# save-load.sh [KEYS] [ROUNDS]: SAVE and start-up load time of KEYS mixed keys (default
# 1,000,000: 60% strings, 10% each hashes/lists/sets/sorted sets of 10 elements), a real
# redis-server against RedMesh unsealed and RedMesh sealed (encryption-at-rest), each filled with
# the same data through redis-cli --pipe. SAVE is timed by the client; load is the server's own
# "DB loaded from disk: N seconds" log line. Loopback only; every server is stopped by its PID.
# Needs cli/target/redmesh.jar (bin/redmesh builds it), redis-server, redis-cli, python3.
set -euo pipefail
N=${1:-1000000}; ROUNDS=${2:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR=$ROOT/cli/target/redmesh.jar
DIR=$(mktemp -d /tmp/save-load.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$DIR"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

PYTHONPATH="$ROOT/tools/bench" python3 - "$N" > "$DIR/data.resp" <<'EOF'
import sys
from resp_out import cmd
n = int(sys.argv[1])
for i in range(n):
    k = "key:%d" % i; kind = i % 10
    if kind < 6:
        cmd("SET", k, "value-%d-%s" % (i, "x" * (i % 40)))
    elif kind == 6:
        cmd("HSET", k, *[y for f in range(10) for y in ("f%d" % f, "v%d" % (i + f))])
    elif kind == 7:
        cmd("RPUSH", k, *["e%d" % (i + f) for f in range(10)])
    elif kind == 8:
        cmd("SADD", k, *["m%d" % (i + f) for f in range(10)])
    else:
        cmd("ZADD", k, *[y for f in range(10) for y in (str(f * 1.5), "z%d" % (i + f))])
    if i % 50 == 0:
        cmd("PEXPIRE", k, 86400000)
EOF
printf 'k1 %s\n' "$(openssl rand -hex 32)" > "$DIR/master.keys"; chmod 600 "$DIR/master.keys"

start() { # name port dir args... ; sets SPID
  local name=$1 port=$2 dir=$3; shift 3
  mkdir -p "$dir"
  if [ "$name" = redis ]; then
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" "$@" >"$dir/log" 2>&1 &
  else
    # the launcher's JVM options, as a user's node runs (REDMESH_JAVA_OPTS replaces them)
    "$ROOT/bin/redmesh" server --port "$port" --bind 127.0.0.1 --save "" --dir "$dir" "$@" >"$dir/log" 2>&1 &
  fi
  SPID=$!; PIDS+=("$SPID")
  for _ in $(seq 600); do grep -q "Ready to accept connections" "$dir/log" 2>/dev/null && return; sleep 0.1; done
  echo "$name did not start: $(tail -3 "$dir/log")" >&2; exit 1
}
stop() { redis-cli -p "$1" SHUTDOWN NOSAVE >/dev/null 2>&1 || true; wait "$2" 2>/dev/null || true; }

echo "# save-load keys=$N rounds=$ROUNDS $(date -u +%FT%TZ) load=$(cut -d' ' -f1-3 /proc/loadavg) redmesh JVM options: ${REDMESH_JAVA_OPTS:-bin/redmesh default}"
echo "round server save_s load_s rdb_bytes"
for r in $(seq "$ROUNDS"); do
  for variant in redis redmesh redmesh-sealed; do
    d=$DIR/$variant; rm -rf "$d"; port=$(free_port)
    extra=(); name=redmesh
    [ "$variant" = redis ] && name=redis
    [ "$variant" = redmesh-sealed ] && extra=(--encryption-at-rest yes --encryption-key-file "$DIR/master.keys")
    start "$name" "$port" "$d" "${extra[@]}"
    redis-cli -p "$port" --pipe < "$DIR/data.resp" >/dev/null
    t0=$(date +%s.%N); redis-cli -p "$port" SAVE >/dev/null; t1=$(date +%s.%N)
    stop "$port" "$SPID"
    start "$name" "$port" "$d" "${extra[@]}"
    load=$(grep -o "DB loaded from disk: [0-9.]* seconds" "$d/log" | grep -o "[0-9.]*" | head -1)
    keys=$(redis-cli -p "$port" DBSIZE)
    [ "$keys" = "$N" ] || { echo "$variant loaded $keys keys, expected $N" >&2; exit 1; }
    stop "$port" "$SPID"
    echo "$r $variant $(awk "BEGIN{printf \"%.3f\", $t1 - $t0}") $load $(stat -c %s "$d/dump.rdb")"
  done
done
