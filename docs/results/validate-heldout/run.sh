#!/usr/bin/env bash
# The held-out simulator cases of issue 16 (never used to tune the cost model), each profiled right before its runs:
#   azure:    Azure conversation trace, seed 7, 32 requests scaled to prompts <= 96 and outputs <= 48 tokens, 48 KV blocks
#   sharegpt: ShareGPT trace, seed 3, 48 requests scaled to prompts <= 128 and outputs <= 64 tokens, 64 KV blocks
# dummy:llama-110m on 2 stages x 1 thread: profile (T[n] and the stage table), then bench --validate --repeat 3.
# ROUNDS rounds (default 1), cases interleaved; each case waits for a load average below 0.5 first. REPEATS: timed
# launches per profile probe (default 3).
set -uo pipefail
cd "$(dirname "$0")/../../.."
OUT=${OUT:-/tmp/heldout}
ROUNDS=${ROUNDS:-1}
REPEATS=${REPEATS:-3}
TRACES=../shared/data/traces
PIPELINE=(--model dummy:llama-110m --stages 2 --threads-per-stage 1)
declare -A CASES=(
  [azure]="--workload $TRACES/AzureLLMInferenceTrace_conv.csv --num-requests 32 --seed 7 --scale-input 96 --scale-output 48 --kv-blocks 48"
  [sharegpt]="--workload $TRACES/sharegpt_8k_filtered_stats_llama2_tokenizer.csv --num-requests 48 --seed 3 --scale-input 128 --scale-output 64 --kv-blocks 64"
)
for round in $(seq 1 "$ROUNDS"); do
  for name in azure sharegpt; do
    dir=$OUT/$name-$round
    mkdir -p "$dir"
    for _ in $(seq 1 60); do awk '{exit !($1 < 0.5)}' /proc/loadavg && break; sleep 5; done
    uptime > "$dir/uptime-start.txt"
    echo "${CASES[$name]}" > "$dir/case.txt"
    ./tdpipe profile "${PIPELINE[@]}" --max-tokens 256 --max-decode-seqs 32 --decode-contexts 16,128 --repeats "$REPEATS" \
      --out "$dir/profile.csv" --stage-table "$dir/stages.csv" > "$dir/profile.txt" 2>&1
    # shellcheck disable=SC2086 # the case's flags split on spaces
    ./tdpipe bench "${PIPELINE[@]}" ${CASES[$name]} --policies td-pipe,td-pipe-adaptive,pp-vllm,pp-chunked --repeat 3 \
      --profile "$dir/profile.csv" --validate --stage-profile "$dir/stages.csv" --json "$dir/validate.json" > "$dir/validate.txt" 2>&1
    uptime > "$dir/uptime-end.txt"
  done
done
