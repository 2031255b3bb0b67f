#!/usr/bin/env bash
# A/B of the serving engine: `serve` from each tree, the same bench-serve client (main) against both, interleaved.
set -uo pipefail
MODEL=/work/shared/data/models/stories260K/stories260K.gguf
OUT=/tmp/serve-ab
uptime > $OUT/uptime-start-${ROUNDS:-1}.txt
sleep ${QUIET:-20}
for round in ${ROUNDS:-1 2}; do
  for side in before after; do
    tree=/work/ab-before; [ $side = after ] && tree=/work/main
    $tree/tdpipe serve --model $MODEL --stages 2 --port 18080 --served-model-name bench --policy pp-chunked > $OUT/$side-$round-server.log 2>&1 &
    server=$!
    for _ in $(seq 1 240); do curl -sf http://127.0.0.1:18080/health > /dev/null && break; sleep 0.5; done
    uptime > $OUT/$side-$round-uptime.txt
    /work/main/tdpipe bench-serve --base-url http://127.0.0.1:18080 --model bench --dataset-name sharegpt --seed 0 \
      --num-prompts 256 --concurrency 1,16,64 --max-tokens 128 --scale-input 256 --ignore-eos \
      --json $OUT/$side-$round.json > $OUT/$side-$round.txt 2>&1
    kill -TERM $server; wait $server
  done
done
uptime > $OUT/uptime-end-${ROUNDS:-1}.txt
