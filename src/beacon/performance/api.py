"""The performance API: KPI definitions (versioned), targets, monthly values with the comparisons,
the records behind a figure (access-logged), hot spots and the live evidence for findings.

Places are named by code: "force", an area's code or a neighbourhood's. A place outside the
caller's areas answers 403. Thin handlers: reads through `selectors`/`analysis`, writes through
`services`; a ValidationFailed becomes 422 naming the field (beacon.api).

No `from __future__ import annotations` here: django-ninja reads the handlers' annotations through
the `require` wrapper, whose module globals would not resolve string annotations.
"""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja import Status as WithStatus
from ninja.errors import HttpError
from ninja.params.functions import Query

from beacon.core import audit, measures
from beacon.core.api_auth import api_user, require
from beacon.core.api_input import MONTH_PATTERN
from beacon.core.errors import Problem, ValidationFailed
from beacon.core.models import User
from beacon.inspections.models import Finding
from beacon.performance import analysis, evidence, places, selectors, services
from beacon.performance.models import Kpi, KpiVersion, Target

router = Router(tags=["Performance"])
MONTH = MONTH_PATTERN
CODE = r"^[a-z0-9][a-z0-9-]{1,59}$"
Unit = Literal["count", "percentage", "per_1000_incidents", "per_1000_residents"]
Direction = Literal["higher", "lower", "neither"]
Period = Literal["month", "rolling_12", "fytd"]
RECORDS_REASON = "performance API: the records behind a figure"
LIST_MAX = 500


class KpiIn(Schema):
    code: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1)
    owner: str = Field(min_length=1, max_length=200)
    unit: Unit
    measure: str = Field(max_length=80)
    direction: Direction
    filters: dict[str, Any] = {}
    note: str = ""


class KpiOut(Schema):
    code: str
    version: int
    name: str
    description: str
    owner: str
    unit: str
    measure: str
    filters: dict[str, Any]
    direction: str
    is_example: bool
    note: str


class FilterOut(Schema):
    name: str
    label: str
    choices: list[str] | None
    many: bool


class MeasureOut(Schema):
    code: str
    source: str
    label: str
    description: str
    kind: str
    filters: list[FilterOut]


class MonthOut(Schema):
    month: str
    value: float | None
    numerator: int
    denominator: int | None
    rolling_12: float | None
    previous_year: float | None
    change: float | None
    p_value: float | None
    significant: bool | None


class SeriesOut(Schema):
    kpi: str
    version: int
    unit: str
    place: str
    series: list[MonthOut]


class TargetIn(Schema):
    place: str = "force"
    period: Period
    value: float
    from_month: str = Field(pattern=MONTH)
    to_month: str | None = Field(None, pattern=MONTH)
    green_pct: float = 100.0
    red_pct: float = 95.0
    is_milestone: bool = False
    note: str = ""


class TargetOut(Schema):
    id: int
    kpi: str
    place: str
    period: str
    value: float
    from_month: str
    to_month: str | None
    green_pct: float
    red_pct: float
    is_milestone: bool
    note: str


class FigureRecordOut(Schema):
    reference: str
    when: dt.datetime | dt.date | None
    place: str
    summary: str
    url: str


class RecordsOut(Schema):
    kpi: str
    month: str
    place: str
    part: str
    count: int
    records: list[FigureRecordOut]


class CellOut(Schema):
    h3: str
    count: int
    z: float
    p_sim: float
    cls: str


class HotspotsOut(Schema):
    resolution: int
    points: int
    cells: list[CellOut]


class EvidenceIn(Schema):
    kpi: str
    baseline_month: str = Field(pattern=MONTH)
    place: str = "force"
    note: str = ""


class EvidenceOut(Schema):
    kpi: str
    place: str
    baseline_month: str
    text: str
    movement: str


def _month(text: str, field: str) -> dt.date:
    return selectors.parse_month(text, field)


def _place(user: User, code: str) -> places.Place:
    place = places.from_code(code, "place")
    if not places.may_see(user, place):
        raise HttpError(403, "You may see the figures of your own areas only.")
    return place


def _kpi(code: str) -> Kpi:
    kpi = Kpi.objects.filter(code=code).first()
    if kpi is None:
        raise HttpError(404, f"No KPI has the code {code!r}.")
    return kpi


def _kpi_out(v: KpiVersion) -> dict[str, Any]:
    return {
        "code": v.kpi.code,
        "version": v.version,
        "name": v.name,
        "description": v.description,
        "owner": v.owner,
        "unit": v.unit,
        "measure": v.measure,
        "filters": v.filters,
        "direction": v.direction,
        "is_example": v.kpi.is_example,
        "note": v.note,
    }


def _target_out(t: Target) -> dict[str, Any]:
    return {
        "id": t.pk,
        "kpi": t.kpi.code,
        "place": places.from_key(t.place_key).code,
        "period": t.period,
        "value": t.value,
        "from_month": selectors.month_label(t.from_month),
        "to_month": selectors.month_label(t.to_month) if t.to_month else None,
        "green_pct": t.green_pct,
        "red_pct": t.red_pct,
        "is_milestone": t.is_milestone,
        "note": t.note,
    }


@router.get("measures", response=list[MeasureOut], summary="What each domain can count for a KPI")
@require("performance.view")
def measures_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "code": m.code,
            "source": m.source,
            "label": m.label,
            "description": m.description,
            "kind": m.kind,
            "filters": [
                {
                    "name": f.name,
                    "label": f.label,
                    "choices": [c for c, _ in f.choices()] if f.choices else None,
                    "many": f.many,
                }
                for f in m.filters
            ],
        }
        for m in measures.all_measures()
    ]


@router.get("kpis", response=list[KpiOut], summary="KPI definitions (latest version of each)")
@require("performance.view")
def kpis_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_kpi_out(v) for _kpi_obj, v in selectors.kpis()]


@router.post("kpis", response={201: KpiOut}, summary="A new KPI, or a new version of one")
@require("performance.manage")
def kpis_save(request: HttpRequest, payload: KpiIn) -> WithStatus[dict[str, Any]]:
    """Versions are never edited: saving an existing code adds its next version, and values computed
    from then on record it."""
    v = services.save_kpi(api_user(request), payload.code, **payload.dict(exclude={"code"}))
    return WithStatus(201, _kpi_out(KpiVersion.objects.select_related("kpi").get(pk=v.pk)))


@router.get("kpis/{code}/values", response=SeriesOut, summary="A KPI's monthly values with comparisons")
@require("performance.view")
def kpi_values(
    request: HttpRequest,
    code: str,
    from_month: str = Query(..., pattern=MONTH),
    to_month: str = Query(..., pattern=MONTH),
    place: str = "force",
) -> dict[str, Any]:
    """Months as YYYY-MM. Each month has its value, rolling 12 months, the same month last year, the
    change and the exact conditional test of the two counts (two-proportion test for percentages)."""
    kpi = _kpi(code)
    where = _place(api_user(request), place)
    first, last = _month(from_month, "from_month"), _month(to_month, "to_month")
    if (last.year - first.year) * 12 + last.month - first.month > 120:
        raise ValidationFailed([Problem("Ask for at most 120 months at once.", "to_month")])
    version = selectors.latest_version(kpi)
    figures = selectors.series(version, where, first, last)
    return {
        "kpi": kpi.code,
        "version": version.version,
        "unit": version.unit,
        "place": where.code,
        "series": [selectors.figure_json(f) for f in figures],
    }


@router.get("kpis/{code}/records", response=RecordsOut, summary="The records behind one month's figure")
@require("performance.records")
def kpi_records(
    request: HttpRequest,
    code: str,
    month: str = Query(..., pattern=MONTH),
    place: str = "force",
    part: Literal["numerator", "denominator"] = "numerator",
    limit: int = Query(100, ge=1, le=LIST_MAX),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    """`part`: "numerator" (the records counted) or "denominator" (all records of a proportion).
    Each record returned is written to the access log."""
    user = api_user(request)
    kpi = _kpi(code)
    where = _place(user, place)
    first = _month(month, "month")
    if part not in ("numerator", "denominator"):
        raise ValidationFailed([Problem('part is "numerator" or "denominator".', "part")])
    version = selectors.latest_version(kpi)
    m = measures.get(version.measure)
    qs = measures.records(
        m,
        m.check_filters(version.filters),
        first,
        selectors.add_months(first, 1),
        area_id=where.area_id if where.level == "area" else None,
        neighbourhood_id=where.neighbourhood_id,
        part="denominator" if part == "denominator" else "numerator",
    )
    start = max(0, offset)
    objs = list(qs[start : start + max(1, min(limit, LIST_MAX))])
    if m.personal and objs:
        audit.record_reads(user, objs, reason=f"{RECORDS_REASON}: {kpi.code} {where.code} {month}")
    rows = [m.row(o) for o in objs]
    return {
        "kpi": kpi.code,
        "month": selectors.month_label(first),
        "place": where.code,
        "part": part,
        "count": qs.count(),
        "records": [r.__dict__ for r in rows],
    }


@router.get("kpis/{code}/targets", response=list[TargetOut], summary="A KPI's targets and milestones")
@require("performance.view")
def targets_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    user = api_user(request)
    kpi = _kpi(code)
    return [
        _target_out(t)
        for t in selectors.targets_of(kpi).select_related("kpi")
        if places.may_see(user, places.from_key(t.place_key))
    ]


@router.post("kpis/{code}/targets", response={201: TargetOut}, summary="Set a target or milestone")
@require("performance.manage")
def targets_create(request: HttpRequest, code: str, payload: TargetIn) -> WithStatus[dict[str, Any]]:
    """RAG: Green at or better than `green_pct` % of the target, Red worse than `red_pct` %; a Green
    worse than Red is refused (422)."""
    user = api_user(request)
    kpi = _kpi(code)
    where = _place(user, payload.place)
    target = services.set_target(
        user,
        kpi,
        where,
        period=payload.period,
        value=payload.value,
        from_month=_month(payload.from_month, "from_month"),
        to_month=_month(payload.to_month, "to_month") if payload.to_month else None,
        green_pct=payload.green_pct,
        red_pct=payload.red_pct,
        is_milestone=payload.is_milestone,
        note=payload.note,
    )
    return WithStatus(201, _target_out(target))


@router.get("hotspots", response=HotspotsOut, summary="Getis-Ord Gi* hot spots of ASB on H3 cells")
@require("performance.analysis")
def hotspots(
    request: HttpRequest,
    from_date: dt.date,
    to_date: dt.date,
    place: str = "force",
    resolution: int = Query(9, ge=5, le=12),
    permutations: int = Query(999, ge=99, le=9999),
    seed: int | None = Query(None, ge=0, le=2**32 - 1),
    fdr: bool = False,
) -> dict[str, Any]:
    """Located ASB incidents that occurred from `from_date` to `to_date` (inclusive)."""
    where = _place(api_user(request), place)
    if seed is not None and not 0 <= seed < 2**32:
        raise ValidationFailed([Problem("The seed is a whole number from 0 to 4,294,967,295.", "seed")])
    result = analysis.hotspots(
        analysis.Window(
            selectors.check_day(from_date, "from_date"), selectors.check_day(to_date, "to_date"), where
        ),
        resolution=resolution,
        permutations=permutations,
        seed=seed,
        fdr=fdr,
    )
    return {
        "resolution": result.resolution,
        "points": result.points,
        "cells": [
            {"h3": c.h3, "count": c.count, "z": c.z, "p_sim": c.p_sim, "cls": c.cls} for c in result.cells
        ],
    }


def _evidence_out(e: evidence.Evidence) -> dict[str, Any]:
    return {
        "kpi": e.link.kpi.code,
        "place": places.from_key(e.link.place_key).code,
        "baseline_month": selectors.month_label(e.link.baseline_month),
        "text": e.text,
        "movement": e.movement,
    }


@router.get("findings/{finding_id}/evidence", response=list[EvidenceOut], summary="A finding's live evidence")
@require("plans.view")
def finding_evidence(request: HttpRequest, finding_id: int) -> list[dict[str, Any]]:
    if not Finding.objects.filter(pk=finding_id).exists():
        raise HttpError(404, f"No finding has id {finding_id}.")
    items = evidence.evidence_of([finding_id], dt.date.today()).get(finding_id, [])
    return [_evidence_out(e) for e in items]


@router.post("findings/{finding_id}/evidence", response={201: EvidenceOut}, summary="Link a KPI to a finding")
@require("performance.evidence")
def finding_evidence_link(
    request: HttpRequest, finding_id: int, payload: EvidenceIn
) -> WithStatus[dict[str, Any]]:
    user = api_user(request)
    finding = Finding.objects.filter(pk=finding_id).first()
    if finding is None:
        raise HttpError(404, f"No finding has id {finding_id}.")
    kpi = selectors.kpi_named(payload.kpi)
    link = services.link_evidence(
        user,
        finding,
        kpi,
        baseline_month=_month(payload.baseline_month, "baseline_month"),
        place=_place(user, payload.place),
        note=payload.note,
    )
    latest = evidence.evidence_of([finding.pk], dt.date.today())[finding.pk]
    return WithStatus(201, _evidence_out(next(e for e in latest if e.link.pk == link.pk)))
