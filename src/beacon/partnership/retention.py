"""Retention and partnership: an incident on a case referred to a safeguarding hub, or whose victim
was, is kept longer (tag "safeguarding_referral"); a disposed case's referrals, agenda minutes,
powers and ASB case reviews, and referrals and case reviews about a person whose every record is
disposed of, lose the personal data they hold (what was shared, reasons, minutes, terms)."""

from __future__ import annotations

from django.db.models import Q

from beacon.cases.models import CaseIncident
from beacon.core import retention
from beacon.core.retention import DisposalScope
from beacon.incidents.models import IncidentPerson
from beacon.partnership.models import (
    AgendaItem,
    CaseReview,
    PartnerAgency,
    PowerBreach,
    PowerUse,
    Referral,
    ThresholdSnapshot,
)
from beacon.people.models import ContactRecord

TAGS = {
    "referral": "on a case or of a person referred to a partner agency",
    "safeguarding_referral": "on a case or of a person referred to a safeguarding hub",
}


def tags(incident_ids: list[int]) -> dict[int, set[str]]:
    refs = list(Referral.objects.values_list("case_id", "person_id", "agency__kind"))
    if not refs:
        return {}
    by_case: dict[int, set[str]] = {}
    by_person: dict[int, set[str]] = {}
    for case_id, person_id, kind in refs:
        got = {"referral"} | ({"safeguarding_referral"} if kind == PartnerAgency.Kind.SAFEGUARDING else set())
        if case_id:
            by_case.setdefault(case_id, set()).update(got)
        if person_id:
            by_person.setdefault(person_id, set()).update(got)
    out: dict[int, set[str]] = {}
    for inc, case_id in CaseIncident.objects.filter(
        incident_id__in=incident_ids, case_id__in=list(by_case)
    ).values_list("incident_id", "case_id"):
        out.setdefault(inc, set()).update(by_case[case_id])
    for inc, person_id in IncidentPerson.objects.filter(
        incident_id__in=incident_ids, record__person_id__in=list(by_person)
    ).values_list("incident_id", "record__person_id"):
        out.setdefault(inc, set()).update(by_person[person_id])
    return out


def dispose(scope: DisposalScope) -> dict[str, int]:
    cases = scope.get("cases.case")
    records = scope.get("people.contactrecord")
    persons: set[int] = set()
    if records:
        touched = set(ContactRecord.objects.filter(pk__in=records).values_list("person_id", flat=True))
        still = set(
            ContactRecord.objects.filter(person_id__in=touched, erased_at__isnull=True).values_list(
                "person_id", flat=True
            )
        )
        persons = touched - still
    # The stored threshold counts list victims and places (addresses): counted again on next use.
    snapshots = ThresholdSnapshot.objects.all().delete()[0] if scope.get("incidents.incident") else 0
    if not cases and not persons:
        return {"threshold_snapshots": snapshots} if snapshots else {}
    referrals = retention.wipe(
        Referral.objects.filter(Q(case_id__in=cases) | Q(person_id__in=persons)),
        {
            "reason": "",
            "shared_snapshot": {},
            "shared_information": "",
            # Consent stays recorded as given (the row's constraint), without who gave it.
            "consent_by": retention.DISPOSED,
            "legal_basis_detail": "",
            "response_note": "",
            "outcome": "",
        },
    )
    retention.wipe(AgendaItem.objects.filter(case_id__in=cases), {"case_title": "", "minutes": ""})
    powers = PowerUse.objects.filter(case_id__in=cases)
    retention.wipe(PowerBreach.objects.filter(power__in=powers), {"description": "", "action_taken": ""})
    retention.wipe(powers, {"premises": "", "terms": "", "outcome": "", "officer_label": ""})
    reviews = retention.wipe(
        CaseReview.objects.filter(Q(case_id__in=cases) | Q(applicant_id__in=persons)),
        {
            "applicant_name": "",
            "location_address": "",
            "location_key": "",
            "summary": "",
            "decision_note": "",
            "outcome": "",
            "recommendations": "",
        },
    )
    return {"referrals": referrals, "case_reviews": reviews, "threshold_snapshots": snapshots}


def register() -> None:
    retention.register_tagger("incident", tags, TAGS)
    retention.register_disposer("partnership", dispose)
