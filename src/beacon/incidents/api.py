"""The incidents API: take a report (the call-taking form, other channels and the command-and-control
feed), the live check while a call is taken, one incident, attendance, the crime decision, closure,
the neighbourhood inbox, supervision and the crime registrar's list.

Handlers are thin: reads go through `selectors` (which write the access log), writes through
`services` (which validate and audit). Every endpoint names the capability it needs; taking a
report needs `incidents.create`, or `incidents.feed` for a message that carries the source system's
incident number (`source_system` + `source_id`), which makes it idempotent: repeating it returns
the same incident (200, "unchanged"), an amended message updates it (200, "updated", history kept
in the audit trail), the first delivery creates it (201, "created"). Incidents outside the caller's
areas answer 404. Service errors become JSON by the handlers in beacon.api (422 naming the field,
403, 409).

No `from __future__ import annotations` here: django-ninja reads the handlers' annotations through
the `require` wrapper, whose module globals would not resolve string annotations.
"""

import datetime as dt
import json
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja import Status as WithStatus  # an HTTP status with a body
from ninja.errors import HttpError

from beacon.core import audit
from beacon.core.api_auth import api_user, require
from beacon.core.errors import Problem, ValidationFailed
from beacon.core.models import User
from beacon.incidents import selectors, services
from beacon.incidents.models import InboxItem, Incident, IncidentPerson, TriageItem
from beacon.incidents.schemas import (
    CrimeDecisionIn,
    CrimeReviewOut,
    InboxItemOut,
    InboxOut,
    IncidentAttendanceIn,
    IncidentCloseIn,
    IncidentIn,
    IncidentOut,
    IncidentStateOut,
    IncidentTakenOut,
    LiveCheckIn,
    LiveCheckOut,
    SupervisionIn,
    SupervisionOut,
    TriageItemOut,
    TriageNoTeamIn,
    TriageOut,
    TriagePlaceIn,
)
from beacon.incidents.services import IncidentInput, PersonInput
from beacon.people.features import RAW_FIELDS
from beacon.people.selectors import known_as

router = Router(tags=["Incidents"])

DEFAULT_PURPOSE = "viewing incident"
LIST_MAX = 500
# Services name location problems by the form's flat field names; the API nests them in `location`.
LOCATION_FIELDS = {"postcode", "address", "lat", "lon"}


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """A time without an offset is London time (as the form's), or None."""
    return None if value is None else services.in_london(value)


def _renamed(exc: ValidationFailed) -> ValidationFailed:
    return ValidationFailed(
        [
            Problem(p.message, f"location.{p.field}" if p.field in LOCATION_FIELDS else p.field, p.row)
            for p in exc.problems
        ]
    )


def _visible(user: User, incident_id: int) -> Incident:
    """The incident if the caller's areas include it, else 404 (no hint that it exists)."""
    found = selectors.visible_to(user).filter(pk=incident_id).first()
    if found is None:
        raise HttpError(404, f"No incident has id {incident_id}.")
    return found


def _code(item: Any) -> str | None:
    return item.code if item is not None else None


def _neighbourhood(n: Any) -> dict[str, Any] | None:
    return None if n is None else {"id": n.pk, "code": n.code, "name": n.name}


def _type(inc: Incident) -> str:
    if inc.is_asb:
        return str(inc.type_heading or "ASB")
    return str(inc.other_category or "Incident")


def _summary(inc: Incident) -> dict[str, Any]:
    return {
        "id": inc.pk,
        "reference": inc.reference,
        "received_at": inc.received_at,
        "type": _type(inc),
        "address": inc.address,
        "postcode": inc.postcode,
        "neighbourhood": _neighbourhood(inc.neighbourhood),
        "flags": inc.flags,
        "response_grade": _code(inc.response_grade),
        "status": inc.status,
        "closed_at": inc.closed_at,
    }


def _state(inc: Incident) -> dict[str, Any]:
    return {
        "id": inc.pk,
        "reference": inc.reference,
        "version": inc.version,
        "status": inc.status,
        "attended_at": inc.attended_at,
        "response_met": inc.response_met,
        "crime_recorded": inc.crime_recorded,
        "crime_reference": inc.crime_reference,
        "no_crime_reason": inc.no_crime_reason,
        "closure_code": _code(inc.closure_code),
        "closing_note": inc.closing_note,
        "closed_at": inc.closed_at,
        "updated_at": inc.updated_at,
    }


def _flag_reasons(inc: Incident) -> dict[str, str]:
    return {k: str(v) for k, v in (inc.flag_reasons or {}).items()}


# ---------------------------------------------------------------------------------------------
# Taking a report


def _input(payload: IncidentIn) -> IncidentInput:
    loc = payload.location
    return IncidentInput(
        channel=payload.channel,
        description=payload.description,
        received_at=_aware(payload.received_at),
        occurred_at=_aware(payload.occurred_at),
        attended_at=_aware(payload.attended_at),
        postcode=loc.postcode,
        address=loc.address,
        lat=loc.lat,
        lon=loc.lon,
        is_asb=payload.is_asb,
        asb_category=payload.asb_category,
        type_heading=payload.type_heading,
        other_category=payload.other_category,
        answers=dict(payload.answers),
        screening_version=payload.screening_version,
        people=[
            PersonInput(
                role=p.role,
                details={f: getattr(p, f) for f in RAW_FIELDS if getattr(p, f)},
                person_id=p.person_id,
            )
            for p in payload.people
        ],
        response_grade=payload.response_grade,
        grade_override_reason=payload.grade_override_reason,
        crime_reference=payload.crime_reference,
        no_crime_reason=payload.no_crime_reason,
        source_system=payload.source_system.strip(),
        source_id=payload.source_id.strip(),
    )


def _taken(inc: Incident, outcome: str, links: list[IncidentPerson] | None = None) -> dict[str, Any]:
    """`links`: the incident's people as just saved (else they are read)."""
    people = (
        [(ip.role, ip.record.person_id, ip.record_id) for ip in links]
        if links is not None
        else IncidentPerson.objects.filter(incident=inc)
        .order_by("id")
        .values_list("role", "record__person_id", "record_id")
    )
    return {
        "id": inc.pk,
        "reference": inc.reference,
        "version": inc.version,
        "outcome": outcome,
        "neighbourhood": _neighbourhood(inc.neighbourhood),
        "location_problem": inc.location_problem,
        "flags": inc.flags,
        "flag_reasons": _flag_reasons(inc),
        "priority_names": list(inc.priority_names or []),
        "suggested_grade": _code(inc.suggested_grade),
        "response_grade": _code(inc.response_grade),
        "attended_at": inc.attended_at,
        "response_met": inc.response_met,
        "people": [
            {"role": role, "person_id": person, "record_id": record} for role, person, record in people
        ],
    }


@router.post(
    "",
    response={200: IncidentTakenOut, 201: IncidentTakenOut},
    summary="Take a report, or receive a command-and-control message (idempotent on its number)",
)
def incidents_create(request: HttpRequest, payload: IncidentIn) -> WithStatus[dict[str, Any]]:
    """Needs `incidents.create`; a message with `source_system` and `source_id` may instead come
    from the feed's account (`incidents.feed`). Placing, screening, matching each person against the
    person index, flags and grading all happen here; every problem is reported at once (422) and
    nothing is written. 201 when created; 200 when the message repeats (unchanged) or amends
    (updated) an incident already received."""
    user = api_user(request)
    from_feed = bool(payload.source_system.strip() or payload.source_id.strip())
    if not (user.can("incidents.create") or (from_feed and user.can("incidents.feed"))):
        raise HttpError(403, "Your role does not allow this.")
    data = _input(payload)
    try:
        if from_feed:
            # The message as sent (parsed, so that key order and spacing do not matter) decides
            # whether a repeat is unchanged.
            result = services.ingest(user, data, json.loads(request.body))
            incident, outcome, links = result.incident, result.outcome, result.people
        else:
            taken = services.take_report(user, data)
            incident, outcome, links = taken.incident, "created", taken.people
    except ValidationFailed as exc:
        raise _renamed(exc) from exc
    return WithStatus(201 if outcome == "created" else 200, _taken(incident, outcome, links))


@router.post(
    "live-check",
    response=LiveCheckOut,
    summary="While a call is live: matching people, their recent contacts and flags, nearby incidents",
)
@require("incidents.create")
def incidents_live_check(request: HttpRequest, payload: LiveCheckIn) -> dict[str, Any]:
    """Give a `name` (split into forenames and surname) or `forename`/`surname`, and any of the other
    details; `lat`/`lon` (or the address's postcode) find earlier incidents nearby. Each person
    found is written to the access log. 422 names a detail that cannot be used (e.g. a non-UK
    phone); 503 while no matching model has been trained."""
    details = {f: getattr(payload, f).strip() for f in RAW_FIELDS}
    if payload.name.strip() and not (details["forename"] or details["surname"]):
        details["forename"], details["surname"] = selectors.split_name(payload.name)
    if (payload.lat is None) != (payload.lon is None):
        raise ValidationFailed.one("Give both latitude and longitude, or neither.", "lat")
    try:
        check = selectors.live_check(api_user(request), details, lat=payload.lat, lon=payload.lon)
    except LookupError as exc:
        raise HttpError(503, str(exc)) from exc
    return check.as_dict()


# ---------------------------------------------------------------------------------------------
# Lists (declared before "{incident_id}" routes)


def _item(i: InboxItem) -> dict[str, Any]:
    return {
        "id": i.pk,
        "incident": _summary(i.incident),
        "neighbourhood": _neighbourhood(i.neighbourhood),
        "placed_at": i.placed_at,
        "acknowledged_at": i.acknowledged_at,
        "acknowledged_by": i.acknowledged_by.get_username() if i.acknowledged_by else None,
    }


@router.get("inbox", response=InboxOut, summary="The neighbourhood teams' inbox of ASB incidents")
@require("incidents.inbox")
def incidents_inbox(
    request: HttpRequest,
    neighbourhood: list[int] = Query(None),  # noqa: B008 - django-ninja's way to declare a list
    open_only: bool = True,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    """Items in the caller's areas, most urgent first (the response grade's target time, then the
    vulnerable, repeat, hate, crime and local-priority flags, then the longest waiting since the
    incident was received); `neighbourhood` (repeatable) narrows to teams; `open_only=true` (the
    default) lists only items waiting: not acknowledged and the incident still open;
    `open_only=false` includes acknowledged items and closed incidents. The incidents listed are
    written to the access log. `limit` is at most 500."""
    user = api_user(request)
    qs = selectors.inbox(user, neighbourhood or None, open_only=open_only)
    start = max(0, offset)
    items = list(
        qs.select_related("incident__neighbourhood", "acknowledged_by")[
            start : start + max(1, min(limit, LIST_MAX))
        ]
    )
    if items:
        audit.record_reads(user, [i.incident for i in items], reason="neighbourhood inbox")
    return {
        "count": qs.count(),
        "items": [_item(i) for i in items],
    }


def _triage_item(i: TriageItem) -> dict[str, Any]:
    return {
        "id": i.pk,
        "incident": _summary(i.incident),
        "reason": i.reason,
        "placed_at": i.placed_at,
        "resolved_at": i.resolved_at,
        "resolved_by": i.resolved_by.get_username() if i.resolved_by else None,
        "outcome": i.outcome,
        "note": i.note,
    }


@router.get(
    "triage", response=TriageOut, summary="The force's triage inbox: ASB incidents no team could be told of"
)
@require("incidents.triage")
def incidents_triage(
    request: HttpRequest, open_only: bool = True, limit: int = 100, offset: int = 0
) -> dict[str, Any]:
    """ASB incidents that could not be placed in a neighbourhood, most urgent first (as the
    inbox); `open_only=false` includes those already placed or taken out of triage. The incidents
    listed are written to the access log. `limit` is at most 500."""
    user = api_user(request)
    qs = selectors.triage(user, open_only=open_only)
    start = max(0, offset)
    items = list(qs[start : start + max(1, min(limit, LIST_MAX))])
    if items:
        audit.record_reads(user, [i.incident for i in items], reason="triage inbox")
    return {"count": qs.count(), "items": [_triage_item(i) for i in items]}


def _open_triage(user: User, item_id: int) -> TriageItem:
    item = selectors.triage(user, open_only=False).filter(pk=item_id).first()
    if item is None:
        raise HttpError(404, f"No triage item {item_id} in your areas.")
    return item


@router.post(
    "triage/{int:item_id}/place", response=TriageItemOut, summary="Place an incident waiting in triage"
)
@require("incidents.triage")
def incidents_triage_place(request: HttpRequest, item_id: int, payload: TriagePlaceIn) -> dict[str, Any]:
    """Give the location (postcode, address, or both lat and lon): 422 naming the field when it
    still places the incident in no neighbourhood or the item was already dealt with; 409 if the
    incident changed since the `version` you loaded. Placed, its neighbourhood team is told."""
    user = api_user(request)
    item = _open_triage(user, item_id)
    services.place_from_triage(
        user,
        item,
        version=payload.version,
        postcode=payload.postcode,
        address=payload.address,
        lat=payload.lat,
        lon=payload.lon,
    )
    return _triage_item(selectors.triage(user, open_only=False).get(pk=item_id))


@router.post(
    "triage/{int:item_id}/no-team",
    response=TriageItemOut,
    summary="Say why no team takes an incident in triage",
)
@require("incidents.triage")
def incidents_triage_no_team(request: HttpRequest, item_id: int, payload: TriageNoTeamIn) -> dict[str, Any]:
    """The reason is required (422 naming `note` without one, or when the item was already dealt
    with)."""
    user = api_user(request)
    services.no_team_from_triage(user, _open_triage(user, item_id), note=payload.note)
    return _triage_item(selectors.triage(user, open_only=False).get(pk=item_id))


@router.get(
    "crime-review",
    response=CrimeReviewOut,
    summary="Closed incidents that disclosed a crime with no crime decision (the crime registrar's list)",
)
@require("incidents.crime_review")
def incidents_crime_review(request: HttpRequest, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """Oldest closure first; the incidents listed are written to the access log. `limit` is at most 500."""
    user = api_user(request)
    qs = selectors.crime_review(user)
    start = max(0, offset)
    found = list(qs[start : start + max(1, min(limit, LIST_MAX))])
    if found:
        audit.record_reads(user, found, reason="crime recording review")
    return {"count": qs.count(), "incidents": [_summary(i) for i in found]}


# ---------------------------------------------------------------------------------------------
# One incident


def _as_given(ip: IncidentPerson) -> dict[str, Any] | None:
    r = ip.record
    if r.erased_at:
        return None
    return {
        "forename": r.given_forename,
        "surname": r.given_surname,
        "dob": r.given_dob,
        "phone": r.given_phone,
        "email": r.given_email,
        "address": r.given_address,
        "postcode": r.given_postcode,
    }


def _supervision(s: Any) -> dict[str, Any]:
    return {
        "id": s.pk,
        "incident_id": s.incident_id,
        "at": s.at,
        "author": s.author.get_username(),
        "note": s.note,
    }


@router.get("{int:incident_id}", response=IncidentOut, summary="An incident with its people")
@require("incidents.view")
def incidents_detail(request: HttpRequest, incident_id: int, purpose: str = "") -> dict[str, Any]:
    """The read is logged with `purpose` (else “viewing incident”). 404 outside your areas."""
    try:
        inc = selectors.incident_for(
            api_user(request), incident_id, reason=purpose.strip()[:500] or DEFAULT_PURPOSE
        )
    except Incident.DoesNotExist as exc:
        raise HttpError(404, f"No incident has id {incident_id}.") from exc
    known = known_as([p.record.person_id for p in inc.people.all()])
    return {
        **_state(inc),
        "channel": inc.channel,
        "received_at": inc.received_at,
        "occurred_at": inc.occurred_at,
        "location": {"postcode": inc.postcode, "address": inc.address, "lat": inc.lat, "lon": inc.lon},
        "neighbourhood": _neighbourhood(inc.neighbourhood),
        "location_problem": inc.location_problem,
        "is_asb": inc.is_asb,
        "asb_category": _code(inc.asb_category),
        "type_heading": _code(inc.type_heading),
        "other_category": _code(inc.other_category),
        "type": _type(inc),
        "description": inc.description,
        "screening_version": inc.screening_set.version if inc.screening_set else None,
        "answers": inc.answers or {},
        "flags": inc.flags,
        "flag_reasons": _flag_reasons(inc),
        "priority_names": list(inc.priority_names or []),
        "suggested_grade": _code(inc.suggested_grade),
        "response_grade": _code(inc.response_grade),
        "grade_override_reason": inc.grade_override_reason,
        "source_system": inc.source_system,
        "source_id": inc.source_id,
        "created_at": inc.created_at,
        "last_supervised_at": inc.last_supervised_at,
        "people": [
            {
                "role": p.role,
                "person_id": p.record.person_id,
                "record_id": p.record_id,
                "as_given": _as_given(p),
                "known_as": known[p.record.person_id].name,
            }
            for p in inc.people.all()
        ],
        "supervision": [_supervision(s) for s in inc.supervision.all()],
    }


@router.post(
    "{int:incident_id}/attendance",
    response=IncidentStateOut,
    summary="Record when the incident was attended (and so whether its response grade's target was met)",
)
@require("incidents.update")
def incidents_attendance(
    request: HttpRequest, incident_id: int, payload: IncidentAttendanceIn
) -> dict[str, Any]:
    """`attended_at` may not be before the incident was received nor in the future (422 naming it);
    `response_met` in the answer says whether it was within the grade's target. Recording the same
    time again changes nothing. Send the `version` you loaded: 409, with what changed, if someone
    changed it since. 404 outside your areas."""
    user = api_user(request)
    inc = services.record_attendance(
        user,
        _visible(user, incident_id),
        version=payload.version,
        attended_at=_aware(payload.attended_at),
    )
    return _state(inc)


@router.post(
    "{int:incident_id}/crime",
    response=IncidentStateOut,
    summary="Record the crime decision: a crime reference, or why no crime was recorded",
)
@require("incidents.update")
def incidents_crime(request: HttpRequest, incident_id: int, payload: CrimeDecisionIn) -> dict[str, Any]:
    """Send the `version` you loaded: 409, with what changed, if someone changed it since."""
    inc = services.record_crime_decision(
        api_user(request),
        _visible(api_user(request), incident_id),
        version=payload.version,
        crime_reference=payload.crime_reference,
        no_crime_reason=payload.no_crime_reason,
    )
    return _state(inc)


@router.post("{int:incident_id}/close", response=IncidentStateOut, summary="Close an incident")
@require("incidents.update")
def incidents_close(request: HttpRequest, incident_id: int, payload: IncidentCloseIn) -> dict[str, Any]:
    """A closure code and a closing note are required. Send the `version` you loaded: 409 if
    someone changed it since (so of two closes sent together, one is refused)."""
    inc = services.close_incident(
        api_user(request),
        _visible(api_user(request), incident_id),
        version=payload.version,
        closure_code=payload.closure_code,
        note=payload.closing_note,
    )
    return _state(inc)


@router.post(
    "{int:incident_id}/acknowledge",
    response=InboxItemOut,
    summary="Acknowledge an incident in your team's inbox (acknowledging twice keeps the first)",
)
@require("incidents.inbox")
def incidents_acknowledge(request: HttpRequest, incident_id: int) -> dict[str, Any]:
    """403 unless the incident's neighbourhood is in your areas; 404 when it is not in an inbox."""
    user = api_user(request)
    inc = _visible(user, incident_id)
    item = InboxItem.objects.select_related("neighbourhood").filter(incident=inc).first()
    if item is None:
        raise HttpError(404, f"Incident {incident_id} is not in a neighbourhood inbox.")
    done = services.acknowledge(user, item)
    related = (
        *(f"incident__{f}" for f in selectors.INCIDENT_LIST_RELATED),
        "neighbourhood",
        "acknowledged_by",
    )
    return _item(InboxItem.objects.select_related(*related).get(pk=done.pk))


@router.post(
    "{int:incident_id}/supervision", response={201: SupervisionOut}, summary="Add a supervisory note"
)
@require("incidents.supervise")
def incidents_supervise(
    request: HttpRequest, incident_id: int, payload: SupervisionIn
) -> WithStatus[dict[str, Any]]:
    user = api_user(request)
    note = services.add_supervision(user, _visible(user, incident_id), payload.note)
    return WithStatus(201, _supervision(note))
