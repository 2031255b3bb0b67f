#!/usr/bin/env bash
# The output-length predictor comparison on the real CPU pipeline (docs/reproduction.md, "Real
# 2-stage CPU run"): dummy:llama-110m on 2 local stages, 48 scaled ShareGPT requests, a 48-block KV
# pool (a quarter of what the workload needs at once), one profile measured first and shared by
# every run. About 15 minutes on a quiet 2-core machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=docs/results
mkdir -p "$OUT"
PROFILE=$OUT/bench-predictor-llama110m-profile.csv
BENCH=(--model dummy:llama-110m --stages 2 --executor local --num-requests 48 --seed 0 --kv-blocks 48
  --scale-input 64 --scale-output 64 --profile "$PROFILE")

./tdpipe profile --model dummy:llama-110m --stages 2 --out "$PROFILE" > "$OUT/bench-predictor-profile.txt"
# Two passes: on a shared machine single runs vary by far more than the policies differ.
for pass in "" -repeat; do
  ./tdpipe bench "${BENCH[@]}" --policies td-pipe/no-predictor,td-pipe,td-pipe/dist-memory,td-pipe-adaptive \
    --predictor oracle --json "$OUT/bench-predictor-oracle$pass.json" > "$OUT/bench-predictor-oracle$pass.txt"
  # constant:24 is the scaled workload's mean output length (1,146 tokens / 48)
  for p in noisy-oracle:0.1 noisy-oracle:0.3 noisy-oracle:0.6 constant:24; do
    ./tdpipe bench "${BENCH[@]}" --policies td-pipe,td-pipe/dist-memory,td-pipe-adaptive --predictor "$p" \
      --json "$OUT/bench-predictor-${p//:/-}$pass.json" > "$OUT/bench-predictor-${p//:/-}$pass.txt"
  done
done
echo "done: $OUT/bench-predictor-*"
