"""Retention and cases: an incident on a case is kept longer (tags "case" and "high_risk" for the
rules), and a case all of whose incidents are disposed of is disposed of with them: its free text,
parties' notes, locations, actions, contacts and reviews lose their personal data; its reference,
level, dates and area stay."""

from __future__ import annotations

from django.db.models import Count, F, Q

from beacon.cases.models import (
    Action,
    Case,
    CaseContact,
    CaseIncident,
    CaseLocation,
    CaseParty,
    RiskLevelChange,
    SupervisoryReview,
)
from beacon.core import retention
from beacon.core.retention import DisposalScope

CASE = "cases.case"
TAGS = {"case": "on a case", "high_risk": "on a case assessed High risk (now or before)"}


def tags(incident_ids: list[int]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    links = CaseIncident.objects.filter(incident_id__in=incident_ids).values_list(
        "incident_id", "case__risk_level", "case_id"
    )
    high_cases = set(
        RiskLevelChange.objects.filter(level="high").values_list("case_id", flat=True).distinct()
    )
    for inc, level, case_id in links:
        s = out.setdefault(inc, {"case"})
        if level == "high" or case_id in high_cases:
            s.add("high_risk")
    return out


def collect(scope: DisposalScope) -> None:
    """Cases whose every incident is in the disposal."""
    ids = scope.get("incidents.incident")
    if not ids:
        return
    candidates = set(CaseIncident.objects.filter(incident_id__in=ids).values_list("case_id", flat=True))
    whole = (
        Case.objects.filter(pk__in=candidates)
        .annotate(
            total=Count("case_incidents"),
            inside=Count("case_incidents", filter=Q(case_incidents__incident_id__in=ids)),
        )
        .filter(total=F("inside"))
    )
    scope.add(CASE, whole.values_list("pk", flat=True))


def dispose(scope: DisposalScope) -> dict[str, int]:
    ids = scope.get(CASE)
    if not ids:
        return {}
    n = retention.wipe(
        Case.objects.filter(pk__in=ids),
        {"summary": "", "closure_note": "", "victim_told_how": "", "reopen_reason": ""},
    )
    for case_id, ref in Case.objects.filter(pk__in=ids).values_list("pk", "reference"):
        retention.wipe(Case.objects.filter(pk=case_id), {"title": f"Disposed case {ref}"[:200]})
    retention.wipe(CaseParty.objects.filter(case_id__in=ids), {"note": ""})
    retention.wipe(
        CaseLocation.objects.filter(case_id__in=ids),
        {"address": "", "postcode": "", "address_key": "", "lat": None, "lon": None, "note": ""},
    )
    retention.wipe(Action.objects.filter(case_id__in=ids), {"text": "", "outcome": "", "owner_label": ""})
    contacts = retention.wipe(CaseContact.objects.filter(case_id__in=ids), {"summary": ""})
    retention.wipe(SupervisoryReview.objects.filter(case_id__in=ids), {"decision": ""})
    retention.wipe(RiskLevelChange.objects.filter(case_id__in=ids), {"reason": ""})
    return {"cases": n, "case_contacts": contacts}


def register() -> None:
    retention.register_tagger("incident", tags, TAGS)
    retention.register_collector(collect)
    retention.register_disposer("cases", dispose)
