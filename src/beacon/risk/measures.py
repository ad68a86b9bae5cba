"""What the risk domain counts for the KPIs (registered with `beacon.core.measures`): assessments
by the month completed, and whether each was done within the time the risk settings in force allow
after the incident was received."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import F, Q, QuerySet
from django.urls import reverse

from beacon.core import measures
from beacon.core.measures import FilterSpec, Measure, RecordRow
from beacon.risk.models import Assessment, RiskLevel, RiskSettings

LEVEL = FilterSpec("level", "Risk level (as agreed)", lambda: list(RiskLevel.choices), many=True)


def _assessments(filters: Mapping[str, Any]) -> QuerySet[Assessment]:
    qs = Assessment.objects.all()
    if "level" in filters:
        levels = filters["level"]
        qs = qs.filter(Q(reviewed_level__in=levels) | Q(reviewed_level="", level__in=levels))
    return qs


def _in_time(filters: Mapping[str, Any]) -> Q:
    hours = RiskSettings.current().assessment_due_hours
    return Q(incident__isnull=False, completed_at__lte=F("incident__received_at") + dt.timedelta(hours=hours))


def _row(a: Assessment) -> RecordRow:
    return RecordRow(
        reference=f"Assessment {a.pk}",
        when=a.completed_at,
        place=str(a.neighbourhood) if a.neighbourhood_id else "not placed",
        summary=f"{a.get_level_display()} risk"
        + (f", after {a.incident.reference}" if a.incident is not None else ""),
        url=reverse("risk:detail", args=[a.pk]),
    )


def _measure(**given: Any) -> Measure:
    return Measure(
        source="risk",
        date_field="completed_at",
        area_field="area_id",
        neighbourhood_field="neighbourhood_id",
        row=_row,
        filters=(LEVEL,),
        **given,
    )


def register() -> None:
    measures.register(
        _measure(
            code="risk.assessments",
            label="Risk assessments completed",
            description="Risk assessments of victims, by the month completed.",
            kind="count",
            queryset=_assessments,
        )
    )
    measures.register(
        _measure(
            code="risk.assessed_in_time",
            label="Risk assessments completed in time",
            description="Of risk assessments after an incident, the share completed within the hours the "
            "risk settings allow after the incident was received.",
            kind="proportion",
            queryset=lambda f: _assessments(f).filter(incident__isnull=False),
            numerator=_in_time,
            numerator_label="In time",
            denominator_label="Assessments after an incident",
        )
    )
