#!/usr/bin/env bash
# Worker loss on 2 worker hosts (network namespaces, one machine, 2 cores shared), 10 Gbit/s links:
# 64 seeded requests of dummy:llama-110m in flight with --on-worker-failure wait, three runs:
# fault-free; worker 2's process killed at 40 % of the fault-free time and started again 2 s later;
# worker 2's link taken down at 40 % for 5 s. Every run's outputs are compared with the fault-free one;
# a first fault-free run warms the workers up (not timed).
set -uo pipefail
cd "$(dirname "$0")/../../.."
OUT=${OUT:-/tmp/worker-fault}
POLICY=${POLICY:-td-pipe-adaptive}
W1=198.18.0.11:9101
W2=198.18.0.12:9101
rm -rf "$OUT"; mkdir -p "$OUT"
python3 - "$OUT/requests.jsonl" <<'PY'
import json, sys
words = "once upon a time there was a little girl who liked to play in the park with her dog".split()
with open(sys.argv[1], "w") as f:
    for i in range(64):
        prompt = " ".join(words[(i + k) % len(words)] for k in range(6 + i % 5))
        f.write(json.dumps({"id": f"r{i}", "prompt": prompt, "max_tokens": 64, "ignore_eos": True,
                            "temperature": 0.8, "top_p": 0.95, "seed": 1000 + i}) + "\n")
PY
start_worker() {  # host
  scripts/hosts.sh exec "$1" ./tdpipe worker --listen "$(scripts/hosts.sh addr "$1"):9101" >> "$OUT/worker-$1.log" 2>&1 &
  [ "$1" = 2 ] && worker2=$!
  for _ in $(seq 1 240); do [ "$(cat "$OUT/worker-$1.log" 2> /dev/null | grep -c 'listening on')" -ge "$2" ] && return; sleep 0.25; done
  echo "worker $1 did not start" >&2; exit 1
}
generate() {  # name
  rm -f "$OUT/$1.jsonl"
  scripts/hosts.sh exec 0 ./tdpipe generate --model dummy:llama-110m --executor grpc --workers $W1,$W2 \
    --on-worker-failure wait --policy "$POLICY" --input "$OUT/requests.jsonl" --output "$OUT/$1.jsonl" > "$OUT/$1.log" 2>&1
}
now() { date +%s.%N; }
for _ in $(seq 1 60); do awk '{exit !($1 < 0.5)}' /proc/loadavg && break; sleep 5; done
uptime > "$OUT/uptime-start.txt"
scripts/hosts.sh up 2 --link 10gbit > "$OUT/hosts.txt"
start_worker 1 1; start_worker 2 1
generate warm-up
t0=$(now); generate fault-free; t1=$(now)
free=$(awk "BEGIN {print $t1 - $t0}")
at=$(awk "BEGIN {print $free * 0.4}")
echo "fault-free ${free} s; faults at ${at} s" > "$OUT/timing.txt"

t0=$(now); generate killed & gen=$!
sleep "$at"; pkill -9 -f "tdpipe.jar worker --listen $W2"; tk=$(now); wait $worker2 2> /dev/null
sleep 2; start_worker 2 2; tr=$(now)
wait $gen; t1=$(now)
awk "BEGIN {printf \"killed: run %.2f s, killed at %.2f s, worker 2 listening again %.2f s later\n\", $t1 - $t0, $tk - $t0, $tr - $tk}" >> "$OUT/timing.txt"

t0=$(now); generate link-down & gen=$!
sleep "$at"; ip -n tdp-sw link set p2 down; td=$(now)
sleep 5; ip -n tdp-sw link set p2 up; tu=$(now)
wait $gen; t1=$(now)
awk "BEGIN {printf \"link-down: run %.2f s, link down at %.2f s, up %.2f s later\n\", $t1 - $t0, $td - $t0, $tu - $td}" >> "$OUT/timing.txt"

pkill -f 'tdpipe.jar worker'; sleep 1
scripts/hosts.sh down
uptime > "$OUT/uptime-end.txt"
python3 - "$OUT" <<'PY' | tee "$OUT/compare.txt"
import json, sys, collections
out = sys.argv[1]
def load(name):
    rows = [json.loads(l) for l in open(f"{out}/{name}.jsonl")]
    ids = collections.Counter(r["id"] for r in rows)
    return {r["id"]: r for r in rows}, sum(c - 1 for c in ids.values())
ref, _ = load("fault-free")
for name in ("killed", "link-down"):
    got, dup = load(name)
    missing = sorted(set(ref) - set(got))
    errors = [i for i, r in got.items() if r.get("finish_reason") not in ("length", "stop")]
    differ = [i for i in ref if i in got and got[i]["token_ids"] != ref[i]["token_ids"]]
    print(f"{name}: {len(got)} of {len(ref)} results, {dup} duplicated, {len(missing)} missing, "
          f"{len(errors)} not finished normally, {len(differ)} outputs differ from the fault-free run")
PY
grep -h "tdpipe: the pipeline" "$OUT"/killed.log "$OUT"/link-down.log | sed 's/^/  /'
cat "$OUT/timing.txt"
