"""Benchmark the README's first command: `beacon demo` on a fresh SQLite database.

    .venv/bin/python bench/bench_demo.py [--target 60]

Runs `beacon demo --no-serve` in a new process on a temporary database (migrate, demo users and
plans, the trained person index, eighteen months of incident history, casework), and prints one JSON
line: the seconds it took, the incidents and months of history it loaded, the lines it printed and
whether any of them was a warning. Exits non-zero if it misses the target or is not quiet.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", type=float, default=60.0, help="seconds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="beacon-demo-bench-") as folder:
        db = Path(folder) / "demo.sqlite3"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "beacon", "demo", "--no-serve"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
        with sqlite3.connect(db) as conn:
            incidents, months = conn.execute(
                "SELECT count(*), count(DISTINCT strftime('%Y-%m', received_at)) FROM incidents_incident"
            ).fetchone()
    output = (proc.stdout + proc.stderr).splitlines()
    quiet = not any("warning" in line.lower() for line in output)
    met = proc.returncode == 0 and seconds < args.target and quiet
    figure = {
        "bench": "demo_start",
        "database": "sqlite",
        "seconds": round(seconds, 2),
        "incidents": incidents,
        "months_with_incidents": months,
        "lines_printed": len(output),
        "quiet": quiet,
        "exit_code": proc.returncode,
        "target_seconds": args.target,
        "met": met,
        "cores": os.cpu_count(),
    }
    print(json.dumps(figure), flush=True)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
