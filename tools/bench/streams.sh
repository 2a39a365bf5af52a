#!/usr/bin/env bash
# streams.sh [ROUNDS] [REQUESTS]: redis-benchmark throughput and server CPU per request of XADD and
# of a consumer group's XREADGROUP + XACK, RedMesh against a real redis-server started here,
# interleaved per workload (see interleaved.sh). Needs cli/target/redmesh.jar
# (mvn -q -B -DskipTests package). Loopback only; both servers are stopped by their PIDs.
#
# xreadgroup reads one new entry per call (COUNT 1, ">") from a stream filled beforehand with
# IDs 1-0, 1-1, ... (enough for every round); xack acknowledges 1-<random> of those, most of them
# pending by then. redis-benchmark's __rand_int__ is zero-padded ("1-000000001234"): both servers
# read it as 1-1234, as strtoull does.
ROUNDS=${1:-3}; N=${2:-100000}
# shellcheck source=interleaved.sh
source "$(dirname "$0")/interleaved.sh"

TOTAL=$(( (ROUNDS + 1) * N ))
WORKLOADS=(
  "xadd|XADD s * sensor 1234 temp 22.5"
  "xadd_maxlen~|XADD capped MAXLEN ~ 10000 * sensor 1234 temp 22.5"
  "xreadgroup|XREADGROUP GROUP g c1 COUNT 1 STREAMS q >"
  "xack|-r $TOTAL XACK q g 1-__rand_int__"
)
fill() {
  awk -v n="$TOTAL" 'BEGIN { for (i = 0; i < n; i++) printf "*5\r\n$4\r\nXADD\r\n$1\r\nq\r\n$%d\r\n1-%d\r\n$1\r\nf\r\n$1\r\nv\r\n", length("1-" i), i }' \
    | redis-cli -p "$p" --pipe >/dev/null
  redis-cli -p "$p" XGROUP CREATE q g 0 >/dev/null
}
setup_both fill
compare
