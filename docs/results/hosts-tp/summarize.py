"""Medians of the interleaved rounds of run.sh: total tokens/s per link and policy, and the ratios; with --validate
in BENCH_FLAGS, the simulator's prediction of each run and its error."""
import json
import statistics
import sys
from pathlib import Path

out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/hosts-tp")
links = ["25gbit", "10gbit", "1gbit"]
policies = ["td-pipe-adaptive", "td-pipe", "pp-vllm", "tp"]
print("| link | " + " | ".join(policies) + " | td-pipe / tp | td-pipe-adaptive / tp | td-pipe / pp-vllm |")
print("|---|" + "---|" * len(policies) + "---:|---:|---:|")
for link in links:
    rounds = {p: [] for p in policies}
    for f in sorted(out.glob(f"bench-{link}-*.json")):
        for run in json.loads(f.read_text())["runs"]:
            rounds[run["policy"]].append(run["total_tokens_per_s"])
    med = {p: statistics.median(v) for p, v in rounds.items()}
    cells = [" / ".join(f"{x:.0f}" for x in rounds[p]) + f" → {med[p]:.0f}" for p in policies]
    print(f"| {link} | " + " | ".join(cells)
          + f" | {med['td-pipe'] / med['tp']:.2f} | {med['td-pipe-adaptive'] / med['tp']:.2f} | {med['td-pipe'] / med['pp-vllm']:.2f} |")

validations = sorted(out.glob("bench-*.json"))
if any("validation" in json.loads(f.read_text()) for f in validations):
    print()
    print("| link, round | " + " | ".join(f"{p}: measured / predicted" for p in policies) + " |")
    print("|---|" + "---:|" * len(policies))
    for f in validations:
        doc = json.loads(f.read_text())
        if "validation" not in doc:
            continue
        rows = {v["policy"]: v for v in doc["validation"]}
        cells = [f"{rows[p]['measured_total_tokens_per_s']:.0f} / {rows[p]['predicted_total_tokens_per_s']:.0f}"
                 f" ({100 * rows[p]['error']:+.1f} %)" for p in policies]
        print(f"| {f.stem.removeprefix('bench-')} | " + " | ".join(cells) + " |")
