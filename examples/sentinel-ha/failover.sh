#!/usr/bin/env bash
# failover.sh DEMO_ENV: with run.sh running, kills the master with SIGKILL and shows a client
# following the sentinels to the new one. The client does what a sentinel-aware client (Jedis's
# JedisSentinelPool, Lettuce) does: ask a sentinel for the master's address, then write there;
# here redis-cli, once a second, INCRs a counter and prints what it got.
# DEMO_ENV is the demo.env file run.sh prints ("The same as shell variables: . FILE").
set -euo pipefail
ENV_FILE=${1:?usage: failover.sh /tmp/redmesh-demo-.../demo.env (run.sh prints its path)}
# shellcheck disable=SC1090
. "$ENV_FILE"
# shellcheck disable=SC2086
cli() { redis-cli $TLS $ADMIN --no-auth-warning "$@"; }
# a sentinel answers without a password (its default user), over TLS with the client certificate
# shellcheck disable=SC2086
master_port() { redis-cli $TLS -p "$SENTINEL1_PORT" SENTINEL GET-MASTER-ADDR-BY-NAME mymaster 2>/dev/null | tail -n 1; }
name_of() {
  for n in NODE1 NODE2 NODE3; do
    p=${n}_PORT
    if [ "${!p}" = "$1" ]; then echo "${n,,}"; return; fi
  done
  echo "127.0.0.1:$1"
}

OLD=$(master_port)
OLD_NAME=$(name_of "$OLD")
PID_VAR=${OLD_NAME^^}_PID
echo "sentinel1 says the master is $OLD_NAME (port $OLD)"
# start from a healthy set: both replicas have the write (a replica still syncing would make
# the failover lose it, which is not what this shows)
acked=0
for _ in $(seq 30); do
  cli -p "$OLD" SET failover:counter 100 >/dev/null
  acked=$(cli -p "$OLD" WAIT 2 1000)
  [ "$acked" = 2 ] && break
  sleep 1
done
echo "SET failover:counter 100; WAIT for both replicas: $acked"
if [ "$acked" != 2 ]; then
  echo "the replicas of $OLD_NAME did not acknowledge the write within 30 s: look at the status table" >&2
  exit 1
fi
echo "kill -9 ${!PID_VAR}   ($OLD_NAME, the master)"
kill -9 "${!PID_VAR}"

deadline=$((SECONDS + 60))
while [ $SECONDS -lt $deadline ]; do
  P=$(master_port || true)
  R=$(cli -p "$P" INCR failover:counter 2>&1 | tr -d '\r' | head -n 1 || true)
  echo "$(date +%T)  master per sentinel1: $(name_of "$P")  INCR failover:counter -> $R"
  if [ "$P" != "$OLD" ] && [[ "$R" =~ ^[0-9]+$ ]]; then
    if [ "$R" -le 100 ]; then
      echo "$(name_of "$P") is the master now but the counter restarted ($R): the acknowledged write was lost" >&2
      exit 1
    fi
    echo "The client follows: $(name_of "$P") is the master now and the counter went on from 100 ($R)."
    exit 0
  fi
  sleep 1
done
echo "no failover seen within 60 s" >&2
exit 1
