"""Incidents with victims, and answers to the example instrument (synthetic people only)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from beacon.core.models import Area
from beacon.geography.models import Neighbourhood
from beacon.incidents.models import Channel, Incident, IncidentPerson
from beacon.people.models import ContactRecord, Person
from beacon.people.services import record_kwargs
from beacon.risk.models import Instrument, InstrumentVersion

_refs = itertools.count(1)

# Answers to the example instrument (asb-vulnerability@1) and what they score without location.
STANDARD = {
    "incidents_recent": 0,
    "targeted_before": "no",
    "hate": "no",
    "disability_health": "no",
    "age": "18_to_64",
    "daily_life": "not_at_all",
    "afraid": "no",
    "alone": "no",
    "children": "no",
    "getting_worse": "no",
    "threats_damage": "no",
    "not_acted_upon": "no",
}
MEDIUM = {**STANDARD, "hate": "yes", "afraid": "yes", "daily_life": "a_lot"}  # 4 + 3 + 3 = 10
HIGH = {
    **STANDARD,
    "incidents_recent": 7,  # capped at 4
    "targeted_before": "yes",
    "hate": "yes",
    "age": "65_or_over",
    "daily_life": "a_lot",
    "afraid": "yes",
    "alone": "yes",
    "getting_worse": "yes",
}  # 4 + 3 + 4 + 2 + 3 + 3 + 2 + 3 = 24


def person_record(
    person: Person | None = None, forename: str = "Alys", surname: str = "Penhallow"
) -> ContactRecord:
    person = person or Person.objects.create()
    fields = record_kwargs({"forename": forename, "surname": surname}, strict=False)
    return ContactRecord.objects.create(person=person, source="incident", **fields)


def make_incident(
    *,
    area: Area | None,
    neighbourhood: Neighbourhood | None = None,
    point: tuple[float, float] | None = None,
    victims: list[tuple[str, ContactRecord]] | None = None,
    repeat: bool = False,
    vulnerable: bool = False,
    received_at: dt.datetime | None = None,
    channel: str = Channel.CALL_101,
) -> Incident:
    n = next(_refs)
    incident = Incident.objects.create(
        reference=f"RSK-{n:05d}",
        channel=channel,
        received_at=received_at or timezone.now(),
        area=area,
        neighbourhood=neighbourhood,
        lat=point[0] if point else None,
        lon=point[1] if point else None,
        repeat_victim=repeat,
        vulnerable_victim=vulnerable,
        description="Synthetic incident for risk tests.",
    )
    for role, record in victims or []:
        IncidentPerson.objects.create(incident=incident, role=role, record=record)
    return incident


def example_version() -> InstrumentVersion:
    return InstrumentVersion.objects.select_related("instrument").get(
        instrument__name="asb-vulnerability", version=1
    )


def simple_instrument(name: str = "simple", *, thresholds: dict[str, int] | None = None) -> InstrumentVersion:
    """A small published instrument: one question of each kind, two location weights."""
    instrument = Instrument.objects.create(name=name, title=name.title())
    return InstrumentVersion.objects.create(
        instrument=instrument,
        version=1,
        status=InstrumentVersion.Status.PUBLISHED,
        questions=SIMPLE_QUESTIONS,
        location_weights=SIMPLE_WEIGHTS,
        thresholds=thresholds or {"medium": 5, "high": 10},
        published_at=timezone.now(),
    )


SIMPLE_QUESTIONS: list[dict[str, Any]] = [
    {"key": "repeat", "text": "Happened before?", "kind": "yes_no", "points": {"yes": 3, "no": 0}},
    {
        "key": "impact",
        "text": "How much impact?",
        "kind": "choice",
        "choices": [{"value": "low", "label": "Low"}, {"value": "high", "label": "High"}],
        "points": {"low": 0, "high": 4},
    },
    {
        "key": "count",
        "text": "How many incidents?",
        "kind": "number",
        "points_per_unit": 2,
        "max_points": 6,
        "min": 0,
        "max": 50,
    },
    {"key": "notes", "text": "Notes", "kind": "text"},
    {"key": "optional_yes", "text": "Optional?", "kind": "yes_no", "required": False, "points": {"yes": 1}},
]
SIMPLE_WEIGHTS: list[dict[str, Any]] = [
    {"when": "neighbourhood_grade:priority", "points": 2, "label": "Priority neighbourhood"},
    {"when": "neighbourhood:TS1", "points": 1, "label": "Docks"},
    {"when": "local_priority", "points": 5, "label": "Local priority"},
]
