#!/usr/bin/env bash
# PP against TP on HOSTS worker hosts (default 2; network namespaces, one machine, 2 cores shared) across
# shaped links: dummy:llama-110m, 32 x (64 + 32); td-pipe-adaptive, td-pipe, pp-vllm as a HOSTS-stage
# pipeline and tp as one tensor-parallel group of the same workers; links interleaved, ROUNDS rounds (default 3).
# BENCH_FLAGS adds bench flags, e.g. "--repeat 3 --validate" for the simulator's predictions of every run.
set -uo pipefail
cd "$(dirname "$0")/../../.."
OUT=${OUT:-/tmp/hosts-tp}
HOSTS=${HOSTS:-2}
ROUNDS=${ROUNDS:-3}
BENCH_FLAGS=${BENCH_FLAGS:-}
WORKERS=$(for h in $(seq 1 "$HOSTS"); do printf '%s:9101,' "$(scripts/hosts.sh addr "$h")"; done)
WORKERS=${WORKERS%,}
rm -rf "$OUT"; mkdir -p "$OUT"
for _ in $(seq 1 60); do awk '{exit !($1 < 0.5)}' /proc/loadavg && break; sleep 5; done
uptime > "$OUT/uptime-start.txt"
for round in $(seq 1 "$ROUNDS"); do
  for link in 25gbit 10gbit 1gbit; do
    scripts/hosts.sh up "$HOSTS" --link $link > /dev/null
    for h in $(seq 1 "$HOSTS"); do
      scripts/hosts.sh exec $h ./tdpipe worker --listen "$(scripts/hosts.sh addr $h):9101" > "$OUT/worker-$link-$round-$h.log" 2>&1 &
    done
    for _ in $(seq 1 120); do
      [ "$(cat "$OUT"/worker-$link-$round-*.log 2> /dev/null | grep -c 'listening on')" -eq "$HOSTS" ] && break
      sleep 0.5
    done
    uptime > "$OUT/uptime-$link-$round.txt"
    scripts/hosts.sh exec 0 ./tdpipe bench --model dummy:llama-110m --executor grpc --workers "$WORKERS" \
      --num-requests 32 --input-len 64 --output-len 32 --policies td-pipe-adaptive,td-pipe,pp-vllm,tp $BENCH_FLAGS \
      --json "$OUT/bench-$link-$round.json" > "$OUT/bench-$link-$round.txt" 2>&1
    pkill -f 'tdpipe.jar worker'; sleep 1
    scripts/hosts.sh down
  done
done
uptime > "$OUT/uptime-end.txt"
