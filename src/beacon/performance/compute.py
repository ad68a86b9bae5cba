"""`beacon performance compute`: materialise each KPI's monthly values for the force, every area
and every neighbourhood.

All reading comes first (one grouped query per distinct measure and filters); then the values of
every KPI and month asked for are replaced in one transaction, so a run that fails stores nothing
and a run repeated stores the same rows again (idempotent). Every value records the definition
version it used and when it was computed. A force value counts every record, placed or not.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from beacon.core import measures
from beacon.core.errors import Problem, ValidationFailed
from beacon.core.models import Area
from beacon.geography.models import Neighbourhood
from beacon.performance.definitions import value_of
from beacon.performance.models import Kpi, KpiValue, KpiVersion, Level, Population
from beacon.performance.places import FORCE, area_key, neighbourhood_key

Progress = Callable[[str], None]
Counts = tuple[int, int | None]


@dataclass(frozen=True)
class ComputeResult:
    kpis: int
    months: int
    values: int
    seconds: float

    def as_json(self) -> str:
        return json.dumps(
            {
                "kpis": self.kpis,
                "months": self.months,
                "values": self.values,
                "seconds": round(self.seconds, 3),
            }
        )


def current_versions(codes: Sequence[str] | None = None) -> list[KpiVersion]:
    """The latest version of each active KPI (or of those named; an unknown code is refused)."""
    kpis = Kpi.objects.filter(active=True)
    if codes:
        found = set(Kpi.objects.filter(code__in=codes).values_list("code", flat=True))
        missing = [c for c in codes if c not in found]
        if missing:
            raise ValidationFailed([Problem(f"There is no KPI {c!r}.", "kpi") for c in missing])
        kpis = Kpi.objects.filter(code__in=codes)
    latest: dict[int, KpiVersion] = {}
    for v in KpiVersion.objects.filter(kpi__in=kpis).select_related("kpi").order_by("kpi_id", "version"):
        latest[v.kpi_id] = v
    return sorted(latest.values(), key=lambda v: v.kpi.code)


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def compute(
    months: Sequence[dt.date], *, codes: Sequence[str] | None = None, progress: Progress | None = None
) -> ComputeResult:
    started = time.perf_counter()
    if not months:
        raise ValidationFailed([Problem("Give at least one month to compute.", "months")])
    months = sorted(set(months))
    versions = current_versions(codes)
    # Check every definition before reading anything: reference lists may have changed since.
    problems: list[Problem] = []
    checked: dict[int, dict[str, object]] = {}
    for v in versions:
        try:
            m = measures.get(v.measure)
            checked[v.pk] = m.check_filters(v.filters)
        except ValidationFailed as exc:
            problems.extend(Problem(f"{v.kpi.code}: {p.message}", "kpi") for p in exc.problems)
    if problems:
        raise ValidationFailed(problems)

    start, end = months[0], _next_month(months[-1])
    wanted = set(months)
    areas = list(Area.objects.values_list("id", flat=True))
    hoods = dict(Neighbourhood.objects.values_list("id", "area_id"))
    residents = dict(Population.objects.values_list("neighbourhood_id", "residents"))
    area_residents: dict[int, int] = defaultdict(int)
    for nid, n in residents.items():
        if nid in hoods:
            area_residents[hoods[nid]] += n
    force_residents = sum(residents.values())

    read: dict[str, list[measures.MonthlyCount]] = {}
    now = timezone.now()
    values: list[KpiValue] = []
    for v in versions:
        m = measures.get(v.measure)
        key = v.measure + json.dumps(checked[v.pk], sort_keys=True)
        if key not in read:
            if progress:
                progress(f"reading {m.label}")
            read[key] = list(measures.monthly_counts(m, checked[v.pk], start, end))
        proportion = m.kind == "proportion"
        force: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
        by_area: dict[tuple[int, dt.date], list[int]] = defaultdict(lambda: [0, 0])
        by_hood: dict[tuple[int, dt.date], list[int]] = defaultdict(lambda: [0, 0])
        for row in read[key]:
            if row.month not in wanted:
                continue
            den = row.denominator or 0
            for acc in (force[row.month],):
                acc[0] += row.numerator
                acc[1] += den
            area_id = row.area_id
            if area_id is None and row.neighbourhood_id is not None:
                area_id = hoods.get(row.neighbourhood_id)
            if area_id is not None:
                a = by_area[(area_id, row.month)]
                a[0] += row.numerator
                a[1] += den
            if row.neighbourhood_id is not None:
                h = by_hood[(row.neighbourhood_id, row.month)]
                h[0] += row.numerator
                h[1] += den

        def add(
            level: str,
            place: str,
            month: dt.date,
            acc: list[int],
            people: int | None,
            v: KpiVersion = v,
            proportion: bool = proportion,
            **fk: int,
        ) -> None:
            den = acc[1] if proportion else None
            values.append(
                KpiValue(
                    kpi_id=v.kpi_id,
                    definition=v,
                    place_key=place,
                    level=level,
                    month=month,
                    numerator=acc[0],
                    denominator=den,
                    value=value_of(v.unit, acc[0], den, people),
                    computed_at=now,
                    **fk,
                )
            )

        zero = [0, 0]
        for month in months:
            add(Level.FORCE, FORCE, month, force.get(month, zero), force_residents)
            if m.area_field or m.neighbourhood_field:
                for aid in areas:
                    add(
                        Level.AREA,
                        area_key(aid),
                        month,
                        by_area.get((aid, month), zero),
                        area_residents.get(aid),
                        area_id=aid,
                    )
            if m.neighbourhood_field:
                for nid, aid in hoods.items():
                    add(
                        Level.NEIGHBOURHOOD,
                        neighbourhood_key(nid),
                        month,
                        by_hood.get((nid, month), zero),
                        residents.get(nid),
                        area_id=aid,
                        neighbourhood_id=nid,
                    )
    if progress:
        progress(f"storing {len(values):,} values")
    with transaction.atomic():
        KpiValue.objects.filter(kpi_id__in=[v.kpi_id for v in versions], month__in=months).delete()
        KpiValue.objects.bulk_create(values, batch_size=2000)
    return ComputeResult(len(versions), len(months), len(values), time.perf_counter() - started)
