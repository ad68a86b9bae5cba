"""Reads of the stored KPI values, with the comparisons boards ask for: the same month last year,
rolling 12 months against the previous rolling 12 months, financial year to date, targets and RAG,
and the statistics that say whether a change is real (beacon.performance.statistics)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from beacon.core import measures
from beacon.core.errors import Problem, ValidationFailed
from beacon.performance import statistics as stats
from beacon.performance.definitions import PROPORTION_UNITS, format_value, rag, value_of
from beacon.performance.models import Commentary, Kpi, KpiValue, KpiVersion, Period, Target, Unit
from beacon.performance.places import Place, residents_of


def month_start(month: dt.date) -> dt.date:
    return month.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    i = month.year * 12 + month.month - 1 + n
    return dt.date(i // 12, i % 12 + 1, 1)


FIRST_YEAR, LAST_YEAR = 1900, 2199  # months and days outside these years are refused (as at the API edge)


def parse_month(text: str | None, field: str) -> dt.date:
    """A month given as YYYY-MM, as the first day of it; a clear error naming `field` otherwise."""
    try:
        y, m = stats.parse_month(text or "")
    except ValueError as exc:
        raise ValidationFailed([Problem(str(exc), field)]) from None
    if not FIRST_YEAR <= y <= LAST_YEAR:
        raise ValidationFailed([Problem(f"Give a month from {FIRST_YEAR} to {LAST_YEAR}.", field)])
    return dt.date(y, m, 1)


def check_day(day: dt.date, field: str) -> dt.date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationFailed([Problem(f"Give a date from {FIRST_YEAR} to {LAST_YEAR}.", field)])
    return day


def month_label(month: dt.date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def kpi_named(code: str) -> Kpi:
    kpi = Kpi.objects.filter(code=code).first()
    if kpi is None:
        known = ", ".join(Kpi.objects.order_by("code").values_list("code", flat=True)[:40])
        raise ValidationFailed([Problem(f"There is no KPI {code!r} (known: {known}).", "kpi")])
    return kpi


def latest_version(kpi: Kpi) -> KpiVersion:
    v = kpi.versions.order_by("-version").first()
    if v is None:
        raise ValidationFailed([Problem(f"KPI {kpi.code!r} has no definition yet.", "kpi")])
    return v


def kpis() -> list[tuple[Kpi, KpiVersion]]:
    """Every active KPI with its latest version (two queries)."""
    latest: dict[int, KpiVersion] = {}
    for v in KpiVersion.objects.filter(kpi__active=True).select_related("kpi").order_by("kpi_id", "version"):
        latest[v.kpi_id] = v
    return sorted(((v.kpi, v) for v in latest.values()), key=lambda kv: kv[0].code)


@dataclass(frozen=True)
class Sums:
    numerator: int
    denominator: int | None
    months: int  # how many of the months asked for were stored


@dataclass(frozen=True)
class Comparison:
    now: float | None
    before: float | None
    change: float | None
    change_pct: float | None
    p_value: float | None
    significant: bool | None
    words: str  # e.g. "+59%, significant"


@dataclass(frozen=True)
class MonthFigure:
    month: dt.date
    value: float | None
    numerator: int
    denominator: int | None
    rolling_12: float | None
    previous_year: float | None
    change: float | None
    p_value: float | None
    significant: bool | None


def figure_json(f: MonthFigure) -> dict[str, object]:
    """One month as the `beacon performance kpi` command and the API give it (a stable contract)."""
    return {
        "month": month_label(f.month),
        "value": f.value,
        "numerator": f.numerator,
        "denominator": f.denominator,
        "rolling_12": f.rolling_12,
        "previous_year": f.previous_year,
        "change": f.change,
        "p_value": f.p_value,
        "significant": f.significant,
    }


class Values:
    """A KPI's stored values for one place, read once, with sums over any months."""

    def __init__(self, version: KpiVersion, place: Place, rows: Iterable[KpiValue], residents: int | None):
        self.version = version
        self.place = place
        self.unit = version.unit
        self.by_month: dict[dt.date, KpiValue] = {r.month: r for r in rows}
        self.residents = residents

    def sums(self, months: Sequence[dt.date]) -> Sums:
        got = [self.by_month[m] for m in months if m in self.by_month]
        num = sum(r.numerator for r in got)
        den = sum(r.denominator or 0 for r in got) if self.unit in PROPORTION_UNITS else None
        return Sums(num, den, len(got))

    def value(self, s: Sums) -> float | None:
        residents = self.residents
        return value_of(self.unit, s.numerator, s.denominator, residents) if s.months else None

    def compare(self, now: Sums, before: Sums, expected_months: int) -> Comparison:
        """`now` against `before`, tested: counts by the exact conditional test of two Poisson
        counts, proportions by the two-proportion test. No test where a period is incomplete."""
        v_now, v_before = self.value(now), self.value(before)
        change = None if v_now is None or v_before is None else v_now - v_before
        pct = (100.0 * change / v_before) if change is not None and v_before else None
        complete = now.months == expected_months and before.months == expected_months
        if not complete:
            return Comparison(v_now, v_before, change, pct, None, None, "no complete earlier period")
        if self.unit in PROPORTION_UNITS:
            pc = stats.compare_proportions(
                now.numerator, now.denominator or 0, before.numerator, before.denominator or 0
            )
            return Comparison(v_now, v_before, change, pct, pc.p_value, pc.significant, pc.describe())
        cc = stats.compare_counts(now.numerator, before.numerator)
        return Comparison(v_now, v_before, change, pct, cc.p_value, cc.significant, cc.describe())

    def figure(self, month: dt.date, *, tested: bool = True) -> MonthFigure:
        """The month's figure beside the same month last year; `tested=False` leaves out the
        significance test (p_value and significant None) where a page shows only the values."""
        row = self.by_month.get(month)
        last_year = add_months(month, -12)
        before = self.by_month.get(last_year)
        now_s = self.sums([month])
        rolling = self.sums([add_months(month, -i) for i in range(12)])
        if tested:
            cmp = self.compare(now_s, self.sums([last_year]), 1)
        else:
            v_now, v_before = self.value(now_s), self.value(self.sums([last_year]))
            change = None if v_now is None or v_before is None else v_now - v_before
            cmp = Comparison(v_now, v_before, change, None, None, None, "not tested")
        return MonthFigure(
            month=month,
            value=row.value if row else None,
            numerator=row.numerator if row else 0,
            denominator=row.denominator if row else None,
            rolling_12=self.value(rolling) if rolling.months == 12 else None,
            previous_year=before.value if before else None,
            change=cmp.change,
            p_value=cmp.p_value,
            significant=cmp.significant,
        )


def values_for(version: KpiVersion, place: Place, start: dt.date, end: dt.date) -> Values:
    """Stored values for months start..end (inclusive) and the 23 months before (for rolling 12
    and last year's rolling 12)."""
    rows = KpiValue.objects.filter(
        kpi_id=version.kpi_id, place_key=place.key, month__gte=add_months(start, -23), month__lte=end
    ).only("month", "numerator", "denominator", "value")
    residents = residents_of(place.key) if version.unit == Unit.PER_1000_RESIDENTS else None
    return Values(version, place, rows, residents)


def series(version: KpiVersion, place: Place, start: dt.date, end: dt.date) -> list[MonthFigure]:
    if end < start:
        raise ValidationFailed([Problem("The last month is before the first.", "to")])
    vals = values_for(version, place, start, end)
    out = []
    m = start
    while m <= end:
        out.append(vals.figure(m))
        m = add_months(m, 1)
    return out


def latest_month(kpi_ids: Sequence[int] | None = None) -> dt.date | None:
    qs = KpiValue.objects.all()
    if kpi_ids is not None:
        qs = qs.filter(kpi_id__in=kpi_ids)
    found = qs.order_by("-month").values_list("month", flat=True).first()
    return found


def last_complete_month(today: dt.date) -> dt.date:
    """The latest month that has ended by `today` (its last day counts as ended)."""
    tomorrow = today + dt.timedelta(days=1)
    return add_months(tomorrow.replace(day=1), -1)


def reporting_month(today: dt.date, kpi_ids: Sequence[int] | None = None) -> dt.date | None:
    """The month pages and papers report by default: the latest computed month that has ended."""
    latest = latest_month(kpi_ids)
    if latest is None:
        return None
    return min(latest, last_complete_month(today))


def fytd_months(month: dt.date) -> list[dt.date]:
    first = dt.date(month.year if month.month >= 4 else month.year - 1, 4, 1)
    out = []
    m = first
    while m <= month:
        out.append(m)
        m = add_months(m, 1)
    return out


def target_for(
    kpi: Kpi, place: Place, period: str, month: dt.date, targets: Sequence[Target]
) -> Target | None:
    """The target in force for the month: the latest set whose months cover it."""
    for t in targets:  # ordered newest first
        same = t.kpi_id == kpi.pk and t.place_key == place.key and t.period == period
        if same and t.from_month <= month and (t.to_month is None or month <= t.to_month):
            return t
    return None


@dataclass(frozen=True)
class KpiSummary:
    kpi: Kpi
    version: KpiVersion
    place: Place
    month: dt.date
    latest: MonthFigure
    rolling: Comparison  # rolling 12 months against the previous rolling 12
    fytd: Comparison  # financial year to date against the same months last year
    target: Target | None
    target_value: float | None  # the figure the target is judged on
    rag: str
    chart: stats.XmRChart
    history: list[MonthFigure]  # the 24 months to `month`

    def shown(self, value: float | None) -> str:
        return format_value(self.version.unit, value)


def summary(
    kpi: Kpi,
    version: KpiVersion,
    place: Place,
    month: dt.date,
    targets: Sequence[Target] = (),
    *,
    tested_months: int = 24,
) -> KpiSummary:
    """The KPI for the place in the 24 months to `month`. Each month of `history` is tested against
    the same month last year only for the last `tested_months` months (a page that shows the 24
    values but no monthly test need not run 24 tests per KPI)."""
    start = add_months(month, -23)
    vals = values_for(version, place, start, month)
    history = []
    m = start
    first_tested = add_months(month, 1 - tested_months)
    while m <= month:
        history.append(vals.figure(m, tested=m >= first_tested))
        m = add_months(m, 1)
    twelve = [add_months(month, -i) for i in range(12)]
    rolling = vals.compare(vals.sums(twelve), vals.sums([add_months(x, -12) for x in twelve]), 12)
    fy = fytd_months(month)
    fytd = vals.compare(vals.sums(fy), vals.sums([add_months(x, -12) for x in fy]), len(fy))
    target = None
    judged: float | None = None
    for period, figure in (
        (Period.ROLLING_12, rolling.now),
        (Period.FYTD, fytd.now),
        (Period.MONTH, history[-1].value),
    ):
        target = target_for(kpi, place, period, month, targets)
        if target is not None:
            judged = figure
            break
    status = rag(version.direction, judged, target.value, target.green_pct, target.red_pct) if target else ""
    chart = stats.xmr([f.value for f in history], [month_label(f.month) for f in history])
    return KpiSummary(
        kpi, version, place, month, history[-1], rolling, fytd, target, judged, status, chart, history
    )


def dashboard(place: Place, month: dt.date, *, tested_months: int = 24) -> list[KpiSummary]:
    listed = kpis()
    targets = list(Target.objects.filter(place_key=place.key).order_by("-from_month", "-created_at", "-id"))
    out = []
    for kpi, version in listed:
        m = measures.get(version.measure)
        if place.level == "neighbourhood" and not m.neighbourhood_field:
            continue
        if place.level == "area" and not (m.area_field or m.neighbourhood_field):
            continue
        out.append(summary(kpi, version, place, month, targets, tested_months=tested_months))
    return out


def commentary(kpi: Kpi, place: Place) -> QuerySet[Commentary]:
    return Commentary.objects.filter(kpi=kpi, place_key=place.key).select_related("author")


def targets_of(kpi: Kpi) -> QuerySet[Target]:
    return Target.objects.filter(kpi=kpi).order_by("place_key", "period", "-from_month", "-id")
