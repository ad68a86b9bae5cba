"""Request and response bodies of the partnership API (django-ninja schemas).

Dates are ISO 8601 (YYYY-MM-DD); times without an offset are Europe/London. Unknown fields in a
request are refused. Field names in requests are the names 422 responses use."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from beacon.core.api_input import InSchema


class Problem(Schema):
    field: str
    message: str


# ---------------------------------------------------------------------------------------------
# Referrals


class ReferralIn(InSchema):
    agency: str = Field(description="The partner agency's code, e.g. council, housing, health.")
    case_id: int | None = Field(default=None, description="The case referred (or give person_id).")
    person_id: int | None = Field(default=None, description="The person referred (on the case, if both).")
    area_id: int | None = Field(
        default=None, description="Needed only when a person is referred without a case."
    )
    reason: str = Field(description="Why, and what is asked of the partner.")
    shared_items: list[str] = Field(
        default_factory=list,
        description="case_summary, victims, perpetrators, locations, incidents (case referrals), person.",
    )
    shared_information: str = ""
    consent_by: str = Field(default="", description="Who gave consent (with consent_on) …")
    consent_on: dt.date | None = None
    legal_basis: str = Field(
        default="",
        description="… or a legal basis: cda-1998-s115, dpa-2018-sch2, dpa-2018-part3, "
        "children-act-2004-s11, care-act-2014-s42, other (with legal_basis_detail).",
    )
    legal_basis_detail: str = ""


class ResponseIn(InSchema):
    version: int
    response: str = Field(description="accepted | declined | more_information")
    responded_on: dt.date
    note: str = ""


class OutcomeIn(InSchema):
    version: int
    outcome: str
    outcome_on: dt.date


class AgencyOut(Schema):
    code: str
    name: str


class ReferralOut(Schema):
    id: int
    reference: str
    version: int
    agency: AgencyOut
    area_id: int
    case_id: int | None = Field(default=None, description="Not shown to partner agencies.")
    case_reference: str | None = None
    person_id: int | None = Field(default=None, description="Not shown to partner agencies.")
    referred_at: dt.datetime
    reason: str
    status: str
    consent_by: str
    consent_on: dt.date | None
    legal_basis: str
    legal_basis_detail: str
    shared_items: list[str]
    shared: dict[str, Any] = Field(description="Exactly what was shared, as it was when referred.")
    shared_information: str
    response: str
    responded_on: dt.date | None
    response_note: str
    outcome: str
    outcome_on: dt.date | None


class ReferralListOut(Schema):
    count: int
    referrals: list[ReferralOut]


# ---------------------------------------------------------------------------------------------
# Action groups


class GroupIn(InSchema):
    name: str
    kind: str = Field(default="asbag", description="asbag | case_conference")
    area_id: int
    neighbourhood_id: int | None = None
    agencies: list[str] = Field(default_factory=list, description="Codes of the agencies that attend.")


class GroupOut(Schema):
    id: int
    name: str
    kind: str
    area_id: int
    neighbourhood_id: int | None
    agencies: list[str]


class MeetingIn(InSchema):
    scheduled_for: dt.datetime
    venue: str = ""
    chair: str = ""
    agencies: list[str] | None = Field(default=None, description="Invited agencies (default: the group's).")


class VersionIn(InSchema):
    version: int | None = None


class MinutesIn(InSchema):
    version: int
    minutes: str


class NotesIn(InSchema):
    version: int = Field(description="The meeting's version you loaded (409 if it changed since).")
    notes: str = Field(description="General minutes: apologies, matters arising. Replaces what is held.")


class CancelIn(InSchema):
    version: int = Field(description="The meeting's version you loaded (409 if it changed since).")


class AttendeeIn(InSchema):
    attendee_id: int | None = Field(
        default=None, description="An existing row to change (or remove); leave out to add an agency."
    )
    agency: str = Field(default="", description="A new row's agency code; blank: the police.")
    name: str | None = Field(default=None, description="Who attends for the agency (unchanged if left out).")
    present: bool | None = Field(
        default=None, description="Whether they came (left out: unchanged; null: not yet known)."
    )
    remove: bool = Field(default=False, description="Remove this invitation.")


class AttendanceIn(InSchema):
    attendees: list[AttendeeIn] = Field(description="Rows to change, add or remove; others are kept.")


class AgendaCaseIn(InSchema):
    case_id: int = Field(description="An open case in the group's area.")


class TaskIn(InSchema):
    text: str
    owner_id: int | None = Field(default=None, description="A police user …")
    owner_label: str = Field(default="", description="… or a named person …")
    agency: str = Field(default="", description="… and/or the agency doing it (its code).")
    due_on: dt.date


class TaskOut(Schema):
    id: int
    action_id: int
    text: str
    owner_id: int | None
    owner_label: str
    due_on: dt.date | None
    status: str
    source: str


class AgendaItemOut(Schema):
    id: int
    position: int
    case_id: int
    case_reference: str
    case_title: str
    risk_level: str
    reason: str
    minutes: str
    version: int
    tasks: list[TaskOut]


class AttendeeOut(Schema):
    id: int
    agency: str | None
    name: str
    present: bool | None


class MeetingOut(Schema):
    id: int
    group: GroupOut
    scheduled_for: dt.datetime
    venue: str
    chair: str
    status: str
    version: int
    agenda_built_at: dt.datetime | None
    new_since: dt.datetime | None
    notes: str
    attendees: list[AttendeeOut]
    agenda: list[AgendaItemOut]


# ---------------------------------------------------------------------------------------------
# Tools and powers


class PowerIn(InSchema):
    kind: str = Field(
        description="warning, abc, cpw, cpn, civil-injunction, cbo, dispersal, closure-notice, …"
    )
    subject_id: int | None = Field(
        default=None, description="A perpetrator party (CaseParty id) on the case."
    )
    premises: str = ""
    issued_on: dt.date
    expires_on: dt.date | None = None
    issuing_agency: str = Field(default="", description="An agency's code; blank: the police.")
    issued_by_id: int | None = None
    officer_label: str = ""
    terms: str = ""


class PowerUpdateIn(InSchema):
    version: int
    expires_on: dt.date | None = None
    clear_expiry: bool = False
    terms: str | None = None
    outcome: str | None = None
    outcome_on: dt.date | None = None


class BreachIn(InSchema):
    occurred_on: dt.date
    description: str
    action_taken: str = ""


class BreachOut(Schema):
    id: int
    occurred_on: dt.date
    description: str
    action_taken: str


class PowerOut(Schema):
    id: int
    case_id: int
    version: int
    kind: str
    kind_label: str
    subject_id: int | None
    subject_person_id: int | None
    premises: str
    issued_on: dt.date
    expires_on: dt.date | None
    issued_by_id: int | None
    issuing_agency: str | None
    officer_label: str
    terms: str
    outcome: str
    outcome_on: dt.date | None
    in_force: bool
    breaches: list[BreachOut]


# ---------------------------------------------------------------------------------------------
# ASB case reviews


class CaseReviewIn(InSchema):
    route: str = Field(default="application", description="application | threshold")
    applicant_id: int | None = None
    applicant_name: str = ""
    case_id: int | None = None
    area_id: int | None = None
    location_address: str = ""
    lat: float | None = None
    lon: float | None = None
    received_on: dt.date
    summary: str = ""


class DecisionIn(InSchema):
    version: int
    threshold_met: bool
    decision_on: dt.date
    note: str


class ReviewOutcomeIn(InSchema):
    version: int
    review_held_on: dt.date
    outcome: str
    recommendations: str = ""
    response_sent_on: dt.date | None = None


class CaseReviewOut(Schema):
    id: int
    reference: str
    version: int
    route: str
    status: str
    applicant_id: int | None
    applicant_name: str
    case_id: int | None
    area_id: int
    location_address: str
    received_on: dt.date
    summary: str
    policy_version: int
    threshold_at_opening: dict[str, Any]
    decision_due: dt.date
    threshold_met: bool | None
    decision_on: dt.date | None
    decision_note: str
    response_due: dt.date | None
    review_held_on: dt.date | None
    outcome: str
    recommendations: str
    response_sent_on: dt.date | None
    next_deadline: dt.date | None
    overdue: bool


class CaseReviewListOut(Schema):
    count: int
    reviews: list[CaseReviewOut]


class PolicyIn(InSchema):
    """A new version of the case review policy: what is left out stays as in the current one."""

    victim_incidents: int | None = Field(
        default=None, ge=1, le=10_000, description="Incidents by one victim …"
    )
    victim_window_months: int | None = Field(
        default=None, ge=1, le=10_000, description="… within this many months."
    )
    location_incidents: int | None = Field(
        default=None,
        ge=1,
        le=10_000,
        description="Incidents about one place, each from a different reporter …",
    )
    location_window_months: int | None = Field(
        default=None, ge=1, le=10_000, description="… within this many months."
    )
    location_radius_m: int | None = Field(
        default=None, ge=1, le=10_000, description="One place: within this many metres."
    )
    asb_only: bool | None = None
    exclude_closure_codes: list[str] | None = Field(
        default=None, description="Incidents closed with these codes do not count."
    )
    decision_working_days: int | None = Field(default=None, ge=1, le=10_000)
    response_working_days: int | None = Field(default=None, ge=1, le=10_000)
    holidays: list[dt.date] | None = Field(
        default=None, description="Bank holidays (YYYY-MM-DD) that are not working days: the whole list."
    )
    note: str = Field(default="", description="Why this change.")


class PolicyOut(Schema):
    version: int
    victim_incidents: int
    victim_window_months: int
    location_incidents: int
    location_window_months: int
    location_radius_m: int
    asb_only: bool
    exclude_closure_codes: list[str]
    decision_working_days: int
    response_working_days: int
    holidays: list[str]
    note: str
    created_at: dt.datetime


class ThresholdHitOut(Schema):
    kind: str
    person_id: int | None
    label: str
    description: str
    status: dict[str, Any]
    open_review: str | None
