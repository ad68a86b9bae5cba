"""The risk part of the HTTP API: instruments and their versions, scoring sample answers (nothing
written), completing an assessment (a Medium or High outcome opens a case), one assessment (the
read is logged), a supervisor's review (send the `version` you loaded: 409 if it changed), a
victim's assessments, those awaiting review, and the assessments due.

Handlers are thin: reads through `selectors`, writes through `services`. Assessments outside the
caller's areas answer 404.

No `from __future__ import annotations` here: django-ninja reads the handlers' annotations through
the `require` wrapper, whose module globals would not resolve string annotations.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja import Status as WithStatus
from ninja.errors import HttpError

from beacon.core import audit
from beacon.core.api_auth import api_user, require
from beacon.core.errors import Problem, ValidationFailed
from beacon.incidents import selectors as incident_selectors
from beacon.people.models import Person
from beacon.risk import scoring, selectors, services
from beacon.risk.models import Assessment, Instrument, InstrumentVersion
from beacon.risk.schemas import (
    AssessmentCreatedOut,
    AssessmentIn,
    AssessmentListOut,
    AssessmentOut,
    AssessmentReviewIn,
    DueListOut,
    InstrumentListOut,
    InstrumentOut,
    ScoreIn,
    ScoreOut,
    VersionOut,
)

router = Router(tags=["Risk"])

DEFAULT_PURPOSE = "viewing risk assessment"
LIST_MAX = 500
FIELD_NAMES = {"victim": "person_id", "instrument_version": "instrument"}


LOCATION_FIELDS = {"neighbourhood", "postcode", "lat"}


def _renamed(exc: ValidationFailed, answer_keys: set[str]) -> ValidationFailed:
    """Problems as the request names its fields: an answer's as `answers.KEY`."""
    out = []
    for p in exc.problems:
        if p.field in answer_keys:
            name = f"answers.{p.field}"
        elif p.field in LOCATION_FIELDS:
            name = f"location.{p.field}"
        else:
            name = FIELD_NAMES.get(p.field, p.field)
        out.append(Problem(p.message, name, p.row))
    return ValidationFailed(out)


def _answer_keys(version: InstrumentVersion | None, answers: dict[str, Any]) -> set[str]:
    return {str(k) for k in answers} | ({q["key"] for q in version.questions} if version else set())


def _instrument(i: Instrument, in_use: Instrument | None) -> dict[str, Any]:
    versions = sorted(i.versions.all(), key=lambda v: -v.version)
    published = next((v.version for v in versions if v.status == InstrumentVersion.Status.PUBLISHED), None)
    return {
        "name": i.name,
        "title": i.title,
        "description": i.description,
        "is_example": i.is_example,
        "in_use": in_use is not None and in_use.pk == i.pk,
        "published_version": published,
        "versions": [
            {"version": v.version, "status": v.status, "published_at": v.published_at, "note": v.note}
            for v in versions
        ],
    }


@router.get(
    "instruments", response=InstrumentListOut, summary="Risk assessment instruments and their versions"
)
@require("risk.view")
def risk_instruments(request: HttpRequest) -> dict[str, Any]:
    in_use = selectors.instrument_in_use()
    return {"instruments": [_instrument(i, in_use) for i in selectors.instruments()]}


@router.get("instruments/{name}", response=InstrumentOut, summary="One instrument and its versions")
@require("risk.view")
def risk_instrument(request: HttpRequest, name: str) -> dict[str, Any]:
    found = Instrument.objects.prefetch_related("versions").filter(name=name).first()
    if found is None:
        raise HttpError(404, f"No instrument is named {name}.")
    return _instrument(found, selectors.instrument_in_use())


@router.get(
    "instruments/{name}/versions/{int:number}",
    response=VersionOut,
    summary="One version: its questions, location weights and thresholds",
)
@require("risk.view")
def risk_version(request: HttpRequest, name: str, number: int) -> dict[str, Any]:
    v = (
        InstrumentVersion.objects.select_related("instrument")
        .filter(instrument__name=name, version=number)
        .first()
    )
    if v is None:
        raise HttpError(404, f"{name} has no version {number}.")
    return {
        "instrument": v.instrument.name,
        "version": v.version,
        "status": v.status,
        "questions": v.questions,
        "location_weights": v.location_weights or [],
        "thresholds": v.thresholds,
        "note": v.note,
        "created_at": v.created_at,
        "published_at": v.published_at,
    }


def _version(spec: str) -> InstrumentVersion:
    if spec.strip():
        return selectors.resolve_version(spec)
    current = selectors.current_version()
    if current is None:
        raise ValidationFailed.one("No risk assessment instrument has been published.", "instrument")
    return current


@router.post("score", response=ScoreOut, summary="Score answers under a version, writing nothing (a preview)")
@require("risk.view")
def risk_score(request: HttpRequest, payload: ScoreIn) -> dict[str, Any]:
    """Any version may be previewed, drafts included (`NAME@VERSION`). `location` gives where it
    happened for the location weights: a neighbourhood's code, or a postcode or point (placed, with
    the local priorities active there). 422 lists every problem with the answers."""
    version = _version(payload.instrument)
    keys = _answer_keys(version, payload.answers)
    loc = payload.location
    try:
        location = selectors.location_for(
            neighbourhood=loc.neighbourhood, postcode=loc.postcode, lat=loc.lat, lon=loc.lon
        )
        result = scoring.score(
            version.questions, version.location_weights, version.thresholds, payload.answers, location
        )
    except ValidationFailed as exc:
        raise _renamed(exc, keys) from exc
    return {
        "instrument": version.instrument.name,
        "version": version.version,
        "score": result.score,
        "level": result.level_label,
        "contributions": result.contributions,
        "location": location.as_dict(),
    }


def _assessment(a: Assessment) -> dict[str, Any]:
    v = a.instrument_version
    review = None
    if a.reviewed_at is not None:
        review = {
            "decision": a.review_decision,
            "by": a.reviewed_by.get_username() if a.reviewed_by else "",
            "at": a.reviewed_at,
            "level": scoring.level_label(a.reviewed_level or a.level),
            "reason": a.review_reason,
        }
    return {
        "id": a.pk,
        "version": a.version,
        "instrument": v.instrument.name,
        "instrument_version": v.version,
        "incident_id": a.incident_id,
        "incident_reference": a.incident.reference if a.incident else None,
        "person_id": a.victim_id,
        "area": a.area.code if a.area else None,
        "neighbourhood": a.neighbourhood.code if a.neighbourhood else None,
        "answers": a.answers,
        "location": a.location_context,
        "score": a.score,
        "level": scoring.level_label(a.level),
        "effective_level": scoring.level_label(a.effective_level),
        "contributions": a.contributions,
        "completed_by": a.completed_by.get_username(),
        "completed_as": a.completed_as,
        "completed_at": a.completed_at,
        "officer_note": a.officer_note,
        "review": review,
    }


@router.post("assessments", response={201: AssessmentCreatedOut}, summary="Complete a risk assessment")
@require("risk.assess")
def risk_assess(request: HttpRequest, payload: AssessmentIn) -> WithStatus[dict[str, Any]]:
    """Scores the answers under the version in use (or `instrument` = NAME@VERSION if it is still
    published) and stores them with where it happened. A Medium or High outcome opens a case for
    the victim (or raises their open case's level): its id is `case_id`. 422 lists every problem;
    404 for an incident outside your areas."""
    user = api_user(request)
    incident = incident_selectors.visible_to(user).filter(pk=payload.incident_id).first()
    if incident is None:
        raise HttpError(404, f"No incident has id {payload.incident_id}.")
    version = _version(payload.instrument) if payload.instrument.strip() else None
    keys = _answer_keys(version or selectors.current_version(), payload.answers)
    victim = Person.objects.filter(pk=payload.person_id).first()
    if victim is None:
        raise ValidationFailed.one(f"No person has id {payload.person_id}.", "person_id")
    try:
        assessment, case = services.record_assessment(
            user,
            incident=incident,
            victim=victim,
            answers=payload.answers,
            completed_as=payload.completed_as,
            officer_note=payload.officer_note,
            version=version,
        )
    except ValidationFailed as exc:
        raise _renamed(exc, keys) from exc
    full = Assessment.objects.select_related(*selectors.ASSESSMENT_RELATED).get(pk=assessment.pk)
    return WithStatus(201, {**_assessment(full), "case_id": case.pk if case is not None else None})


@router.get("assessments/awaiting-review", response=AssessmentListOut, summary="Assessments awaiting review")
@require("risk.review")
def risk_awaiting_review(request: HttpRequest, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """Oldest first, in your areas; each listed is written to the access log. `limit` is at most 500."""
    user = api_user(request)
    qs = selectors.awaiting_review(user)
    start = max(0, offset)
    found = list(qs[start : start + max(1, min(limit, LIST_MAX))])
    if found:
        audit.record_reads(user, found, reason="risk assessments awaiting review")
    return {"count": qs.count(), "assessments": [_assessment(a) for a in found]}


@router.get(
    "assessments/{int:assessment_id}", response=AssessmentOut, summary="One assessment (the read is logged)"
)
@require("risk.view")
def risk_assessment(request: HttpRequest, assessment_id: int, purpose: str = "") -> dict[str, Any]:
    """The read is logged with `purpose` (else “viewing risk assessment”). 404 outside your areas."""
    try:
        found = selectors.assessment_for(
            api_user(request), assessment_id, reason=purpose.strip()[:500] or DEFAULT_PURPOSE
        )
    except Assessment.DoesNotExist as exc:
        raise HttpError(404, f"No assessment has id {assessment_id}.") from exc
    return _assessment(found)


@router.post(
    "assessments/{int:assessment_id}/review",
    response=AssessmentOut,
    summary="A supervisor's review: agree, or change the level with a reason",
)
@require("risk.review")
def risk_review(request: HttpRequest, assessment_id: int, payload: AssessmentReviewIn) -> dict[str, Any]:
    """Send the `version` you loaded: 409, with what changed, if someone changed it since. Raising the
    level to Medium or High opens (or raises) the victim's case."""
    user = api_user(request)
    found = selectors.visible_assessments(user).filter(pk=assessment_id).first()
    if found is None:
        raise HttpError(404, f"No assessment has id {assessment_id}.")
    if payload.decision not in ("agree", "change"):
        raise ValidationFailed.one("Decision is agree or change.", "decision")
    services.review_assessment(
        user,
        found,
        expected_version=payload.version,
        agree=payload.decision == "agree",
        level=payload.level.strip().lower(),
        reason=payload.reason,
    )
    return _assessment(selectors.assessment_for(user, assessment_id, reason="reviewing risk assessment"))


@router.get(
    "people/{int:person_id}/assessments",
    response=AssessmentListOut,
    summary="A victim's assessments, newest first (each read is logged)",
)
@require("risk.view")
def risk_person_assessments(request: HttpRequest, person_id: int) -> dict[str, Any]:
    found = selectors.assessments_for_person(api_user(request), person_id)
    return {"count": len(found), "assessments": [_assessment(a) for a in found]}


@router.get("due", response=DueListOut, summary="Assessments due but not done: the supervisor's list")
def risk_due(request: HttpRequest, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """Incidents in your areas flagged repeat or vulnerable whose victim was not assessed within the
    configured hours, longest overdue first. Needs `risk.review` or `cases.supervise`."""
    user = api_user(request)
    if not (user.can("risk.review") or user.can("cases.supervise")):
        raise HttpError(403, "Your role does not allow this.")
    qs = selectors.assessments_due_queryset(user)
    start = max(0, offset)
    incidents = list(qs[start : start + max(1, min(limit, LIST_MAX))])
    if incidents:
        audit.record_reads(user, incidents, reason="risk assessments due")
    return {"count": qs.count(), "due": [d.as_dict() for d in selectors.due_items(incidents)]}
