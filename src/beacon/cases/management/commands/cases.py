"""`beacon cases …`: the minimum-standards report for cron and other tools, and recomputing due
dates after a policy change made outside the page."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any, TextIO

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from beacon.core.management.base import DomainCommand


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {value!r}.", returncode=2) from exc


class Command(DomainCommand):
    help = "Cases: minimum standards due (JSON for other tools); recompute due dates."
    actions = {
        "due": (
            "Every open case with each minimum standard's due date and whether it is met, overdue, due "
            "soon or not due yet, as at a date (default today). --json prints the stable JSON contract."
        ),
        "recompute": "Recompute every open case's due dates and base score under the current standards.",
    }

    def add_due_arguments(self, p: CommandParser) -> None:
        p.add_argument(
            "--as-of",
            dest="as_of",
            default="",
            help="YYYY-MM-DD, today or later (default: today, Europe/London).",
        )
        p.add_argument("--json", action="store_true", help="Print one JSON object (streamed).")

    def handle_due(self, as_of: str, json: bool = False, **_: Any) -> None:
        from beacon.cases.due import as_of_problem, report, write_json

        day = _date(as_of) if as_of else timezone.localdate()
        if problem := as_of_problem(day, timezone.localdate()):
            raise CommandError(f"--as-of: {problem}", returncode=2)
        if json:
            out: TextIO = getattr(self.stdout, "_out", sys.stdout)  # the raw stream, unbuffered by Django
            write_json(out, day)
            out.flush()
            return
        header, cases, totals = report(day)
        self.stdout.write(
            f"Minimum standards as at {header['as_of']} (standards version {header['policy_version']})"
        )
        for c in cases:
            late = [s for s in c["standards"] if s["state"] in ("overdue", "due_soon")]
            if not late:
                continue
            what = "; ".join(
                f"{s['standard'].replace('_', ' ')} {s['state'].replace('_', ' ')} ({s['due']})" for s in late
            )
            self.stdout.write(f"{c['reference']:<16} {c['risk_level']:<8} {c['rag']:<5} {what}")
        self.stdout.write(
            f"{totals['cases']} open cases: {totals['red']} red, {totals['amber']} amber, "
            f"{totals['green']} green"
        )

    def add_recompute_arguments(self, p: CommandParser) -> None:
        p.add_argument("--json", action="store_true")

    def handle_recompute(self, json: bool = False, **_: Any) -> None:
        from beacon.cases.services_plan import recompute_open_cases

        n = recompute_open_cases()
        if json:
            self.emit_json({"recomputed": n})
        else:
            self.stdout.write(f"{n} open cases recomputed.")
