#!/usr/bin/env bash
# acl-cost.sh - what ACL checks cost: redis-benchmark as an unrestricted ACL user and as a
# restricted one (key patterns + a few categories), against a RedMesh node and a real
# redis-server 7.0.15 given the same users, interleaved per round. Loopback only.
#
# Usage: tools/bench/acl-cost.sh [ROUNDS] [REQUESTS]   (defaults 3, 200000)
# Needs cli/target/redmesh.jar (mvn -q -B -DskipTests package), redis-server, redis-benchmark.
set -eu
ROUNDS=${1:-3}; N=${2:-200000}
HERE=$(cd "$(dirname "$0")/../.." && pwd)
DIR=$(mktemp -d /tmp/acl-cost.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
RP=$(free_port); OP=$(free_port)
USERS=(--user full on ">pw" "~*" "&*" "+@all"
       --user restricted on ">pw" "~key:*" "~counter:*" "~my*" resetchannels -@all +@read +@write +@connection
       -@dangerous "+config|get")
redis-server --port "$RP" --bind 127.0.0.1 --save "" --appendonly no --dir "$DIR" "${USERS[@]}" >"$DIR/redis.log" 2>&1 &
RPID=$!
java -XX:+UseParallelGC -jar "$HERE/cli/target/redmesh.jar" server --port "$OP" --bind 127.0.0.1 --save "" \
  "${USERS[@]}" >"$DIR/redmesh.log" 2>&1 &
OPID=$!
trap 'kill $RPID $OPID 2>/dev/null; wait 2>/dev/null; rm -rf "$DIR"' EXIT
for p in "$RP" "$OP"; do
  for _ in $(seq 100); do redis-cli -p "$p" PING 2>/dev/null | grep -q PONG && break; sleep 0.2; done
  redis-cli -p "$p" PING 2>/dev/null | grep -q PONG || { echo "server on port $p did not start" >&2; exit 1; }
done
TESTS=set,get,incr,lpush,lpop,sadd,hset
run() { # port user -> "test rps" lines
  redis-benchmark -h 127.0.0.1 -p "$1" --user "$2" -a pw -n "$N" -r 100000 -c 50 -t "$TESTS" --csv 2>/dev/null \
    | tail -n +2 | tr -d '"' | cut -d, -f1,2
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))
echo "# acl-cost rounds=$ROUNDS n=$N $(date -u +%FT%TZ) load=$(cut -d' ' -f1-3 /proc/loadavg)"
echo "# per round and user: each test's rps, then the server's CPU microseconds per request over all tests"
echo "round server user test rps"
for r in $(seq "$ROUNDS"); do
  for srv in redis:$RP:$RPID redmesh:$OP:$OPID; do
    IFS=: read -r name port pid <<<"$srv"
    for u in full restricted; do
      before=$(cpu_ticks "$pid")
      run "$port" "$u" | while IFS=, read -r t rps; do echo "$r $name $u $t $rps"; done
      after=$(cpu_ticks "$pid")
      tests=$(echo "$TESTS" | tr ',' '\n' | wc -l)
      echo "$r $name $u CPU_US_PER_REQ $(awk "BEGIN{printf \"%.2f\", ($after - $before) * $TICK_US / ($tests * $N)}")"
    done
  done
done
