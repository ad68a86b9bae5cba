"""Retention of incidents: the record type reviewed on a schedule, and the disposal of the personal
data an incident holds (its description, address, answers, notes). The people on it are contact
records, disposed of by the person index (`people.retention`)."""

from __future__ import annotations

from django.utils import timezone

from beacon.core import retention
from beacon.core.retention import DisposalScope, RecordFacts
from beacon.incidents.models import Incident, IncidentPerson, SupervisionNote

INCIDENT = "incidents.incident"
TAGS = {
    "asb": "ASB incident",
    "crime": "crime disclosed or recorded",
    "vulnerable_victim": "vulnerable victim",
}


def facts() -> list[RecordFacts]:
    rows = Incident.objects.values_list(
        "id",
        "reference",
        "area_id",
        "received_at",
        "closed_at",
        "is_asb",
        "asb_category__code",
        "other_category__code",
        "crime_disclosed",
        "crime_recorded",
        "crime_reference",
        "vulnerable_victim",
    ).order_by("id")
    out = []
    for (
        pk,
        ref,
        area_id,
        received,
        closed,
        is_asb,
        asb_cat,
        other,
        disclosed,
        recorded,
        crime_ref,
        vuln,
    ) in rows:
        tags = set()
        if is_asb:
            tags.add("asb")
        if disclosed or recorded or crime_ref:
            tags.add("crime")
        if vuln:
            tags.add("vulnerable_victim")
        last = max(received, closed) if closed else received
        out.append(
            RecordFacts(
                pk=pk,
                reference=ref,
                area_id=area_id,
                category=(asb_cat or "asb") if is_asb else (other or "other"),
                anchor=timezone.localtime(last).date(),
                tags=frozenset(tags),
            )
        )
    return out


def collect(scope: DisposalScope) -> None:
    """An incident's callers, victims, witnesses and subjects are contact records."""
    ids = scope.get(INCIDENT)
    if ids:
        scope.add(
            "people.contactrecord",
            IncidentPerson.objects.filter(incident_id__in=ids).values_list("record_id", flat=True),
        )


def dispose(scope: DisposalScope) -> dict[str, int]:
    ids = scope.get(INCIDENT)
    if not ids:
        return {}
    n = retention.wipe(
        Incident.objects.filter(pk__in=ids),
        {
            "description": "",
            "address": "",
            "postcode": "",
            "address_key": "",
            "lat": None,
            "lon": None,
            "location_problem": "",
            "answers": {},
            "flag_reasons": {},
            "grade_override_reason": "",
            "no_crime_reason": "",
            "closing_note": "",
        },
    )
    notes = retention.wipe(SupervisionNote.objects.filter(incident_id__in=ids), {"note": ""})
    people = IncidentPerson.objects.filter(incident_id__in=ids).count()
    return {"incidents": n, "incident_people": people, "supervision_notes": notes}


def register() -> None:
    retention.register_record_type("incident", "Incident", facts, TAGS)
    retention.register_collector(collect)
    retention.register_disposer("incidents", dispose)
