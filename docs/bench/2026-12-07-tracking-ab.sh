#!/usr/bin/env bash
# A/B: main (before) and tracking (after), same harness, alternating, port 47301.
run() { # label jar
  java -XX:+UseParallelGC -jar "$2" server --port 47301 --bind 127.0.0.1 --save "" > /tmp/trk-ab-$1.log 2>&1 &
  local pid=$!
  for i in $(seq 1 50); do redis-cli -p 47301 ping >/dev/null 2>&1 && break; sleep 0.2; done
  echo "== $1 pid $(ss -ltnpH "sport = :47301" | grep -o "pid=[0-9]*" | head -1) (load $(cut -d' ' -f1 /proc/loadavg))"
  timeout 600 /work/shared/bench/compare.sh 127.0.0.1 47301 --rounds 3 --scale 0.5 \
    --only set_c50_P1,get_c50_P1,get_c50_P16 2>&1 | grep -v "^# round"
  kill $(ss -ltnpH "sport = :47301" | grep -o "pid=[0-9]*" | head -1 | cut -d= -f2); sleep 2
}
run before /tmp/trk-main-src/cli/target/redmesh.jar
run after /work/wt-tracking/cli/target/redmesh.jar
run after /work/wt-tracking/cli/target/redmesh.jar
run before /tmp/trk-main-src/cli/target/redmesh.jar
