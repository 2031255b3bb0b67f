#!/usr/bin/env bash
# gRPC stage workers on loopback (plaintext and TLS) against in-process stage threads
# (docs/benchmarks.md, "gRPC on loopback vs in-process stages"): dummy:llama-110m on 2 stages,
# 16 scaled ShareGPT requests, td-pipe-adaptive and pp-vllm, interleaved local / grpc / grpc-tls
# rounds sharing one profile. Needs openssl for the throwaway self-signed certificate. About 5
# minutes on a quiet 2-core machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=docs/results
ROUNDS=${ROUNDS:-2}
TMP=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$TMP"' EXIT
mkdir -p "$OUT"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -subj /CN=tdpipe-worker \
  -addext subjectAltName=IP:127.0.0.1 -days 1 2>/dev/null
PROFILE=$OUT/bench-grpc-llama110m-profile.csv
./tdpipe profile --model dummy:llama-110m --stages 2 --out "$PROFILE" --max-tokens 256 --repeats 1 > /dev/null
./tdpipe worker --listen 127.0.0.1:19101 2> "$TMP/w1.log" &
./tdpipe worker --listen 127.0.0.1:19102 2> "$TMP/w2.log" &
TLS=(--tls-ca "$TMP/cert.pem" --tls-cert "$TMP/cert.pem" --tls-key "$TMP/key.pem")
./tdpipe worker --listen 127.0.0.1:19201 "${TLS[@]}" 2> "$TMP/w3.log" &
./tdpipe worker --listen 127.0.0.1:19202 "${TLS[@]}" 2> "$TMP/w4.log" &
sleep 5
BENCH=(--model dummy:llama-110m --stages 2 --num-requests 16 --seed 0 --scale-input 64 --scale-output 32
  --policies td-pipe-adaptive,pp-vllm --profile "$PROFILE" --threads-per-stage 1)
for round in $(seq 1 "$ROUNDS"); do
  ./tdpipe bench "${BENCH[@]}" --executor local --json "$OUT/bench-grpc-local-$round.json" > "$OUT/bench-grpc-local-$round.txt"
  ./tdpipe bench "${BENCH[@]}" --executor grpc --workers 127.0.0.1:19101,127.0.0.1:19102 \
    --json "$OUT/bench-grpc-plain-$round.json" > "$OUT/bench-grpc-plain-$round.txt"
  ./tdpipe bench "${BENCH[@]}" --executor grpc --workers 127.0.0.1:19201,127.0.0.1:19202 --tls-ca "$TMP/cert.pem" \
    --json "$OUT/bench-grpc-tls-$round.json" > "$OUT/bench-grpc-tls-$round.txt"
done
echo "done: $OUT/bench-grpc-*"
