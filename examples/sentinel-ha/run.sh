#!/usr/bin/env bash
# examples/sentinel-ha/run.sh: one master, two replicas and three sentinels on loopback, each a
# separate process with its agent (a fresh CA, certificates issued from CSRs, ACL users spread
# by the mesh), TLS on every link, Prometheus endpoints, and a live status table. Ctrl-C stops
# every process and removes every file it made. failover.sh (beside this file) kills the
# master and shows a client following the sentinels to the new one.
#
# It is `redmesh demo --sentinel` with this folder's node.conf and sentinel.conf; extra
# arguments go to the demo (e.g. --plain, --duration 5m).
set -euo pipefail
HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
exec "$HERE/../../bin/redmesh" demo --sentinel --config "$HERE/node.conf" --sentinel-config "$HERE/sentinel.conf" "$@"
