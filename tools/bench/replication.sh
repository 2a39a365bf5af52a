#!/usr/bin/env bash
# replication.sh [KEYS] [SET_REQUESTS] [sync,throughput]: replication, RedMesh against Debian's
# redis-server 7.0.15 in the same run (replication's ReplicationBench, opt-in, not in the suite):
#   full sync of KEYS keys (default 1,000,000) over TLS with client certificates, RedMesh with
#   dual channel off and on: seconds, the master's peak replication buffer, the longest PING on
#   the master while a writer writes;
#   replication lag under redis-benchmark SET load (bytes behind, ms to reach a master offset);
#   master SET throughput with 0, 1 and 2 replicas, plaintext and TLS.
# Every server is its own process on loopback; prints the RESULT lines. Run it on an idle machine.
set -euo pipefail
KEYS=${1:-1000000}
REQ=${2:-200000}
ONLY=${3:-sync,throughput}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
mvn -q -B -o -pl replication -am test -Dtest=ReplicationBench -Dbench.keys="$KEYS" -Dbench.requests="$REQ" \
    -Dbench.only="$ONLY" -Dsurefire.failIfNoSpecifiedTests=false >/dev/null
grep '^RESULT' replication/target/surefire-reports/io.redmesh.replication.bench.ReplicationBench-output.txt
