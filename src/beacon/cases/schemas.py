"""Request and response bodies of the cases API (django-ninja schemas). Times are ISO 8601; a time
without an offset is Europe/London. Unknown request fields are refused."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from beacon.core.api_input import InSchema, Latitude, Longitude


class CaseIn(InSchema):
    risk_level: str = Field(description="standard | medium | high")
    title: str = ""
    summary: str = ""
    victim_ids: list[int] = Field(default_factory=list, description="Person ids (the person index).")
    perpetrator_ids: list[int] = Field(default_factory=list)
    incident_ids: list[int] = Field(default_factory=list)
    area_id: int | None = Field(default=None, description="Needed when no incident places the case.")
    neighbourhood_id: int | None = None
    spoc_id: int | None = Field(default=None, description="Default: you.")
    supervisor_id: int | None = None
    reason: str = ""


class CaseUpdateIn(InSchema):
    version: int = Field(description="The version you loaded: 409, with what changed, if it moved on.")
    title: str | None = None
    summary: str | None = None
    spoc_id: int | None = None
    supervisor_id: int | None = None
    neighbourhood_id: int | None = None


class LevelIn(InSchema):
    version: int
    risk_level: str
    reason: str


class PartyIn(InSchema):
    person_id: int
    role: str = Field(description="victim | perpetrator")
    note: str = ""


class VictimContactIn(InSchema):
    safe_to_call: Literal["yes", "no", ""] | None = Field(
        default=None,
        description='Whether it is safe to phone the victim: "yes", "no", or "" (not asked yet).',
    )
    contact_note: str | None = Field(
        default=None, max_length=500, description="How to contact them safely (at most 500 characters)."
    )


class PartyOut(Schema):
    id: int
    person_id: int
    role: str = Field(description="victim | perpetrator")
    note: str
    safe_to_call: str = Field(description='A victim: "yes", "no", or "" (not asked yet).')
    contact_note: str = Field(description="A victim: how to contact them safely.")


class IncidentLinkIn(InSchema):
    incident_id: int


class CaseLocationIn(InSchema):
    address: str = ""
    postcode: str = ""
    lat: Latitude | None = None
    lon: Longitude | None = None
    note: str = ""


class ActionIn(InSchema):
    text: str
    owner_id: int | None = Field(default=None, description="Default: you (unless owner_label names someone).")
    owner_label: str = ""
    due_on: dt.date | None = None


class ActionUpdateIn(InSchema):
    version: int
    text: str | None = None
    owner_id: int | None = None
    owner_label: str | None = None
    due_on: dt.date | None = None
    status: str | None = Field(default=None, description="open | done | cancelled")
    outcome: str | None = None


class ContactIn(InSchema):
    method: str = Field(description="visit | phone | email | letter | text | other")
    summary: str = Field(description="What was said.")
    at: dt.datetime | None = Field(default=None, description="Default: now.")
    person_id: int | None = Field(default=None, description="Which victim (default: the only one).")


class SupervisoryReviewIn(InSchema):
    tier: str = Field(description="sergeant | inspector | chief_inspector")
    decision: str
    at: dt.datetime | None = None


class CaseCloseIn(InSchema):
    version: int
    reason: str = Field(description="A closure reason code (see the case page).")
    victim_told_on: dt.date | None = None
    victim_told_how: str = Field(default="", description="visit | phone | letter | email | text")
    note: str = ""


class ReopenIn(InSchema):
    version: int
    reason: str


class UserOut(Schema):
    id: int
    username: str
    name: str


class StandardOut(Schema):
    standard: str
    due: dt.date | None
    state: str


class CaseStateOut(Schema):
    id: int
    reference: str
    version: int
    status: str
    risk_level: str
    updated_at: dt.datetime


class CaseOut(CaseStateOut):
    title: str
    heading: str = Field(
        description='The case by its victim and place: "Margaret Whitfield, Elm Street — Medium risk".'
    )
    summary: str
    area: dict[str, Any]
    neighbourhood: dict[str, Any] | None
    spoc: UserOut | None
    supervisor: UserOut | None
    opened_at: dt.datetime
    opened_from_assessment: int | None
    score: int
    rag: str
    reasons: list[str]
    standards: list[StandardOut]
    parties: list[PartyOut]
    incidents: list[dict[str, Any]]
    locations: list[dict[str, Any]]
    risk_history: list[dict[str, Any]]
    closure: dict[str, Any] | None
    reopened_at: dt.datetime | None
    reopen_reason: str


class ListItemOut(Schema):
    kind: str = Field(description="case | incident")
    id: int
    reference: str
    score: int
    rag: str
    reasons: list[str]
    risk_level: str | None = None
    area: str | None = None
    neighbourhood: str | None = None
    spoc: str | None = None


class ListOut(Schema):
    cases: int
    incidents: int
    red: int
    page: int
    per_page: int
    items: list[ListItemOut]


class ActionOut(Schema):
    id: int
    case_id: int
    version: int
    text: str
    owner: UserOut | None
    owner_label: str
    due_on: dt.date | None
    status: str
    outcome: str
    source: str
    completed_at: dt.datetime | None


class ContactOut(Schema):
    id: int
    at: dt.datetime
    by: str
    method: str
    person_id: int | None
    summary: str


class SupervisoryReviewOut(Schema):
    id: int
    tier: str
    at: dt.datetime
    by: str
    decision: str
    due_on: dt.date | None = Field(
        description="When this tier's review was due on the case as it was recorded; null: none was due "
        "(or recorded before due dates were kept)."
    )
    on_time: bool | None = Field(
        description="Held (its Europe/London date) on or before due_on; null when due_on is null."
    )
    days_late: int | None = Field(
        description="Days after due_on it was held (0: on time); null when none was due."
    )


class CasesDueOut(Schema):
    as_of: dt.date
    policy_version: int
    due_soon_days: int
    cases: list[dict[str, Any]]
    totals: dict[str, Any]
