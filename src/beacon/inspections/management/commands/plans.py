"""`beacon plans …`: import, summarise, export and remind about improvement plans."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from beacon.core.management.base import DomainCommand


def _date(value: str, option: str = "--as-of") -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{option} must be a date in the form YYYY-MM-DD, not {value!r}") from exc


def _as_at(value: str) -> dt.date:
    return _date(value, "--as-at")


class Command(DomainCommand):
    help = "Improvement plans: import, summary, export, remind."
    actions = {
        "import": "Import a plan from CSV or XLSX (all rows or none).",
        "summary": "Print the board-paper summary of an inspection per portfolio.",
        "export": "Export an inspection's board-paper appendix as PDF, DOCX or XLSX.",
        "remind": "Email each owner their due-soon, overdue and stale items.",
    }

    def add_import_arguments(self, p: CommandParser) -> None:
        p.add_argument("file", type=Path)
        p.add_argument(
            "--as-at",
            type=_as_at,
            default=None,
            metavar="YYYY-MM-DD",
            help="The date the plan is as at: updates printed without a date of update are taken as "
            "given on it (default: today).",
        )
        p.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle_import(self, file: Path, as_at: dt.date | None = None, json: bool = False, **_: Any) -> None:
        from beacon.inspections.importer import import_plan

        if not file.exists():
            raise CommandError(f"{file}: no such file")
        result = import_plan(file, actor=None, as_at=as_at)
        if json:
            self.emit_json(result.as_dict())
        else:
            self.stdout.write(result.describe())
            for line in result.note_lines():
                self.stdout.write(line)

    def add_summary_arguments(self, p: CommandParser) -> None:
        p.add_argument("--inspection", required=True, metavar="TITLE")
        p.add_argument("--as-of", type=_date, default=None, metavar="YYYY-MM-DD")
        p.add_argument("--json", action="store_true")

    def handle_summary(self, inspection: str, as_of: dt.date | None, json: bool = False, **_: Any) -> None:
        from beacon.inspections.selectors import (
            all_portfolios_summary,
            get_inspection_by_title,
            inspection_summary,
            summary_table_rows,
        )

        insp = get_inspection_by_title(inspection)
        if insp is None:
            raise CommandError(f"No inspection titled {inspection!r}.")
        day = as_of or timezone.localdate()
        summary = inspection_summary(insp, day)
        everyone = all_portfolios_summary(summary)
        if json:
            self.emit_json(
                {
                    "inspection": insp.title,
                    "as_of": day.isoformat(),
                    "all_portfolios": everyone,
                    "portfolios": summary,
                }
            )
            return
        has_cc = insp.findings.filter(kind="cause_of_concern").exists()
        self.stdout.write(f"{insp.title} — as at {day:%-d %B %Y}")
        for entry, all_findings in [(everyone, True)] + [(e, False) for e in summary]:
            self.stdout.write(f"\n{entry['portfolio']}")
            self.stdout.write(
                f"  {'':24}{'Total':>7}{'Completed':>11}{'Green':>7}{'Amber':>7}{'Red':>7}"
                f"{'No status yet':>15}{'Overdue':>9}"
            )
            for row in summary_table_rows(entry, show_causes=has_cc, all_findings=all_findings):
                self.stdout.write(
                    f"  {row['label']:24}{row['total']:>7}{row['completed']:>11}"
                    f"{row['green']:>7}{row['amber']:>7}{row['red']:>7}"
                    f"{row['no_status']:>15}{row['overdue']:>9}"
                )

    def add_export_arguments(self, p: CommandParser) -> None:
        p.add_argument("--inspection", required=True, metavar="TITLE")
        p.add_argument("--format", required=True, choices=["pdf", "docx", "xlsx"])
        p.add_argument("--out", required=True, type=Path)
        p.add_argument("--as-of", type=_date, default=None, metavar="YYYY-MM-DD")

    def handle_export(self, inspection: str, format: str, out: Path, as_of: dt.date | None, **_: Any) -> None:
        from beacon.inspections.exports import render_appendix
        from beacon.inspections.selectors import get_inspection_by_title

        insp = get_inspection_by_title(inspection)
        if insp is None:
            raise CommandError(f"No inspection titled {inspection!r}.")
        data = render_appendix(insp, as_of or timezone.localdate(), format)
        out.write_bytes(data)
        self.stdout.write(f"wrote {out} ({len(data):,} bytes)")

    def add_remind_arguments(self, p: CommandParser) -> None:
        p.add_argument("--as-of", type=_date, default=None, metavar="YYYY-MM-DD")
        p.add_argument("--dry-run", action="store_true", help="List what would be sent; send nothing.")
        p.add_argument("--json", action="store_true")

    def handle_remind(
        self, as_of: dt.date | None, dry_run: bool = False, json: bool = False, **_: Any
    ) -> None:
        from beacon.inspections.reminders import send_reminders

        report = send_reminders(as_of or timezone.localdate(), dry_run=dry_run)
        if json:
            self.emit_json(report)
        else:
            self.stdout.write(
                f"{report['emails']} email(s) {'would be ' if dry_run else ''}sent covering "
                f"{report['items']} item(s); {len(report['unrouted'])} item(s) had no owner to send to."
            )
            for u in report["unrouted"]:
                self.stdout.write(f"  no recipient: {u}")
