#!/usr/bin/env bash
# Regenerates every simulator table of docs/reproduction.md into docs/results/ (about 6 minutes on
# 2 cores). Each command is the one quoted in the docs; outputs are the CLI's own report.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DATA=../shared/data
L20_13B=$DATA/profiles/L20-Llama-13B.csv
L20_OPT=$DATA/profiles/L20-opt-125m.csv
SHAREGPT=$DATA/traces/sharegpt_8k_filtered_stats_llama2_tokenizer.csv
AZURE=$DATA/traces/AzureLLMInferenceTrace_conv.csv
OUT=docs/results
mkdir -p "$OUT" docs/img
MAIN=td-pipe,td-pipe-adaptive,pp-vllm,pp-chunked,tp
ABLATIONS=td-pipe,td-pipe/no-greedy,td-pipe/no-stealing,td-pipe/memory-only,td-pipe/no-greedy/no-stealing,td-pipe-adaptive,td-pipe-adaptive/no-lookahead

run() { local name=$1; shift; echo "== $name: ./tdpipe simulate $*"; ./tdpipe simulate "$@" > "$OUT/$name.txt"; }

# The paper's setup: L20 x 4, Llama-2-13B, ShareGPT 5,000, oracle predictor; both cost modes.
run paper-profile --gpu l20 --gpus 4 --model llama-2-13b --profile "$L20_13B" --workload "$SHAREGPT" \
  --num-requests 5000 --seed 0 --policies "$MAIN" --predictor oracle --json "$OUT/paper-profile.json" \
  --chart docs/img/timeline-profile.png --chart-window 200:204
run paper-roofline --gpu l20 --gpus 4 --model llama-2-13b --cost roofline --profile "$L20_13B" --workload "$SHAREGPT" \
  --num-requests 5000 --seed 0 --policies "$MAIN" --predictor oracle --json "$OUT/paper-roofline.json" \
  --chart docs/img/timeline-roofline.png --chart-window 200:204
run ablation-profile --profile "$L20_13B" --workload "$SHAREGPT" --policies "$ABLATIONS"
run ablation-roofline --cost roofline --profile "$L20_13B" --workload "$SHAREGPT" --policies "$ABLATIONS"

# All-reduce bandwidth sweep: only tp depends on it.
for bw in 4 8 12 16 23.7 32; do
  run "allreduce-$bw" --profile "$L20_13B" --workload "$SHAREGPT" --policies td-pipe,td-pipe-adaptive,tp --allreduce-busbw "$bw"
done

# Every profile and trace in the shared data.
run opt125m-sharegpt --model opt-125m --profile "$L20_OPT" --workload "$SHAREGPT" --policies "$MAIN"
run llama13b-azure --profile "$L20_13B" --workload "$AZURE" --policies "$MAIN"
run opt125m-azure --model opt-125m --profile "$L20_OPT" --workload "$AZURE" --policies "$MAIN"
# Output-length predictors (issue 7): a model trained on the ShareGPT trace's 80 % split (seed 0),
# every predictor with the faithful memory simulation, the distribution-aware one and the adaptive
# policy; "no predictor" plans on the blocks held now (td-pipe/no-predictor, the predictor unused).
./tdpipe predictor train --data "$SHAREGPT" --out "$OUT/sharegpt-predictor.bin" --seed 0 > "$OUT/predictor-train.txt"
./tdpipe predictor eval --data "$SHAREGPT" --model "$OUT/sharegpt-predictor.bin" --seed 0 > "$OUT/predictor-eval.txt"
PREDICTOR_POLICIES=td-pipe,td-pipe/dist-memory,td-pipe-adaptive
for p in oracle noisy-oracle:0.1 noisy-oracle:0.3 noisy-oracle:0.6 constant:256 \
    "learned:$OUT/sharegpt-predictor.bin" "learned-online:$OUT/sharegpt-predictor.bin"; do
  name=${p%%:"$OUT"*}
  run "predictor-${name//:/-}" --profile "$L20_13B" --workload "$SHAREGPT" --policies "$PREDICTOR_POLICIES" --predictor "$p"
done
# Online learning changes only predictions made after requests finish: with every request at t = 0
# (above) it cannot matter; with Poisson arrivals faster than any policy serves, it can.
for p in learned learned-online; do
  run "predictor-$p-poisson12" --profile "$L20_13B" --workload "$SHAREGPT" --policies "$PREDICTOR_POLICIES" \
    --predictor "$p:$OUT/sharegpt-predictor.bin" --arrival poisson:12
done
run predictor-none --profile "$L20_13B" --workload "$SHAREGPT" \
  --policies td-pipe/no-predictor,td-pipe/no-predictor/memory-only
echo "done: $OUT"
