"""The registry of measures: what each domain can count, month by month, for the KPIs.

A KPI (in `beacon.performance`) is a versioned definition over one measure with filters. The measure
itself belongs to the domain whose records it counts: `incidents` registers "incidents",
"repeat victims identified", …; `risk`, `cases` and `partnership` theirs; later domains (quality,
neighbourhoods) add their own. Each registers in its `AppConfig.ready`, so `performance` reads every
domain while no domain imports `performance`.

A measure is a queryset of the records counted (with the chosen filters applied), the date that puts
a record in a month, where the record is (area and neighbourhood fields, either may be empty) and,
for a proportion, the condition that puts a record in the numerator. Counting is one GROUP BY per
measure and period (`monthly_counts`); "the records behind this number" is the same queryset for one
month and place (`records`), so a figure and its records can never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from beacon.core.errors import Problem, ValidationFailed

LONDON = ZoneInfo("Europe/London")
Kind = Literal["count", "proportion"]


@dataclass(frozen=True)
class FilterSpec:
    """One filter a KPI may set on a measure: `choices` lists the allowed values (read when a
    definition is checked, so reference lists can change), or None for yes/no filters."""

    name: str
    label: str
    choices: Callable[[], Sequence[tuple[str, str]]] | None = None
    many: bool = False  # a list of values (any of them), e.g. several categories


@dataclass(frozen=True)
class RecordRow:
    """How one counted record is listed under "the records behind this number"."""

    reference: str
    when: dt.datetime | dt.date | None
    place: str
    summary: str
    url: str


@dataclass(frozen=True)
class Measure:
    code: str  # e.g. "incidents.asb"
    source: str  # the domain, e.g. "incidents"
    label: str
    description: str
    kind: Kind
    queryset: Callable[[Mapping[str, Any]], QuerySet[Any]]  # the records counted, filters applied
    date_field: str  # an expression path, e.g. "received_at" or "incident__received_at"
    area_field: str | None
    neighbourhood_field: str | None
    row: Callable[[Any], RecordRow]
    numerator: Callable[[Mapping[str, Any]], Q] | None = None  # proportions only
    numerator_label: str = ""
    denominator_label: str = ""
    filters: tuple[FilterSpec, ...] = ()
    personal: bool = True  # its records hold personal data: reading them is logged
    date_only: bool = False  # date_field is a DateField (months are calendar months as recorded)

    def check_filters(self, filters: Mapping[str, Any]) -> dict[str, Any]:
        """The filters, validated: unknown names and values outside the choices are refused,
        each problem naming its filter."""
        specs = {f.name: f for f in self.filters}
        problems: list[Problem] = []
        clean: dict[str, Any] = {}
        for name, value in filters.items():
            spec = specs.get(name)
            if spec is None:
                allowed = ", ".join(specs) or "none"
                problems.append(Problem(f"{self.label} has no filter {name!r} (allowed: {allowed}).", name))
                continue
            if spec.choices is None:
                if not isinstance(value, bool):
                    problems.append(Problem(f"{spec.label} must be true or false.", name))
                    continue
                clean[name] = value
                continue
            values = value if isinstance(value, list) else [value]
            allowed_values = {c for c, _label in spec.choices()}
            bad = [v for v in values if not isinstance(v, str) or v not in allowed_values]
            if bad or not values or (isinstance(value, list) and not spec.many):
                problems.append(
                    Problem(
                        f"{spec.label}: {', '.join(map(str, bad)) or 'a list'} is not allowed "
                        f"(choose from {', '.join(sorted(allowed_values)) or 'nothing yet'}).",
                        name,
                    )
                )
                continue
            clean[name] = values if spec.many else values[0]
        if problems:
            raise ValidationFailed(problems)
        return clean


@dataclass(frozen=True)
class MonthlyCount:
    month: dt.date  # the first day of the month
    area_id: int | None
    neighbourhood_id: int | None
    numerator: int
    denominator: int | None  # proportions only


_MEASURES: dict[str, Measure] = {}


def register(measure: Measure) -> None:
    """Add a measure (idempotent: `ready` may run more than once in tests)."""
    _MEASURES[measure.code] = measure


def get(code: str) -> Measure:
    try:
        return _MEASURES[code]
    except KeyError:
        raise ValidationFailed(
            [Problem(f"There is no measure {code!r} (known: {', '.join(sorted(_MEASURES))}).", "measure")]
        ) from None


def all_measures() -> list[Measure]:
    return sorted(_MEASURES.values(), key=lambda m: (m.source, m.label))


def _in_months(measure: Measure, qs: QuerySet[Any], start: dt.date, end: dt.date) -> QuerySet[Any]:
    lo: dt.date | dt.datetime = start
    hi: dt.date | dt.datetime = end
    if not measure.date_only:
        lo = dt.datetime.combine(start, dt.time(), tzinfo=LONDON)
        hi = dt.datetime.combine(end, dt.time(), tzinfo=LONDON)
    return qs.filter(**{f"{measure.date_field}__gte": lo, f"{measure.date_field}__lt": hi})


def monthly_counts(
    measure: Measure, filters: Mapping[str, Any], start: dt.date, end: dt.date
) -> Iterator[MonthlyCount]:
    """Counts per month (Europe/London) and place, for months from `start` up to (not including)
    `end` (both first days of months). One query, grouped by month, area and neighbourhood."""
    qs = _in_months(measure, measure.queryset(filters), start, end)
    trunc = (
        TruncMonth(measure.date_field) if measure.date_only else TruncMonth(measure.date_field, tzinfo=LONDON)
    )
    group = {"m": trunc}
    names = ["m"]
    if measure.area_field:
        names.append(measure.area_field)
    if measure.neighbourhood_field:
        names.append(measure.neighbourhood_field)
    aggregates: dict[str, Any] = {"n": Count("pk")}
    if measure.numerator is not None:
        aggregates["k"] = Count("pk", filter=measure.numerator(filters))
    rows = qs.order_by().annotate(**group).values(*names).annotate(**aggregates)
    for r in rows:
        month = r["m"]
        if isinstance(month, dt.datetime):
            month = month.astimezone(LONDON).date()
        month = month.replace(day=1)
        area = r.get(measure.area_field) if measure.area_field else None
        hood = r.get(measure.neighbourhood_field) if measure.neighbourhood_field else None
        if measure.numerator is None:
            yield MonthlyCount(month, area, hood, r["n"], None)
        else:
            yield MonthlyCount(month, area, hood, r["k"], r["n"])


def records(
    measure: Measure,
    filters: Mapping[str, Any],
    start: dt.date,
    end: dt.date,
    *,
    area_id: int | None = None,
    neighbourhood_id: int | None = None,
    part: Literal["numerator", "denominator"] = "numerator",
) -> QuerySet[Any]:
    """The records counted for months [start, end) and a place (none: the whole force). For a
    proportion, `part` chooses the numerator's records or all of them (the denominator)."""
    qs = _in_months(measure, measure.queryset(filters), start, end)
    if neighbourhood_id is not None:
        if not measure.neighbourhood_field:
            return qs.none()
        qs = qs.filter(**{measure.neighbourhood_field: neighbourhood_id})
    elif area_id is not None:
        if not measure.area_field:
            return qs.none()
        qs = qs.filter(**{measure.area_field: area_id})
    if measure.numerator is not None and part == "numerator":
        qs = qs.filter(measure.numerator(filters))
    return qs.order_by(f"-{measure.date_field}", "-pk")
