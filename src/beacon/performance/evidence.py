"""Live evidence for inspection findings: each KPI linked to a finding, its 12 months to the latest
computed month against the 12 months to the baseline month, tested (registered with
`beacon.core.evidence` for the board papers and with `beacon.core.panels` for the finding page)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import mark_safe

from beacon.core.evidence import EvidenceLine, Movement
from beacon.core.models import User
from beacon.inspections.models import Finding
from beacon.performance import places, selectors
from beacon.performance.definitions import format_value
from beacon.performance.figures import chart_for
from beacon.performance.models import Direction, FindingEvidence, Kpi, KpiValue
from beacon.performance.selectors import Comparison, add_months, month_label


def _month_end(month: dt.date) -> str:
    last = calendar.monthrange(month.year, month.month)[1]
    return f"{last} {month:%B %Y}"


@dataclass(frozen=True)
class Evidence:
    link: FindingEvidence
    name: str
    latest: dt.date | None
    comparison: Comparison | None
    overlap: bool
    text: str
    movement: Movement
    summary: selectors.KpiSummary | None


def _movement(direction: str, cmp: Comparison | None) -> Movement:
    if cmp is None or cmp.now is None or cmp.before is None:
        return "unknown"
    if not cmp.significant or cmp.change is None or direction == Direction.NEITHER:
        return "no-change"
    better = cmp.change > 0 if direction == Direction.HIGHER else cmp.change < 0
    return "right" if better else "wrong"


def evaluate(link: FindingEvidence, as_of: dt.date, latest_by_kpi: dict[int, dt.date]) -> Evidence:
    version = selectors.latest_version(link.kpi)
    place = places.from_key(link.place_key)
    ended = selectors.last_complete_month(as_of)
    latest = latest_by_kpi.get(link.kpi_id)
    if latest is not None and latest > ended:
        latest = (
            KpiValue.objects.filter(kpi_id=link.kpi_id, month__lte=ended)
            .order_by("-month")
            .values_list("month", flat=True)
            .first()
        )
    if latest is None:
        return Evidence(
            link,
            version.name,
            None,
            None,
            False,
            f"{version.name}: no figures computed yet.",
            "unknown",
            None,
        )
    vals = selectors.values_for(version, place, add_months(link.baseline_month, -11), latest)
    now_months = [add_months(latest, -i) for i in range(12)]
    base_months = [add_months(link.baseline_month, -i) for i in range(12)]
    overlap = bool(set(now_months) & set(base_months))
    cmp = vals.compare(vals.sums(now_months), vals.sums(base_months), 12)
    if overlap:
        cmp = Comparison(
            cmp.now, cmp.before, cmp.change, cmp.change_pct, None, None, "the periods overlap: no test"
        )
    before_words = (
        "the year before"
        if add_months(link.baseline_month, 12) == latest
        else f"in the 12 months to {_month_end(link.baseline_month)}"
    )
    text = (
        f"{version.name}: {format_value(version.unit, cmp.now)} in the 12 months to {_month_end(latest)}, "
        f"{format_value(version.unit, cmp.before)} {before_words} ({cmp.words})"
    )
    if place.level != "force":
        text = f"{text}, {place.name}"
    summary = selectors.summary(link.kpi, version, place, latest, tested_months=0)
    return Evidence(
        link, version.name, latest, cmp, overlap, text, _movement(version.direction, cmp), summary
    )


def _latest_months(kpi_ids: Sequence[int]) -> dict[int, dt.date]:
    from django.db.models import Max

    rows = KpiValue.objects.filter(kpi_id__in=kpi_ids).values("kpi_id").annotate(m=Max("month"))
    return {r["kpi_id"]: r["m"] for r in rows}


def evidence_of(finding_ids: Sequence[int], as_of: dt.date) -> dict[int, list[Evidence]]:
    links = list(FindingEvidence.objects.filter(finding_id__in=finding_ids).select_related("kpi"))
    latest = _latest_months([link.kpi_id for link in links])
    out: dict[int, list[Evidence]] = {}
    for link in links:
        out.setdefault(link.finding_id, []).append(evaluate(link, as_of, latest))
    return out


def provider(finding_ids: Sequence[int], as_of: dt.date) -> dict[int, list[EvidenceLine]]:
    """For `beacon.core.evidence`: the sentence and the movement of each linked KPI."""
    return {
        fid: [EvidenceLine(e.link.kpi.code, e.text, e.movement) for e in items]
        for fid, items in evidence_of(finding_ids, as_of).items()
    }


def _last_twelve(s: selectors.KpiSummary | None) -> list[tuple[str, str]]:
    if s is None:
        return []
    return [(month_label(f.month), format_value(s.version.unit, f.value)) for f in s.history[-12:]]


def finding_panel(user: User, finding: Finding) -> dict[str, Any]:
    """The finding page's panel: each linked KPI's series and change since its baseline, and (for
    the performance team) the form to link another."""
    today = dt.date.today()
    items = evidence_of([finding.pk], today).get(finding.pk, [])
    rows = [
        {
            "e": e,
            "chart": mark_safe(chart_for(e.summary, f"evidence-{i}")) if e.summary else "",  # noqa: S308
            "series": _last_twelve(e.summary),
        }
        for i, e in enumerate(items)
    ]
    can_link = user.can("performance.evidence")
    return {
        "evidence_rows": rows,
        "evidence_can_link": can_link,
        "evidence_kpis": list(Kpi.objects.filter(active=True).order_by("code")) if can_link else [],
        "evidence_places": places.visible_places(user) if can_link else [],
    }
