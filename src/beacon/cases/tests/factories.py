"""Cases, assessments and incidents for the cases tests (synthetic people only).

Assessments are saved directly (the risk app's own services are tested there): the case services
only read an assessment's level, victim, incident, area and neighbourhood.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from beacon.cases import services
from beacon.cases.models import Case
from beacon.core.models import Area, User
from beacon.geography.models import Neighbourhood
from beacon.incidents.models import Incident, IncidentPerson
from beacon.people import services as people_services
from beacon.people.models import ContactRecord, Person
from beacon.risk.models import Assessment, Instrument, InstrumentVersion

_seq = itertools.count(1)


def person(forename: str = "Ada", surname: str = "Testperson", **details: str) -> Person:
    p = Person.objects.create()
    people_services.add_contact(
        None, {"forename": forename, "surname": surname, **details}, source="test", person=p
    )
    return p


def record_of(p: Person) -> ContactRecord:
    rec = p.records.order_by("id").first()
    assert rec is not None
    return rec


def incident(
    *,
    area: Area | None = None,
    neighbourhood: Neighbourhood | None = None,
    victim: Person | None = None,
    perpetrator: Person | None = None,
    received_at: dt.datetime | None = None,
    address: str = "",
    address_key: str = "",
    lat: float | None = None,
    lon: float | None = None,
    **fields: Any,
) -> Incident:
    n = next(_seq)
    inc = Incident.objects.create(
        reference=f"INC-T-{n:06d}",
        channel="101",
        received_at=received_at or timezone.now(),
        area=area or (neighbourhood.area if neighbourhood else None),
        neighbourhood=neighbourhood,
        address=address,
        address_key=address_key,
        lat=lat,
        lon=lon,
        description="Shouting and banging late at night.",
        **fields,
    )
    if victim is not None:
        IncidentPerson.objects.create(incident=inc, role=IncidentPerson.Role.VICTIM, record=record_of(victim))
    if perpetrator is not None:
        IncidentPerson.objects.create(
            incident=inc, role=IncidentPerson.Role.SUBJECT, record=record_of(perpetrator)
        )
    return inc


def instrument_version() -> InstrumentVersion:
    inst, _ = Instrument.objects.get_or_create(name="cases-test", defaults={"title": "Cases test instrument"})
    v, _ = InstrumentVersion.objects.get_or_create(
        instrument=inst,
        version=1,
        defaults={
            "status": InstrumentVersion.Status.PUBLISHED,
            "questions": [{"key": "q", "text": "Q?", "kind": "yes_no", "points": {"yes": 10, "no": 0}}],
            "thresholds": {"medium": 5, "high": 10},
        },
    )
    return v


def assessment(
    officer: User,
    victim: Person,
    level: str = "high",
    *,
    incident: Incident | None = None,
    area: Area | None = None,
    neighbourhood: Neighbourhood | None = None,
    reviewed_level: str = "",
) -> Assessment:
    return Assessment.objects.create(
        instrument_version=instrument_version(),
        incident=incident,
        victim=victim,
        area=area or (incident.area if incident else None),
        neighbourhood=neighbourhood or (incident.neighbourhood if incident else None),
        answers={"q": "yes"},
        score={"standard": 0, "medium": 5, "high": 10}[level],
        level=level,
        contributions=[],
        completed_by=officer,
        reviewed_level=reviewed_level,
    )


def open_case(
    officer: User,
    *,
    level: str = "medium",
    area: Area | None = None,
    victim: Person | None = None,
    incident_obj: Incident | None = None,
    **kwargs: Any,
) -> Case:
    victim = victim or person()
    return services.open_case(
        officer,
        services.CaseInput(
            risk_level=level,
            victim_ids=(victim.pk,),
            incident_ids=(incident_obj.pk,) if incident_obj else (),
            area_id=area.pk if area else None,
            **kwargs,
        ),
    )
