#!/usr/bin/env bash
# Simulator validation on this machine's CPU pipeline (docs/benchmarks.md, "Simulator validation"):
#  1. profile the 2-stage pipeline (right before each case) of a dummy Llama (T[n] for the policies, and the per-stage table of
#     prefill / decode batches with context lengths for the simulator);
#  2. run every policy on a scaled ShareGPT workload, --repeat times interleaved, with bench --validate:
#     the simulator predicts each policy on exactly the same inputs from the stage table, and the
#     errors (and a replay of the measured stage times) are printed;
#  3. the same prediction from simulate alone, to show both commands read the same workload flags.
# Two cases: a tight KV cache (32 blocks of 16 tokens), and one that holds every request (128 blocks).
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

for kv in 32 128; do
  # profile right before the runs: on a shared machine the speed drifts within minutes
  $TDPIPE profile "${PIPELINE[@]}" --max-tokens 256 --max-decode-seqs 32 --decode-contexts 16,128 \
    --out "$OUT/validate-kv$kv-profile.csv" --stage-table "$OUT/validate-kv$kv-stages.csv"
  $TDPIPE bench "${PIPELINE[@]}" "${WORKLOAD[@]}" --kv-blocks "$kv" --policies "$POLICIES" --repeat "$REPEAT" \
    --profile "$OUT/validate-kv$kv-profile.csv" --validate --stage-profile "$OUT/validate-kv$kv-stages.csv" \
    --json "$OUT/validate-kv$kv.json" | tee "$OUT/validate-kv$kv.txt"
  $TDPIPE simulate --stage-profile "$OUT/validate-kv$kv-stages.csv" --profile "$OUT/validate-kv$kv-profile.csv" --kv-blocks "$kv" \
    "${WORKLOAD[@]}" --policies "$POLICIES" --json "$OUT/validate-kv$kv-simulated.json" | tee "$OUT/validate-kv$kv-simulated.txt"
done
