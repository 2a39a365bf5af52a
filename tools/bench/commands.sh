#!/usr/bin/env bash
# commands.sh SET [ROUNDS] [REQUESTS]: redis-benchmark throughput and server CPU per request of a
# set of commands (SET: bitmap-hll or sort-geo), RedMesh against a real redis-server started here, interleaved
# per workload (redis, redmesh, redis, ...) so that machine noise hits both alike. Prints per
# workload the median rps of each, the median ratio (RedMesh / Redis) and the CPU microseconds
# per request of each server. Needs cli/target/redmesh.jar (mvn -q -B -DskipTests package).
# Loopback only; both servers are stopped by their PIDs.
set -euo pipefail
SET=${1:?usage: commands.sh bitmap-hll|sort-geo [ROUNDS] [REQUESTS]}; ROUNDS=${2:-3}; N=${3:-200000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=$(mktemp -d /tmp/commands-bench.XXXXXX)
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

# name | redis-benchmark arguments (50 clients, keys chosen by __rand_int__ over -r), and the
# same data loaded into both servers first
case "$SET" in
  bitmap-hll)
    WORKLOADS=(
      "pfadd|-r 10000000 PFADD hll __rand_int__"
      "pfcount_cached|PFCOUNT hll"
      "pfcount_2keys|PFCOUNT hll hll2"
      "pfmerge|PFMERGE hll3 hll hll2"
      "bitcount_1MB|BITCOUNT bm"
    )
    # No SETBIT/GETBIT/BITFIELD with random offsets: redis-benchmark's __rand_int__ is zero-padded
    # ("000000001234"), which both servers refuse as a bit offset.
    for p in "$RP" "$NP"; do # two dense sketches and a 1 MB bitmap
      redis-benchmark -p "$p" -c 50 -n 100000 -r 10000000 -q PFADD hll __rand_int__ >/dev/null
      redis-benchmark -p "$p" -c 50 -n 100000 -r 10000000 -q PFADD hll2 __rand_int__ >/dev/null
      redis-cli -p "$p" SETBIT bm 8000000 1 >/dev/null
    done ;;
  sort-geo)
    WORKLOADS=(
      "sort_100|SORT nums"
      "sort_100_alpha_limit|SORT words ALPHA LIMIT 0 10"
      "sort_by_get|SORT ids BY w_* GET h_*->f LIMIT 0 10"
      "geoadd|-r 10000000 GEOADD places 13.361389 38.115556 m__rand_int__"
      "geopos|GEOPOS pts p1 p2 p3"
      "geodist|GEODIST pts p1 p2 km"
      "geosearch_100km_count10|GEOSEARCH pts FROMLONLAT 15 37 BYRADIUS 100 km ASC COUNT 10"
      "geosearch_box_withcoord|GEOSEARCH pts FROMLONLAT 15 37 BYBOX 50 50 km WITHCOORD WITHDIST"
    )
    # 100 numbers, 100 words, 100 ids with weights and hash fields; 10,000 points around Sicily
    python3 - >"$DIR/load.txt" <<'PY'
import random
r = random.Random(7)
print("RPUSH nums " + " ".join(str(r.randint(-10**6, 10**6)) for _ in range(100)))
print("RPUSH words " + " ".join("w%x" % r.getrandbits(40) for _ in range(100)))
print("RPUSH ids " + " ".join(str(i) for i in range(100)))
for i in range(100):
    print("SET w_%d %d" % (i, r.randint(0, 10**6)))
    print("HSET h_%d f v%d" % (i, i))
for i in range(10000):
    print("GEOADD pts %.6f %.6f p%d" % (15 + r.gauss(0, 1.5), 37.5 + r.gauss(0, 1), i))
PY
    for p in "$RP" "$NP"; do redis-cli -p "$p" <"$DIR/load.txt" >/dev/null; done ;;
  *) echo "unknown set '$SET' (bitmap-hll, sort-geo)" >&2; exit 2 ;;
esac

run() { # port pid args... -> "rps cpu_us_per_req"
  local p=$1 pid=$2; shift 2
  local c0; c0=$(cpu "$pid")
  local rps; rps=$(timeout 120 redis-benchmark -p "$p" -c 50 -n "$N" --csv "$@" 2>/dev/null | tail -1 | cut -d, -f2 | tr -d '"')
  local c1; c1=$(cpu "$pid")
  echo "$rps $(( (c1 - c0) * TICK_US * 1000 / N ))" # cpu in ns/1000 = us with 3 decimals below
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

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
