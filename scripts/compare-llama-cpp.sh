#!/usr/bin/env bash
# tdpipe against llama.cpp on the very same GGUF files, same thread count, interleaved rounds
# (docs/benchmarks.md, "Against llama.cpp"). Per file and round: llama-bench and tdpipe bench-model
# (pp512, tg128), then llama-batched-bench and tdpipe bench for 32 sequences x (128 prompt + 64
# generated) tokens. Prints the medians and tdpipe/llama.cpp ratios as a markdown table.
#
#   LLAMA_CPP_BIN=/path/to/llama.cpp/build/bin scripts/compare-llama-cpp.sh MODEL.gguf [MODEL.gguf ...]
#
# llama.cpp is not part of this project: build it yourself, outside the repository (README,
# "Performance"). Env: ROUNDS (default 3), THREADS (default 2), REPS (default 5), OUT (where the raw
# outputs go, default docs/results/llama-cpp). Run it on a quiet machine: nothing else running
# (check uptime first).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${LLAMA_CPP_BIN:?set LLAMA_CPP_BIN to the folder holding llama-bench and llama-batched-bench}"
[ $# -ge 1 ] || { echo "usage: LLAMA_CPP_BIN=DIR $0 MODEL.gguf [MODEL.gguf ...]" >&2; exit 2; }
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}
REPS=${REPS:-5}
OUT=${OUT:-docs/results/llama-cpp}
mkdir -p "$OUT"
./tdpipe --version > /dev/null # builds first, outside the measurements
for round in $(seq 1 "$ROUNDS"); do
  for model in "$@"; do
    name=$(basename "$model" .gguf)
    "$LLAMA_CPP_BIN/llama-bench" -m "$model" -p 512 -n 128 -t "$THREADS" -r "$REPS" -o json \
      > "$OUT/$name-llama-bench-$round.json" 2> /dev/null
    ./tdpipe bench-model --model "$model" -p 512 -n 128 -t "$THREADS" -r "$REPS" \
      --json "$OUT/$name-tdpipe-bench-model-$round.json" > /dev/null 2>&1
    "$LLAMA_CPP_BIN/llama-batched-bench" -m "$model" -c 6144 -b 2048 -ub 512 -npp 128 -ntg 64 -npl 32 -t "$THREADS" \
      > "$OUT/$name-llama-batched-$round.txt" 2> /dev/null
    ./tdpipe bench --model "$model" --stages 1 --threads "$THREADS" --input-len 128 --output-len 64 --num-requests 32 \
      --policies pp-chunked --json "$OUT/$name-tdpipe-bench-$round.json" > /dev/null 2>&1
  done
done
python3 - "$OUT" "$@" <<'EOF'
import glob, json, os, re, statistics, sys
out, models = sys.argv[1], [os.path.basename(m)[:-5] for m in sys.argv[2:]]
def med(xs): return statistics.median(xs) if xs else float('nan')
print("| file | test | llama.cpp t/s | tdpipe t/s | tdpipe / llama.cpp |")
print("|---|---|---:|---:|---:|")
for m in models:
    rows = {}
    for f in glob.glob(f"{out}/{m}-llama-bench-*.json"):
        for r in json.load(open(f)):
            test = f"pp{r['n_prompt']}" if r['n_gen'] == 0 else f"tg{r['n_gen']}"
            rows.setdefault(test, ([], []))[0].append(r['avg_ts'])
    for f in glob.glob(f"{out}/{m}-tdpipe-bench-model-*.json"):
        for r in json.load(open(f))['results']:
            rows.setdefault(r['test'], ([], []))[1].append(r['tokens_per_s'])
    for f in glob.glob(f"{out}/{m}-llama-batched-*.txt"):
        for line in open(f):
            cells = [c.strip() for c in line.split('|')[1:-1]]
            if len(cells) >= 10 and cells[0] == '128' and cells[2] == '32':
                rows.setdefault('32 x (128 + 64) total', ([], []))[0].append(float(cells[-1]))
    for f in glob.glob(f"{out}/{m}-tdpipe-bench-*.json"):
        if 'bench-model' in f:
            continue
        for r in json.load(open(f))['runs']:
            rows.setdefault('32 x (128 + 64) total', ([], []))[1].append(r['total_tokens_per_s'])
    for test, (ref, ours) in rows.items():
        a, b = med(ref), med(ours)
        print(f"| {m} | {test} | {a:.1f} | {b:.1f} | {b / a:.2f} |")
EOF
