"""The call-back surveys' API: questionnaires (versioned), the results with their 95% intervals,
call lists drawn at random and given to volunteers, the calls volunteers make, officers' agreement
to call a victim in an open High-risk case, and the follow-ups a call raises for the neighbourhood
team.

Thin handlers: reads through `survey_selectors`, writes through `questionnaires` and `survey_calls`;
a ValidationFailed becomes 422 naming the field, a PermissionRefused 403 (beacon.api). Call lists
and follow-ups outside the caller's areas answer 404, like the audits' rounds.

**Results are force-wide figures** (the same JSON as `beacon surveys results --json`, counted over
every area): like the performance figures of the force (`beacon.performance.places.may_see`), they
are for force-wide staff only; anyone else with `surveys.view` is answered 403.

**A volunteer sees only the calls given to them** (`my-calls`): the victim's name and the phone and
email as given on the contact record, the incident's date and type, and the calls made so far;
nothing else of the record. Every such read is written to the access log. A call list's page for
its manager names no one (the incident's reference and who is calling).

No `from __future__ import annotations` here: django-ninja reads the handlers' annotations through
the `require` wrapper, whose module globals would not resolve string annotations.
"""

import datetime as dt
from typing import Any, Literal

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja import Status as WithStatus
from ninja.errors import HttpError
from ninja.params.functions import Query
from pydantic import StrictInt

from beacon.core import audit
from beacon.core.api_auth import api_user, require
from beacon.core.api_input import MONTH_PATTERN, InSchema
from beacon.core.errors import Problem, ValidationFailed
from beacon.core.models import User
from beacon.quality import months, questionnaires, sampling, survey_calls, survey_results, survey_selectors
from beacon.quality.survey_models import AGE_BANDS, CallAttempt, CallList, CallListEntry, SurveyFollowUp

router = Router(tags=["Quality: surveys"])
CODE = r"^[a-z0-9][a-z0-9-]{1,59}$"
KEY = r"^[a-z][a-z0-9_]{0,59}$"
LIST_MAX = 500
Outcome = Literal["no_answer", "refused", "completed", "wrong_number"]
Reason = Literal["call_back", "new_incident"]
CALLS_REASON = "survey call-backs given to the volunteer (API)"


# --- questionnaires ------------------------------------------------------------------------------------


class SurveyQuestionIn(InSchema):
    code: str = Field(pattern=KEY, description="Means the same question in every version.")
    text: str = Field(min_length=1, max_length=500, pattern=r"\S")
    kind: Literal["scale", "text"] = Field(
        "scale", description="scale: 5 very satisfied … 1 very dissatisfied; text: free text."
    )


class QuestionnaireIn(InSchema):
    code: str = Field(pattern=CODE)
    title: str = Field(min_length=1, max_length=200, pattern=r"\S")
    description: str = Field("", max_length=2000)
    questions: list[SurveyQuestionIn] = Field(min_length=1, max_length=100)
    note: str = Field("", max_length=300, description="What changed in this version.")


class SurveyQuestionOut(Schema):
    code: str
    text: str
    kind: str


class QuestionnaireOut(Schema):
    code: str
    title: str
    description: str
    is_example: bool
    version: int
    note: str
    created_at: dt.datetime
    questions: list[SurveyQuestionOut]


def _questionnaire_out(v: Any) -> dict[str, Any]:
    q = v.questionnaire
    return {
        "code": q.code,
        "title": q.title,
        "description": q.description,
        "is_example": q.is_example,
        "version": v.version,
        "note": v.note,
        "created_at": v.created_at,
        "questions": v.questions,
    }


@router.get(
    "questionnaires", response=list[QuestionnaireOut], summary="Questionnaires (the latest version of each)"
)
@require("surveys.view")
def questionnaires_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_questionnaire_out(v) for v in survey_selectors.latest_versions()]


@router.post(
    "questionnaires",
    response={201: QuestionnaireOut},
    summary="A new questionnaire, or the next version of one",
)
@require("surveys.manage")
def questionnaires_save(request: HttpRequest, payload: QuestionnaireIn) -> WithStatus[dict[str, Any]]:
    """Versions are never edited: saving an existing code adds its next version, and responses and
    call lists keep theirs. At least one scale question (the results count them); codes unique."""
    v = questionnaires.save_questionnaire(
        api_user(request),
        payload.code,
        title=payload.title,
        description=payload.description,
        questions=[q.dict() for q in payload.questions],
        note=payload.note,
    )
    return WithStatus(201, _questionnaire_out(v))


# --- results -------------------------------------------------------------------------------------------


class FigureOut(Schema):
    question: str
    responses: int
    satisfied: int
    rate: float | None
    ci95: list[float] | None


class GroupOut(Schema):
    group: str
    areas: list[str]
    questions: list[FigureOut]


class ComparisonOut(Schema):
    question: str
    groups: list[str]
    difference: float | None
    ci95: list[float] | None
    p_value: float | None


class MonthOut(Schema):
    month: str
    questions: list[FigureOut]


class RollingOut(Schema):
    month: str
    from_month: str = Field(alias="from", description="The first of the twelve months.")
    questions: list[FigureOut]


class BreakdownFigureOut(Schema):
    """A question's figures in a breakdown group, or only `suppressed` (fewer than min_responses)."""

    question: str
    suppressed: bool | None = None
    responses: int | None = None
    satisfied: int | None = None
    rate: float | None = None
    ci95: list[float] | None = None


class BreakdownGroupOut(Schema):
    """One group of a breakdown; a group with fewer respondents than min_responses has only
    `suppressed` (no figures)."""

    group: str
    label: str
    suppressed: bool | None = None
    respondents: int | None = None
    questions: list[BreakdownFigureOut] | None = None


class ResultsOut(Schema):
    survey: str
    version: int
    questions: list[FigureOut]
    groups: list[GroupOut] | None = None
    comparisons: list[ComparisonOut] | None = None
    months: list[MonthOut] | None = None
    rolling_12: list[RollingOut] | None = None
    min_responses: int | None = None
    breakdowns: dict[str, list[BreakdownGroupOut]] | None = None


_RESULT_FIELDS = {"from": "from_month", "to": "to_month"}


@router.get(
    "results",
    response=ResultsOut,
    summary="Satisfaction per question with Wilson 95% intervals; groups of areas compared",
    by_alias=True,
    exclude_unset=True,
)
@require("surveys.view")
def results(
    request: HttpRequest,
    survey: str = Query(..., pattern=CODE),
    from_month: str = Query(..., pattern=MONTH_PATTERN),
    to_month: str = Query(..., pattern=MONTH_PATTERN),
    groups: list[str] = Query(  # noqa: B008 - django-ninja's way to declare a list
        None, max_length=20, description="Repeatable: NAME=AREA,AREA (area codes), e.g. pilot=N,E."
    ),
    min_responses: int = Query(survey_results.MIN_RESPONSES, ge=1, le=1_000_000),
    monthly: bool = False,
    breakdowns: bool = False,
) -> dict[str, Any]:
    """The same JSON as `beacon surveys results --json` (with `--monthly`, `--breakdowns`) for the
    same arguments: keys appear only when asked for. "Satisfied" is 4 or 5 of 5; blanks are left
    out. Comparisons: Newcombe's interval of the difference and the pooled z-test's p-value, for
    every pair of groups in the order given (an area may be in one group only). Force-wide figures:
    for force-wide staff only (403 otherwise)."""
    user = api_user(request)
    if not user.all_areas:
        raise HttpError(403, "Survey results are force-wide figures, for force-wide staff only.")
    try:
        found = survey_results.results(
            survey, from_month, to_month, groups=groups or [], min_responses=min_responses
        )
    except ValidationFailed as exc:
        raise ValidationFailed(
            [Problem(p.message, _RESULT_FIELDS.get(p.field, p.field), p.row) for p in exc.problems]
        ) from None
    return found.as_json(monthly=monthly, breakdowns=breakdowns)


# --- call lists ----------------------------------------------------------------------------------------


class CallListIn(InSchema):
    survey: str = Field(pattern=CODE, description="The questionnaire's code, e.g. asb-callback.")
    area: str = Field(min_length=1, max_length=20)
    month: str = Field(pattern=MONTH_PATTERN, description="The month the calls are for (YYYY-MM).")
    size: int = Field(ge=1, le=survey_calls.MAX_SIZE)
    seed: int = Field(ge=0, le=sampling.SEED_MAX)


class EntryOut(Schema):
    id: int
    position: int
    incident: str = Field(description="The incident's reference.")
    status: str
    volunteer: str | None


class CallListOut(Schema):
    id: int
    survey: str
    version: int
    area: str
    month: str
    seed: int
    size: int
    population: int
    drawn_at: dt.datetime
    drawn_by: str | None


class CallListSummaryOut(CallListOut):
    to_call: int
    assigned: int


class CallListDetailOut(CallListOut):
    entries: list[EntryOut]


class CallAssignIn(InSchema):
    volunteer: str = Field(min_length=1, max_length=150, description="The volunteer's username.")
    entries: list[int] | None = Field(
        None, max_length=LIST_MAX, description="Entry ids (none: every entry not given out and not finished)."
    )


class CallAssignOut(Schema):
    assigned: int


def _list_out(c: CallList) -> dict[str, Any]:
    return {
        "id": c.pk,
        "survey": c.version.questionnaire.code,
        "version": c.version.version,
        "area": c.area.code,
        "month": months.label(c.month),
        "seed": c.seed,
        "size": c.size,
        "population": c.population,
        "drawn_at": c.drawn_at,
        "drawn_by": c.drawn_by.get_username() if c.drawn_by else None,
    }


def _list_detail(c: CallList) -> dict[str, Any]:
    out = _list_out(c)
    out["entries"] = [
        {
            "id": e.pk,
            "position": e.position,
            "incident": e.incident.reference,
            "status": e.status,
            "volunteer": e.volunteer.get_username() if e.volunteer else None,
        }
        for e in survey_selectors.call_list_entries(c)
    ]
    return out


def _call_list(user: User, list_id: int) -> CallList:
    try:
        return survey_selectors.call_list_for(user, list_id)
    except CallList.DoesNotExist:
        raise HttpError(404, f"No call list in your areas has id {list_id}.") from None


@router.post(
    "call-lists", response={201: CallListDetailOut}, summary="Draw a call list: victims chosen at random"
)
@require("surveys.manage")
def call_lists_draw(request: HttpRequest, payload: CallListIn) -> WithStatus[dict[str, Any]]:
    """`size` victims drawn at random (numpy's default_rng(seed)) from those eligible for the area
    and month under the questionnaire's rules; the same seed over the same eligible victims gives
    the same list, and once saved its victims are left out of later draws. No names here: the
    entries name the incident. An unknown survey or area, or a size larger than the victims
    eligible: 422 naming the field; an area not the caller's: 403."""
    user = api_user(request)
    draw = survey_calls.draw_call_list(
        user, payload.survey, payload.area, payload.month, payload.size, payload.seed
    )
    assert draw.call_list is not None
    return WithStatus(201, _list_detail(_call_list(user, draw.call_list.pk)))


@router.get("call-lists", response=list[CallListSummaryOut], summary="Call lists in the caller's areas")
@require("surveys.manage")
def call_lists_list(
    request: HttpRequest, limit: int = Query(100, ge=1, le=LIST_MAX), offset: int = Query(0, ge=0)
) -> list[dict[str, Any]]:
    """Newest month first, with how many calls are still open (`to_call`) and given out (`assigned`)."""
    out = []
    for c in survey_selectors.visible_call_lists(api_user(request))[offset : offset + limit]:
        row = _list_out(c)
        row["to_call"] = getattr(c, "to_call", 0)
        row["assigned"] = getattr(c, "assigned", 0)
        out.append(row)
    return out


@router.get("call-lists/{list_id}", response=CallListDetailOut, summary="A call list and its entries")
@require("surveys.manage")
def call_list_detail(request: HttpRequest, list_id: int) -> dict[str, Any]:
    return _list_detail(_call_list(api_user(request), list_id))


@router.post(
    "call-lists/{list_id}/assign", response=CallAssignOut, summary="Give a list's calls to a volunteer"
)
@require("surveys.manage")
def call_list_assign(request: HttpRequest, list_id: int, payload: CallAssignIn) -> dict[str, Any]:
    """The volunteer records calls (a volunteer or the performance team) and works in the list's
    area; finished calls are not given out. All or nothing (422 naming the field)."""
    user = api_user(request)
    c = _call_list(user, list_id)
    volunteer = User.objects.filter(username=payload.volunteer, is_active=True).first()
    if volunteer is None or not volunteer.can("surveys.call"):
        raise ValidationFailed(
            [
                Problem(
                    f"There is no volunteer {payload.volunteer!r} (someone who records calls).", "volunteer"
                )
            ]
        )
    return {"assigned": survey_calls.assign_entries(user, c, volunteer, payload.entries)}


# --- the volunteer's calls -----------------------------------------------------------------------------


class AttemptOut(Schema):
    at: dt.datetime
    outcome: str
    note: str


class MyCallOut(Schema):
    id: int
    call_list: int
    position: int
    status: str
    name: str = Field(description="As given on the contact record.")
    phone: str
    email: str
    incident_date: dt.date = Field(description="The day the incident was reported (London).")
    incident_type: str
    questions: list[SurveyQuestionOut]
    attempts: list[AttemptOut]


def _incident_type(inc: Any) -> str:
    return str(inc.type_heading or inc.asb_category or "ASB")


@router.get("my-calls", response=list[MyCallOut], summary="The calls given to the caller that are still open")
@require("surveys.call")
def my_calls(
    request: HttpRequest, limit: int = Query(100, ge=1, le=LIST_MAX), offset: int = Query(0, ge=0)
) -> list[dict[str, Any]]:
    """Only what a call needs: the victim's name, phone and email as given, the incident's date and
    type, the questions and the calls made so far. Every record shown is written to the access log."""
    user = api_user(request)
    attempts = Prefetch("attempts", queryset=CallAttempt.objects.only("entry_id", "at", "outcome", "note"))
    entries = list(survey_selectors.my_calls(user).prefetch_related(attempts)[offset : offset + limit])
    if entries:
        audit.record_reads(user, [e.record for e in entries], reason=CALLS_REASON)
    return [
        {
            "id": e.pk,
            "call_list": e.call_list_id,
            "position": e.position,
            "status": e.status,
            "name": " ".join(n for n in (e.record.given_forename, e.record.given_surname) if n),
            "phone": e.record.given_phone,
            "email": e.record.given_email,
            "incident_date": e.incident.received_at.astimezone(months.LONDON).date(),
            "incident_type": _incident_type(e.incident),
            "questions": e.call_list.version.questions,
            "attempts": [{"at": a.at, "outcome": a.outcome, "note": a.note} for a in e.attempts.all()],
        }
        for e in entries
    ]


class FollowUpIn(InSchema):
    reason: Reason = Field(
        description="call_back: asked for an officer to call back; new_incident: told of a new incident."
    )
    note: str = Field("", max_length=survey_calls.NOTE_MAX)


class AttemptIn(InSchema):
    outcome: Outcome
    answers: dict[str, StrictInt | str | None] = Field(
        default_factory=dict,
        max_length=100,
        description="{question code: 1 (very dissatisfied) to 5 (very satisfied), text, or null}; "
        "only with outcome completed.",
    )
    ethnicity: str = Field("", max_length=100, description="An ONS 2021 category's code or name.")
    age_band: str = Field("", max_length=20, description=", ".join(AGE_BANDS) + " or blank.")
    disability: str = Field("", max_length=20, description="yes, no or blank.")
    follow_up: list[FollowUpIn] = Field(default_factory=list, max_length=10)
    note: str = Field("", max_length=survey_calls.NOTE_MAX)


class RecordedOut(Schema):
    id: int
    entry: int
    at: dt.datetime
    outcome: str
    status: str = Field(description="The entry's status now.")
    response: int | None = Field(description="The survey response stored (a completed call).")
    follow_ups: list[int]


@router.post("entries/{entry_id}/attempts", response={201: RecordedOut}, summary="Record a call")
@require("surveys.call")
def entry_attempt(request: HttpRequest, entry_id: int, payload: AttemptIn) -> WithStatus[dict[str, Any]]:
    """No answer (the entry stays open), refused, wrong number, or completed with the survey's
    answers and how the victim describes themselves. `follow_up` raises work for the incident's
    neighbourhood team. Refused with 422 naming the field when the call is finished, when the victim
    did not agree to a call-back, or for an answer off the scale; only the volunteer given the call
    (or a quality manager in the area) records it (404 otherwise)."""
    user = api_user(request)
    entry = CallListEntry.objects.select_related("call_list").filter(pk=entry_id).first()
    if entry is None or not (
        entry.volunteer_id == user.pk
        or (user.can("surveys.manage") and user.can_see_area(entry.call_list.area_id))
    ):
        raise HttpError(404, f"No call given to you has id {entry_id}.")
    done = survey_calls.record_attempt(
        user,
        entry.pk,
        payload.outcome,
        answers=payload.answers,
        ethnicity=payload.ethnicity,
        age_band=payload.age_band,
        disability=payload.disability,
        follow_up=[f.dict() for f in payload.follow_up] or None,
        note=payload.note,
    )
    a = done.attempt
    return WithStatus(
        201,
        {
            "id": a.pk,
            "entry": a.entry_id,
            "at": a.at,
            "outcome": a.outcome,
            "status": a.entry.status,
            "response": done.response.pk if done.response else None,
            "follow_ups": [f.pk for f in done.follow_ups],
        },
    )


# --- officers' agreement and the team's follow-ups ---------------------------------------------------


class ClearanceIn(InSchema):
    person: int = Field(ge=1, description="The person's id.")
    note: str = Field(
        min_length=1, max_length=500, pattern=r"\S", description="Why a call is safe and welcome."
    )


class ClearanceOut(Schema):
    id: int
    person: int
    agreed_by: str
    agreed_at: dt.datetime
    note: str


@router.post(
    "clearances",
    response={201: ClearanceOut},
    summary="Agree to a survey call to a victim in a High-risk case",
)
@require("surveys.clear")
def clearance_add(request: HttpRequest, payload: ClearanceIn) -> WithStatus[dict[str, Any]]:
    """A victim in an open High-risk case is left out of call lists until an officer or supervisor
    who knows the case agrees. An unknown person: 422 naming `person`."""
    user = api_user(request)
    c = survey_calls.clear_for_survey(user, payload.person, payload.note)
    return WithStatus(
        201,
        {
            "id": c.pk,
            "person": c.person_id,
            "agreed_by": user.get_username(),
            "agreed_at": c.agreed_at,
            "note": c.note,
        },
    )


class FollowUpOut(Schema):
    id: int
    reason: str
    note: str
    area: str
    neighbourhood: str | None
    incident: str = Field(description="The incident's reference.")
    created_at: dt.datetime
    done_at: dt.datetime | None


def _follow_up_out(f: SurveyFollowUp) -> dict[str, Any]:
    return {
        "id": f.pk,
        "reason": f.reason,
        "note": f.note,
        "area": f.area.code,
        "neighbourhood": f.neighbourhood.code if f.neighbourhood else None,
        "incident": f.entry.incident.reference,
        "created_at": f.created_at,
        "done_at": f.done_at,
    }


@router.get("follow-ups", response=list[FollowUpOut], summary="Follow-ups raised by calls, for the team")
@require("incidents.inbox")
def follow_ups_list(
    request: HttpRequest,
    open_only: bool = True,
    limit: int = Query(100, ge=1, le=LIST_MAX),
    offset: int = Query(0, ge=0),
) -> list[dict[str, Any]]:
    """In the caller's areas, open first; the follow-ups listed are written to the access log."""
    user = api_user(request)
    qs = survey_selectors.open_follow_ups(user)
    if open_only:
        qs = qs.filter(done_at__isnull=True)
    found = list(qs[offset : offset + limit])
    if found:
        audit.record_reads(user, found, reason="survey follow-ups (API)")
    return [_follow_up_out(f) for f in found]


@router.post("follow-ups/{follow_up_id}/done", response=FollowUpOut, summary="Mark a follow-up done")
@require("incidents.inbox")
def follow_up_done(request: HttpRequest, follow_up_id: int) -> dict[str, Any]:
    """Already done: 422 naming `follow_up`."""
    user = api_user(request)
    task = SurveyFollowUp.objects.filter(pk=follow_up_id).first()
    if task is None or not user.can_see_area(task.area_id):
        raise HttpError(404, f"No follow-up in your areas has id {follow_up_id}.")
    survey_calls.complete_follow_up(user, task.pk)
    return _follow_up_out(survey_selectors.open_follow_ups(user).get(pk=task.pk))
