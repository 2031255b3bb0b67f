#!/usr/bin/env bash
# PP on 2 worker hosts (network namespaces, one machine, 2 cores shared) across shaped links:
# dummy:llama-110m, 32 x (64 + 32), td-pipe-adaptive, td-pipe and pp-vllm; links interleaved, 3 rounds.
set -uo pipefail
cd /work/main
OUT=/tmp/links
rm -rf $OUT; mkdir -p $OUT
for _ in $(seq 1 60); do awk '{exit !($1 < 0.5)}' /proc/loadavg && break; sleep 5; done
uptime > $OUT/uptime-start.txt
for round in 1 2 3; do
  for link in 25gbit 10gbit 1gbit; do
    scripts/hosts.sh up 2 --link $link > /dev/null
    for h in 1 2; do
      scripts/hosts.sh exec $h ./tdpipe worker --listen "$(scripts/hosts.sh addr $h):9101" > $OUT/worker-$link-$round-$h.log 2>&1 &
    done
    for _ in $(seq 1 120); do grep -q 'listening on' $OUT/worker-$link-$round-1.log 2>/dev/null && grep -q 'listening on' $OUT/worker-$link-$round-2.log 2>/dev/null && break; sleep 0.5; done
    uptime > $OUT/uptime-$link-$round.txt
    scripts/hosts.sh exec 0 ./tdpipe bench --model dummy:llama-110m --executor grpc --workers 198.18.0.11:9101,198.18.0.12:9101 \
      --num-requests 32 --input-len 64 --output-len 32 --policies td-pipe-adaptive,td-pipe,pp-vllm --json $OUT/bench-$link-$round.json \
      > $OUT/bench-$link-$round.txt 2>&1
    pkill -f 'tdpipe.jar worker'; sleep 1
    scripts/hosts.sh down
  done
done
uptime > $OUT/uptime-end.txt
