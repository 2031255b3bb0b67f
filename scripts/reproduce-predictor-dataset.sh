#!/usr/bin/env bash
# The stories260K text dataset of docs/reproduction.md ("A text dataset made with the real model"):
# generates it (about 2.5 CPU-minutes), trains the learned predictor on 80 % with and without text
# features and evaluates it on the other 20 % (offline and online). The data and models stay
# uncommitted (docs/results/*.jsonl and *.bin are ignored); the evaluations land in docs/results/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MODEL=../shared/data/models/stories260K/stories260K.gguf
OUT=docs/results
DATA=$OUT/stories260K-lengths.jsonl
mkdir -p "$OUT"
./tdpipe predictor dataset --model "$MODEL" --num-prompts 1200 --seed 0 --out "$DATA" > "$OUT/stories260K-dataset.txt"
for bits in 12 0; do
  ./tdpipe predictor train --data "$DATA" --tokenizer "$MODEL" --seed 0 --hash-bits "$bits" \
    --out "$OUT/stories260K-predictor-h$bits.bin" > "$OUT/stories260K-train-h$bits.txt"
  ./tdpipe predictor eval --data "$DATA" --tokenizer "$MODEL" --seed 0 --model "$OUT/stories260K-predictor-h$bits.bin" \
    --json "$OUT/stories260K-eval-h$bits.json" > "$OUT/stories260K-eval-h$bits.txt"
done
./tdpipe predictor eval --data "$DATA" --tokenizer "$MODEL" --seed 0 --model "$OUT/stories260K-predictor-h12.bin" --online \
  --json "$OUT/stories260K-eval-h12-online.json" > "$OUT/stories260K-eval-h12-online.txt"
echo "done: $OUT/stories260K-*"
