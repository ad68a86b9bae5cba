"""Benchmark the improvement-plan importer on a large synthetic plan.

    .venv/bin/python bench/bench_import.py [--findings 10000] [--updates 5] [--target 10]

Uses DATABASE_URL if it is set (the benchmark's records are left there, under a uniquely named
inspection), else a fresh temporary SQLite file that is deleted afterwards. Prints one JSON line for
the import and one for a re-import of the same file (which must create nothing), and exits non-zero
if the import misses the target time or the re-import changes anything.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PORTFOLIOS = [
    ("Contact Management", "Director of Contact", "Head of Contact Centre"),
    ("Local Policing", "ACC Local Policing", "Ch Supt Neighbourhoods"),
    ("Crime", "ACC Crime", "Det Ch Supt Crime"),
    ("Performance & Insight", "Deputy Chief Constable", "Head of Performance"),
    ("Public Protection", "ACC Public Protection", "Det Ch Supt Safeguarding"),
    ("Criminal Justice", "ACC Justice", "Ch Supt Justice"),
    ("People", "Director of People", "Head of HR"),
    ("Digital", "Chief Digital Officer", "Head of Digital Delivery"),
]
STATUSES = ["RED", "AMBER", "AMBER", "GREEN", "COMPLETE"]


def write_plan(path: Path, title: str, findings: int, updates: int) -> int:
    """A plan with `findings` findings (1 in 20 a recommendation, the rest areas for improvement under
    them), each with `updates` dated updates in one of eight portfolios; every 50th finding is
    transferred to the next portfolio on its last update. Returns the number of data rows."""
    from beacon.inspections.plan_parsing import COLUMNS

    start = dt.date(2024, 1, 15)
    rows = 0
    recs = max(1, findings // 20)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(list(COLUMNS))
        for i in range(findings):
            if i < recs:
                ref, kind, parent = f"R.{i + 1}", "recommendation", ""
            else:
                ref, kind, parent = f"AFI.{i - recs + 1}", "Area for improvement", f"R.{i % recs + 1}"
            name, holder, owner = PORTFOLIOS[i % len(PORTFOLIOS)]
            text = f"Synthetic finding {i + 1}: the force should review process {i % 97} in area {i % 13}."
            due = start + dt.timedelta(days=180 + i % 200)
            due_text = due.isoformat() if i % 2 else f"{due:%d-%b-%y}"
            for u in range(updates):
                day = start + dt.timedelta(days=30 * u + i % 29)
                last = u == updates - 1
                moved = last and i % 50 == 0
                target = PORTFOLIOS[(i + 1) % len(PORTFOLIOS)][0] if moved else ""
                out.writerow(
                    [
                        title,
                        ref,
                        kind,
                        parent,
                        f"Category {i % 11}",
                        text,
                        str(4 + i % 60),
                        name,
                        holder,
                        owner,
                        "lead",
                        f"Action owner {i % 40}",
                        due_text,
                        STATUSES[(i + u) % len(STATUSES)],
                        day.isoformat(),
                        f"Update {u + 1} on finding {i + 1}: work continues.",
                        target,
                        day.isoformat() if moved else "",
                    ]
                )
                rows += 1
    return rows


def table_counts() -> dict[str, int]:
    from beacon.core.models import AuditEvent
    from beacon.inspections.models import Allocation, Finding, Inspection, Portfolio, ProgressUpdate

    return {
        m.__name__: m.objects.count()
        for m in (Inspection, Finding, Portfolio, Allocation, ProgressUpdate, AuditEvent)
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--findings", type=int, default=10_000)
    parser.add_argument("--updates", type=int, default=5, help="updates (rows) per finding")
    parser.add_argument("--target", type=float, default=10.0, help="target seconds for the import")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="beacon-bench-"))
    try:
        if not os.environ.get("DATABASE_URL"):
            os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
        os.environ["DJANGO_SETTINGS_MODULE"] = "beacon.settings"
        sys.path.insert(0, str(REPO / "src"))
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from beacon.inspections.importer import import_plan

        call_command("migrate", verbosity=0, interactive=False)
        title = f"Benchmark Inspection {uuid.uuid4().hex[:8]}"
        plan = tmp / "plan.csv"
        rows = write_plan(plan, title, args.findings, args.updates)
        common = {
            "findings": args.findings,
            "updates": args.findings * args.updates,
            "rows": rows,
            "cores": os.cpu_count(),
            "database": connection.vendor,
        }

        t0 = time.perf_counter()
        first = import_plan(plan, actor=None)
        seconds = time.perf_counter() - t0
        ok = seconds <= args.target and first.updates_created == args.findings * args.updates
        print(
            json.dumps(
                {
                    "bench": "plans_import",
                    **common,
                    "seconds": round(seconds, 2),
                    "target_seconds": args.target,
                    "result": first.as_dict(),
                }
            )
        )

        before = table_counts()
        t0 = time.perf_counter()
        again = import_plan(plan, actor=None)
        seconds = time.perf_counter() - t0
        unchanged = table_counts() == before
        print(
            json.dumps(
                {
                    "bench": "plans_reimport",
                    **common,
                    "seconds": round(seconds, 2),
                    "unchanged": unchanged,
                    "result": again.as_dict(),
                }
            )
        )
        return 0 if ok and unchanged else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
