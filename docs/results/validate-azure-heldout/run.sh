#!/usr/bin/env bash
# The held-out simulator case of issue 16: Azure conversation trace, seed 7, 32 requests scaled to prompts <= 96 and
# outputs <= 48 tokens, 48 KV blocks, dummy:llama-110m on 2 stages x 1 thread; profile, then bench --validate --repeat 3.
set -uo pipefail
cd "$(dirname "$0")/../../.."
OUT=${OUT:-/tmp/heldout}; mkdir -p "$OUT"
for _ in $(seq 1 60); do awk '{exit !($1 < 0.5)}' /proc/loadavg && break; sleep 5; done
uptime > $OUT/uptime-start.txt
PIPELINE=(--model dummy:llama-110m --stages 2 --threads-per-stage 1)
WORKLOAD=(--workload ../shared/data/traces/AzureLLMInferenceTrace_conv.csv --num-requests 32 --seed 7 --scale-input 96 --scale-output 48)
./tdpipe profile "${PIPELINE[@]}" --max-tokens 256 --max-decode-seqs 32 --decode-contexts 16,128 --out $OUT/profile.csv --stage-table $OUT/stages.csv > $OUT/profile.txt 2>&1
./tdpipe bench "${PIPELINE[@]}" "${WORKLOAD[@]}" --kv-blocks 48 --policies td-pipe,td-pipe-adaptive,pp-vllm,pp-chunked --repeat 3 \
  --profile $OUT/profile.csv --validate --stage-profile $OUT/stages.csv --json $OUT/validate.json > $OUT/validate.txt 2>&1
uptime > $OUT/uptime-end.txt
