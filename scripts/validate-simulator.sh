#!/usr/bin/env bash
# Simulator validation on this machine's CPU pipeline (docs/benchmarks.md, "Simulator validation"):
#  1. profile the 2-stage pipeline of a dummy Llama (T[n] for the policies, and the per-stage table of
#     prefill / decode batches with context lengths for the simulator);
#  2. run every policy on a scaled ShareGPT workload, --repeat times interleaved, with bench --validate:
#     the simulator predicts each policy on exactly the same inputs from the stage table, and the
#     errors (and a replay of the measured stage times) are printed;
#  3. the same prediction from simulate alone, to show both commands read the same workload flags.
# Two cases: the KV cache holds every request (128 blocks), and a tight cache (32 blocks of 16 tokens).
# Environment: TDPIPE (launcher, default ./tdpipe), OUT (default docs/results), MODEL, REPEAT (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
TDPIPE=${TDPIPE:-./tdpipe}
OUT=${OUT:-docs/results}
MODEL=${MODEL:-dummy:llama-110m}
REPEAT=${REPEAT:-3}
POLICIES=td-pipe,td-pipe-adaptive,pp-vllm,pp-chunked
PIPELINE=(--model "$MODEL" --stages 2 --threads-per-stage 1)
WORKLOAD=(--num-requests 32 --seed 0 --scale-input 64 --scale-output 64)
mkdir -p "$OUT"

$TDPIPE profile "${PIPELINE[@]}" --max-tokens 256 --max-decode-seqs 32 --decode-contexts 16,128 \
  --out "$OUT/validate-profile.csv" --stage-table "$OUT/validate-stages.csv"

for kv in 128 32; do
  $TDPIPE bench "${PIPELINE[@]}" "${WORKLOAD[@]}" --kv-blocks "$kv" --policies "$POLICIES" --repeat "$REPEAT" \
    --profile "$OUT/validate-profile.csv" --validate --stage-profile "$OUT/validate-stages.csv" \
    --json "$OUT/validate-kv$kv.json" | tee "$OUT/validate-kv$kv.txt"
  $TDPIPE simulate --stage-profile "$OUT/validate-stages.csv" --profile "$OUT/validate-profile.csv" --kv-blocks "$kv" \
    "${WORKLOAD[@]}" --policies "$POLICIES" --json "$OUT/validate-kv$kv-simulated.json" | tee "$OUT/validate-kv$kv-simulated.txt"
done
