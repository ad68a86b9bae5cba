"""`beacon partnership …`: count the ASB case review thresholds for every area (for cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from beacon.core.management.base import DomainCommand


class Command(DomainCommand):
    help = "Partnership: count who and where meets the ASB case review threshold in every area."
    actions = {
        "thresholds": (
            "Count the victims and places meeting the ASB case review threshold in every area now, "
            "and keep the result for the supervisors' lists (run it from cron every few minutes)."
        ),
    }

    def add_thresholds_arguments(self, p: CommandParser) -> None:
        p.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle_thresholds(self, json: bool = False, **_: Any) -> None:
        from beacon.core.models import Area
        from beacon.partnership.snapshots import recount_all

        snaps = recount_all()
        codes = dict(Area.objects.values_list("id", "code"))
        rows = [
            {
                "area": codes.get(s.area_id, str(s.area_id)),
                "victims": len(s.victims),
                "places": len(s.places),
                "seconds": s.seconds,
            }
            for s in snaps
        ]
        if json:
            self.emit_json({"as_of": snaps[0].as_of.isoformat() if snaps else None, "areas": rows})
            return
        for r in rows:
            self.stdout.write(
                f"{r['area']}: {r['victims']} victims and {r['places']} places meet the threshold "
                f"({r['seconds']:.2f} s)"
            )
