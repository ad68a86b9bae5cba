"""The retention API: records due for review, and decisions on them (keep or dispose of).

Every endpoint needs `retention.review` (administrators: the force's records manager). Statuses:
200 the answer; 401 not signed in and no valid token; 403 the role may not review retention;
422 an input refused, naming the field (and, for `ids`, the row: the id's position from 1) —
nothing is written. Errors are {"errors": [{"field", "message", "row"?}]}.

No `from __future__ import annotations` here: django-ninja reads the handlers' annotations through
the `require` wrapper.
"""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from beacon.core import retention as registry
from beacon.core.api_auth import api_user, require
from beacon.core.api_input import InSchema
from beacon.core.errors import ValidationFailed
from beacon.retention import selectors, services

router = Router(tags=["retention"])

MAX_IDS = 1000


class ErrorOut(Schema):
    field: str
    message: str
    row: int | None = None


class ErrorsOut(Schema):
    errors: list[ErrorOut]


class DueItemOut(Schema):
    record_type: str
    id: int
    reference: str
    area_id: int | None
    category: str
    tags: list[str]
    record_date: dt.date
    review_on: dt.date
    rule: str | None
    rule_version: int | None
    previously_kept: bool
    kept_reason: str


class RetentionDueOut(Schema):
    as_of: dt.date
    record_type: str
    total: int
    items: list[DueItemOut]


def _record_types(schema: dict[str, Any]) -> None:
    """The record types the domains registered (known once the apps are loaded)."""
    schema["enum"] = sorted(registry.RECORD_TYPES)


class RetentionDecisionIn(InSchema):
    decision: Literal["keep", "dispose"]
    ids: list[int] = Field(min_length=1, max_length=MAX_IDS, description=f"At most {MAX_IDS} record ids.")
    reason: str = Field(max_length=500, description="Why (required; written to the audit trail).")
    next_review_on: dt.date | None = Field(
        None, description="Keep only: the next review (default: the rule's)."
    )
    record_type: str = Field("incident", max_length=40, json_schema_extra=_record_types)


class DecidedOut(Schema):
    id: int
    next_review_on: dt.date | None = None
    tombstone: int | None = None
    counts: dict[str, int] = {}


class DecisionOut(Schema):
    decision: str
    count: int
    records: list[DecidedOut]


ERRORS: dict[int, Any] = {401: ErrorsOut, 403: ErrorsOut, 422: ErrorsOut}


def _record_type(value: str) -> str:
    if value not in registry.RECORD_TYPES:
        raise ValidationFailed.one(f"Unknown record type {value!r}.", "record_type")
    return value


@router.get("due", response={200: RetentionDueOut, **ERRORS}, summary="Records due for review as at a date")
@require("retention.review")
def retention_due(
    request: HttpRequest,
    as_of: dt.date | None = None,
    record_type: str = "incident",
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    """Records of the caller's areas whose review date is on or before `as_of` (default today),
    soonest first. 422 for a date that is not YYYY-MM-DD, an unknown record type, a limit outside
    1–1000 or a negative offset."""
    day = as_of or timezone.localdate()
    items = selectors.due(day, _record_type(record_type), user=api_user(request))
    return {
        "as_of": day,
        "record_type": record_type,
        "total": len(items),
        "items": [i.as_dict() for i in items[offset : offset + limit]],
    }


@router.post("decisions", response={200: DecisionOut, **ERRORS}, summary="Keep or dispose of records due")
@require("retention.review")
def retention_decide(request: HttpRequest, payload: RetentionDecisionIn) -> dict[str, Any]:
    """Keep (with the reason and the next review date) or dispose of records due for review today.
    All or nothing: one record that is not due, not in the caller's areas, or a missing reason
    answers 422 and nothing is written. Disposal removes the personal data in every domain and
    leaves a tombstone per record (its id and counts in the answer)."""
    user = api_user(request)
    record_type = _record_type(payload.record_type)
    if payload.decision == "keep":
        kept = services.keep(
            user,
            payload.ids,
            reason=payload.reason,
            next_review_on=payload.next_review_on,
            record_type=record_type,
        )
        records = [{"id": d.object_pk, "next_review_on": d.next_review_on} for d in kept]
    else:
        if payload.next_review_on is not None:
            raise ValidationFailed.one("A next review date is for keeping, not disposal.", "next_review_on")
        stones = services.dispose(user, payload.ids, reason=payload.reason, record_type=record_type)
        records = [{"id": s.object_pk, "tombstone": s.pk, "counts": s.counts} for s in stones]
    return {"decision": payload.decision, "count": len(records), "records": records}
