#!/usr/bin/env bash
# bitmap-hll.sh [ROUNDS] [REQUESTS]: redis-benchmark throughput and server CPU per request of the
# bitmap and HyperLogLog commands, RedMesh against a real redis-server started here, interleaved
# per workload (redis, redmesh, redis, ...) so that machine noise hits both alike. Prints per
# workload the median rps of each, the median ratio (RedMesh / Redis) and the CPU microseconds
# per request of each server. Needs cli/target/redmesh.jar (mvn -q -B -DskipTests package).
# Loopback only; both servers are stopped by their PIDs.
ROUNDS=${1:-3}; N=${2:-200000}
# shellcheck source=interleaved.sh
source "$(dirname "$0")/interleaved.sh"

# name | redis-benchmark arguments (50 clients, keys chosen by __rand_int__ over -r)
WORKLOADS=(
  "pfadd|-r 10000000 PFADD hll __rand_int__"
  "pfcount_cached|PFCOUNT hll"
  "pfcount_2keys|PFCOUNT hll hll2"
  "pfmerge|PFMERGE hll3 hll hll2"
  "bitcount_1MB|BITCOUNT bm"
)
# No SETBIT/GETBIT/BITFIELD with random offsets: redis-benchmark's __rand_int__ is zero-padded
# ("000000001234"), which both servers refuse as a bit offset.
# the same data in both: two dense sketches and a 1 MB bitmap
fill() {
  redis-benchmark -p "$p" -c 50 -n 100000 -r 10000000 -q PFADD hll __rand_int__ >/dev/null
  redis-benchmark -p "$p" -c 50 -n 100000 -r 10000000 -q PFADD hll2 __rand_int__ >/dev/null
  redis-cli -p "$p" SETBIT bm 8000000 1 >/dev/null
}
setup_both fill

compare
