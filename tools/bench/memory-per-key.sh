#!/usr/bin/env bash
# memory-per-key.sh [N] [TYPES]: for each type in TYPES (default "string hash set zset list"),
# starts a fresh real redis-server and a fresh RedMesh node side by side, loads N (default
# 1,000,000) keys of that type into both with redis-cli --pipe, and prints the RSS growth per key
# of both (Redis: used_memory_rss; RedMesh: VmRSS from /proc), minus each empty server's RSS.
#   string  SET key:<i> val:<i>
#   hash    HSET key:<i> f0 v<i> ... f9 v<i+9>          (10 fields: a listpack in Redis)
#   set     SADD key:<i> m<i> ... m<i+9>                (10 members: a hashtable in Redis 7.0)
#   zset    ZADD key:<i> 0 z<i> 1.5 z<i+1> ...          (10 members: a listpack in Redis)
#   list    RPUSH key:<i> e<i> ... e<i+9>               (10 elements: a quicklist node)
# The node runs through bin/redmesh, so with the launcher's JVM options (REDMESH_JAVA_OPTS
# replaces them, as it does for the launcher). Also printed: the empty servers' RSS (after a
# short redis-benchmark warm-up, as a server looks once clients came), RedMesh's live heap after
# a full GC (what the keys really occupy) and both servers' used_memory. Loopback only; every
# server is stopped by its PID.
set -euo pipefail
N=${1:-1000000}
TYPES=${2:-string hash set zset list}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/rm-mem.XXXXXX)
RPID=""; MPID=""
stop_servers() {
  [ -n "$RPID" ] && kill "$RPID" 2>/dev/null; [ -n "$MPID" ] && kill "$MPID" 2>/dev/null
  [ -n "$RPID" ] && wait "$RPID" 2>/dev/null; [ -n "$MPID" ] && wait "$MPID" 2>/dev/null
  RPID=""; MPID=""; return 0
}
cleanup() { stop_servers; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_of() { awk '/VmRSS/ {print $2*1024}' "/proc/$1/status"; }
info_field() { redis-cli -p "$1" info memory | awk -F: -v f="$2" '$1==f {print $2+0}'; }
heap_used() { jcmd "$MPID" GC.heap_info | awk '/used/ {for(i=1;i<=NF;i++) if($i=="used") {v=$(i+1); sub("K","",v); s+=v*1024}} END {print s}'; }
live_heap() { jcmd "$MPID" GC.run >/dev/null; heap_used; }

make_load() { # type -> $WORK/<type>.resp
  PYTHONPATH="$ROOT/tools/bench" python3 - "$N" "$1" > "$WORK/$1.resp" <<'EOF'
import sys
from resp_out import cmd
n = int(sys.argv[1]); kind = sys.argv[2]
for i in range(n):
    k = "key:%d" % i
    if kind == "string": cmd("SET", k, "val:%d" % i)
    elif kind == "hash": cmd("HSET", k, *[y for f in range(10) for y in ("f%d" % f, "v%d" % (i + f))])
    elif kind == "set": cmd("SADD", k, *["m%d" % (i + f) for f in range(10)])
    elif kind == "zset": cmd("ZADD", k, *[y for f in range(10) for y in (str(f * 1.5), "z%d" % (i + f))])
    elif kind == "list": cmd("RPUSH", k, *["e%d" % (i + f) for f in range(10)])
    else: sys.exit("unknown type " + kind)
EOF
}

echo "# memory-per-key keys=$N $(date -u +%FT%TZ) load=$(cut -d' ' -f1-3 /proc/loadavg)"
echo "# redmesh JVM options: ${REDMESH_JAVA_OPTS:-bin/redmesh default}"
printf '%-7s %10s %10s %10s %10s %10s %10s %10s %7s %7s\n' type redis_rss0 rm_rss0 redis_B/k rm_B/k rm_heapB/k redis_um/k rm_um/k rss_x heap_x
for t in $TYPES; do
  make_load "$t"
  RP=$(free_port); MP=$(free_port)
  redis-server --port "$RP" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" >/dev/null 2>&1 & RPID=$!
  "$ROOT/bin/redmesh" server --port "$MP" --bind 127.0.0.1 --save "" --dir "$WORK" > "$WORK/rm.log" 2>&1 & MPID=$!
  for p in $RP $MP; do for _ in $(seq 600); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.2; done; done
  for p in $RP $MP; do redis-benchmark -p "$p" -n 20000 -q -t set,get,lpush,hset -r 1000 >/dev/null; redis-cli -p "$p" flushall >/dev/null; done
  sleep 1
  R0=$(info_field "$RP" used_memory_rss); M0=$(rss_of "$MPID"); H0=$(live_heap)
  redis-cli -p "$RP" --pipe < "$WORK/$t.resp" >/dev/null
  redis-cli -p "$MP" --pipe < "$WORK/$t.resp" >/dev/null
  sleep 1
  # RSS as a user sees it, read before this script forces a full GC (which may shrink the heap)
  R1=$(info_field "$RP" used_memory_rss); M1=$(rss_of "$MPID")
  H1=$(live_heap)
  RU=$(info_field "$RP" used_memory); MU=$(info_field "$MP" used_memory)
  RD=$(redis-cli -p "$RP" dbsize); MD=$(redis-cli -p "$MP" dbsize)
  [ "$RD" = "$N" ] && [ "$MD" = "$N" ] || echo "# WARNING $t: dbsize redis=$RD redmesh=$MD, expected $N"
  awk -v t="$t" -v n="$N" -v h0="$H0" -v h1="$H1" -v r0="$R0" -v r1="$R1" -v m0="$M0" -v m1="$M1" -v mu="$MU" -v ru="$RU" 'BEGIN {
    rk=(r1-r0)/n; mk=(m1-m0)/n; hk=(h1-h0)/n
    printf "%-7s %9.1fM %9.1fM %10.1f %10.1f %10.1f %10.1f %10.1f %7.2f %7.2f\n", t, r0/1e6, m0/1e6, rk, mk, hk, ru/n, mu/n, mk/rk, hk/rk }'
  stop_servers
  rm -f "$WORK/$t.resp"
done
echo "# columns: *_rss0 = empty server RSS after warm-up; *_B/k = RSS growth per key; rm_heapB/k = RedMesh live"
echo "# heap growth per key after a full GC; *_um/k = used_memory per key (RedMesh: its own accounting);"
echo "# rss_x = RedMesh/Redis RSS per key; heap_x = RedMesh live heap per key / Redis RSS per key"
