"""What the cases domain counts for the KPIs (registered with `beacon.core.measures`): cases opened,
closed and reopened by the month it happened, first contact within the standard, supervisory
reviews and whether they were held by the day due."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import dateformat

from beacon.cases.models import Case, ReviewTier, SupervisoryReview
from beacon.core import measures
from beacon.core.measures import FilterSpec, Measure, RecordRow
from beacon.risk.models import RiskLevel

LEVEL = FilterSpec("risk_level", "Risk level", lambda: list(RiskLevel.choices), many=True)
TIER = FilterSpec("tier", "Review tier", lambda: list(ReviewTier.choices), many=True)


def _cases(filters: Mapping[str, Any]) -> QuerySet[Case]:
    qs = Case.objects.all()
    if "risk_level" in filters:
        qs = qs.filter(risk_level__in=filters["risk_level"])
    return qs


def _first_contact_in_standard(filters: Mapping[str, Any]) -> Q:
    return Q(first_contact_at__isnull=False, first_contact_at__date__lte=F("first_contact_due"))


def _row(c: Case) -> RecordRow:
    return RecordRow(
        reference=c.reference,
        when=c.opened_at,
        place=str(c.neighbourhood) if c.neighbourhood_id else str(c.area),
        summary=f"{c.title} ({c.get_risk_level_display()} risk, {c.get_status_display().lower()})",
        url=reverse("cases:detail", args=[c.pk]),
    )


def _reviews(filters: Mapping[str, Any]) -> QuerySet[SupervisoryReview]:
    qs = SupervisoryReview.objects.select_related("case__area")
    if "tier" in filters:
        qs = qs.filter(tier__in=filters["tier"])
    if "risk_level" in filters:
        qs = qs.filter(case__risk_level__in=filters["risk_level"])
    return qs


def _held_on_time(filters: Mapping[str, Any]) -> Q:
    return Q(on_time=True)


def _review_row(r: SupervisoryReview) -> RecordRow:
    summary = f"{r.get_tier_display()} review"
    if r.due_on is not None:
        summary += f", due {dateformat.format(r.due_on, 'j F Y')}: {r.lateness}"
    return RecordRow(
        reference=r.case.reference,
        when=r.at,
        place=str(r.case.area),
        summary=summary,
        url=reverse("cases:detail", args=[r.case_id]),
    )


def _measure(**given: Any) -> Measure:
    given.setdefault("area_field", "area_id")
    given.setdefault("neighbourhood_field", "neighbourhood_id")
    given.setdefault("row", _row)
    given.setdefault("filters", (LEVEL,))
    return Measure(source="cases", **given)


def register() -> None:
    for code, label, date_field, queryset in (
        ("cases.opened", "Cases opened", "opened_at", _cases),
        ("cases.closed", "Cases closed", "closed_at", lambda f: _cases(f).filter(closed_at__isnull=False)),
        (
            "cases.reopened",
            "Cases reopened",
            "reopened_at",
            lambda f: _cases(f).filter(reopened_at__isnull=False),
        ),
    ):
        measures.register(
            _measure(
                code=code,
                label=label,
                description=f"{label}, by the month it happened.",
                kind="count",
                queryset=queryset,
                date_field=date_field,
            )
        )
    measures.register(
        _measure(
            code="cases.first_contact_in_standard",
            label="Cases with first contact within the standard",
            description="Of cases opened, the share whose victim was first contacted by the day the "
            "minimum standard set when the case opened.",
            kind="proportion",
            queryset=_cases,
            date_field="opened_at",
            numerator=_first_contact_in_standard,
            numerator_label="First contact in time",
            denominator_label="Cases opened",
        )
    )
    measures.register(
        _measure(
            code="cases.reviews",
            label="Supervisory reviews of cases",
            description="Sergeant's, inspector's and chief inspector's reviews recorded, by the month held.",
            kind="count",
            queryset=_reviews,
            date_field="at",
            area_field="case__area_id",
            neighbourhood_field="case__neighbourhood_id",
            row=_review_row,
            filters=(TIER,),
        )
    )
    measures.register(
        _measure(
            code="cases.reviews_on_time",
            label="Supervisory reviews held on time",
            description="Of the supervisory reviews that were due, counted by the month they were due: "
            "the share held on or before the day due. A review still not held is not counted until it "
            "is held (the cases list shows those overdue); held late, it joins the month it was due, so "
            "a month's figure can fall afterwards. Reviews held when none of that tier was due are left "
            "out.",
            kind="proportion",
            queryset=lambda f: _reviews(f).filter(due_on__isnull=False),
            date_field="due_on",
            date_only=True,
            area_field="case__area_id",
            neighbourhood_field="case__neighbourhood_id",
            row=_review_row,
            numerator=_held_on_time,
            numerator_label="Held on time",
            denominator_label="Reviews due and held",
            filters=(TIER, LEVEL),
        )
    )
