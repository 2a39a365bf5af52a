#!/usr/bin/env bash
# interleaved.sh: sourced by the per-family benchmarks (bitmap-hll.sh, streams.sh). Starts a real
# redis-server and RedMesh (cli/target/redmesh.jar) on free loopback ports, and gives them
#   setup_both CMD...   run a command (a shell function name and its arguments) once per server
#                       with $p set to the server's port;
#   compare             redis-benchmark each entry of WORKLOADS ("name|arguments", 50 clients,
#                       N requests) ROUNDS times, interleaved (redis, redmesh, redis, ...), and
#                       print medians of rps, the RedMesh/Redis ratio and CPU us per request.
# The caller sets ROUNDS, N and WORKLOADS. Both servers are stopped by their PIDs on exit.
set -euo pipefail
set -f # workloads hold "*" (XADD's auto ID): never a glob
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIR=$(mktemp -d /tmp/bench-interleaved.XXXXXX)
RPID=""; NPID=""
trap '[ -n "$RPID" ] && kill $RPID 2>/dev/null; [ -n "$NPID" ] && kill $NPID 2>/dev/null; wait 2>/dev/null; rm -rf "$DIR"' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; } # utime+stime in clock ticks
TICK_US=$((1000000 / $(getconf CLK_TCK)))

RP=$(port); NP=$(port)
redis-server --port "$RP" --bind 127.0.0.1 --save "" --appendonly no --dir "$DIR" >"$DIR/redis.log" 2>&1 &
RPID=$!
java -XX:+UseParallelGC -jar "$ROOT/cli/target/redmesh.jar" server --port "$NP" --bind 127.0.0.1 --save "" \
  >"$DIR/node.log" 2>&1 &
NPID=$!
for p in "$RP" "$NP"; do
  for _ in $(seq 300); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
done

setup_both() {
  for p in "$RP" "$NP"; do "$@"; done
}

run() { # port pid args... -> "rps cpu_us_per_req"
  local p=$1 pid=$2; shift 2
  local c0; c0=$(cpu "$pid")
  local rps; rps=$(timeout 120 redis-benchmark -p "$p" -c 50 -n "$N" --csv "$@" 2>/dev/null | tail -1 | cut -d, -f2 | tr -d '"')
  local c1; c1=$(cpu "$pid")
  echo "$rps $(( (c1 - c0) * TICK_US * 1000 / N ))" # cpu in ns/1000 = us with 3 decimals below
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

compare() {
  printf '%-16s %10s %10s %6s %9s %9s\n' workload redis_rps redmesh_rps ratio redis_cpu redmesh_cpu
  for w in "${WORKLOADS[@]}"; do
    name=${w%%|*}; args=${w#*|}
    : >"$DIR/r"; : >"$DIR/n"; : >"$DIR/q"
    for _ in $(seq "$ROUNDS"); do
      # shellcheck disable=SC2086
      read -r rr rc <<<"$(run "$RP" "$RPID" $args)"
      # shellcheck disable=SC2086
      read -r nr nc <<<"$(run "$NP" "$NPID" $args)"
      echo "$rr $rc" >>"$DIR/r"; echo "$nr $nc" >>"$DIR/n"
      awk -v a="$nr" -v b="$rr" 'BEGIN {printf "%.2f\n", a / b}' >>"$DIR/q"
    done
    printf '%-16s %10s %10s %6s %9.2f %9.2f\n' "$name" "$(cut -d' ' -f1 "$DIR/r" | median)" \
      "$(cut -d' ' -f1 "$DIR/n" | median)" "$(median <"$DIR/q")" \
      "$(cut -d' ' -f2 "$DIR/r" | median | awk '{print $1/1000}')" "$(cut -d' ' -f2 "$DIR/n" | median | awk '{print $1/1000}')"
  done
}
