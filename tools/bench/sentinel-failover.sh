#!/usr/bin/env bash
# sentinel-failover.sh [ROUNDS]: failover time, RedMesh sentinels against Debian's redis-sentinel
# 7.0.15 in the same run (sentinel's FailoverBench, opt-in, not in the suite): from kill -9 of the
# master to the first write acknowledged by the new master, found through SENTINEL
# GET-MASTER-ADDR-BY-NAME, down-after-milliseconds 1000, 3 sentinels over a RedMesh master and 2
# replicas, ROUNDS failovers (default 10) per kind. Prints the RESULT lines. Run it on an idle machine.
set -euo pipefail
ROUNDS=${1:-10}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
mvn -q -B -o -pl sentinel -am test -Dtest=FailoverBench -Dbench.rounds="$ROUNDS" \
    -Dsurefire.failIfNoSpecifiedTests=false >/dev/null
grep '^RESULT' sentinel/target/surefire-reports/io.redmesh.sentinel.bench.FailoverBench-output.txt
