#!/bin/sh
# The create-cluster service of docker-compose.yml: once every node is healthy, redis-cli builds
# 3 masters + 3 replicas over TLS. CLUSTER MEET takes addresses, not names (as in Redis 7.0), so
# the hostnames are resolved first; the nodes then announce their hostnames
# (cluster-announce-hostname, cluster-preferred-endpoint-type hostname) and clients follow names.
set -eu
TLS="--tls --cacert /client/ca.crt --cert /client/client.crt --key /client/client.key"
if redis-cli $TLS -h node1 -p 6380 cluster info | grep -q 'cluster_state:ok'; then
  echo "create-cluster: the cluster exists already"
  exit 0
fi
ADDRS=""
for n in node1 node2 node3 node4 node5 node6; do
  ADDRS="$ADDRS $(getent hosts "$n" | cut -d' ' -f1):6380"
done
# shellcheck disable=SC2086
redis-cli $TLS --cluster create $ADDRS --cluster-replicas 1 --cluster-yes
