"""People, incidents and cases for the partnership tests (synthetic people only).

Records are saved directly: the people, incidents and cases domains test their own services;
partnership only reads who reported what, where and when, and which cases are open at what level.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from beacon.cases.models import Case, CaseIncident, CaseLocation, CaseParty
from beacon.core.models import Area
from beacon.geography.models import Neighbourhood
from beacon.incidents.models import ClosureCode, Incident, IncidentPerson
from beacon.people.models import ContactRecord, Person

_seq = itertools.count(1)


def person(forename: str = "Ada", surname: str = "Testperson", **given: str) -> Person:
    p = Person.objects.create()
    ContactRecord.objects.create(
        person=p,
        source="test",
        given_forename=forename,
        given_surname=surname,
        given_phone=given.get("phone", "07700 900001"),
        given_address=given.get("address", "1 Test Street"),
        given_postcode=given.get("postcode", "TE1 1ST"),
        given_dob=given.get("dob", "1970-01-01"),
    )
    return p


def days_ago(n: int, hour: int = 12) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=n)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def incident(
    *,
    reporters: list[Person] | tuple[Person, ...] = (),
    role: str = IncidentPerson.Role.CALLER,
    area: Area | None = None,
    received_at: dt.datetime | None = None,
    address: str = "",
    address_key: str = "",
    lat: float | None = None,
    lon: float | None = None,
    closure: str = "",
    **fields: Any,
) -> Incident:
    n = next(_seq)
    inc = Incident.objects.create(
        reference=f"INC-P-{n:06d}",
        channel="101",
        received_at=received_at or timezone.now(),
        area=area,
        address=address,
        address_key=address_key,
        lat=lat,
        lon=lon,
        description="Shouting and banging late at night.",
        closure_code=ClosureCode.objects.get(code=closure) if closure else None,
        **fields,
    )
    for p in reporters:
        rec = ContactRecord.objects.create(person=p, source="incident", source_ref=inc.reference)
        IncidentPerson.objects.create(incident=inc, role=role, record=rec)
    return inc


def case(
    area: Area,
    *,
    level: str = "high",
    neighbourhood: Neighbourhood | None = None,
    opened_at: dt.datetime | None = None,
    victims: list[Person] | tuple[Person, ...] = (),
    perpetrators: list[Person] | tuple[Person, ...] = (),
    status: str = Case.Status.OPEN,
    title: str = "",
) -> Case:
    n = next(_seq)
    c = Case.objects.create(
        reference=f"CASE-P-{n:05d}",
        title=title or f"Neighbour dispute {n}",
        summary="Repeated noise and threats from the flat above.",
        status=status,
        risk_level=level,
        area=area,
        neighbourhood=neighbourhood,
        opened_at=opened_at or timezone.now(),
    )
    for p in victims:
        CaseParty.objects.create(case=c, person=p, role=CaseParty.Role.VICTIM)
    for p in perpetrators:
        CaseParty.objects.create(case=c, person=p, role=CaseParty.Role.PERPETRATOR)
    CaseLocation.objects.create(case=c, address="Flat 2, 4 Test Road", postcode="TE1 2AB")
    return c


def link_incident(c: Case, inc: Incident) -> None:
    CaseIncident.objects.create(case=c, incident=inc)


def party(c: Case, p: Person) -> CaseParty:
    return CaseParty.objects.get(case=c, person=p)
