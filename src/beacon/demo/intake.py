"""Demo data for intake: the fictional town's geography, a synthetic person index with a trained
matching model, and a few incidents — including a caller who has reported twice before, so that a
demo call shows the repeat check working. Every person here is invented."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from beacon.core.models import Force, User
from beacon.demo.geography import load_demo_geography
from beacon.incidents import services as incident_services
from beacon.incidents.models import InboxItem, Incident
from beacon.incidents.services import IncidentInput, PersonInput
from beacon.people import batch
from beacon.people.loading import load_records
from beacon.people.models import MatchModel
from beacon.people.synth import generate

DEMO_SOURCE = "demo"
INDEX_PEOPLE = 3000  # synthetic people in the demo person index (about 7,000 contact records)

# Margaret Whitfield (invented) has called twice about youths in Market Square.
REPEAT_CALLER = {
    "forename": "Margaret",
    "surname": "Whitfield",
    "phone": "07700 900123",
    "address": "14 Market Street",
    "postcode": "ZY2 2AB",
}
MARKET_SQUARE_POINT = (52.6080, -1.1000)
CASTLE_PARK_POINT = (52.5877, -1.1002)


def _report(days_ago: int, **values: Any) -> IncidentInput:
    base: dict[str, Any] = {
        "channel": "101",
        "received_at": timezone.now() - dt.timedelta(days=days_ago, hours=3),
        "asb_category": "nuisance",
        "type_heading": "rowdy-inconsiderate",
        "source_system": DEMO_SOURCE,
    }
    base.update(values)
    return IncidentInput(**base)


def load_demo_intake(force: Force) -> dict[str, Any]:
    """Load what is missing (idempotent). Returns what it made."""
    geography = load_demo_geography(force)
    made: dict[str, Any] = {"geography": geography, "model": None, "incidents": 0}
    if not MatchModel.objects.exists():
        load_records(None, generate(INDEX_PEOPLE, seed=11), source=DEMO_SOURCE, strict=False)
        result = batch.run(None, retrain=True)
        made["model"] = result.model_version
    if Incident.objects.filter(source_system=DEMO_SOURCE).exists():
        return made
    handler = User.objects.get(username="handler")
    lat, lon = MARKET_SQUARE_POINT
    reports = [
        _report(
            40,
            source_id="demo-1",
            description="Youths kicking a ball against parked cars and shouting at passers-by.",
            lat=lat,
            lon=lon,
            address=REPEAT_CALLER["address"],
            people=[PersonInput(role="caller", details={**REPEAT_CALLER, "forename": "Maggie"})],
            answers={"happened_before": "no", "household_disability": "yes"},
        ),
        _report(
            12,
            source_id="demo-2",
            description="Same group again; one climbed on the caller's wall and swore at her.",
            lat=lat,
            lon=lon,
            address=REPEAT_CALLER["address"],
            people=[PersonInput(role="caller", details=REPEAT_CALLER)],
            answers={"happened_before": "yes", "household_disability": "yes"},
        ),
        _report(
            5,
            source_id="demo-3",
            channel="online",
            description="Music from a flat until 3am most nights this week.",
            type_heading="noise",
            postcode="ZY3 3AB",
            address="2 Mill Lane",
            people=[PersonInput(role="caller", details={"forename": "Deepak", "surname": "Ormerod"})],
        ),
        _report(
            3,
            source_id="demo-4",
            description="Group gathering in the park after dark; a car window was smashed.",
            lat=CASTLE_PARK_POINT[0],
            lon=CASTLE_PARK_POINT[1],
            answers={"threats_or_damage": "yes"},
            people=[PersonInput(role="witness", details={"forename": "Lena", "surname": "Castellan"})],
        ),
        _report(
            1,
            source_id="demo-5",
            channel="letter",
            asb_category="environmental",
            type_heading="littering-drugs",
            description="Letter: needles left behind the community centre.",
            postcode="ZY6 6AB",
        ),
    ]
    created = [incident_services.create_incident(handler, r, source="demo data") for r in reports]
    # The park incident was closed without a crime decision: it waits on the registrar's list.
    park = created[3]
    incident_services.close_incident(
        handler, park, version=park.version, closure_code="advice-given", note="Advised; patrols asked."
    )
    # The oldest inbox items were never acknowledged: they show on the sergeant's list.
    InboxItem.objects.filter(incident__in=created[:2]).update(placed_at=timezone.now() - dt.timedelta(days=2))
    made["incidents"] = len(created)
    return made
