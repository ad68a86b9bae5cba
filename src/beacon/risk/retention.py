"""Disposal of risk assessments: an assessment of a disposed incident, or of a disposed contact
record, loses its answers, what they scored, its location context and its notes; its level, score,
date and area stay for statistics."""

from __future__ import annotations

from django.db.models import Q

from beacon.core import retention
from beacon.core.retention import DisposalScope
from beacon.risk.models import Assessment


def dispose(scope: DisposalScope) -> dict[str, int]:
    incidents = scope.get("incidents.incident")
    records = scope.get("people.contactrecord")
    if not incidents and not records:
        return {}
    n = retention.wipe(
        Assessment.objects.filter(Q(incident_id__in=incidents) | Q(victim_record_id__in=records)),
        {"answers": {}, "contributions": [], "location_context": {}, "officer_note": "", "review_reason": ""},
    )
    return {"risk_assessments": n}


def register() -> None:
    retention.register_disposer("risk", dispose)
