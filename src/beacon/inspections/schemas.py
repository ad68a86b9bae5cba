"""Request and response bodies of the improvement-plan API (django-ninja schemas).

Dates are ISO strings (YYYY-MM-DD) both ways. Field names in request bodies are the names that
422 responses use in {"errors": [{"field": …, "message": …}]}.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from beacon.core.api_input import InSchema

# ---------------------------------------------------------------------------------------------
# Inspections


class InspectionOut(Schema):
    id: int
    title: str
    inspectorate: str
    kind: str
    published: dt.date | None
    revisit_date: dt.date | None
    finding_count: int


class GradedAreaOut(Schema):
    name: str
    grade: str
    national_distribution: dict[str, Any]


class FindingOut(Schema):
    id: int
    ref: str
    kind: str
    parent_ref: str | None
    category: str
    text: str
    pages: str


class InspectionDetailOut(InspectionOut):
    fieldwork_start: dt.date | None
    fieldwork_end: dt.date | None
    graded_areas: list[GradedAreaOut]
    findings: list[FindingOut]


class StatusCounts(Schema):
    """total = completed + green + amber + red + no_status."""

    total: int
    completed: int = Field(description="Complete or N/A.")
    green: int
    amber: int
    red: int
    no_status: int = Field(description="No update yet, or the latest update gave no RAG status.")
    overdue: int = Field(
        description="Not completed and past the due date (also counted in green, amber, red or no_status)."
    )


class PortfolioSummary(Schema):
    portfolio: str
    recommendations: StatusCounts
    areas_for_improvement: StatusCounts
    causes_of_concern: StatusCounts


class SummaryOut(Schema):
    """The same shape as `beacon plans summary --json`."""

    inspection: str
    as_of: dt.date
    all_portfolios: PortfolioSummary = Field(
        description='Every portfolio together (force-wide), kind by kind; portfolio is "All portfolios".'
    )
    portfolios: list[PortfolioSummary]


# ---------------------------------------------------------------------------------------------
# Portfolios and plans


class PortfolioOut(Schema):
    id: int
    name: str
    holder: str
    plan_owner: str


class PlanFlagOut(Schema):
    code: str = Field(description="overdue | due_soon | stale | no_owner")
    label: str
    reason: str


class UpdateOut(Schema):
    id: int
    allocation_id: int
    date: dt.date = Field(
        description="The date of update; where date_given is false, the date the imported plan was as at."
    )
    date_given: bool = Field(
        description='False where the imported plan gave no date of update (shown as "date not given").'
    )
    status: str
    status_label: str
    text: str
    author_name: str
    corrects_id: int | None


class PlanItemOut(Schema):
    """One allocation of a finding to a portfolio, as at a date."""

    allocation_id: int
    version: int = Field(description="Send back as `version` when editing (PATCH allocations/{id}).")
    finding_id: int
    finding_ref: str
    finding_kind: str
    finding_text: str
    inspection_id: int
    inspection: str
    portfolio_id: int
    portfolio: str
    due_date: dt.date | None
    action_owner: str
    role: str
    status: str
    status_label: str
    latest_update: UpdateOut | None = Field(
        description="The latest update dated on or before as_of; send its id as based_on_update_id."
    )
    flags: list[PlanFlagOut]


class AllocationOut(Schema):
    id: int
    version: int
    finding_id: int
    finding_ref: str
    portfolio_id: int
    portfolio: str
    role: str
    action_owner: str
    due_date: dt.date | None
    started_on: dt.date | None
    ended_on: dt.date | None
    ended_by_transfer: bool
    transferred_to_id: int | None
    transferred_to: str | None


class TimelineEventOut(Schema):
    kind: str = Field(description="start | update | transfer")
    date: dt.date
    allocation_id: int
    portfolio: str
    transferred_to: str | None = None
    update: UpdateOut | None = None


class FindingDetailOut(FindingOut):
    inspection_id: int
    inspection: str
    allocations: list[AllocationOut]
    timeline: list[TimelineEventOut]


# ---------------------------------------------------------------------------------------------
# Request bodies


class UpdateIn(InSchema):
    status: str = Field(description="red | amber | green | complete | na")
    text: str
    date: dt.date | None = Field(
        default=None,
        description="Defaults to today; may not be in the future, nor before the inspection was published.",
    )
    based_on_update_id: int | None = Field(
        default=None,
        description="The latest update you saw (latest_update.id); 409 if another has been added since.",
    )


class AllocationPatch(InSchema):
    version: int = Field(description="The version you loaded; refused with 409 if it has changed since.")
    action_owner: str | None = None
    due_date: dt.date | None = Field(default=None, description="Send null to clear the due date.")


class TransferIn(InSchema):
    to_portfolio_id: int
    on: dt.date
    action_owner: str = ""
    note: str = ""
