#!/usr/bin/env bash
# The serving load benchmark (docs/benchmarks.md, "Serving under load"): for each policy, start
# `tdpipe serve` on loopback, drive it with `tdpipe bench-serve` at several concurrency levels
# (streamed /v1/completions, ShareGPT lengths scaled to the model's context), then stop it with
# SIGTERM. Environment: TDPIPE (launcher, default ./tdpipe), OUT (default docs/results), MODEL,
# STAGES (default 2), POLICIES (default pp-chunked,td-pipe-adaptive), CONCURRENCY (default 1,4,16,64),
# NUM_PROMPTS (default 256), MAX_TOKENS (default 128), PORT (default 18080).
set -euo pipefail
cd "$(dirname "$0")/.."
TDPIPE=${TDPIPE:-./tdpipe}
OUT=${OUT:-docs/results}
MODEL=${MODEL:-../shared/data/models/stories260K/stories260K.gguf}
STAGES=${STAGES:-2}
POLICIES=${POLICIES:-pp-chunked,td-pipe-adaptive}
CONCURRENCY=${CONCURRENCY:-1,4,16,64}
NUM_PROMPTS=${NUM_PROMPTS:-256}
MAX_TOKENS=${MAX_TOKENS:-128}
PORT=${PORT:-18080}
mkdir -p "$OUT"

server=
stop_server() {
  if [[ -n "$server" ]] && kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server"
    wait "$server" || true
  fi
  server=
}
trap stop_server EXIT

for policy in ${POLICIES//,/ }; do
  name=serve-$(basename "$MODEL" | sed 's/[^A-Za-z0-9]/-/g')-$STAGES-stages-${policy//\//-}
  "$TDPIPE" serve --model "$MODEL" --stages "$STAGES" --port "$PORT" --served-model-name bench \
    --policy "$policy" > "$OUT/$name-server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:$PORT/health" > /dev/null && break
    kill -0 "$server" 2>/dev/null || { cat "$OUT/$name-server.log"; exit 1; }
    sleep 0.5
  done
  "$TDPIPE" bench-serve --base-url "http://127.0.0.1:$PORT" --model bench --dataset sharegpt --seed 0 \
    --num-prompts "$NUM_PROMPTS" --concurrency "$CONCURRENCY" --max-tokens "$MAX_TOKENS" --scale-input 256 --ignore-eos \
    --json "$OUT/$name.json" | tee "$OUT/$name.txt"
  curl -s "http://127.0.0.1:$PORT/metrics" > "$OUT/$name-metrics.prom"
  stop_server
done
