"""What the partnership domain counts for the KPIs (registered with `beacon.core.measures`):
referrals to partners, tools and powers used, and ASB case reviews with their decision deadline."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db.models import F, Q, QuerySet
from django.urls import reverse

from beacon.core import measures
from beacon.core.measures import FilterSpec, Kind, Measure, RecordRow
from beacon.partnership.models import CaseReview, PartnerAgency, PowerKind, PowerUse, Referral


def _agencies() -> list[tuple[str, str]]:
    return list(PartnerAgency.objects.order_by("order", "name").values_list("code", "name"))


def _powers() -> list[tuple[str, str]]:
    return list(PowerKind.objects.order_by("order", "label").values_list("code", "label"))


def _referrals(filters: Mapping[str, Any]) -> QuerySet[Referral]:
    qs = Referral.objects.select_related("agency")
    if "agency" in filters:
        qs = qs.filter(agency__code__in=filters["agency"])
    return qs


def _powers_used(filters: Mapping[str, Any]) -> QuerySet[PowerUse]:
    qs = PowerUse.objects.select_related("kind", "case__area")
    if "power" in filters:
        qs = qs.filter(kind__code__in=filters["power"])
    return qs


def _decided_in_time(filters: Mapping[str, Any]) -> Q:
    return Q(decision_on__isnull=False, decision_on__lte=F("decision_due"))


def _referral_row(r: Referral) -> RecordRow:
    return RecordRow(
        reference=r.reference,
        when=r.referred_at,
        place=str(r.area),
        summary=f"To {r.agency.name} ({r.get_status_display().lower()})",
        url=reverse("partnership:referral", args=[r.pk]),
    )


def _power_row(p: PowerUse) -> RecordRow:
    return RecordRow(
        reference=p.case.reference,
        when=p.issued_on,
        place=str(p.case.area),
        summary=p.kind.label,
        url=reverse("partnership:power", args=[p.pk]),
    )


def _review_row(c: CaseReview) -> RecordRow:
    return RecordRow(
        reference=c.reference,
        when=c.received_on,
        place=str(c.area),
        summary=f"ASB case review ({c.get_status_display().lower()})",
        url=reverse("partnership:review", args=[c.pk]),
    )


def register() -> None:
    measures.register(
        Measure(
            code="partnership.referrals",
            source="partnership",
            label="Referrals to partner agencies",
            description="Referrals made to partner agencies, by the month made.",
            kind="count",
            queryset=_referrals,
            date_field="referred_at",
            area_field="area_id",
            neighbourhood_field=None,
            row=_referral_row,
            filters=(FilterSpec("agency", "Partner agency", _agencies, many=True),),
        )
    )
    measures.register(
        Measure(
            code="partnership.powers",
            source="partnership",
            label="Tools and powers used",
            description="ASB tools and powers issued (warnings, CPNs, injunctions, closures), by the "
            "month issued.",
            kind="count",
            queryset=_powers_used,
            date_field="issued_on",
            date_only=True,
            area_field="case__area_id",
            neighbourhood_field="case__neighbourhood_id",
            row=_power_row,
            filters=(FilterSpec("power", "Tool or power", _powers, many=True),),
        )
    )
    _review_measure("partnership.case_reviews", "ASB case reviews received", None)
    _review_measure(
        "partnership.case_reviews_decided_in_time", "ASB case reviews decided in time", _decided_in_time
    )


def _review_measure(code: str, label: str, numerator: Callable[[Mapping[str, Any]], Q] | None) -> None:
    kind: Kind = "proportion" if numerator else "count"
    measures.register(
        Measure(
            code=code,
            source="partnership",
            label=label,
            description="ASB case reviews (Community Trigger) by the month received"
            + ("; the share whose threshold decision was made by the deadline." if numerator else "."),
            kind=kind,
            queryset=lambda f: CaseReview.objects.select_related("area"),
            date_field="received_on",
            date_only=True,
            area_field="area_id",
            neighbourhood_field=None,
            row=_review_row,
            numerator=numerator,
            numerator_label="Decided in time" if numerator else "",
            denominator_label="Case reviews received" if numerator else "",
        )
    )
