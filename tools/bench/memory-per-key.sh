#!/usr/bin/env bash
# memory-per-key.sh [N]: loads N (default 1,000,000) small string keys ("key:<i>" -> "val:<i>")
# into a real redis-server and into a RedMesh node with redis-cli --pipe, then prints RSS per key
# for both (Redis: used_memory_rss; RedMesh: process RSS from /proc), minus each empty server's RSS.
# Loopback only; both servers are stopped by PID at the end.
set -euo pipefail
N=${1:-1000000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/rm-mem.XXXXXX)
RPID=""; MPID=""
cleanup() { [ -n "$RPID" ] && kill "$RPID" 2>/dev/null; [ -n "$MPID" ] && kill "$MPID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
RP=$(free_port); MP=$(free_port)
redis-server --port "$RP" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" >/dev/null 2>&1 & RPID=$!
java ${REDMESH_JAVA_OPTS:--XX:+UseParallelGC} -jar "$ROOT/cli/target/redmesh.jar" server --port "$MP" --bind 127.0.0.1 --save "" > "$WORK/rm.log" 2>&1 & MPID=$!
for p in $RP $MP; do for _ in $(seq 300); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.2; done; done
rss_of() { awk '/VmRSS/ {print $2*1024}' "/proc/$1/status"; }
R0=$(redis-cli -p "$RP" info memory | awk -F: '/^used_memory_rss:/ {print $2+0}')
M0=$(rss_of "$MPID")
jcmd "$MPID" GC.run >/dev/null
H0=$(jcmd "$MPID" GC.heap_info | awk '/used/ {for(i=1;i<=NF;i++) if($i=="used") {v=$(i+1); sub("K","",v); s+=v*1024}} END {print s}')
python3 -c "
import sys
out=sys.stdout.buffer
for i in range($N):
    k=b'key:%d'%i; v=b'val:%d'%i
    out.write(b'*3\r\n\$3\r\nSET\r\n\$%d\r\n%s\r\n\$%d\r\n%s\r\n'%(len(k),k,len(v),v))
" > "$WORK/load.resp"
redis-cli -p "$RP" --pipe < "$WORK/load.resp" >/dev/null
redis-cli -p "$MP" --pipe < "$WORK/load.resp" >/dev/null
sleep 1
# A JVM's RSS includes garbage and headroom the collector has not returned; also report the live
# heap after a full GC, which is what the keys really occupy.
live_heap() { jcmd "$MPID" GC.run >/dev/null; jcmd "$MPID" GC.heap_info | awk '/used/ {for(i=1;i<=NF;i++) if($i=="used") {v=$(i+1); sub("K","",v); s+=v*1024}} END {print s}'; }
H1=$(live_heap)
R1=$(redis-cli -p "$RP" info memory | awk -F: '/^used_memory_rss:/ {print $2+0}')
M1=$(rss_of "$MPID")
MU=$(redis-cli -p "$MP" info memory | awk -F: '/^used_memory:/ {print $2+0}')
RU=$(redis-cli -p "$RP" info memory | awk -F: '/^used_memory:/ {print $2+0}')
echo "keys=$N redis_dbsize=$(redis-cli -p "$RP" dbsize) redmesh_dbsize=$(redis-cli -p "$MP" dbsize)"
awk -v n="$N" -v h0="$H0" -v h1="$H1" -v r0="$R0" -v r1="$R1" -v m0="$M0" -v m1="$M1" -v mu="$MU" -v ru="$RU" 'BEGIN {
  printf "redis   rss %.1f MB -> %.1f MB: %.1f bytes/key (used_memory %.1f bytes/key)\n", r0/1e6, r1/1e6, (r1-r0)/n, ru/n;
  printf "redmesh rss %.1f MB -> %.1f MB: %.1f bytes/key (used_memory %.1f bytes/key, own accounting)\n", m0/1e6, m1/1e6, (m1-m0)/n, mu/n;
  printf "redmesh live heap after full GC: %.1f bytes/key\n", (h1-h0)/n;
  printf "ratio redmesh/redis (rss per key): %.2f; (live heap per key vs redis rss per key): %.2f\n", ((m1-m0)/n)/((r1-r0)/n), ((h1-h0)/n)/((r1-r0)/n) }'
