#!/usr/bin/env bash
# cluster.sh [REQUESTS] [FAILOVERS] [RESHARD_SLOTS] [KEYS]: cluster mode, RedMesh against Debian's
# redis-server 7.0.15, each as a 6-node cluster (3 masters + 3 replicas, cluster-node-timeout
# 2000) on loopback, one after the other in the same run (opt-in, not in the suite):
#   redis-benchmark --cluster SET/GET throughput, 50 clients, unpipelined and -P 16, plaintext
#     (tls-cluster no) and TLS (tls-cluster yes, client certificates): requests/s;
#   failover time: kill -9 of a master until its replica calls itself master with the cluster
#     ok again, then the old master restarts and rejoins as a replica; FAILOVERS times, median;
#   slot migration rate over TLS: KEYS keys written, then redis-cli --cluster reshard of
#     RESHARD_SLOTS slots from one master to another; keys moved per second.
# Certificates are made here (openssl, EC P-256; node certificates carry spiffe://redmesh/node/
# names, which RedMesh's bus requires). Ports 12000-13999 (bus ports +1000). Every process it
# starts is killed by PID on exit. Prints RESULT lines. Run it on an idle machine.
# KINDS (default "redmesh redis") and PHASES (default "throughput failovers migration") narrow a run.
set -euo pipefail
REQ=${1:-100000}
FAILOVERS=${2:-10}
SLOTS=${3:-1000}
KEYS=${4:-200000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/redmesh-cluster-bench.XXXXXX)
declare -A PID
cleanup() {
  for p in "${PID[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# ---------------------------------------------------------------- certificates
C=$WORK/tls
mkdir -p "$C"
openssl ecparam -name prime256v1 -genkey -noout -out "$C/ca.key" 2>/dev/null
openssl req -x509 -new -key "$C/ca.key" -subj /CN=bench-ca -days 2 -out "$C/ca.crt" 2>/dev/null
leaf() { # name san
  openssl ecparam -name prime256v1 -genkey -noout -out "$C/$1.key" 2>/dev/null
  openssl req -new -key "$C/$1.key" -subj "/CN=$1" -out "$C/$1.csr" 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$2" >"$C/$1.ext"
  openssl x509 -req -in "$C/$1.csr" -CA "$C/ca.crt" -CAkey "$C/ca.key" -CAcreateserial -days 2 \
    -extfile "$C/$1.ext" -out "$C/$1.crt" 2>/dev/null
}
for i in 0 1 2 3 4 5; do leaf "n$i" "IP:127.0.0.1,URI:spiffe://redmesh/node/n$i"; done
leaf client "IP:127.0.0.1"
CLI_TLS=(--tls --cacert "$C/ca.crt" --cert "$C/client.crt" --key "$C/client.key")

# ---------------------------------------------------------------- nodes
KIND=redmesh
MODE=plain
port() { echo $((12000 + $1)); }
tlsport() { echo $((12100 + $1)); }
busport() { echo $((13000 + $1)); }
# the port clients of this run use
cport() { if [ "$MODE" = tls ]; then tlsport "$1"; else port "$1"; fi; }
cli() { # i args...
  local i=$1; shift
  if [ "$MODE" = tls ]; then redis-cli "${CLI_TLS[@]}" -p "$(tlsport "$i")" "$@"; else redis-cli -p "$(port "$i")" "$@"; fi
}

start_node() { # i
  local i=$1 d=$WORK/$KIND-$MODE/n$1
  mkdir -p "$d"
  local args=(--port "$(port "$i")" --tls-port "$(tlsport "$i")" --cluster-enabled yes
    --cluster-port "$(busport "$i")" --cluster-node-timeout 2000 --cluster-config-file nodes.conf
    --appendonly no --save "" --dir "$d" --bind 127.0.0.1 --logfile "$d/log"
    --tls-cert-file "$C/n$i.crt" --tls-key-file "$C/n$i.key" --tls-ca-cert-file "$C/ca.crt"
    --tls-cluster "$([ "$MODE" = tls ] && echo yes || echo no)" --tls-replication "$([ "$MODE" = tls ] && echo yes || echo no)")
  if [ "$KIND" = redmesh ]; then
    # a plaintext bus beside a tls-port is refused unless waived (cluster-bus-port-protected-mode)
    [ "$MODE" = tls ] || args+=(--cluster-bus-port-protected-mode no)
    "$ROOT/bin/redmesh" server "${args[@]}" >"$d/stdout" 2>&1 &
  else
    redis-server "${args[@]}" >"$d/stdout" 2>&1 &
  fi
  PID[$KIND-$i]=$!
  for _ in $(seq 1 300); do
    if [ "$(redis-cli -p "$(port "$i")" PING 2>/dev/null)" = PONG ]; then return 0; fi
    sleep 0.1
  done
  echo "node $i ($KIND) did not answer PING in 30 s" >&2
  tail -20 "$d/log" >&2 || true
  exit 1
}

stop_all() {
  for i in 0 1 2 3 4 5; do
    if [ -n "${PID[$KIND-$i]:-}" ]; then kill -9 "${PID[$KIND-$i]}" 2>/dev/null || true; wait "${PID[$KIND-$i]}" 2>/dev/null || true; unset "PID[$KIND-$i]"; fi
  done
}

info_field() { cli "$1" CLUSTER INFO | tr -d '\r' | awk -F: -v f="$2" '$1 == f {print $2}'; }

await_ok() { # seconds
  local end=$((SECONDS + $1))
  for i in 0 1 2 3 4 5; do
    until [ "$(info_field "$i" cluster_state)" = ok ] && [ "$(info_field "$i" cluster_known_nodes)" = 6 ]; do
      if [ $SECONDS -ge $end ]; then echo "node $i ($KIND $MODE) not ok in $1 s" >&2; cli "$i" CLUSTER NODES >&2; exit 1; fi
      sleep 0.1
    done
  done
}

# every replica has finished its sync (a replica that never synced refuses to fail over)
await_synced() { # seconds
  local end=$((SECONDS + $1))
  for i in 0 1 2 3 4 5; do
    while cli "$i" INFO replication | tr -d '\r' | grep -q '^role:slave' \
        && ! cli "$i" INFO replication | tr -d '\r' | grep -q '^master_link_status:up'; do
      if [ $SECONDS -ge $end ]; then echo "replica $i ($KIND $MODE) not in sync in $1 s" >&2; exit 1; fi
      sleep 0.1
    done
  done
}

create() {
  for i in 0 1 2 3 4 5; do start_node "$i"; done
  local addrs=()
  for i in 0 1 2 3 4 5; do addrs+=("127.0.0.1:$(cport "$i")"); done
  if [ "$MODE" = tls ]; then
    redis-cli "${CLI_TLS[@]}" --cluster create "${addrs[@]}" --cluster-replicas 1 --cluster-yes >"$WORK/create.log" 2>&1
  else
    redis-cli --cluster create "${addrs[@]}" --cluster-replicas 1 --cluster-yes >"$WORK/create.log" 2>&1
  fi
  await_ok 60
  await_synced 60
}

# ---------------------------------------------------------------- measurements
throughput() {
  local tls=()
  [ "$MODE" = tls ] && tls=("${CLI_TLS[@]}")
  # warm-up, not recorded (a JVM compiles its hot paths in the first seconds)
  timeout 600 redis-benchmark "${tls[@]}" --cluster -h 127.0.0.1 -p "$(cport 0)" -t set,get -n "$REQ" -c 50 \
    -r 100000 -q >/dev/null 2>&1 || true
  for p in 1 16; do
    local out
    out=$(timeout 600 redis-benchmark "${tls[@]}" --cluster -h 127.0.0.1 -p "$(cport 0)" -t set,get -n "$REQ" -c 50 \
      -P "$p" -r 100000 -q 2>&1 | tr '\r' '\n' | grep -E '^(SET|GET): ' | grep 'requests per second' || true)
    for t in SET GET; do
      local rps
      rps=$(echo "$out" | awk -v t="$t:" '$1 == t {print $2}' | tail -1)
      echo "RESULT throughput $KIND $MODE $t P$p ${rps:-NA}"
    done
  done
}

# the index of a node that calls itself master, and of its replica
master_and_replica() {
  local nodes myid
  for i in 0 1 2 3 4 5; do
    nodes=$(cli "$i" CLUSTER NODES)
    if echo "$nodes" | grep myself | grep -q master; then
      myid=$(echo "$nodes" | grep myself | cut -d' ' -f1)
      for j in 0 1 2 3 4 5; do
        if [ "$j" != "$i" ] && cli "$j" CLUSTER NODES | grep myself | grep -q "slave $myid"; then
          echo "$i $j"
          return
        fi
      done
    fi
  done
}

failovers() {
  local times=()
  for _ in $(seq 1 "$FAILOVERS"); do
    read -r m r < <(master_and_replica)
    local t0 t1
    t0=$(date +%s%N)
    kill -9 "${PID[$KIND-$m]}"
    wait "${PID[$KIND-$m]}" 2>/dev/null || true
    unset "PID[$KIND-$m]"
    local end=$((SECONDS + 30))
    until cli "$r" CLUSTER NODES 2>/dev/null | grep myself | grep -q master && [ "$(info_field "$r" cluster_state)" = ok ]; do
      if [ $SECONDS -ge $end ]; then
        echo "replica $r ($KIND) of master $m not promoted in 30 s" >&2
        cli "$r" CLUSTER NODES >&2 || true
        tail -30 "$WORK/$KIND-$MODE/n$r/log" >&2 || true
        exit 1
      fi
      sleep 0.02
    done
    t1=$(date +%s%N)
    times+=($(((t1 - t0) / 1000000)))
    start_node "$m"
    # the old master rejoins as a replica and syncs before the next round
    end=$((SECONDS + 60))
    until cli "$m" CLUSTER NODES 2>/dev/null | grep myself | grep -q slave && [ "$(info_field "$m" cluster_state)" = ok ]; do
      if [ $SECONDS -ge $end ]; then echo "old master $m ($KIND) did not rejoin as a replica" >&2; exit 1; fi
      sleep 0.1
    done
    await_synced 60
  done
  local sorted
  sorted=$(printf '%s\n' "${times[@]}" | sort -n | tr '\n' ' ')
  echo "RESULT failover_ms $KIND median $(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}') all: $sorted"
}

migration() {
  local tls=("${CLI_TLS[@]}")
  timeout 600 redis-benchmark "${tls[@]}" --cluster -h 127.0.0.1 -p "$(cport 0)" -t set -n "$KEYS" -r 1000000000 -c 50 -P 16 -d 100 -q >/dev/null 2>&1
  read -r src _ < <(master_and_replica)
  local dst
  for j in 0 1 2 3 4 5; do
    if [ "$j" != "$src" ] && cli "$j" CLUSTER NODES | grep myself | grep -q master; then dst=$j; break; fi
  done
  local srcid dstid before after t0 t1
  srcid=$(cli "$src" CLUSTER MYID)
  dstid=$(cli "$dst" CLUSTER MYID)
  before=$(cli "$src" DBSIZE)
  t0=$(date +%s%N)
  timeout 900 redis-cli "${tls[@]}" --cluster reshard "127.0.0.1:$(cport 0)" --cluster-from "$srcid" --cluster-to "$dstid" \
    --cluster-slots "$SLOTS" --cluster-yes >"$WORK/reshard.log" 2>&1
  t1=$(date +%s%N)
  after=$(cli "$src" DBSIZE)
  local moved=$((before - after)) ms=$(((t1 - t0) / 1000000))
  echo "RESULT migration $KIND tls slots=$SLOTS keys=$moved ms=$ms keys_per_s=$((moved * 1000 / (ms > 0 ? ms : 1)))"
}

# PHASES (default all): a subset of "throughput failovers migration" to measure only those
PHASES=" ${PHASES:-throughput failovers migration} "
phase() { [[ "$PHASES" == *" $1 "* ]]; }
for KIND in ${KINDS:-redmesh redis}; do
  if phase throughput || phase failovers; then
    MODE=plain
    create
    if phase throughput; then throughput; fi
    if phase failovers; then failovers; fi
    stop_all
  fi
  MODE=tls
  create
  if phase throughput; then throughput; fi
  if phase migration; then migration; fi
  stop_all
done
