"""The partnership API: referrals to partner agencies (a partner agency's token sees only the
referrals made to it, and on each only what was shared), action group meetings (agenda, minutes,
tasks that become case actions), tools and powers with breaches, ASB case reviews and the case
review thresholds.

Handlers are thin: reads go through `selectors` (which decide visibility and write the access log),
writes through `services`. Records outside the caller's areas (or agency) answer 404. Service errors
become JSON by the handlers in beacon.api (422 naming the field, 403, 409 with what changed).

No `from __future__ import annotations` here: django-ninja reads the handlers' annotations through
the `require` wrapper, whose module globals would not resolve string annotations.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja import Status as WithStatus
from ninja.errors import HttpError

from beacon.cases.models import Case
from beacon.core import audit
from beacon.core.api_auth import api_user, require
from beacon.core.api_input import Latitude, Longitude
from beacon.core.errors import ValidationFailed
from beacon.core.models import User
from beacon.partnership import selectors, services
from beacon.partnership.models import (
    ActionGroup,
    AgendaItem,
    CaseReview,
    CaseReviewPolicy,
    Meeting,
    MeetingAttendee,
    MeetingTask,
    PowerUse,
    Referral,
)
from beacon.partnership.schemas import (
    AgendaCaseIn,
    AttendanceIn,
    BreachIn,
    BreachOut,
    CancelIn,
    CaseReviewIn,
    CaseReviewListOut,
    CaseReviewOut,
    DecisionIn,
    GroupIn,
    GroupOut,
    MeetingIn,
    MeetingOut,
    MinutesIn,
    NotesIn,
    OutcomeIn,
    PolicyIn,
    PolicyOut,
    PowerIn,
    PowerOut,
    PowerUpdateIn,
    ReferralIn,
    ReferralListOut,
    ReferralOut,
    ResponseIn,
    ReviewOutcomeIn,
    TaskIn,
    TaskOut,
    ThresholdHitOut,
    VersionIn,
)

router = Router(tags=["Partnership"])

LIST_MAX = 500


def _page(limit: int, offset: int) -> slice:
    start = max(0, offset)
    return slice(start, start + max(1, min(limit, LIST_MAX)))


# ---------------------------------------------------------------------------------------------
# Referrals


def _may_see_referrals(user: User) -> None:
    if not any(user.can(c) for c in selectors.SEE_REFERRALS):
        raise HttpError(403, "Your role does not allow this.")


def _referral(r: Referral, user: User) -> dict[str, Any]:
    partner = user.can("partnership.shared")
    return {
        "id": r.pk,
        "reference": r.reference,
        "version": r.version,
        "agency": {"code": r.agency.code, "name": r.agency.name},
        "area_id": r.area_id,
        "case_id": None if partner else r.case_id,
        "case_reference": None if partner or r.case is None else r.case.reference,
        "person_id": None if partner else r.person_id,
        "referred_at": r.referred_at,
        "reason": r.reason,
        "status": r.status,
        "consent_by": r.consent_by,
        "consent_on": r.consent_on,
        "legal_basis": r.legal_basis,
        "legal_basis_detail": r.legal_basis_detail,
        "shared_items": list(r.shared_items or []),
        "shared": r.shared_snapshot or {},
        "shared_information": r.shared_information,
        "response": r.response,
        "responded_on": r.responded_on,
        "response_note": r.response_note,
        "outcome": r.outcome,
        "outcome_on": r.outcome_on,
    }


def _load_referral(user: User, referral_id: int, reason: str) -> Referral:
    _may_see_referrals(user)
    try:
        return selectors.referral_for(user, referral_id, reason=reason)
    except Referral.DoesNotExist as exc:
        raise HttpError(404, f"No referral has id {referral_id}.") from exc


@router.post("referrals", response={201: ReferralOut}, summary="Refer a case or a person to a partner agency")
@require("partnership.refer")
def referrals_create(request: HttpRequest, payload: ReferralIn) -> WithStatus[dict[str, Any]]:
    """Needs consent (`consent_by` and `consent_on`) or a `legal_basis` (with `legal_basis_detail`
    for "other"): a referral with neither is refused (422). What is shared is kept as it is now."""
    user = api_user(request)
    referral = services.create_referral(user, services.ReferralInput(**payload.dict()))
    return WithStatus(
        201, _referral(Referral.objects.select_related("agency", "case").get(pk=referral.pk), user)
    )


@router.get(
    "referrals", response=ReferralListOut, summary="Referrals: a partner agency's own, or your areas'"
)
def referrals_list(
    request: HttpRequest,
    status: str = "",
    agency: str = "",
    case: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    """A partner agency's token lists only the referrals made to that agency; police users list their
    areas'. `status`: open, sent, accepted, declined, more_information, closed; `case`: a case's id
    (police users only: 422 for a partner agency). Each referral listed is written to the access log."""
    user = api_user(request)
    _may_see_referrals(user)
    if case is not None and user.can("partnership.shared"):
        raise ValidationFailed.one("Partner agencies cannot list referrals by case.", "case")
    qs = selectors.referral_list(user, status=status, agency=agency, case=case)
    rows = list(qs[_page(limit, offset)])
    selectors.log_referral_list(user, rows, "referral list (API)")
    return {"count": qs.count(), "referrals": [_referral(r, user) for r in rows]}


@router.get("referrals/{int:referral_id}", response=ReferralOut, summary="One referral and what it shared")
def referrals_detail(request: HttpRequest, referral_id: int, purpose: str = "") -> dict[str, Any]:
    """`purpose` is written to the access log with the referral, and with the case it is about
    (for a partner agency, when the referral shared the case summary)."""
    user = api_user(request)
    return _referral(_load_referral(user, referral_id, purpose.strip()[:500] or "viewing referral"), user)


@router.post("referrals/{int:referral_id}/response", response=ReferralOut, summary="The partner's response")
def referrals_response(request: HttpRequest, referral_id: int, payload: ResponseIn) -> dict[str, Any]:
    """The partner agency's own users may record it too. Send the `version` you loaded (409 if changed)."""
    user = api_user(request)
    _load_referral(user, referral_id, "recording the partner's response")
    r = services.record_response(
        user,
        referral_id,
        payload.version,
        response=payload.response,
        responded_on=payload.responded_on,
        note=payload.note,
    )
    return _referral(Referral.objects.select_related("agency", "case").get(pk=r.pk), user)


@router.post("referrals/{int:referral_id}/outcome", response=ReferralOut, summary="Record the outcome")
def referrals_outcome(request: HttpRequest, referral_id: int, payload: OutcomeIn) -> dict[str, Any]:
    user = api_user(request)
    _load_referral(user, referral_id, "recording the referral's outcome")
    r = services.record_outcome(
        user, referral_id, payload.version, outcome=payload.outcome, outcome_on=payload.outcome_on
    )
    return _referral(Referral.objects.select_related("agency", "case").get(pk=r.pk), user)


# ---------------------------------------------------------------------------------------------
# Action groups and meetings


def _group(g: ActionGroup) -> dict[str, Any]:
    return {
        "id": g.pk,
        "name": g.name,
        "kind": g.kind,
        "area_id": g.area_id,
        "neighbourhood_id": g.neighbourhood_id,
        "agencies": [a.code for a in g.agencies.all()],
    }


def _task(t: MeetingTask) -> dict[str, Any]:
    a = t.action
    return {
        "id": t.pk,
        "action_id": a.pk,
        "text": a.text,
        "owner_id": a.owner_id,
        "owner_label": a.owner_label,
        "due_on": a.due_on,
        "status": a.status,
        "source": a.source,
    }


def _item(i: AgendaItem) -> dict[str, Any]:
    return {
        "id": i.pk,
        "position": i.position,
        "case_id": i.case_id,
        "case_reference": i.case_reference,
        "case_title": i.case_title,
        "risk_level": i.risk_level,
        "reason": i.reason,
        "minutes": i.minutes,
        "version": i.version,
        "tasks": [_task(t) for t in i.tasks.all()],
    }


def _meeting(view: selectors.MeetingView) -> dict[str, Any]:
    m = view.meeting
    return {
        "id": m.pk,
        "group": _group(m.group),
        "scheduled_for": m.scheduled_for,
        "venue": m.venue,
        "chair": m.chair,
        "status": m.status,
        "version": m.version,
        "agenda_built_at": m.agenda_built_at,
        "new_since": m.new_since,
        "notes": m.notes,
        "attendees": [
            {"id": a.pk, "agency": a.agency.code if a.agency else None, "name": a.name, "present": a.present}
            for a in view.attendees
        ],
        "agenda": [_item(i) for i in view.items],
    }


def _load_meeting(user: User, meeting_id: int, reason: str = "action group meeting (API)") -> dict[str, Any]:
    try:
        return _meeting(selectors.meeting_for(user, meeting_id, reason=reason))
    except Meeting.DoesNotExist as exc:
        raise HttpError(404, f"No meeting has id {meeting_id}.") from exc


def _visible_meeting(user: User, meeting_id: int) -> None:
    if not selectors.meetings_for(user).filter(pk=meeting_id).exists():
        raise HttpError(404, f"No meeting has id {meeting_id}.")


@router.get("groups", response=list[GroupOut], summary="Action groups in your areas")
@require("partnership.meetings")
def groups_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_group(g) for g in selectors.groups_for(api_user(request)).prefetch_related("agencies")]


@router.post("groups", response={201: GroupOut}, summary="Set up an action group")
@require("partnership.meetings")
def groups_create(request: HttpRequest, payload: GroupIn) -> WithStatus[dict[str, Any]]:
    g = services.create_group(api_user(request), **payload.dict())
    return WithStatus(201, _group(g))


@router.post("groups/{int:group_id}/meetings", response={201: MeetingOut}, summary="Schedule a meeting")
@require("partnership.meetings")
def meetings_create(request: HttpRequest, group_id: int, payload: MeetingIn) -> WithStatus[dict[str, Any]]:
    user = api_user(request)
    if not selectors.groups_for(user).filter(pk=group_id).exists():
        raise HttpError(404, f"No action group has id {group_id}.")
    scheduled = payload.scheduled_for
    if scheduled.tzinfo is None:
        scheduled = timezone.make_aware(scheduled)
    m = services.schedule_meeting(
        user,
        group_id,
        services.MeetingInput(
            scheduled_for=scheduled, venue=payload.venue, chair=payload.chair, agencies=payload.agencies
        ),
    )
    return WithStatus(201, _load_meeting(user, m.pk))


@router.get(
    "meetings/{int:meeting_id}", response=MeetingOut, summary="A meeting with its agenda, minutes and tasks"
)
@require("partnership.meetings")
def meetings_detail(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    """The cases on the agenda are written to the access log."""
    return _load_meeting(api_user(request), meeting_id)


@router.post("meetings/{int:meeting_id}/agenda", response=MeetingOut, summary="Build or refresh the agenda")
@require("partnership.meetings")
def meetings_build_agenda(request: HttpRequest, meeting_id: int, payload: VersionIn) -> dict[str, Any]:
    """Every open High case in the group's area (or neighbourhood) and the Medium cases new to the
    group: opened, raised to Medium or reopened since its last meeting. Refused (422) once the
    meeting is held or cancelled."""
    user = api_user(request)
    _visible_meeting(user, meeting_id)
    services.build_agenda(user, meeting_id, payload.version)
    return _load_meeting(user, meeting_id)


@router.post(
    "meetings/{int:meeting_id}/held", response=MeetingOut, summary="Record that the meeting was held"
)
@require("partnership.meetings")
def meetings_held(request: HttpRequest, meeting_id: int, payload: VersionIn) -> dict[str, Any]:
    user = api_user(request)
    _visible_meeting(user, meeting_id)
    services.mark_held(user, meeting_id, payload.version)
    return _load_meeting(user, meeting_id)


@router.post(
    "meetings/{int:meeting_id}/cancel", response=MeetingOut, summary="Cancel a meeting that has not been held"
)
@require("partnership.meetings")
def meetings_cancel(request: HttpRequest, meeting_id: int, payload: CancelIn) -> dict[str, Any]:
    """Refused (422) once the meeting is held, or when it has tasks. 409 if the meeting changed since
    the `version` you loaded. A cancelled meeting does not count as the group's last meeting."""
    user = api_user(request)
    _visible_meeting(user, meeting_id)
    services.cancel_meeting(user, meeting_id, payload.version)
    return _load_meeting(user, meeting_id)


@router.post("meetings/{int:meeting_id}/notes", response=MeetingOut, summary="The meeting's general minutes")
@require("partnership.meetings")
def meetings_notes(request: HttpRequest, meeting_id: int, payload: NotesIn) -> dict[str, Any]:
    """Apologies, matters arising: replaces the notes held. 409 if the meeting changed since the
    `version` you loaded."""
    user = api_user(request)
    _visible_meeting(user, meeting_id)
    services.record_notes(user, meeting_id, payload.version, payload.notes)
    return _load_meeting(user, meeting_id)


@router.post(
    "meetings/{int:meeting_id}/attendance", response=MeetingOut, summary="Who was invited and who came"
)
@require("partnership.meetings")
def meetings_attendance(request: HttpRequest, meeting_id: int, payload: AttendanceIn) -> dict[str, Any]:
    """Change a row by its `attendee_id` (`name`, `present`, or `remove` the invitation), or add an
    agency by its code (blank: the police). What a row leaves out stays as it is; rows not sent are
    kept. A row that is not the meeting's, or an unknown agency, is refused (422) and nothing changes."""
    user = api_user(request)
    _visible_meeting(user, meeting_id)
    held = {a.pk: a for a in MeetingAttendee.objects.filter(meeting_id=meeting_id)}
    rows = []
    for row in payload.attendees:
        now = held.get(row.attendee_id) if row.attendee_id is not None else None
        rows.append(
            services.AttendeeInput(
                attendee_id=row.attendee_id,
                agency=row.agency,
                name=row.name if row.name is not None else (now.name if now else ""),
                present=row.present if now is None or "present" in row.model_fields_set else now.present,
                remove=row.remove,
            )
        )
    services.record_attendance(user, meeting_id, rows)
    return _load_meeting(user, meeting_id)


@router.post(
    "meetings/{int:meeting_id}/agenda/cases",
    response={201: MeetingOut},
    summary="Put another case on the agenda by hand",
)
@require("partnership.meetings")
def meetings_add_case(
    request: HttpRequest, meeting_id: int, payload: AgendaCaseIn
) -> WithStatus[dict[str, Any]]:
    """An open case from the group's area, added as "added" (a refresh of the agenda keeps it).
    Refused (422, naming `case_id`) once the meeting is held or cancelled, for a case outside the
    group's area or closed, or one already on the agenda."""
    user = api_user(request)
    _visible_meeting(user, meeting_id)
    services.add_agenda_case(user, meeting_id, payload.case_id)
    return WithStatus(201, _load_meeting(user, meeting_id))


def _visible_item(user: User, item_id: int) -> AgendaItem:
    item = AgendaItem.objects.filter(pk=item_id, meeting__in=selectors.meetings_for(user)).first()
    if item is None:
        raise HttpError(404, f"No agenda item has id {item_id}.")
    return item


@router.post("agenda-items/{int:item_id}/minutes", response=MeetingOut, summary="Minutes for one case")
@require("partnership.meetings")
def items_minutes(request: HttpRequest, item_id: int, payload: MinutesIn) -> dict[str, Any]:
    user = api_user(request)
    item = _visible_item(user, item_id)
    services.record_minutes(user, item_id, payload.version, payload.minutes)
    return _load_meeting(user, item.meeting_id)


@router.post(
    "agenda-items/{int:item_id}/tasks", response={201: TaskOut}, summary="A task: it becomes a case action"
)
@require("partnership.meetings")
def items_task(request: HttpRequest, item_id: int, payload: TaskIn) -> WithStatus[dict[str, Any]]:
    """The case action gets the owner, the due date and "action group YYYY-MM-DD" as its source."""
    user = api_user(request)
    _visible_item(user, item_id)
    task = services.record_task(user, item_id, services.TaskInput(**payload.dict()))
    return WithStatus(201, _task(MeetingTask.objects.select_related("action").get(pk=task.pk)))


# ---------------------------------------------------------------------------------------------
# Tools and powers


def _power(p: PowerUse, today: dt.date) -> dict[str, Any]:
    return {
        "id": p.pk,
        "case_id": p.case_id,
        "version": p.version,
        "kind": p.kind.code,
        "kind_label": p.kind.label,
        "subject_id": p.subject_id,
        "subject_person_id": p.subject.person_id if p.subject else None,
        "premises": p.premises,
        "issued_on": p.issued_on,
        "expires_on": p.expires_on,
        "issued_by_id": p.issued_by_id,
        "issuing_agency": p.issuing_agency.code if p.issuing_agency else None,
        "officer_label": p.officer_label,
        "terms": p.terms,
        "outcome": p.outcome,
        "outcome_on": p.outcome_on,
        "in_force": p.in_force(today),
        "breaches": [
            {
                "id": b.pk,
                "occurred_on": b.occurred_on,
                "description": b.description,
                "action_taken": b.action_taken,
            }
            for b in p.breaches.all()
        ],
    }


def _visible_case(user: User, case_id: int) -> Case:
    case = Case.objects.filter(pk=case_id).first()
    if case is None or not user.can_see_area(case.area_id):
        raise HttpError(404, f"No case has id {case_id}.")
    return case


def _load_power(user: User, power_id: int, reason: str = "viewing tool or power (API)") -> dict[str, Any]:
    try:
        return _power(selectors.power_for(user, power_id, reason=reason), timezone.localdate())
    except PowerUse.DoesNotExist as exc:
        raise HttpError(404, f"No tool or power has id {power_id}.") from exc


def _may_see_powers(user: User) -> None:
    if not (user.can("partnership.powers") or user.can("cases.view")):
        raise HttpError(403, "Your role does not allow this.")


@router.get("cases/{int:case_id}/powers", response=list[PowerOut], summary="Tools and powers used on a case")
def powers_list(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    """Each with its breaches; the case and the records listed are written to the access log."""
    user = api_user(request)
    _may_see_powers(user)
    case = _visible_case(user, case_id)
    powers = selectors.powers_on(case)
    reason = f"tools and powers on {case.reference} (API)"
    audit.record_read(user, case, reason=reason)
    if powers:
        audit.record_reads(user, powers, reason=reason)
    today = timezone.localdate()
    return [_power(p, today) for p in powers]


@router.post(
    "cases/{int:case_id}/powers", response={201: PowerOut}, summary="Record a tool or power on a case"
)
@require("partnership.powers")
def powers_create(request: HttpRequest, case_id: int, payload: PowerIn) -> WithStatus[dict[str, Any]]:
    user = api_user(request)
    _visible_case(user, case_id)
    p = services.record_power(user, case_id, services.PowerInput(**payload.dict()))
    return WithStatus(201, _load_power(user, p.pk))


@router.get("powers/{int:power_id}", response=PowerOut, summary="A tool or power with its breaches")
def powers_detail(request: HttpRequest, power_id: int) -> dict[str, Any]:
    """The tool or power and the case it was used on are written to the access log."""
    user = api_user(request)
    _may_see_powers(user)
    return _load_power(user, power_id)


@router.post(
    "powers/{int:power_id}", response=PowerOut, summary="Change the expiry or terms, or record the outcome"
)
@require("partnership.powers")
def powers_update(request: HttpRequest, power_id: int, payload: PowerUpdateIn) -> dict[str, Any]:
    """Only the fields sent change (`clear_expiry` removes the expiry date). 409 if it changed since
    the `version` you loaded."""
    user = api_user(request)
    _load_power(user, power_id, "updating tool or power (API)")
    kwargs: dict[str, Any] = {"terms": payload.terms, "outcome": payload.outcome}
    if payload.clear_expiry:
        kwargs["expires_on"] = None
    elif payload.expires_on is not None:
        kwargs["expires_on"] = payload.expires_on
    if payload.outcome_on is not None:
        kwargs["outcome_on"] = payload.outcome_on
    services.update_power(user, power_id, payload.version, **kwargs)
    return _load_power(user, power_id)


@router.post("powers/{int:power_id}/breaches", response={201: BreachOut}, summary="Record a breach")
@require("partnership.powers")
def powers_breach(request: HttpRequest, power_id: int, payload: BreachIn) -> WithStatus[dict[str, Any]]:
    user = api_user(request)
    _load_power(user, power_id, "recording a breach (API)")
    b = services.record_breach(user, power_id, **payload.dict())
    return WithStatus(
        201,
        {
            "id": b.pk,
            "occurred_on": b.occurred_on,
            "description": b.description,
            "action_taken": b.action_taken,
        },
    )


# ---------------------------------------------------------------------------------------------
# ASB case reviews and thresholds


def _review(r: CaseReview, today: dt.date) -> dict[str, Any]:
    return {
        "id": r.pk,
        "reference": r.reference,
        "version": r.version,
        "route": r.route,
        "status": r.status,
        "applicant_id": r.applicant_id,
        "applicant_name": r.applicant_name,
        "case_id": r.case_id,
        "area_id": r.area_id,
        "location_address": r.location_address,
        "received_on": r.received_on,
        "summary": r.summary,
        "policy_version": r.policy.version,
        "threshold_at_opening": r.threshold_at_opening or {},
        "decision_due": r.decision_due,
        "threshold_met": r.threshold_met,
        "decision_on": r.decision_on,
        "decision_note": r.decision_note,
        "response_due": r.response_due,
        "review_held_on": r.review_held_on,
        "outcome": r.outcome,
        "recommendations": r.recommendations,
        "response_sent_on": r.response_sent_on,
        "next_deadline": r.due(),
        "overdue": r.overdue(today),
    }


def _load_review(user: User, review_id: int, reason: str = "viewing ASB case review (API)") -> dict[str, Any]:
    try:
        return _review(selectors.review_for(user, review_id, reason=reason), timezone.localdate())
    except CaseReview.DoesNotExist as exc:
        raise HttpError(404, f"No case review has id {review_id}.") from exc


@router.get("case-reviews", response=CaseReviewListOut, summary="ASB case reviews in your areas")
@require("partnership.case_review")
def reviews_list(
    request: HttpRequest,
    status: str = "",
    overdue: bool = False,
    case: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    """`status`: open, awaiting_decision, under_review, not_met, completed; `overdue=true` for those
    past their next deadline; `case`: those linked to a case (its id). The reviews listed are written
    to the access log."""
    user = api_user(request)
    found = selectors.review_list(user, status=status, overdue=overdue, case=case)
    rows = found[_page(limit, offset)]
    if rows:
        audit.record_reads(user, rows, reason="ASB case review list (API)")
    today = timezone.localdate()
    return {"count": len(found), "reviews": [_review(r, today) for r in rows]}


@router.post("case-reviews", response={201: CaseReviewOut}, summary="Open an ASB case review")
@require("partnership.case_review")
def reviews_create(request: HttpRequest, payload: CaseReviewIn) -> WithStatus[dict[str, Any]]:
    """On an application (any count), or because the threshold is met (`route: threshold`, refused
    when it is not). The decision deadline is set in working days from `received_on`."""
    user = api_user(request)
    r = services.open_case_review(user, services.CaseReviewInput(**payload.dict()))
    return WithStatus(201, _load_review(user, r.pk))


@router.get("case-reviews/{int:review_id}", response=CaseReviewOut, summary="One ASB case review")
@require("partnership.case_review")
def reviews_detail(request: HttpRequest, review_id: int) -> dict[str, Any]:
    return _load_review(api_user(request), review_id)


@router.post(
    "case-reviews/{int:review_id}/decision", response=CaseReviewOut, summary="The threshold decision"
)
@require("partnership.case_review")
def reviews_decision(request: HttpRequest, review_id: int, payload: DecisionIn) -> dict[str, Any]:
    user = api_user(request)
    _load_review(user, review_id, "recording the threshold decision (API)")
    services.record_review_decision(
        user,
        review_id,
        payload.version,
        threshold_met=payload.threshold_met,
        decision_on=payload.decision_on,
        note=payload.note,
    )
    return _load_review(user, review_id)


@router.post("case-reviews/{int:review_id}/outcome", response=CaseReviewOut, summary="Outcome and response")
@require("partnership.case_review")
def reviews_outcome(request: HttpRequest, review_id: int, payload: ReviewOutcomeIn) -> dict[str, Any]:
    user = api_user(request)
    _load_review(user, review_id, "recording the review outcome (API)")
    services.record_review_outcome(user, review_id, payload.version, **payload.dict(exclude={"version"}))
    return _load_review(user, review_id)


def _policy(p: CaseReviewPolicy) -> dict[str, Any]:
    return {
        "version": p.version,
        "victim_incidents": p.victim_incidents,
        "victim_window_months": p.victim_window_months,
        "location_incidents": p.location_incidents,
        "location_window_months": p.location_window_months,
        "location_radius_m": p.location_radius_m,
        "asb_only": p.asb_only,
        "exclude_closure_codes": list(p.exclude_closure_codes or []),
        "decision_working_days": p.decision_working_days,
        "response_working_days": p.response_working_days,
        "holidays": list(p.holidays or []),
        "note": p.note,
        "created_at": p.created_at,
    }


@router.get("case-review-policy", response=PolicyOut, summary="The case review policy in force")
def policy_current(request: HttpRequest) -> dict[str, Any]:
    """The thresholds (victim and location tests), the deadlines in working days and the bank
    holidays that new reviews and threshold counts use. For administrators, case review staff and
    case staff."""
    user = api_user(request)
    if not any(user.can(c) for c in ("partnership.configure", "partnership.case_review", "cases.view")):
        raise HttpError(403, "Your role does not allow this.")
    return _policy(CaseReviewPolicy.current())


@router.post(
    "case-review-policy", response={201: PolicyOut}, summary="Publish a new version of the case review policy"
)
@require("partnership.configure")
def policy_publish(request: HttpRequest, payload: PolicyIn) -> WithStatus[dict[str, Any]]:
    """Administrators only. What is left out stays as in the current version; `holidays` and
    `exclude_closure_codes`, when sent, replace the whole list. Reviews already opened keep the
    version they were opened under; threshold counts use the new one from now on."""
    policy = services.publish_policy(api_user(request), payload.dict(exclude_none=True))
    return WithStatus(201, _policy(policy))


def _may_check_thresholds(user: User) -> None:
    if not (user.can("partnership.case_review") or user.can("cases.view")):
        raise HttpError(403, "Your role does not allow this.")


@router.get(
    "trigger-status", response=list[dict[str, Any]], summary="People against the case review thresholds"
)
def trigger_status(
    request: HttpRequest,
    person: list[int] = Query(...),  # noqa: B008 - django-ninja's way to declare a list
    as_of: dt.date | None = None,
) -> list[dict[str, Any]]:
    """For each `person` (repeatable): the victim test (qualifying incidents in the window) and the
    places they reported from that meet the location test. Counts are across the force; incidents
    and places outside your areas are counted in `incidents_not_shown`, not listed. Each person and
    each incident listed is written to the access log."""
    user = api_user(request)
    _may_check_thresholds(user)
    ids = sorted(set(person))[:100]
    reason = "case review threshold check (API)"
    statuses = selectors.trigger_status_for(user, ids, as_of=as_of, reason=reason)
    return [statuses[p].as_dict() for p in ids]


@router.get(
    "trigger-status/location", response=dict[str, Any], summary="A place against the location threshold"
)
def trigger_location(
    request: HttpRequest,
    address: str = "",
    lat: Latitude | None = None,
    lon: Longitude | None = None,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    user = api_user(request)
    _may_check_thresholds(user)
    if not address.strip() and (lat is None or lon is None):
        raise HttpError(422, "Give an address, or both lat and lon.")
    return selectors.location_trigger_for(
        user, address=address, lat=lat, lon=lon, as_of=as_of, reason="case review threshold check (API)"
    ).as_dict()


@router.get(
    "thresholds", response=list[ThresholdHitOut], summary="Who and where meets the threshold in your areas"
)
def thresholds(request: HttpRequest, limit: int = 100) -> list[dict[str, Any]]:
    """The supervisor's list: victims and places in your areas meeting the case review threshold,
    with any open review; at most `limit` (up to 500) of each, the most incidents first. Each area's
    count may be a few minutes old, and lists no incidents (ask trigger-status for those). The people
    listed are written to the access log."""
    user = api_user(request)
    if not (user.can("cases.supervise") or user.can("partnership.case_review")):
        raise HttpError(403, "Your role does not allow this.")
    return [h.as_dict() for h in selectors.triggers_for_supervisor(user, limit=max(1, min(limit, LIST_MAX)))]
