#!/usr/bin/env bash
# The output-length predictor comparison on the real CPU pipeline (docs/reproduction.md, "Real
# 2-stage CPU run"): dummy:llama-110m on 2 local stages, 48 scaled ShareGPT requests, a 48-block KV
# pool (a quarter of what the workload needs at once), one profile measured first and shared by
# every run. The learned model is trained on the ShareGPT trace (lengths only, 80 % split, seed 0)
# and told how bench scaled the sample (it predicts at the trace's scale). About 25 minutes on a
# quiet 2-core machine; PREDICTORS=learned runs the learned rows only, on the existing profile.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=docs/results
mkdir -p "$OUT"
PROFILE=$OUT/bench-predictor-llama110m-profile.csv
SHAREGPT=../shared/data/traces/sharegpt_8k_filtered_stats_llama2_tokenizer.csv
LEARNED=$OUT/sharegpt-predictor.bin
POLICIES=td-pipe,td-pipe/dist-memory,td-pipe-adaptive
BENCH=(--model dummy:llama-110m --stages 2 --executor local --num-requests 48 --seed 0 --kv-blocks 48
  --scale-input 64 --scale-output 64 --profile "$PROFILE" --workload "$SHAREGPT")

bench() { # NAME ARGS...: one bench invocation, its report and JSON under docs/results
  local name=$1
  shift
  ./tdpipe bench "${BENCH[@]}" "$@" --json "$OUT/bench-predictor-$name.json" > "$OUT/bench-predictor-$name.txt"
}

[ -f "$LEARNED" ] || ./tdpipe predictor train --data "$SHAREGPT" --out "$LEARNED" --seed 0 > "$OUT/predictor-train.txt"
if [ "${PREDICTORS:-all}" = all ]; then
  ./tdpipe profile --model dummy:llama-110m --stages 2 --out "$PROFILE" > "$OUT/bench-predictor-profile.txt"
fi
# Two passes: on a shared machine single runs vary by far more than the policies differ.
for pass in "" -repeat; do
  if [ "${PREDICTORS:-all}" = all ]; then
    bench "oracle$pass" --policies "td-pipe/no-predictor,$POLICIES" --predictor oracle
    # constant:24 is the scaled workload's mean output length (1,146 tokens / 48)
    for p in noisy-oracle:0.1 noisy-oracle:0.3 noisy-oracle:0.6 constant:24; do
      bench "${p//:/-}$pass" --policies "$POLICIES" --predictor "$p"
    done
  fi
  for p in learned learned-online; do
    bench "$p$pass" --policies "$POLICIES" --predictor "$p:$LEARNED"
    # online learning changes only predictions made after requests finish: arrivals spread over time
    bench "$p-poisson4$pass" --policies "$POLICIES" --predictor "$p:$LEARNED" --arrival poisson:4
  done
done
echo "done: $OUT/bench-predictor-*"
