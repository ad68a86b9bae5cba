"""Request and response bodies of the risk API (django-ninja schemas). Answers are an object of
question key to answer: "yes"/"no" (or true/false), a choice's value, a whole number, or text.
Problems with answers come back as 422 naming the question's key as `answers.KEY`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from beacon.core.api_input import InSchema, Latitude, Longitude

# One question's answer: yes/no, a choice's code, a number or text (nothing nested).
Answer = str | int | float | bool | None


class VersionSummaryOut(Schema):
    version: int
    status: str = Field(description="draft | published | retired")
    published_at: dt.datetime | None
    note: str


class InstrumentOut(Schema):
    name: str
    title: str
    description: str
    is_example: bool
    in_use: bool = Field(description="Whether new assessments use this instrument.")
    published_version: int | None
    versions: list[VersionSummaryOut]


class InstrumentListOut(Schema):
    instruments: list[InstrumentOut]


class VersionOut(Schema):
    instrument: str
    version: int
    status: str
    questions: list[dict[str, Any]]
    location_weights: list[dict[str, Any]]
    thresholds: dict[str, int]
    note: str
    created_at: dt.datetime
    published_at: dt.datetime | None


class RiskLocationIn(InSchema):
    neighbourhood: str = Field(default="", description="A neighbourhood's code.")
    postcode: str = Field(
        default="", description="Placed in its neighbourhood, with active local priorities."
    )
    lat: Latitude | None = None
    lon: Longitude | None = None


class ScoreIn(InSchema):
    instrument: str = Field(default="", description="NAME or NAME@VERSION; default: the instrument in use.")
    answers: dict[str, Answer]
    location: RiskLocationIn = Field(default_factory=RiskLocationIn)


class ScoreContributionOut(Schema):
    question: str = Field(description="The question's key, or location:WHEN for a location weight.")
    answer: Any
    points: int


class ScoreOut(Schema):
    instrument: str
    version: int
    score: int
    level: str = Field(description="Standard | Medium | High")
    contributions: list[ScoreContributionOut]
    location: dict[str, Any]


class AssessmentIn(InSchema):
    incident_id: int
    person_id: int = Field(description="The victim: a caller or victim on the incident.")
    completed_as: str = Field(
        default="", description="attending | investigating: the capacity you complete it in (required)."
    )
    answers: dict[str, Answer]
    officer_note: str = ""
    instrument: str = Field(
        default="",
        description="NAME@VERSION the answers were given to (refused if no longer published); "
        "default: the instrument in use.",
    )


class AssessmentReviewOut(Schema):
    decision: str = Field(description="agreed | changed")
    by: str
    at: dt.datetime
    level: str
    reason: str


class AssessmentOut(Schema):
    id: int
    version: int = Field(description="Send it back when reviewing: 409 if someone changed it since.")
    instrument: str
    instrument_version: int
    incident_id: int | None
    incident_reference: str | None
    person_id: int
    area: str | None
    neighbourhood: str | None
    answers: dict[str, Answer]
    location: dict[str, Any]
    score: int
    level: str = Field(description="As scored: Standard | Medium | High")
    effective_level: str = Field(description="The supervisor's where they changed it, else as scored.")
    contributions: list[ScoreContributionOut]
    completed_by: str
    completed_as: str
    completed_at: dt.datetime
    officer_note: str
    review: AssessmentReviewOut | None


class AssessmentCreatedOut(AssessmentOut):
    case_id: int | None = Field(description="The case a Medium or High outcome opened or raised.")


class AssessmentListOut(Schema):
    count: int
    assessments: list[AssessmentOut]


class AssessmentReviewIn(InSchema):
    version: int = Field(description="The assessment's version you loaded.")
    decision: str = Field(description="agree | change")
    level: str = Field(default="", description="standard | medium | high (when changing).")
    reason: str = Field(default="", description="Required when changing the level.")


class RiskDueOut(Schema):
    incident_id: int
    reference: str
    received_at: dt.datetime
    due_at: dt.datetime
    overdue_hours: int
    flags: list[str]
    neighbourhood: str | None
    victims: list[int]


class DueListOut(Schema):
    count: int
    due: list[RiskDueOut]
