#!/usr/bin/env bash
# EVALSHA of a rate-limiter script (INCR + EXPIRE on the first hit) with redis-benchmark, against
# RedMesh and Debian's redis-server in the same run, rounds interleaved (redmesh, redis, ...) so
# machine load hits both alike. Prints per round: requests/s and server CPU microseconds per
# request (from /proc/PID/stat), then the medians and the ratio. Plain TCP on loopback; bounded
# request counts; both servers are stopped at the end.
#   tools/bench-evalsha.sh [--rounds 3] [--requests 200000] [--clients 50] [--pipeline 1]
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
ROUNDS=3
N=200000
C=50
P=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --requests) N=$2; shift 2 ;;
    --clients) C=$2; shift 2 ;;
    --pipeline) P=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
SCRIPT="local n = redis.call('incr', KEYS[1]) if n == 1 then redis.call('expire', KEYS[1], ARGV[1]) end return n"
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() {
  for _ in $(seq 1 300); do
    redis-cli -p "$1" PING 2>/dev/null | grep -q PONG && return 0
    sleep 0.2
  done
  echo "server on $1 did not start" >&2; return 1
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

"$ROOT/bin/redmesh" --version >/dev/null # builds the jar when stale
declare -A PORT PID
PORT[redmesh]=$(free_port)
"$ROOT/bin/redmesh-server" --port "${PORT[redmesh]}" --bind 127.0.0.1 --save "" --logfile "$WORK/redmesh.log" &
PID[redmesh]=$!; PIDS+=($!)
PORT[redis]=$(free_port)
redis-server --port "${PORT[redis]}" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" --logfile "$WORK/redis.log" &
PID[redis]=$!; PIDS+=($!)
declare -A SHA
for t in redmesh redis; do
  wait_ready "${PORT[$t]}"
  SHA[$t]=$(redis-cli -p "${PORT[$t]}" SCRIPT LOAD "$SCRIPT")
done
[ "${SHA[redmesh]}" = "${SHA[redis]}" ] || { echo "SCRIPT LOAD differs: ${SHA[redmesh]} vs ${SHA[redis]}" >&2; exit 1; }
HZ=$(getconf CLK_TCK)

run() { # target requests -> "rps cpu_us_per_request"
  local t=$1 n=$2 before after out rps
  before=$(cpu_ticks "${PID[$t]}")
  out=$(redis-benchmark -p "${PORT[$t]}" -n "$n" -c "$C" -P "$P" -r 10000 -q \
    EVALSHA "${SHA[$t]}" 1 "rl:__rand_int__" 60 2>/dev/null | tr '\r' '\n' | grep -E 'requests per second' | tail -1)
  after=$(cpu_ticks "${PID[$t]}")
  rps=$(echo "$out" | sed -E 's/.*: ([0-9.]+) requests per second.*/\1/')
  echo "$rps $(python3 -c "print(round(($after-$before)/$HZ*1e6/$n, 1))")"
}

for t in redmesh redis; do run "$t" $((N / 5)) >/dev/null; done # warm-up (JIT), not reported
echo "# $(date -u +%F) EVALSHA INCR+EXPIRE, n=$N c=$C P=$P rounds=$ROUNDS; $(java -version 2>&1 | head -1); load $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A RPS CPU
for r in $(seq 1 "$ROUNDS"); do
  for t in redmesh redis; do
    read -r rps cpu < <(run "$t" "$N")
    RPS[$t]+="$rps "; CPU[$t]+="$cpu "
    echo "round $r $t: $rps req/s, $cpu us CPU/request"
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mr=$(echo "${RPS[redmesh]}" | median); rr=$(echo "${RPS[redis]}" | median)
mc=$(echo "${CPU[redmesh]}" | median); rc=$(echo "${CPU[redis]}" | median)
echo "median: redmesh $mr req/s $mc us/req; redis $rr req/s $rc us/req; throughput ratio $(python3 -c "print(round($mr/$rr, 2))"), CPU ratio $(python3 -c "print(round($mc/$rc, 2))")"
