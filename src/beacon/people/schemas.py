"""Request and response bodies of the person-index API (django-ninja schemas).

Dates are ISO strings (YYYY-MM-DD), times ISO 8601 with their offset. Field names in request bodies
are the names that 422 responses use in {"errors": [{"field": …, "message": …}]}.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from beacon.core.api_input import InSchema

# ---------------------------------------------------------------------------------------------
# Lookup


class LookupFlagOut(Schema):
    kind: str
    label: str
    reason: str
    source: str = Field(description="Who or what set it (a user, a rule and its version, …).")
    recorded_on: dt.date
    review_on: dt.date | None


class MatchContributionOut(Schema):
    field: str
    level: str = Field(description="How the field compared, e.g. “exact”, “close spelling”, “missing”.")
    weight: float = Field(description="Match weight points (log2 Bayes factor) the field added.")


class CandidateOut(Schema):
    """A person who may be the one looked for. Later domains may add fields (e.g. open cases)."""

    model_config = ConfigDict(extra="allow")

    person_id: int
    probability: float = Field(description="Probability (0–1) that this is the person looked for.")
    match_weight: float
    best_record_id: int = Field(description="The person's record that matched best.")
    records: int = Field(description="How many of the person's records the search found.")
    why: list[str] = Field(description="Each field's contribution in words, e.g. “dob: exact +9.1”.")
    contributions: list[MatchContributionOut]
    flags: list[LookupFlagOut]


class LookupOut(Schema):
    candidates: list[CandidateOut]


# ---------------------------------------------------------------------------------------------
# Persons


class AsGiven(Schema):
    forename: str
    surname: str
    dob: str
    phone: str
    email: str
    address: str
    postcode: str


class RecordOut(Schema):
    id: int
    person_id: int
    source: str
    source_ref: str
    contacted_at: dt.datetime
    as_given: AsGiven | None = Field(description="The details exactly as given; null once erased.")
    erased_at: dt.datetime | None
    erased_reason: str


class PersonFlagOut(Schema):
    id: int
    kind: str
    label: str
    reason: str
    source: str
    recorded_on: dt.date
    review_on: dt.date | None
    ended_on: dt.date | None


class KnownChoiceOut(Schema):
    record_id: int = Field(description="The record the value is read from (shown as given there).")
    confirmed: bool = Field(description="true: an officer confirmed it; false: the value given most often.")
    records: int = Field(description="How many of the person's live records give this value.")


class KnownAsOut(Schema):
    """Who the person is known as on every page: each detail an officer confirmed, otherwise the
    value given most often across their live (not erased) records, of equals the one given first,
    so a one-off misspelling at a call never renames them. Empty strings where no live record gives
    the detail; the address and its postcode are chosen together."""

    person_id: int
    name: str
    forename: str
    surname: str
    dob: str
    phone: str
    email: str
    address: str
    postcode: str
    records: int = Field(description="The person's live records counted.")
    chosen: dict[str, KnownChoiceOut] = Field(
        description="Per detail given (name, dob, phone, email, address): the record it comes from and why."
    )


class PersonOut(Schema):
    id: int
    merged_into_id: int | None = Field(
        description="Set when a cluster run merged this person into another: look that one up instead."
    )
    known_as: KnownAsOut
    records: list[RecordOut] = Field(description="Every record as given, oldest first (a history).")
    flags: list[PersonFlagOut] = Field(description="Open flags.")


Detail = Literal["name", "dob", "phone", "email", "address"]


def _the_name() -> list[Detail]:
    return ["name"]


class ConfirmIn(InSchema):
    details: list[Detail] = Field(
        default_factory=_the_name,
        max_length=5,
        description="Which details: name, dob, phone, email, address (the address with its postcode).",
    )
    record_id: int | None = Field(
        description="The person's record whose values to use; null stops using the confirmed values "
        "(the person is shown by the value given most often again)."
    )
    note: str = Field(default="", max_length=300, description="How it was confirmed, e.g. at a visit.")


class FlagIn(InSchema):
    kind: str = Field(description="A flag kind's code, e.g. “vulnerable”. Derived kinds are refused.")
    reason: str = Field(default="", description="Required for kinds that need one (vulnerable).")
    review_on: dt.date | None = Field(default=None, description="Today or later.")


# ---------------------------------------------------------------------------------------------
# Review queue


class ReviewPairOut(Schema):
    id: int
    version: int = Field(description="Send back as `version` when deciding; 409 if it has changed since.")
    probability: float
    model_version: int
    decision: str = Field(description="pending | same | different")
    note: str
    decided_by: str | None
    decided_at: dt.datetime | None
    record_a: RecordOut
    record_b: RecordOut


class ReviewQueueOut(Schema):
    count: int = Field(description="Pairs awaiting review in all.")
    pairs: list[ReviewPairOut]


class PairDecisionIn(InSchema):
    same: bool = Field(description="true: the same person (must link); false: different people.")
    note: str = ""
    version: int = Field(description="The pair's version you loaded.")


# ---------------------------------------------------------------------------------------------
# Subject access and erasure


class EraseIn(InSchema):
    reason: str = Field(description="Why (e.g. the erasure request's reference). Kept with the tombstone.")


class SubjectAccessRecord(Schema):
    record_id: int
    source: str
    source_ref: str
    contacted_at: dt.datetime
    as_given: AsGiven
    erased: dt.datetime | None
    erased_reason: str


class SubjectAccessFlag(Schema):
    kind: str
    reason: str
    source: str
    recorded_on: dt.date
    review_on: dt.date | None
    ended_on: dt.date | None


class SubjectAccessDecision(Schema):
    record_a: int
    record_b: int
    decision: str
    probability: float


class SubjectAccessAccess(Schema):
    at: dt.datetime
    by: str
    action: str
    why: str


class SubjectAccessConfirmation(Schema):
    detail: str = Field(description="name | dob | phone | email | address")
    record_id: int
    by: str | None
    at: dt.datetime
    note: str


class SubjectAccessOut(Schema):
    """Everything held about a person (as the subject access page's JSON download)."""

    person_id: int
    records: list[SubjectAccessRecord]
    flags: list[SubjectAccessFlag]
    review_decisions: list[SubjectAccessDecision]
    accesses: list[SubjectAccessAccess] = Field(description="Who has read or changed the person, and why.")
    confirmed_details: list[SubjectAccessConfirmation] = Field(
        description="Which record an officer confirmed each of their details from."
    )
