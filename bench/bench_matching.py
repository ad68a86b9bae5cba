"""Matching accuracy: Beacon's engine against a standard Splink 5 configuration.

    .venv/bin/python bench/bench_matching.py [--people 50000] [--seed 1]

Runs `beacon people eval` (batch and online, in a fresh temporary database) and the standard Splink
baseline (bench/baseline_splink.py, best F1 over its thresholds) on FEBRL3 (without the social
security number) and on a synthetic UK-style file of --people people. Prints one JSON line per
figure. Exits non-zero when a target is missed: FEBRL3 batch F1 >= 0.98; synthetic batch F1 beats
the baseline by >= 0.03; online F1 within 0.02 of batch F1.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))


def emit(**figure: object) -> None:
    figure.setdefault("cores", os.cpu_count())
    print(json.dumps(figure), flush=True)


def ours(path: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-m", "beacon", "people", "eval", str(path), "--json"],
        capture_output=True, text=True, check=True, cwd=REPO,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def baseline(path: Path) -> dict[str, object]:
    import baseline_splink
    from beacon.people.metrics import pairwise

    rows = list(csv.DictReader(path.open()))
    truth = {i: r["cluster_id"] for i, r in enumerate(rows)}
    t = time.perf_counter()
    results = {th: pairwise(truth, pred) for th, pred in baseline_splink.run(rows).items()}
    best = max(results, key=lambda th: results[th]["f1"])
    return {"threshold": best, **results[best], "seconds": round(time.perf_counter() - t, 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    from beacon.people.febrl import write_febrl3_csv
    from beacon.people.synth import generate, write_csv

    tmp = Path(tempfile.mkdtemp(prefix="beacon-bench-matching-"))
    febrl = tmp / "febrl3.csv"
    write_febrl3_csv(febrl)
    synth = tmp / "synth.csv"
    write_csv(synth, generate(args.people, seed=args.seed))
    ok = True
    for name, path in (("febrl3", febrl), (f"uk_synthetic_{args.people}", synth)):
        mine = ours(path)
        base = baseline(path)
        batch, online = mine["batch"], mine["online"]
        assert isinstance(batch, dict) and isinstance(online, dict)
        emit(bench="matching_batch", dataset=name, engine="beacon", records=mine["records"], **batch)
        emit(bench="matching_online", dataset=name, engine="beacon", **online)
        emit(bench="matching_batch", dataset=name, engine="splink_standard", **base)
        gap = round(float(batch["f1"]) - float(base["f1"]), 4)
        online_gap = round(abs(float(online["f1"]) - float(batch["f1"])), 4)
        emit(bench="matching_vs_baseline", dataset=name, f1_gain=gap, online_vs_batch_gap=online_gap)
        ok &= online_gap <= 0.02
        if name == "febrl3":
            ok &= float(batch["f1"]) >= 0.98
        else:
            ok &= gap >= 0.03
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
