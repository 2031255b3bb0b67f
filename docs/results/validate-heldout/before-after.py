"""The measured cases of run.sh (python3 before-after.py OUT) predicted again by simulate from the same stage table, read
the way the cost model read it before processor sharing (busy times only, no hand-offs) and as it is read now (busy
and alone, hand-offs): the error of each against the measured median, per case and policy."""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

root = Path(__file__).resolve().parents[3]
out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/heldout")
policies = ["td-pipe", "td-pipe-adaptive", "pp-vllm", "pp-chunked"]


def busy_only(table: Path, into: Path) -> Path:
    lines = []
    for line in table.read_text().splitlines():
        cells = line.split(",")
        if line.startswith("#"):
            lines.append(line)
        elif cells[1] != "handoff":
            lines.append(",".join(cells[:6]))
    into.write_text("\n".join(lines) + "\n")
    return into


def predicted(case: Path, table: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "sim.json"
        subprocess.run([str(root / "tdpipe"), "simulate", "--stage-profile", str(table), "--profile", str(case / "profile.csv"),
                        *(case / "case.txt").read_text().split(), "--policies", ",".join(policies), "--json", str(report)],
                       check=True, capture_output=True, cwd=root)
        return {r["policy"]: r["total_tokens_per_s"] for r in json.loads(report.read_text())["runs"]}


print("| case | " + " | ".join(f"{p}: before / now" for p in policies) + " |")
print("|---|" + "---:|" * len(policies))
for case in sorted(d for d in out.iterdir() if (d / "validate.json").exists()):
    measured = {v["policy"]: v["measured_total_tokens_per_s"] for v in json.loads((case / "validate.json").read_text())["validation"]}
    with tempfile.TemporaryDirectory() as tmp:
        before = predicted(case, busy_only(case / "stages.csv", Path(tmp) / "busy.csv"))
    now = predicted(case, case / "stages.csv")
    cells = [f"{100 * (before[p] / measured[p] - 1):+.1f} % / {100 * (now[p] / measured[p] - 1):+.1f} %" for p in policies]
    print(f"| {case.name} | " + " | ".join(cells) + " |")
