"""`beacon audits …`: draw a dip sample for an area and month.

`beacon audits sample --template CODE --area CODE --month YYYY-MM --size N --seed S --json` prints
`{"template": CODE, "version": n, "seed": S, "items": [{"incident": REF}, ...]}` (`{"case": REF}` for
a case template): the items in the order drawn. The same arguments over the same records always give
the same items (numpy's `default_rng(seed)` over the eligible records in primary-key order, without
replacement). It only prints, unless `--save` is given: then the round is stored (with its seed,
size, strata, population and template version) and the JSON gains `"round": ID`. The JSON is a
stable contract: fields are only ever added.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from beacon.core.management.base import DomainCommand


class Command(DomainCommand):
    help = "Quality: draw reproducible dip samples for audits."
    actions = {
        "sample": "Draw a random sample of an area's records for a month (prints it; --save stores it)."
    }

    def add_sample_arguments(self, p: CommandParser) -> None:
        p.add_argument(
            "--template", required=True, help="An audit template's code, e.g. asb-incident-quality."
        )
        p.add_argument("--area", required=True, help="An area's code.")
        p.add_argument("--month", required=True, help="YYYY-MM")
        p.add_argument("--size", required=True, help="How many records to draw.")
        p.add_argument("--seed", required=True, help="A whole number: the same seed gives the same sample.")
        p.add_argument("--stratum", action="append", default=[], choices=["channel", "category", "flagged"])
        p.add_argument("--save", action="store_true", help="Store the round (default: only print).")
        p.add_argument("--json", action="store_true")

    def handle_sample(
        self,
        template: str,
        area: str,
        month: str,
        size: str,
        seed: str,
        stratum: list[str],
        save: bool,
        json: bool = False,
        **_: Any,
    ) -> None:
        from beacon.core import audit
        from beacon.quality import precision, services

        with audit.acting_operator(audit.os_user_label()):
            draw = services.draw_round(
                None,
                template=template,
                area=area,
                month=month,
                size=size,
                seed=seed,
                strata=stratum,
                save=save,
            )
        data = draw.as_json()
        if draw.round is not None:
            data["round"] = draw.round.pk
        if json:
            self.emit_json(data)
            return
        moe = precision.margin_of_error(draw.size, draw.population)
        self.stdout.write(
            f"{draw.version} {draw.area.code} {month}: {draw.size} of {draw.population} records, seed "
            f"{draw.seed}" + (f", margin of error ±{moe * 100:.1f} points at 95%" if moe is not None else "")
        )
        for row, stratum_name in draw.rows:
            self.stdout.write(f"  {row.reference}" + (f"  ({stratum_name})" if stratum_name else ""))
        if draw.round is not None:
            self.stdout.write(f"Saved as round {draw.round.pk}.")
