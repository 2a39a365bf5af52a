#!/usr/bin/env bash
# acl-propagation.sh [N] [NODES]: ACL propagation latency across NODES (default 6) RedMesh node
# processes with in-process agents, as a client sees it; N (default 500) changes.
#
# 1. Makes a fresh CA with the CLI, as an operator would: `redmesh ca init` (root), `ca issue
#    --issuer` (issuing CA for node1, the issuer agent), `ca token` (node1: a root-signed operator
#    token; the others: node-role tokens from the issuing CA).
# 2. Starts NODES processes `bin/redmesh server --agent agentN.conf --port P --tls-port T
#    --metrics-port M ...` on loopback (free ports picked at run time), each in its own JVM:
#    node1 first, then the others one by one as each obtains its certificate.
# 3. Runs tools/bench/AclPropagationProbe.java (a single-file Java program): waits until every
#    node lists NODES-1 reachable member_ lines and mesh_synced:1 in INFO security, then makes N ACL
#    SETUSER changes, the origin rotating over the nodes, and polls ACL GETUSER on the other
#    nodes every 1 ms until each shows the change. Prints p50/p90/p99/max of "visible on one
#    other node" and "visible on all others", the agents' own redmesh_acl_propagation_seconds
#    histogram (metrics endpoints) over the same run, and the nodes' CPU at rest and in the run.
#
# Bounded: the mesh must be ready within 180 s, each change visible within 10 s (else counted
# as a timeout), the whole run is killed after 30 min. Every process is stopped by its PID on
# exit (trap), and the work directory removed (KEEP=1 keeps it, with the nodes' logs).
# Environment: REDMESH_JAVA_OPTS (node JVMs; default below), PROBE_ARGS (extra probe options,
# e.g. "--gap-ms 50 --poll-us 500"), OUT (a file to copy the per-change CSV to).
set -euo pipefail
N=${1:-500}
NODES=${2:-6}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RM="$ROOT/bin/redmesh"
export REDMESH_JAVA_OPTS=${REDMESH_JAVA_OPTS:-"-XX:+UseParallelGC -Xss512k -Xmx256m"}
WORK=$(mktemp -d /tmp/redmesh-aclprop.XXXXXX)
PIDS=()

cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for _ in $(seq 1 100); do
    local alive=0
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free loopback port: random, below the kernel's ephemeral range (32768-60999 here, where an
# outgoing connection could take it meanwhile), not listening now, not handed out before.
USED=" "
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 12000))
    case "$USED" in *" $p "*) continue ;; esac
    if ! ss -Htln "sport = :$p" | grep -q .; then USED="$USED$p "; echo "$p"; return; fi
  done
}

# Build the launcher jar once (bin/redmesh does it when sources are newer) before timing anything.
"$RM" --version >/dev/null

echo "== CA (redmesh ca init / issue / token) in $WORK"
printf 'bench-root-passphrase\n' > "$WORK/root.pass"
"$RM" ca init --dir "$WORK/root" --name "Bench Root" --passphrase-file "$WORK/root.pass" >/dev/null
"$RM" ca issue --dir "$WORK/root" --passphrase-file "$WORK/root.pass" --issuer bench-issuer \
  --out "$WORK/issuer" --no-encrypt >/dev/null

ENROLL=$(free_port)
MESH=(); PORT=(); TLS=(); MET=()
for i in $(seq 1 "$NODES"); do
  MESH+=("$(free_port)"); PORT+=("$(free_port)"); TLS+=("$(free_port)"); MET+=("$(free_port)")
done
SEEDS=""
for p in "${MESH[@]}"; do SEEDS="$SEEDS 127.0.0.1:$p"; done

for i in $(seq 1 "$NODES"); do
  d="$WORK/node$i"; mkdir -p "$d"
  {
    echo "name node$i"
    echo "state-dir $d/agent"
    echo "mesh-port ${MESH[$((i-1))]}"
    echo "seeds$SEEDS"
    echo "ca-file $WORK/root/ca.crt"
    if [ "$i" = 1 ]; then
      echo "issuer-dir $WORK/issuer"
      echo "enroll-port $ENROLL"
      echo "join-token $("$RM" ca token --dir "$WORK/root" --passphrase-file "$WORK/root.pass" \
        --name node1 --role operator --ttl 1h 2>/dev/null)"
    else
      echo "issuer 127.0.0.1:$ENROLL"
      echo "join-token $("$RM" ca token --dir "$WORK/issuer" --name "node$i" --role node --ttl 1h 2>/dev/null)"
    fi
  } > "$WORK/agent$i.conf"
done

start_node() {
  local i=$1 j=$(($1-1))
  "$RM" server --agent "$WORK/agent$i.conf" --port "${PORT[$j]}" --tls-port "${TLS[$j]}" \
    --tls-auth-clients optional --metrics-port "${MET[$j]}" --save "" --appendonly no \
    --dir "$WORK/node$i" > "$WORK/node$i.log" 2>&1 &
  PIDS+=($!)
}

# The issuer first: a join token is good once, and a node whose first request timed out on a
# busy issuer (10 s) is refused on every retry ("join token already used") and never joins.
echo "== starting node1 (issuer), then $((NODES-1)) more (JVM options: $REDMESH_JAVA_OPTS)"
start_node 1
for _ in $(seq 1 240); do
  redis-cli -p "${PORT[0]}" ping >/dev/null 2>&1 && break
  kill -0 "${PIDS[0]}" 2>/dev/null || { echo "node1 exited:"; tail -20 "$WORK/node1.log"; exit 1; }
  sleep 0.5
done
# Then one at a time, each once it holds its certificate: five first requests at once on a
# loaded machine took the issuer longer than the client's 10 s, and the retries were refused.
for i in $(seq 2 "$NODES"); do
  start_node "$i"
  for _ in $(seq 1 180); do
    grep -q "Agent node$i: certificate" "$WORK/node$i.log" 2>/dev/null && break
    kill -0 "${PIDS[$((i-1))]}" 2>/dev/null || { echo "node$i exited:"; tail -20 "$WORK/node$i.log"; exit 1; }
    sleep 0.5
  done
done

PORTS=$(IFS=,; echo "${PORT[*]}")
NODEPIDS=$(IFS=,; echo "${PIDS[*]}")
METRICS=$(IFS=,; echo "${MET[*]}")
echo "== probe: $N changes; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# shellcheck disable=SC2086
timeout 1800 java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "$ROOT/tools/bench/AclPropagationProbe.java" \
  --ports "$PORTS" --metrics "$METRICS" --pids "$NODEPIDS" --n "$N" --csv "$WORK/changes.csv" ${PROBE_ARGS:-} &
PROBE=$!
PIDS+=("$PROBE")
wait "$PROBE"
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$NODES"); do
  if ! kill -0 "${PIDS[$((i-1))]}" 2>/dev/null; then echo "node$i exited early; log:"; tail -20 "$WORK/node$i.log"; fi
done
[ -n "${OUT:-}" ] && cp "$WORK/changes.csv" "$OUT"
exit 0
