"""The quality API: audit templates (versioned), rounds (reproducible samples), items and their
answers, outcomes with Wilson intervals, disputes for the force crime registrar, correction tasks.

Thin handlers: reads through `selectors`, writes through `services`; a ValidationFailed becomes 422
naming the field, a PermissionRefused 403, an EditConflict 409 (beacon.api). Records outside the
caller's areas answer 404.

No `from __future__ import annotations` here: django-ninja reads the handlers' annotations through
the `require` wrapper, whose module globals would not resolve string annotations.
"""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja import Status as WithStatus
from ninja.errors import HttpError
from ninja.params.functions import Query

from beacon.core.api_auth import api_user, require
from beacon.core.api_input import MONTH_PATTERN
from beacon.core.errors import Problem, ValidationFailed
from beacon.core.models import Area, User
from beacon.quality import months, precision, sampling, selectors, services
from beacon.quality.models import AuditAnswer, AuditItem, AuditRound, AuditTemplate, AuditTemplateVersion

router = Router(tags=["Quality"])
CODE = r"^[a-z0-9][a-z0-9-]{1,59}$"
LIST_MAX = 500
Stratum = Literal["channel", "category", "flagged"]


class QuestionIn(Schema):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,59}$")
    text: str = Field(min_length=1, max_length=500)
    kind: Literal["check", "text"] = "check"
    prefill: str | None = Field(None, max_length=60)
    correction: str = Field("", max_length=500)


class TemplateIn(Schema):
    code: str = Field(pattern=CODE)
    title: str = Field(min_length=1, max_length=200)
    record_type: Literal["incident", "case"] = "incident"
    description: str = ""
    questions: list[QuestionIn] = Field(min_length=1, max_length=100)
    note: str = Field("", max_length=300)


class QuestionOut(Schema):
    key: str
    text: str
    kind: str
    prefill: str | None
    correction: str


class TemplateOut(Schema):
    code: str
    version: int
    title: str
    description: str
    record_type: str
    is_example: bool
    note: str
    questions: list[QuestionOut]


class RoundIn(Schema):
    template: str = Field(pattern=CODE)
    area: str = Field(min_length=1, max_length=20)
    month: str = Field(pattern=MONTH_PATTERN)
    size: int = Field(ge=1, le=services.MAX_SIZE)
    seed: int = Field(ge=0, le=sampling.SEED_MAX)
    strata: list[Stratum] = Field(default_factory=list, max_length=3)
    auditor: str | None = Field(
        None, max_length=150, description="A username: their records are left out and every item is theirs."
    )


class ItemSummaryOut(Schema):
    id: int
    position: int
    reference: str
    stratum: str
    status: str
    auditor: str | None
    compliant: bool | None


class RoundOut(Schema):
    id: int
    template: str
    version: int
    area: str
    month: str
    size: int
    seed: int
    strata: list[str]
    population: int
    margin_of_error: float | None
    items_done: int
    items: int


class RoundDetailOut(RoundOut):
    sample: list[ItemSummaryOut]


class AssignIn(Schema):
    auditor: str = Field(min_length=1, max_length=150)
    items: list[int] | None = Field(
        None, max_length=LIST_MAX, description="Item ids (none: every unassigned item)."
    )


class AssignOut(Schema):
    assigned: int


class PrecisionOut(Schema):
    template: str
    area: str
    month: str
    population: int
    size: int | None
    margin_of_error: float | None
    margin: float | None
    size_needed: int | None


class AnswerOut(Schema):
    id: int
    key: str
    text: str
    answer: str
    free_text: str
    prefilled: str
    corrected: bool
    compliant: bool | None
    dispute: str
    dispute_reason: str
    decision_note: str


class ItemOut(Schema):
    id: int
    round: int
    reference: str
    record_type: str
    status: str
    version: int
    auditor: str | None
    compliant: bool | None
    prefilled: dict[str, str]
    questions: list[QuestionOut]
    answers: list[AnswerOut]


class AnswersIn(Schema):
    answers: dict[str, str] = Field(description='{question key: "yes" | "no" | "na" | text}')
    corrections: dict[str, str] = Field(
        default_factory=dict, description="{question key: the task for the owner}"
    )
    version: int = Field(ge=1)
    note: str = ""


class RateOut(Schema):
    group: str
    question: str | None
    label: str
    audited: int
    compliant: int
    rate: float | None
    low: float | None
    high: float | None


class OutcomesOut(Schema):
    template: str
    by: str
    rates: list[RateOut]


class DisputeIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)


class DecisionIn(Schema):
    agree_with_owner: bool
    note: str = Field("", max_length=2000)


class CorrectionOut(Schema):
    id: int
    item: int
    reference: str
    action: str
    status: str
    created_at: dt.datetime
    done_at: dt.datetime | None
    done_note: str


class DoneIn(Schema):
    note: str = Field("", max_length=500)


def _template_out(v: AuditTemplateVersion) -> dict[str, Any]:
    t = v.template
    return {
        "code": t.code,
        "version": v.version,
        "title": t.title,
        "description": t.description,
        "record_type": t.record_type,
        "is_example": t.is_example,
        "note": v.note,
        "questions": v.questions,
    }


def _round_out(r: AuditRound, done: int | None = None, count: int | None = None) -> dict[str, Any]:
    return {
        "id": r.pk,
        "template": r.template_version.template.code,
        "version": r.template_version.version,
        "area": r.area.code,
        "month": months.label(r.month),
        "size": r.size,
        "seed": r.seed,
        "strata": r.strata,
        "population": r.population,
        "margin_of_error": precision.margin_of_error(r.size, r.population),
        "items_done": done if done is not None else getattr(r, "done_count", 0),
        "items": count if count is not None else getattr(r, "item_count", r.size),
    }


def _answer_out(a: AuditAnswer, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "id": a.pk,
        "key": a.key,
        "text": labels.get(a.key, a.key),
        "answer": a.answer,
        "free_text": a.text,
        "prefilled": a.prefilled,
        "corrected": a.corrected,
        "compliant": a.compliant,
        "dispute": a.dispute,
        "dispute_reason": a.dispute_reason,
        "decision_note": a.decision_note,
    }


def _item(user: User, item_id: int) -> AuditItem:
    try:
        return selectors.item_for(user, item_id)
    except AuditItem.DoesNotExist:
        raise HttpError(404, f"No audit item has id {item_id}.") from None


def _item_out(user: User, item: AuditItem) -> dict[str, Any]:
    record = selectors.show_record(user, item)
    questions = item.round.template_version.questions
    labels = {q["key"]: q["text"] for q in questions}
    return {
        "id": item.pk,
        "round": item.round_id,
        "reference": item.reference,
        "record_type": "case" if item.case_id else "incident",
        "status": item.status,
        "version": item.version,
        "auditor": item.auditor.username if item.auditor else None,
        "compliant": item.compliant,
        "prefilled": selectors.prefilled_answers(item, record),
        "questions": questions,
        "answers": [_answer_out(a, labels) for a in item.answers.all()],
    }


def _user_named(username: str, field: str) -> User:
    found = User.objects.filter(username=username, is_active=True).first()
    if found is None:
        raise ValidationFailed([Problem(f"There is no user {username!r}.", field)])
    return found


@router.get("templates", response=list[TemplateOut], summary="Audit templates (latest version of each)")
@require("quality.view")
def templates_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_template_out(v) for _t, v in selectors.templates()]


@router.post(
    "templates", response={201: TemplateOut}, summary="A new audit template, or a new version of one"
)
@require("quality.manage")
def templates_save(request: HttpRequest, payload: TemplateIn) -> WithStatus[dict[str, Any]]:
    """Versions are never edited: saving an existing code adds its next version; rounds keep theirs.
    `prefill` names a fact Beacon knows about the record (see the example template)."""
    v = services.save_template(
        api_user(request),
        payload.code,
        title=payload.title,
        record_type=payload.record_type,
        description=payload.description,
        questions=[q.dict() for q in payload.questions],
        note=payload.note,
    )
    return WithStatus(
        201, _template_out(AuditTemplateVersion.objects.select_related("template").get(pk=v.pk))
    )


@router.get("rounds", response=list[RoundOut], summary="Audit rounds in the caller's areas")
@require("quality.view")
def rounds_list(
    request: HttpRequest, limit: int = Query(100, ge=1, le=LIST_MAX), offset: int = Query(0, ge=0)
) -> list[dict[str, Any]]:
    qs = selectors.visible_rounds(api_user(request))
    return [_round_out(r) for r in qs[offset : offset + limit]]


@router.get(
    "precision", response=PrecisionOut, summary="A sample's margin of error, and the size a precision needs"
)
@require("quality.manage")
def precision_check(
    request: HttpRequest,
    template: str = Query(..., pattern=CODE),
    area: str = Query(..., min_length=1, max_length=20),
    month: str = Query(..., pattern=MONTH_PATTERN),
    size: int | None = Query(None, ge=1, le=services.MAX_SIZE),
    margin: float | None = Query(None, gt=0, lt=1, description="e.g. 0.05 for ±5 points at 95%"),
) -> dict[str, Any]:
    """The month's population of eligible records in the area; with `size`, the margin of error
    (95%, p = 0.5, finite-population corrected); with `margin`, the size needed."""
    user = api_user(request)
    t = AuditTemplate.objects.filter(code=template).first()
    where = Area.objects.filter(code=area).first()
    problems = []
    if t is None:
        problems.append(Problem(f"There is no audit template {template!r}.", "template"))
    if where is None:
        problems.append(Problem(f"There is no area {area!r}.", "area"))
    first = None
    try:
        first = months.parse_month(month, "month")
    except ValidationFailed as exc:
        problems.extend(exc.problems)
    if problems:
        raise ValidationFailed(problems)
    assert t is not None and where is not None and first is not None
    if not user.can_see_area(where.pk):
        raise HttpError(403, "You may draw samples in your own areas only.")
    n = selectors.population(t, where.pk, first)
    return {
        "template": t.code,
        "area": where.code,
        "month": months.label(first),
        "population": n,
        "size": size,
        "margin_of_error": precision.margin_of_error(size, n) if size else None,
        "margin": margin,
        "size_needed": precision.size_needed(margin, n) if margin and n else None,
    }


@router.post("rounds", response={201: RoundDetailOut}, summary="Draw a round: a reproducible random sample")
@require("quality.manage")
def rounds_draw(request: HttpRequest, payload: RoundIn) -> WithStatus[dict[str, Any]]:
    """The same template version, area, month, size, seed and strata over the same records always
    give the same items (numpy's default_rng(seed) over the eligible records in primary-key order).
    A size larger than the eligible records, an unknown template or area: 422 naming the field."""
    user = api_user(request)
    auditor = _user_named(payload.auditor, "auditor") if payload.auditor else None
    draw = services.draw_round(
        user,
        template=payload.template,
        area=payload.area,
        month=payload.month,
        size=payload.size,
        seed=payload.seed,
        strata=list(payload.strata),
        auditor=auditor,
    )
    assert draw.round is not None
    return WithStatus(201, _round_detail(draw.round))


def _round_detail(r: AuditRound) -> dict[str, Any]:
    items = list(selectors.round_items(r))
    out = _round_out(r, sum(1 for i in items if i.status == AuditItem.Status.DONE), len(items))
    out["sample"] = [
        {
            "id": i.pk,
            "position": i.position,
            "reference": i.reference,
            "stratum": i.stratum,
            "status": i.status,
            "auditor": i.auditor.username if i.auditor else None,
            "compliant": i.compliant,
        }
        for i in items
    ]
    return out


@router.get("rounds/{round_id}", response=RoundDetailOut, summary="A round and its sample")
@require("quality.view")
def round_detail(request: HttpRequest, round_id: int) -> dict[str, Any]:
    try:
        r = selectors.round_for(api_user(request), round_id)
    except AuditRound.DoesNotExist:
        raise HttpError(404, f"No audit round has id {round_id}.") from None
    return _round_detail(r)


@router.post("rounds/{round_id}/assign", response=AssignOut, summary="Give a round's items to an auditor")
@require("quality.manage")
def round_assign(request: HttpRequest, round_id: int, payload: AssignIn) -> dict[str, Any]:
    """An auditor may not audit their own records: if any chosen item is theirs, nothing is assigned (422)."""
    user = api_user(request)
    try:
        r = selectors.round_for(user, round_id)
    except AuditRound.DoesNotExist:
        raise HttpError(404, f"No audit round has id {round_id}.") from None
    auditor = _user_named(payload.auditor, "auditor")
    return {"assigned": services.assign(user, r, auditor, payload.items)}


@router.get(
    "items/{item_id}", response=ItemOut, summary="An audit item: questions, pre-filled answers, answers"
)
@require("quality.audit")
def item_detail(request: HttpRequest, item_id: int) -> dict[str, Any]:
    """The sampled record's view is written to the access log."""
    user = api_user(request)
    return _item_out(user, _item(user, item_id))


@router.post("items/{item_id}/answers", response=ItemOut, summary="Complete an audit item")
@require("quality.audit")
def item_answer(request: HttpRequest, item_id: int, payload: AnswersIn) -> dict[str, Any]:
    """Every check answered yes, no or na; `corrections` raise a task for the record's owner on a
    failed (no) answer. `version` is the item's version as read (409 if it changed since)."""
    user = api_user(request)
    item = _item(user, item_id)
    services.complete_item(
        user,
        item.pk,
        answers=payload.answers,
        corrections=payload.corrections,
        version=payload.version,
        note=payload.note,
    )
    return _item_out(user, _item(user, item_id))


@router.get(
    "outcomes", response=OutcomesOut, summary="Compliance per question and overall, with Wilson 95% intervals"
)
@require("quality.view")
def outcomes(
    request: HttpRequest,
    template: str = Query(..., pattern=CODE),
    by: Literal["force", "area", "neighbourhood", "month"] = "force",
    from_month: str | None = Query(None, pattern=MONTH_PATTERN),
    to_month: str | None = Query(None, pattern=MONTH_PATTERN),
) -> dict[str, Any]:
    """Completed items of rounds in the caller's areas; `question` null is the whole record (every
    checked answer compliant). The interval is statsmodels' `proportion_confint(method="wilson")`."""
    t = AuditTemplate.objects.filter(code=template).first()
    if t is None:
        raise HttpError(404, f"No audit template has the code {template!r}.")
    first = months.parse_month(from_month, "from_month") if from_month else None
    last = months.parse_month(to_month, "to_month") if to_month else None
    rates = selectors.outcomes(api_user(request), t, by=by, first=first, last=last)
    return {"template": t.code, "by": by, "rates": [r.as_json() for r in rates]}


@router.get("disputes", response=list[AnswerOut], summary="Disputed answers waiting for the registrar")
@require("quality.registrar")
def disputes_list(request: HttpRequest) -> list[dict[str, Any]]:
    qs = list(selectors.open_disputes(api_user(request))[:LIST_MAX])
    labels = selectors.question_labels(a.item for a in qs)
    return [_answer_out(a, labels) for a in qs]


def _answer(user: User, answer_id: int) -> AuditAnswer:
    found = AuditAnswer.objects.select_related("item").filter(pk=answer_id).first()
    if found is None or not selectors.may_see_item(user, found.item):
        raise HttpError(404, f"No audit answer has id {answer_id}.")
    return found


@router.post(
    "answers/{answer_id}/dispute", response=AnswerOut, summary="The record's owner disputes a failed answer"
)
@require("quality.correct")
def answer_dispute(request: HttpRequest, answer_id: int, payload: DisputeIn) -> dict[str, Any]:
    user = api_user(request)
    a = services.dispute(user, _answer(user, answer_id).pk, payload.reason)
    return _answer_out(a, {})


@router.post("disputes/{answer_id}/decision", response=AnswerOut, summary="The registrar's final decision")
@require("quality.registrar")
def dispute_decide(request: HttpRequest, answer_id: int, payload: DecisionIn) -> dict[str, Any]:
    user = api_user(request)
    a = services.decide(
        user, _answer(user, answer_id).pk, agree_with_owner=payload.agree_with_owner, note=payload.note
    )
    return _answer_out(a, {})


def _correction_out(t: Any) -> dict[str, Any]:
    return {
        "id": t.pk,
        "item": t.item_id,
        "reference": t.item.reference,
        "action": t.action,
        "status": t.status,
        "created_at": t.created_at,
        "done_at": t.done_at,
        "done_note": t.done_note,
    }


@router.get("corrections", response=list[CorrectionOut], summary="Correction tasks for the caller's records")
@require("quality.correct")
def corrections_list(
    request: HttpRequest,
    open_only: bool = False,
    limit: int = Query(100, ge=1, le=LIST_MAX),
    offset: int = Query(0, ge=0),
) -> list[dict[str, Any]]:
    qs = selectors.corrections_for(api_user(request), open_only=open_only)
    return [_correction_out(t) for t in qs[offset : offset + limit]]


@router.post("corrections/{task_id}/done", response=CorrectionOut, summary="Mark a correction done")
@require("quality.correct")
def correction_done(request: HttpRequest, task_id: int, payload: DoneIn) -> dict[str, Any]:
    user = api_user(request)
    from beacon.quality.models import CorrectionTask

    task = CorrectionTask.objects.select_related("item").filter(pk=task_id, owner=user).first()
    if task is None:
        raise HttpError(404, f"No correction task of yours has id {task_id}.")
    return _correction_out(services.complete_correction(user, task.pk, payload.note))
