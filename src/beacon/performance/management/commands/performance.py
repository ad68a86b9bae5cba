"""`beacon performance …`: compute KPI values, print a KPI's series, find hot spots, make packs.

The JSON these commands print is a stable contract (see the README's command contracts).
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from beacon.core.errors import Problem, ValidationFailed
from beacon.core.management.base import DomainCommand


def _month(text: str, field: str) -> dt.date:
    from beacon.performance.selectors import parse_month

    return parse_month(text, field)


def _day(text: str, field: str) -> dt.date:
    from beacon.performance.selectors import check_day

    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed([Problem(f"{text!r} is not a date: use YYYY-MM-DD.", field)]) from None
    return check_day(day, field)


class Command(DomainCommand):
    help = "Performance: compute KPI values, print a KPI's monthly series, hot spots, packs."
    actions = {
        "compute": "Store each KPI's monthly values for the force, areas and neighbourhoods (for cron).",
        "kpi": "A KPI's monthly series with rolling 12 months, last year and the significance test.",
        "hotspots": "Getis-Ord Gi* hot and cold spots of located ASB incidents on H3 cells.",
        "pack": "A performance pack for a place and month (PDF or DOCX): charts, tables, RAG, commentary.",
    }

    # pack -----------------------------------------------------------------------------------------
    def add_pack_arguments(self, p: CommandParser) -> None:
        p.add_argument("--area", default=None, help="An area's or neighbourhood's code (default: force).")
        p.add_argument("--month", required=True, help="YYYY-MM")
        p.add_argument("--format", dest="fmt", choices=["pdf", "docx"], default="pdf")
        p.add_argument("--out", required=True, type=Path)

    def handle_pack(self, area: str | None, month: str, fmt: str, out: Path, **_: Any) -> None:
        from beacon.performance import packs, places

        place = places.from_code(area)
        began = time.perf_counter()
        data = packs.render_pack(place, _month(month, "month"), fmt)
        out.write_bytes(data)
        self.stdout.write(f"{out}: {len(data):,} bytes ({time.perf_counter() - began:.1f} s)")

    # compute --------------------------------------------------------------------------------------
    def add_compute_arguments(self, p: CommandParser) -> None:
        p.add_argument("--from", dest="start", help="First month, YYYY-MM (default: 24 months ago).")
        p.add_argument("--to", dest="end", help="Last month, YYYY-MM (default: this month).")
        p.add_argument("--kpi", action="append", default=[], help="Only this KPI (repeatable).")
        p.add_argument("--json", action="store_true")

    def handle_compute(
        self, start: str | None, end: str | None, kpi: list[str], json: bool = False, **_: Any
    ) -> None:
        from beacon.performance.compute import compute
        from beacon.performance.selectors import add_months

        today = dt.date.today().replace(day=1)
        last = _month(end, "to") if end else today
        first = _month(start, "from") if start else add_months(last, -23)
        if last < first:
            raise ValidationFailed([Problem("--to is before --from.", "to")])
        months = []
        m = first
        while m <= last:
            months.append(m)
            m = add_months(m, 1)
        bar = self.progress(None, total=None, desc="computing") if not json else None

        def progress(message: str) -> None:
            if bar is not None:
                bar.set_description(message)
                bar.update(1)

        result = compute(months, codes=kpi or None, progress=progress)
        if bar is not None:
            bar.close()
        if json:
            self.emit_json(result.as_json())
        else:
            self.stdout.write(
                f"{result.kpis} KPIs, {result.months} months: {result.values:,} values stored "
                f"in {result.seconds:.1f} s"
            )

    # kpi ------------------------------------------------------------------------------------------
    def add_kpi_arguments(self, p: CommandParser) -> None:
        p.add_argument("--kpi", required=True)
        p.add_argument("--from", dest="start", required=True, help="YYYY-MM")
        p.add_argument("--to", dest="end", required=True, help="YYYY-MM")
        p.add_argument("--area", default=None, help="An area's or neighbourhood's code (default: force).")
        p.add_argument("--json", action="store_true")

    def handle_kpi(
        self, kpi: str, start: str, end: str, area: str | None, json: bool = False, **_: Any
    ) -> None:
        from beacon.performance import places, selectors

        first, last = _month(start, "from"), _month(end, "to")
        found = selectors.kpi_named(kpi)
        version = selectors.latest_version(found)
        place = places.from_code(area)
        figures = selectors.series(version, place, first, last)
        series = [selectors.figure_json(f) for f in figures]
        if json:
            self.emit_json(
                {"kpi": found.code, "version": version.version, "unit": version.unit, "series": series}
            )
            return
        self.stdout.write(f"{version.name} ({found.code} v{version.version}), {place.name}")
        for row in series:
            sig = "" if row["significant"] is None else (" significant" if row["significant"] else "")
            self.stdout.write(
                f"  {row['month']}: {row['value']}  (rolling 12: {row['rolling_12']}; "
                f"last year {row['previous_year']}{sig})"
            )

    # hotspots -------------------------------------------------------------------------------------
    def add_hotspots_arguments(self, p: CommandParser) -> None:
        p.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
        p.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD")
        p.add_argument("--area", default=None, help="An area's or neighbourhood's code (default: force).")
        p.add_argument("--category", action="append", default=[])
        p.add_argument("--type", dest="types", action="append", default=[])
        p.add_argument("--resolution", type=int, default=9)
        p.add_argument("--permutations", type=int, default=999)
        p.add_argument("--seed", type=int, default=None)
        p.add_argument("--fdr", action="store_true", help="Use esda's false-discovery-rate correction.")
        p.add_argument("--json", action="store_true")

    def handle_hotspots(
        self,
        start: str,
        end: str,
        area: str | None,
        category: list[str],
        types: list[str],
        resolution: int,
        permutations: int,
        seed: int | None,
        fdr: bool,
        json: bool = False,
        **_: Any,
    ) -> None:
        from beacon.performance import analysis, places

        first, last = _day(start, "from"), _day(end, "to")
        place = places.from_code(area)
        began = time.perf_counter()
        result = analysis.hotspots(
            analysis.Window(first, last, place, tuple(category), tuple(types)),
            resolution=resolution,
            permutations=permutations,
            seed=seed,
            fdr=fdr,
        )
        seconds = time.perf_counter() - began
        data = {**result.as_json(), "seconds": round(seconds, 3)}
        if json:
            self.emit_json(data)
            return
        hot = [c for c in result.cells if c.cls.startswith("hot")]
        cold = [c for c in result.cells if c.cls.startswith("cold")]
        self.stdout.write(
            f"{result.points} incidents in {len(result.cells)} cells (resolution {result.resolution}): "
            f"{len(hot)} hot, {len(cold)} cold ({seconds:.2f} s)"
        )
        for c in sorted(hot, key=lambda c: -c.z)[:20]:
            self.stdout.write(f"  {c.cls:7} {c.h3}  {c.count} incidents  z={c.z:.2f}  p={c.p_sim:.3f}")
