#!/usr/bin/env bash
# bgsave-pause.sh [N] [SLICE_US]: the longest client-visible pause during a BGSAVE of N keys
# (default 1,000,000) with the snapshot walk's lock slice SLICE_US (default 250 µs).
#
# Runs node's BgsavePauseBench (opt-in, not part of the test suite): an in-process node loads N
# string keys, a probe connection issues PING/GET back to back for 3 s without a save (baseline),
# then while a BGSAVE runs; prints p50/p99/p99.9/max round trip of each, the save's duration and
# the longest time the walk held the server lock. The node's RDB writer is used when it is wired
# in; otherwise a length-prefixed stand-in doing the same per-key work minus LZF.
# Loopback only; everything stops with the JVM. Run it on an otherwise idle machine: a walk thread
# descheduled while it holds the lock shows up as a pause.
set -euo pipefail
N=${1:-1000000}
SLICE=${2:-250}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
mvn -q -B -o -pl node test -Dtest=BgsavePauseBench -Dbench.keys="$N" -Dbench.slice.us="$SLICE" \
    -Dsurefire.failIfNoSpecifiedTests=false >/dev/null
grep -A3 "BGSAVE pause bench" node/target/surefire-reports/io.redmesh.node.persist.BgsavePauseBench-output.txt
