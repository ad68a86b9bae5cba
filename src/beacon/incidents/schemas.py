"""Request and response bodies of the incidents API (django-ninja schemas).

Times are ISO 8601; a time without an offset is taken as Europe/London. Field names in request
bodies are the names that 422 responses use in {"errors": [{"field": …, "message": …}]}, e.g.
"people[0].phone" or "location.postcode". Unknown fields are refused (a feed that misspells a field
hears about it rather than losing the value).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict

from beacon.core.api_input import InSchema, Latitude, Longitude


def _blank_if_none(value: Any) -> Any:
    return "" if value is None else value


# A text field that also accepts null (feeds often send null for "not given").
class _SaysNullable:
    """The OpenAPI says what the validator does: null is accepted (and read as blank)."""

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"anyOf": [handler(core_schema), {"type": "null"}]}


Text = Annotated[str, BeforeValidator(_blank_if_none), _SaysNullable()]


MAX_PEOPLE = 50  # people on one incident (callers, victims, witnesses, subjects)


# ---------------------------------------------------------------------------------------------
# Taking a report (the call-taking form, other channels, the command-and-control feed)


class IncidentLocationIn(InSchema):
    postcode: Text = ""
    address: Text = ""
    lat: Latitude | None = Field(default=None, description="WGS84 latitude; give both or neither.")
    lon: Longitude | None = None


class PersonIn(InSchema):
    role: str = Field(description="caller | victim | witness | subject")
    forename: Text = ""
    surname: Text = ""
    dob: Text = Field(default="", description="Date of birth, e.g. 1980-03-14 or 14/03/1980.")
    phone: Text = ""
    email: Text = ""
    address: Text = ""
    postcode: Text = ""
    person_id: int | None = Field(
        default=None, description="The person picked from the live check (else matching decides)."
    )


class IncidentIn(InSchema):
    channel: str = Field(description="999, 101, online, email, letter, social, front_counter, patrol, …")
    received_at: dt.datetime | None = Field(default=None, description="Default: now.")
    occurred_at: dt.datetime | None = None
    attended_at: dt.datetime | None = Field(
        default=None,
        description="When officers attended: not before it was received, not in the future. An "
        "amending message without it keeps the time already recorded.",
    )
    location: IncidentLocationIn = Field(default_factory=IncidentLocationIn)
    is_asb: bool = True
    asb_category: Text = Field(default="", description="personal | nuisance | environmental (ASB only).")
    type_heading: Text = Field(default="", description="An ASB type heading's code (ASB only).")
    other_category: Text = Field(default="", description="The force's incident category (not ASB).")
    description: Text = ""
    answers: dict[str, Any] = Field(default_factory=dict, description="Screening answers by question key.")
    screening_version: int | None = Field(default=None, description="Default: the newest question set.")
    people: list[PersonIn] = Field(default_factory=list, max_length=MAX_PEOPLE)
    response_grade: Text = Field(default="", description="Default: the grade the rules suggest.")
    grade_override_reason: Text = Field(default="", description="Required when overriding the suggestion.")
    crime_reference: Text = ""
    no_crime_reason: Text = ""
    source_system: Text = Field(default="", description="The feed's system name, e.g. storm.")
    source_id: Text = Field(
        default="",
        description="The source system's incident number: repeating a message never duplicates it.",
    )


RESPONSE_MET = (
    "Whether it was attended within its response grade's target time of being received (exactly on "
    "the target is within it); null while not attended, or with no grade."
)


class NeighbourhoodOut(Schema):
    id: int
    code: str
    name: str


class IncidentPersonOut(Schema):
    role: str
    person_id: int
    record_id: int


class IncidentTakenOut(Schema):
    id: int
    reference: str
    version: int
    outcome: str = Field(description="created | updated | unchanged")
    neighbourhood: NeighbourhoodOut | None
    location_problem: str = Field(
        description="Why it could not be placed in a neighbourhood; empty if placed."
    )
    flags: list[str]
    flag_reasons: dict[str, str]
    priority_names: list[str]
    suggested_grade: str | None
    response_grade: str | None
    attended_at: dt.datetime | None
    response_met: bool | None = Field(description=RESPONSE_MET)
    people: list[IncidentPersonOut]


# ---------------------------------------------------------------------------------------------
# One incident


class LocationOut(Schema):
    postcode: str
    address: str
    lat: float | None
    lon: float | None


class AsGivenOut(Schema):
    forename: str
    surname: str
    dob: str
    phone: str
    email: str
    address: str
    postcode: str


class IncidentPersonDetailOut(IncidentPersonOut):
    as_given: AsGivenOut | None = Field(
        description="The details as given on this incident (a misspelling stays); null once erased."
    )
    known_as: str = Field(
        default="",
        description="The person's name as Beacon shows it everywhere (the people API's `known_as`: "
        "what an officer confirmed, else what they have given most often); empty if none is held.",
    )


class SupervisionOut(Schema):
    id: int
    incident_id: int
    at: dt.datetime
    author: str
    note: str


class IncidentOut(Schema):
    id: int
    reference: str
    version: int = Field(description="Send back as `version` when changing it; 409 if it has changed.")
    status: str
    channel: str
    received_at: dt.datetime
    occurred_at: dt.datetime | None
    attended_at: dt.datetime | None
    response_met: bool | None = Field(description=RESPONSE_MET)
    location: LocationOut
    neighbourhood: NeighbourhoodOut | None
    location_problem: str
    is_asb: bool
    asb_category: str | None
    type_heading: str | None
    other_category: str | None
    type: str = Field(description="The ASB type heading or incident category, in words.")
    description: str
    screening_version: int | None
    answers: dict[str, Any]
    flags: list[str]
    flag_reasons: dict[str, str]
    priority_names: list[str]
    suggested_grade: str | None
    response_grade: str | None
    grade_override_reason: str
    crime_recorded: bool | None
    crime_reference: str
    no_crime_reason: str
    closure_code: str | None
    closing_note: str
    closed_at: dt.datetime | None
    source_system: str
    source_id: str
    created_at: dt.datetime
    updated_at: dt.datetime
    last_supervised_at: dt.datetime | None
    people: list[IncidentPersonDetailOut]
    supervision: list[SupervisionOut]


class IncidentStateOut(Schema):
    """An incident's state after a change (attendance, crime decision, closure)."""

    id: int
    reference: str
    version: int
    status: str
    attended_at: dt.datetime | None
    response_met: bool | None = Field(description=RESPONSE_MET)
    crime_recorded: bool | None
    crime_reference: str
    no_crime_reason: str
    closure_code: str | None
    closing_note: str
    closed_at: dt.datetime | None
    updated_at: dt.datetime


class CrimeDecisionIn(InSchema):
    version: int = Field(description="The incident's version you loaded.")
    crime_reference: Text = ""
    no_crime_reason: Text = Field(
        default="", description="Why no crime was recorded (instead of a reference)."
    )


class IncidentAttendanceIn(InSchema):
    version: int = Field(description="The incident's version you loaded.")
    attended_at: dt.datetime = Field(
        description="When officers attended (without an offset: London time); not before the incident "
        "was received, and not in the future."
    )


class IncidentCloseIn(InSchema):
    version: int = Field(description="The incident's version you loaded.")
    closure_code: Text = ""
    closing_note: Text = ""


class SupervisionIn(InSchema):
    note: Text = ""


# ---------------------------------------------------------------------------------------------
# The live check while a call is taken (POST: personal details never sit in URLs or logs)


class LiveCheckIn(InSchema):
    name: Text = Field(default="", description="A full name ('Margaret Whitfield' or 'Whitfield, Margaret').")
    forename: Text = ""
    surname: Text = ""
    dob: Text = ""
    phone: Text = ""
    email: Text = ""
    address: Text = ""
    postcode: Text = ""
    lat: Latitude | None = None
    lon: Longitude | None = None


class LiveCheckOut(Schema):
    model_config = ConfigDict(extra="allow")

    people: list[dict[str, Any]] = Field(
        description="Matching people, best first: probability, why, flags, their contacts in the window "
        "(and whatever later domains add, such as open cases)."
    )
    nearby_incidents: list[dict[str, Any]]
    window_days: int
    location_problem: str


# ---------------------------------------------------------------------------------------------
# Lists


class IncidentSummaryOut(Schema):
    id: int
    reference: str
    received_at: dt.datetime
    type: str
    address: str
    postcode: str
    neighbourhood: NeighbourhoodOut | None
    flags: list[str]
    response_grade: str | None
    status: str
    closed_at: dt.datetime | None


class InboxItemOut(Schema):
    id: int
    incident: IncidentSummaryOut
    neighbourhood: NeighbourhoodOut
    placed_at: dt.datetime
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None


class InboxOut(Schema):
    count: int
    items: list[InboxItemOut]


class TriageItemOut(Schema):
    id: int
    incident: IncidentSummaryOut
    reason: str = Field(description="Why it could not be placed in a neighbourhood.")
    placed_at: dt.datetime = Field(description="When it entered triage.")
    resolved_at: dt.datetime | None
    resolved_by: str | None
    outcome: str = Field(description='"placed", "no_team", or "" while it waits.')
    note: str


class TriageOut(Schema):
    count: int
    items: list[TriageItemOut]


class TriagePlaceIn(InSchema):
    version: int = Field(description="The incident's version you loaded.")
    postcode: Text = ""
    address: Text = ""
    lat: Latitude | None = None
    lon: Longitude | None = None


class TriageNoTeamIn(InSchema):
    note: Text = Field("", description="Why no neighbourhood team takes it (required).")


class CrimeReviewOut(Schema):
    count: int
    incidents: list[IncidentSummaryOut]
