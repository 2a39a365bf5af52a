#!/usr/bin/env bash
# rotation.sh - what certificate rotation costs, on a 3-node in-JVM mesh (MeshTestbed, loopback):
#   1. root CA rotation: ms from publishing the overlap bundle + new issuing CA (what
#      `redmesh ca publish --issuing-dir` sends) to all nodes serving a leaf of the new CA (fresh
#      handshakes), and from publishing the final bundle to all nodes trusting only the new root;
#   2. redis-benchmark --tls (client certificate) SET/GET against one node, alternating runs
#      without rotation and with every node renewing its leaf every PERIOD_MS.
# Runs io.redmesh.agent.it.RotationBench through surefire (it is skipped unless -Drotation.bench=true).
#
# Usage: tools/bench/rotation.sh [ROUNDS] [REQUESTS] [PERIOD_MS]   (defaults 3, 100000, 1000)
# Needs Debian's redis-benchmark for part 2. Prints the figures and keeps them in
# docs/bench/rotation-<date>.txt.
set -eu
ROUNDS=${1:-3}; N=${2:-100000}; PERIOD=${3:-1000}
HERE=$(cd "$(dirname "$0")/../.." && pwd)
OUT="$HERE/docs/bench/rotation-$(date -u +%F).txt"
mkdir -p "$HERE/docs/bench"
cd "$HERE"
mvn -q -B -o -pl node,agent test -Dtest=RotationBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Drotation.bench=true -Drotation.rounds="$ROUNDS" -Drotation.requests="$N" -Drotation.period.ms="$PERIOD" \
  -Drotation.out="$OUT" >/dev/null
cat "$OUT"
