"""Writes for ASB case reviews (the Community Trigger): opening a review (on an application, or
because a threshold was met), the threshold decision, the review's outcome and recommendations
and the response to the applicant — each deadline in working days from the policy in force when
the review was opened — and publishing a new policy version."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from beacon.cases.models import Case, CaseParty
from beacon.core import audit
from beacon.core.concurrency import check_version
from beacon.core.errors import PermissionRefused, Problem, ValidationFailed
from beacon.core.models import Area, User
from beacon.partnership import triggers
from beacon.partnership.models import CaseReview, CaseReviewPolicy
from beacon.partnership.numbering import next_reference, pending_reference
from beacon.partnership.workdays import add_working_days, holiday_set
from beacon.people.models import Person
from beacon.people.normalise import address_key


def _today() -> dt.date:
    return timezone.localdate()


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return out


def _may_review(actor: User) -> None:
    if not actor.can("partnership.case_review"):
        raise PermissionRefused("Your role does not allow ASB case reviews.")


@dataclass
class CaseReviewInput:
    route: str = CaseReview.Route.APPLICATION
    applicant_id: int | None = None  # the victim in the person index
    applicant_name: str = ""  # as given (e.g. someone applying for the victim)
    case_id: int | None = None
    area_id: int | None = None  # needed when no case is linked
    location_address: str = ""
    lat: float | None = None
    lon: float | None = None
    received_on: dt.date | None = None
    summary: str = ""


def _threshold(
    applicant: Person | None, data: CaseReviewInput, key: str, policy: CaseReviewPolicy, day: dt.date
) -> tuple[dict[str, Any], bool]:
    snap: dict[str, Any] = {"policy_version": policy.version, "as_of": day}
    met = False
    if applicant is not None:
        status = triggers.trigger_status([applicant.pk], as_of=day, policy=policy)[applicant.pk]
        snap["person"] = status.as_dict()
        met = met or status.met
    if key or (data.lat is not None and data.lon is not None):
        loc = triggers.location_status(
            address_key=key, lat=data.lat, lon=data.lon, label=data.location_address, as_of=day, policy=policy
        )
        snap["location"] = loc.as_dict()
        met = met or loc.met
    return _jsonable(snap), met


@transaction.atomic
def open_case_review(actor: User, data: CaseReviewInput) -> CaseReview:
    """Open a review, with the threshold position on the day it was received recorded and the
    decision deadline set. A review raised by the police (route "threshold") needs the threshold
    met; an application is taken whatever the count, and the decision says whether it is met."""
    _may_review(actor)
    problems: list[Problem] = []
    if data.route not in CaseReview.Route.values:
        problems.append(Problem("Choose how the review came about.", "route"))
    if data.received_on is None:
        problems.append(
            Problem("Give the date the application was received (or the threshold met).", "received_on")
        )
    elif data.received_on > _today():
        problems.append(Problem("The date received cannot be in the future.", "received_on"))
    applicant = None
    if data.applicant_id is not None:
        applicant = Person.objects.filter(pk=data.applicant_id).first()
        if applicant is None:
            problems.append(Problem(f"No person has id {data.applicant_id}.", "applicant_id"))
    case = None
    if data.case_id is not None:
        case = Case.objects.filter(pk=data.case_id).first()
        if case is None:
            problems.append(Problem(f"No case has id {data.case_id}.", "case_id"))
        elif not actor.can_see_area(case.area_id):
            raise PermissionRefused("This case is outside your areas.")
        elif applicant is not None and not CaseParty.objects.filter(case=case, person=applicant).exists():
            problems.append(
                Problem(f"Person {applicant.pk} is not on case {case.reference}.", "applicant_id")
            )
    area = case.area if case is not None else None
    if area is None and data.case_id is None:
        area = Area.objects.filter(pk=data.area_id).first() if data.area_id else None
        if area is None:
            problems.append(Problem("Choose the area the review belongs to.", "area_id"))
        elif not actor.can_see_area(area.pk):
            problems.append(Problem("Choose one of your areas.", "area_id"))
    if (data.lat is None) != (data.lon is None):
        problems.append(Problem("Give both latitude and longitude, or neither.", "lat"))
    key = address_key(data.location_address) if data.location_address.strip() else ""
    has_location = bool(key) or data.lat is not None
    if applicant is None and not data.applicant_name.strip() and not has_location:
        problems.append(
            Problem("Name the applicant (or the victim), or give the location.", "applicant_name")
        )
    if problems:
        raise ValidationFailed(problems)
    assert area is not None and data.received_on is not None
    policy = CaseReviewPolicy.current()
    snapshot, met = _threshold(applicant, data, key, policy, data.received_on)
    if data.route == CaseReview.Route.THRESHOLD and not met:
        raise ValidationFailed.one(
            "The threshold is not met for this person or place: open the review as an application.", "route"
        )

    review = CaseReview.objects.create(
        reference=pending_reference(),
        route=data.route,
        applicant=applicant,
        applicant_name=data.applicant_name.strip(),
        case=case,
        area=area,
        location_address=data.location_address.strip(),
        location_key=key,
        lat=data.lat,
        lon=data.lon,
        received_on=data.received_on,
        summary=data.summary.strip(),
        policy=policy,
        threshold_at_opening=snapshot,
        decision_due=add_working_days(data.received_on, policy.decision_working_days, policy.holidays),
        opened_by=actor,
    )
    review.reference = next_reference(review, "CR")
    review.save(update_fields=["reference"])
    audit.record_create(actor, review)
    return review


def _locked(actor: User, review_id: int, expected_version: int | None) -> CaseReview:
    _may_review(actor)
    review = CaseReview.objects.select_for_update().select_related("policy").filter(pk=review_id).first()
    if review is None:
        raise ValidationFailed.one(f"No case review has id {review_id}.", "review")
    if not actor.can_see_area(review.area_id):
        raise PermissionRefused("This case review is outside your areas.")
    check_version(review, expected_version, review.reference)
    return review


def _save(actor: User, review: CaseReview, before: dict[str, Any]) -> CaseReview:
    review.version += 1
    review.updated_at = timezone.now()
    review.save()
    audit.record_update(actor, review, before)
    return review


@transaction.atomic
def record_review_decision(
    actor: User,
    review_id: int,
    expected_version: int | None,
    *,
    threshold_met: bool | None,
    decision_on: dt.date | None,
    note: str,
) -> CaseReview:
    """Whether the threshold is met, when that was decided, and what the applicant was told. Met:
    the review is under way and the response is due within the policy's working days."""
    review = _locked(actor, review_id, expected_version)
    problems: list[Problem] = []
    if review.status != CaseReview.Status.AWAITING_DECISION:
        problems.append(Problem(f"{review.reference} already has its threshold decision.", "threshold_met"))
    if threshold_met is None:
        problems.append(Problem("Say whether the threshold is met.", "threshold_met"))
    if decision_on is None:
        problems.append(Problem("Give the date of the decision.", "decision_on"))
    elif decision_on > _today():
        problems.append(Problem("The date of the decision cannot be in the future.", "decision_on"))
    elif decision_on < review.received_on:
        problems.append(Problem("The decision cannot be before the review was received.", "decision_on"))
    if not note.strip():
        problems.append(Problem("Record the decision and what the applicant was told.", "decision_note"))
    if problems:
        raise ValidationFailed(problems)
    assert decision_on is not None
    before = audit.snapshot(review)
    review.threshold_met = threshold_met
    review.decision_on = decision_on
    review.decision_note = note.strip()
    review.decided_by = actor
    if threshold_met:
        review.status = CaseReview.Status.UNDER_REVIEW
        review.response_due = add_working_days(
            decision_on, review.policy.response_working_days, review.policy.holidays
        )
    else:
        review.status = CaseReview.Status.NOT_MET
    return _save(actor, review, before)


@transaction.atomic
def record_review_outcome(
    actor: User,
    review_id: int,
    expected_version: int | None,
    *,
    review_held_on: dt.date | None,
    outcome: str,
    recommendations: str = "",
    response_sent_on: dt.date | None = None,
) -> CaseReview:
    """The review's outcome and recommendations; with the date the response went to the applicant,
    the review is complete (the response may be recorded later, by sending this again)."""
    review = _locked(actor, review_id, expected_version)
    problems: list[Problem] = []
    today = _today()
    if review.status != CaseReview.Status.UNDER_REVIEW:
        problems.append(Problem(f"{review.reference} is not under review.", "outcome"))
    if review_held_on is None:
        problems.append(Problem("Give the date the review was held.", "review_held_on"))
    elif review_held_on > today:
        problems.append(Problem("The date the review was held cannot be in the future.", "review_held_on"))
    elif review.decision_on and review_held_on < review.decision_on:
        problems.append(Problem("The review cannot be before the threshold decision.", "review_held_on"))
    if not outcome.strip():
        problems.append(Problem("Record the outcome of the review.", "outcome"))
    if response_sent_on is not None:
        if response_sent_on > today:
            problems.append(
                Problem("The date the response was sent cannot be in the future.", "response_sent_on")
            )
        elif review_held_on and response_sent_on < review_held_on:
            problems.append(
                Problem("The response cannot be sent before the review was held.", "response_sent_on")
            )
    if problems:
        raise ValidationFailed(problems)
    before = audit.snapshot(review)
    review.review_held_on = review_held_on
    review.outcome = outcome.strip()
    review.recommendations = recommendations.strip()
    if response_sent_on is not None:
        review.response_sent_on = response_sent_on
        review.status = CaseReview.Status.COMPLETED
    return _save(actor, review, before)


POLICY_NUMBERS = (
    "victim_incidents",
    "victim_window_months",
    "location_incidents",
    "location_window_months",
    "location_radius_m",
    "decision_working_days",
    "response_working_days",
)


@transaction.atomic
def publish_policy(actor: User, values: dict[str, Any]) -> CaseReviewPolicy:
    """A new version of the thresholds and deadlines (reviews already opened keep theirs)."""
    if not actor.can("partnership.configure"):
        raise PermissionRefused("Your role does not allow changing the case review policy.")
    current = CaseReviewPolicy.current()
    problems: list[Problem] = []
    fields: dict[str, Any] = {}
    for name in POLICY_NUMBERS:
        raw = values.get(name, getattr(current, name))
        try:
            n = int(raw)
        except (TypeError, ValueError):
            problems.append(Problem("Give a whole number.", name))
            continue
        if n < 1 or n > 10_000:
            problems.append(Problem("Give a number from 1 to 10000.", name))
        fields[name] = n
    holidays = values.get("holidays", current.holidays)
    holidays = [str(h).strip() for h in holidays or [] if str(h).strip()]
    if len(holiday_set(holidays)) != len(set(holidays)):
        problems.append(Problem("Give bank holidays as dates, e.g. 2026-12-25.", "holidays"))
    codes = values.get("exclude_closure_codes", current.exclude_closure_codes)
    if problems:
        raise ValidationFailed(problems)
    version = (CaseReviewPolicy.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    policy = CaseReviewPolicy.objects.create(
        version=version,
        asb_only=bool(values.get("asb_only", current.asb_only)),
        exclude_closure_codes=[str(c).strip() for c in codes or [] if str(c).strip()],
        holidays=sorted(set(holidays)),
        note=str(values.get("note", ""))[:300],
        created_by=actor,
        **fields,
    )
    audit.record_create(actor, policy)
    return policy
