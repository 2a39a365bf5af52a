#!/usr/bin/env bash
# before/after pairs, back to back: plaintext then TLS. Each node is stopped by its own PID.
set -u
OUT=/tmp/bench-out
D=/tmp/redmesh-bench-tls/ec
[ -f $D/server.crt ] || /work/shared/bench/tls/gen-certs.sh >/dev/null
run() { # name jar mode
  local name=$1 jar=$2 mode=$3 port pid
  if [ "$mode" = plain ]; then
    port=7311
    java -XX:+UseParallelGC -jar "$jar" server --port $port --bind 127.0.0.1 --save "" > $OUT/$name.node.log 2>&1 &
    pid=$!
  else
    port=7312
    java -XX:+UseParallelGC -jar "$jar" server --port 0 --bind 127.0.0.1 --tls-port $port --save "" \
      --tls-cert-file $D/server.crt --tls-key-file $D/server.key --tls-ca-cert-file $D/ca.crt \
      --tls-auth-clients no > $OUT/$name.node.log 2>&1 &
    pid=$!
  fi
  for i in $(seq 1 100); do grep -q "Ready to accept" $OUT/$name.node.log && break; sleep 0.2; done
  { echo "# $name $(date -u +%FT%TZ) jar=$jar"; echo "# load before: $(cat /proc/loadavg)"; } > $OUT/$name.txt
  if [ "$mode" = plain ]; then
    timeout 900 /work/shared/bench/compare.sh 127.0.0.1 $port --rounds 3 --scale 0.5 --target-pid $pid >> $OUT/$name.txt 2>&1
  else
    timeout 900 /work/shared/bench/compare.sh 127.0.0.1 $port --tls --rounds 3 --scale 0.3 --target-pid $pid >> $OUT/$name.txt 2>&1
  fi
  echo "# load after: $(cat /proc/loadavg)" >> $OUT/$name.txt
  kill $pid; wait $pid 2>/dev/null
}
run plain-before /tmp/bench-before/cli/target/redmesh.jar plain
run plain-after /tmp/bench-after/redmesh.jar plain
run tls-before /tmp/bench-before/cli/target/redmesh.jar tls
run tls-after /tmp/bench-after/redmesh.jar tls
echo ALLDONE > $OUT/done
