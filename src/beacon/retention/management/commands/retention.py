"""`beacon retention …`: what is due for review (JSON for other tools), and decisions on it (keep
with a reason and the next review date, or dispose of), from cron or by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from beacon.core.errors import PermissionRefused, ValidationFailed
from beacon.core.management.base import DomainCommand


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{option} must be a date as YYYY-MM-DD, not {value!r}.", returncode=2) from exc


def _ids(value: str) -> list[int]:
    try:
        ids = [int(v) for v in value.replace(",", " ").split()]
    except ValueError as exc:
        raise CommandError(
            f"--ids must be record ids separated by commas, not {value!r}.", returncode=2
        ) from exc
    if any(i < 1 or i > 2**63 - 1 for i in ids):
        raise CommandError("--ids must be positive record ids.", returncode=2)
    return ids


def review_json(as_of: dt.date, record_type: str) -> dict[str, Any]:
    """The stable JSON contract of `beacon retention review --json` (docs/adr/0010-retention.md)."""
    from beacon.retention import selectors

    items = selectors.due(as_of, record_type)
    return {
        "as_of": as_of.isoformat(),
        "record_type": record_type,
        "rules": [
            {
                "code": r.code,
                "version": r.version,
                "label": r.label,
                "order": r.order,
                "when_any": r.when_any,
                "when_none": r.when_none,
                "review_after_years": r.review_after_years,
                "review_every_years": r.review_every_years,
                "is_example": r.is_example,
            }
            for r in selectors.rules(record_type)
        ],
        "total": len(items),
        "due": [i.as_dict() for i in items],
    }


class Command(DomainCommand):
    help = "Retention (MoPI): records due for review; keep them with a reason, or dispose of them."
    actions = {
        "review": (
            "List the records due for review as at a date (default today); --json: the stable contract."
        ),
        "keep": "Keep records due for review, with the reason and (optionally) the next review date.",
        "dispose": (
            "Dispose of records due for review today: their personal data is removed in every domain, "
            "a tombstone and an audit entry remain. All or nothing."
        ),
    }

    @staticmethod
    def _type_argument(p: CommandParser) -> None:
        p.add_argument("--record-type", dest="record_type", default="incident", help="default: incident")

    def add_review_arguments(self, p: CommandParser) -> None:
        p.add_argument("--as-of", dest="as_of", default="", help="YYYY-MM-DD (default: today, Europe/London)")
        self._type_argument(p)
        p.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle_review(self, as_of: str, record_type: str, json: bool = False, **_: Any) -> None:
        from beacon.core import retention as registry

        if record_type not in registry.RECORD_TYPES:
            raise CommandError(f"--record-type: unknown record type {record_type!r}.", returncode=2)
        day = _date(as_of, "--as-of") if as_of else timezone.localdate()
        data = review_json(day, record_type)
        if json:
            self.emit_json(data)
            return
        self.stdout.write(f"{data['total']} {record_type} record(s) due for review as at {data['as_of']}")
        for i in data["due"]:
            self.stdout.write(
                f"{i['id']:>8} {i['reference']:<20} review on {i['review_on']} rule {i['rule']} "
                f"[{', '.join(i['tags'])}]"
            )

    def _decision_arguments(self, p: CommandParser) -> None:
        p.add_argument("--ids", default="", help="Record ids, comma-separated.")
        p.add_argument("--all-due", dest="all_due", action="store_true", help="Every record due today.")
        p.add_argument("--reason", default="", help="Why (required; written to the audit trail).")
        self._type_argument(p)
        p.add_argument("--json", action="store_true")

    def _chosen(self, ids: str, all_due: bool, record_type: str) -> list[int]:
        from beacon.core import retention as registry
        from beacon.retention import selectors

        if record_type not in registry.RECORD_TYPES:
            raise CommandError(f"--record-type: unknown record type {record_type!r}.", returncode=2)
        if bool(ids) == all_due:
            raise CommandError("Give either --ids or --all-due.", returncode=2)
        if all_due:
            return [i.pk for i in selectors.due(timezone.localdate(), record_type)]
        return _ids(ids)

    @staticmethod
    def _require_reason(reason: str) -> str:
        if not reason.strip():
            raise CommandError(
                "--reason is required: say why (it is written to the audit trail).", returncode=2
            )
        return reason

    def add_keep_arguments(self, p: CommandParser) -> None:
        self._decision_arguments(p)
        p.add_argument(
            "--next-review", dest="next_review", default="", help="YYYY-MM-DD (default: the rule's)"
        )

    def handle_keep(
        self,
        ids: str,
        all_due: bool,
        reason: str,
        record_type: str,
        next_review: str,
        json: bool = False,
        **_: Any,
    ) -> None:
        from beacon.retention import services

        self._require_reason(reason)
        chosen = self._chosen(ids, all_due, record_type)
        if not chosen:
            self._nothing(json)
            return
        nxt = _date(next_review, "--next-review") if next_review else None
        kept = services.keep(None, chosen, reason=reason, next_review_on=nxt, record_type=record_type)
        if json:
            self.emit_json(
                {
                    "kept": len(kept),
                    "records": [{"id": d.object_pk, "next_review_on": d.next_review_on} for d in kept],
                }
            )
        else:
            self.stdout.write(f"{len(kept)} record(s) kept.")

    def add_dispose_arguments(self, p: CommandParser) -> None:
        self._decision_arguments(p)

    def handle_dispose(
        self, ids: str, all_due: bool, reason: str, record_type: str, json: bool = False, **_: Any
    ) -> None:
        from beacon.retention import services

        self._require_reason(reason)
        chosen = self._chosen(ids, all_due, record_type)
        if not chosen:
            self._nothing(json)
            return
        try:
            stones = services.dispose(
                None,
                chosen,
                reason=reason,
                record_type=record_type,
                progress=lambda items, n: self.progress(items, total=n, desc="disposing"),
            )
        except (ValidationFailed, PermissionRefused):
            raise
        except Exception as exc:  # a domain's disposer failed: the transaction rolled back
            raise CommandError(f"Disposal failed ({exc}); nothing was written.", returncode=1) from exc
        if json:
            self.emit_json(
                {
                    "disposed": len(stones),
                    "tombstones": [
                        {"tombstone": s.pk, "id": s.object_pk, "reference": s.reference, "counts": s.counts}
                        for s in stones
                    ],
                }
            )
        else:
            self.stdout.write(f"{len(stones)} record(s) disposed of; their tombstones remain.")

    def _nothing(self, json: bool) -> None:
        if json:
            self.emit_json({"disposed": 0, "kept": 0})
        else:
            self.stdout.write("Nothing is due.")
