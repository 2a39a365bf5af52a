#!/usr/bin/env bash
# examples/cluster-6node/run.sh: a 6-node RedMesh cluster (3 masters, 3 replicas) on loopback,
# each node a separate process with its agent, a fresh CA, TLS on the client port, the
# replication links and the cluster bus, ACL users spread by the agents, Prometheus endpoints,
# and a live status table. Ctrl-C stops every node and removes every file it made.
#
# It is `redmesh demo --cluster` with this folder's node.conf (the file docker-compose.yml
# starts too); extra arguments go to the demo (e.g. --plain, --duration 5m, --leaf-lifetime 1h).
set -euo pipefail
HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
exec "$HERE/../../bin/redmesh" demo --cluster --config "$HERE/node.conf" "$@"
