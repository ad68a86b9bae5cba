"""The cases API: the supervisor's ordered list, one case (its read logged), opening and editing
cases (optimistic locking: send the `version` you loaded, 409 with what changed otherwise), parties,
incidents, locations, the action plan, contacts, reviews, closure with sign-off, reopening, and the
minimum-standards report (`beacon cases due` as JSON).

Handlers are thin: reads go through `selectors`, writes through `services`. Cases outside the
caller's areas answer 404. Service errors become JSON by the handlers in beacon.api (422 naming the
field, 403, 409).

No `from __future__ import annotations` here: django-ninja reads the handlers' annotations through
the `require` wrapper, whose module globals would not resolve string annotations.
"""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from ninja import Status as WithStatus
from ninja.errors import HttpError

from beacon.cases import selectors, services
from beacon.cases.due import as_of_problem, report
from beacon.cases.models import Action, Case, CaseContact, CaseParty, SupervisoryReview
from beacon.cases.schemas import (
    ActionIn,
    ActionOut,
    ActionUpdateIn,
    CaseCloseIn,
    CaseIn,
    CaseLocationIn,
    CaseOut,
    CasesDueOut,
    CaseStateOut,
    CaseUpdateIn,
    ContactIn,
    ContactOut,
    IncidentLinkIn,
    LevelIn,
    ListOut,
    PartyIn,
    PartyOut,
    ReopenIn,
    SupervisoryReviewIn,
    SupervisoryReviewOut,
    VictimContactIn,
)
from beacon.core import audit
from beacon.core.api_auth import api_user, require
from beacon.core.errors import ValidationFailed
from beacon.core.models import User
from beacon.incidents.selectors import visible_to

router = Router(tags=["Cases"])

LONDON = ZoneInfo("Europe/London")
DEFAULT_PURPOSE = "viewing case"
PAGE_MAX = 1_000_000  # pages beyond this are past any list's end
PER_PAGE_MAX = 100
DUE_MAX = 5000


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=LONDON)


def _visible(user: User, case_id: int) -> Case:
    found = selectors.visible_cases(user).filter(pk=case_id).first()
    if found is None:
        raise HttpError(404, f"No case has id {case_id}.")
    return found


def _reader(request: HttpRequest, case_id: int, reason: str) -> Case:
    """A case in the user's areas for a read of part of it (404 otherwise); the read is logged."""
    user = api_user(request)
    case = _visible(user, case_id)
    audit.record_read(user, case, reason=reason)
    return case


def _writer(request: HttpRequest, case_id: int) -> User:
    """The user about to change a case: 404 unless the case is in their areas."""
    user = api_user(request)
    _visible(user, case_id)
    return user


def _user(u: User | None) -> dict[str, Any] | None:
    return None if u is None else {"id": u.pk, "username": u.get_username(), "name": u.display_name}


def _party(p: CaseParty) -> dict[str, Any]:
    return {
        "id": p.pk,
        "person_id": p.person_id,
        "role": p.role,
        "note": p.note,
        "safe_to_call": p.safe_to_call,
        "contact_note": p.contact_note,
    }


def _state(c: Case) -> dict[str, Any]:
    return {
        "id": c.pk,
        "reference": c.reference,
        "version": c.version,
        "status": c.status,
        "risk_level": c.risk_level,
        "updated_at": c.updated_at,
    }


def _case(user: User, case_id: int, purpose: str) -> dict[str, Any]:
    try:
        c = selectors.case_for(user, case_id, reason=purpose)
    except Case.DoesNotExist as exc:
        raise HttpError(404, f"No case has id {case_id}.") from exc
    ev = selectors.evaluation(c)
    n = c.neighbourhood
    known = selectors.known_people({p.person_id for p in c.parties.all() if p.role == CaseParty.Role.VICTIM})
    return {
        **_state(c),
        "title": c.title,
        "heading": selectors.heading_for(c, known).text,
        "summary": c.summary,
        "area": {"id": c.area.pk, "code": c.area.code, "name": c.area.name},
        "neighbourhood": None if n is None else {"id": n.pk, "code": n.code, "name": n.name},
        "spoc": _user(c.spoc),
        "supervisor": _user(c.supervisor),
        "opened_at": c.opened_at,
        "opened_from_assessment": c.opened_from_id,
        "score": ev.score,
        "rag": ev.rag_name,
        "reasons": ev.reasons,
        "standards": [s.as_dict() for s in ev.standards],
        "parties": [_party(p) for p in c.parties.all()],
        "incidents": [
            {"id": ci.incident_id, "reference": ci.incident.reference, "received_at": ci.incident.received_at}
            for ci in c.case_incidents.all()
        ],
        "locations": [
            {
                "id": loc.pk,
                "address": loc.address,
                "postcode": loc.postcode,
                "lat": loc.lat,
                "lon": loc.lon,
                "neighbourhood": loc.neighbourhood.code if loc.neighbourhood else None,
                "note": loc.note,
            }
            for loc in c.locations.all()
        ],
        "risk_history": [
            {
                "level": h.level,
                "at": h.at,
                "by": h.by.get_username() if h.by else None,
                "reason": h.reason,
                "assessment_id": h.assessment_id,
            }
            for h in c.risk_history.all()
        ],
        "closure": None
        if c.status == Case.Status.OPEN
        else {
            "closed_at": c.closed_at,
            "reason": c.closure_reason,
            "note": c.closure_note,
            "signed_off_by": c.closure_signed_off_by.get_username() if c.closure_signed_off_by else None,
            "victim_told_on": c.victim_told_on,
            "victim_told_how": c.victim_told_how,
        },
        "reopened_at": c.reopened_at,
        "reopen_reason": c.reopen_reason,
    }


# ---------------------------------------------------------------------------------------------
# Lists and the due report (declared before "{case_id}")


@router.get(
    "", response=ListOut, summary="The supervisor's list: open cases and unresolved incidents by priority"
)
@require("cases.view")
def cases_list(
    request: HttpRequest,
    area: int | None = None,
    neighbourhood: int | None = None,
    rag: str = "",
    kind: str = "",
    mine: bool = False,
    page: int = 1,
    per_page: int = 25,
) -> dict[str, Any]:
    """Red first, then by score, in the caller's areas; `kind` = case | incident narrows it. Each
    row has its RAG and the reasons. Cases and incidents listed are written to the access log."""
    user = api_user(request)
    per_page = max(1, min(per_page, PER_PAGE_MAX))
    result = selectors.supervisor_list(
        user,
        selectors.SupervisorFilters(
            area_id=area, neighbourhood_id=neighbourhood, rag=rag, kind=kind, mine=mine
        ),
        page=max(1, min(page, PAGE_MAX)),
        per_page=per_page,
    )
    items = []
    for r in result.rows:
        o = r.obj
        item = {
            "kind": r.kind,
            "id": o.pk,
            "reference": o.reference,
            "score": r.score,
            "rag": r.rag_name,
            "reasons": r.reasons,
            "neighbourhood": o.neighbourhood.code if o.neighbourhood else None,
        }
        if r.kind == "case":
            item.update(
                risk_level=o.risk_level, area=o.area.code, spoc=o.spoc.get_username() if o.spoc else None
            )
        items.append(item)
    return {
        "cases": result.cases_count,
        "incidents": result.incidents_count,
        "red": result.red_count,
        "page": result.page,
        "per_page": per_page,
        "items": items,
    }


@router.get("due", response=CasesDueOut, summary="Minimum standards due (as `beacon cases due --json`)")
@require("cases.view")
def cases_due(
    request: HttpRequest, as_of: dt.date | None = None, offset: int = 0, limit: int = 1000
) -> dict[str, Any]:
    """Open cases in your areas (by id; `limit` at most 5000) with each standard's due date and
    state (met | overdue | due_soon | not_due) as at `as_of` (today or later; default today)."""
    user = api_user(request)
    today = timezone.localdate()
    if problem := as_of_problem(as_of or today, today):
        raise ValidationFailed.one(problem, "as_of")
    header, cases, totals = report(
        as_of or today, user=user, offset=max(0, offset), limit=max(1, min(limit, DUE_MAX))
    )
    listed, shown = [], []
    for c in cases:
        shown.append(Case(pk=c.pop("id"), reference=c["reference"]))
        listed.append(c)
    if shown:
        audit.record_reads(user, shown, reason="minimum standards due")
    return {**header, "cases": listed, "totals": totals}


@router.get(
    "for-incident/{int:incident_id}",
    response=dict[str, Any],
    summary="The cases an incident belongs to or may join or reopen",
)
@require("cases.view")
def cases_for_incident(request: HttpRequest, incident_id: int) -> dict[str, Any]:
    """As the incident's page shows them: open or closed cases covering it; its victim's open cases
    that do not cover it yet; its victim's cases closed within 90 days before it (to reopen). Only
    cases in your areas; each case listed is written to the access log."""
    user = api_user(request)
    incident = visible_to(user).filter(pk=incident_id).first()
    if incident is None:
        raise HttpError(404, f"No incident has id {incident_id}.")
    panel = selectors.incident_panel(user, incident)["case_links"]

    def brief(c: Case) -> dict[str, Any]:
        return {
            "id": c.pk,
            "reference": c.reference,
            "status": c.status,
            "risk_level": c.risk_level,
            "closed_at": c.closed_at,
        }

    return {
        "incident": incident.reference,
        "covering": [brief(c) for c in panel["covering"]],
        "victims_open": [brief(c) for c in panel["victims_open"]],
        "to_reopen": [brief(c) for c in panel["to_reopen"]],
    }


# ---------------------------------------------------------------------------------------------
# One case


@router.post("", response={201: CaseOut}, summary="Open a case by hand (any level)")
@require("cases.manage")
def cases_create(request: HttpRequest, payload: CaseIn) -> WithStatus[dict[str, Any]]:
    user = api_user(request)
    case = services.open_case(
        user,
        services.CaseInput(
            risk_level=payload.risk_level,
            title=payload.title,
            summary=payload.summary,
            victim_ids=tuple(payload.victim_ids),
            perpetrator_ids=tuple(payload.perpetrator_ids),
            incident_ids=tuple(payload.incident_ids),
            area_id=payload.area_id,
            neighbourhood_id=payload.neighbourhood_id,
            spoc_id=payload.spoc_id,
            supervisor_id=payload.supervisor_id,
            reason=payload.reason,
        ),
    )
    return WithStatus(201, _case(user, case.pk, "opened case"))


@router.get("{int:case_id}", response=CaseOut, summary="A case with its standards, RAG and reasons")
@require("cases.view")
def cases_detail(request: HttpRequest, case_id: int, purpose: str = "") -> dict[str, Any]:
    """The read is logged with `purpose` (else “viewing case”). 404 outside your areas."""
    return _case(api_user(request), case_id, purpose.strip()[:500] or DEFAULT_PURPOSE)


@router.patch("{int:case_id}", response=CaseStateOut, summary="Change the case record")
@require("cases.manage")
def cases_update(request: HttpRequest, case_id: int, payload: CaseUpdateIn) -> dict[str, Any]:
    user = _writer(request, case_id)
    case = services.update_case(
        user,
        case_id,
        payload.version,
        services.CaseUpdate(
            title=payload.title,
            summary=payload.summary,
            spoc_id=payload.spoc_id,
            supervisor_id=payload.supervisor_id,
            neighbourhood_id=payload.neighbourhood_id,
        ),
    )
    return _state(case)


@router.post("{int:case_id}/level", response=CaseStateOut, summary="Change the risk level (with a reason)")
@require("cases.manage")
def cases_level(request: HttpRequest, case_id: int, payload: LevelIn) -> dict[str, Any]:
    user = _writer(request, case_id)
    return _state(
        services.change_risk_level(user, case_id, payload.version, payload.risk_level, payload.reason)
    )


@router.post("{int:case_id}/parties", response={201: PartyOut}, summary="Add a victim or perpetrator")
@require("cases.manage")
def cases_add_party(request: HttpRequest, case_id: int, payload: PartyIn) -> WithStatus[dict[str, Any]]:
    user = _writer(request, case_id)
    p = services.add_party(user, case_id, payload.person_id, payload.role, payload.note)
    return WithStatus(201, _party(p))


@router.patch(
    "{int:case_id}/parties/{int:party_id}",
    response=PartyOut,
    summary="Record whether it is safe to phone a victim and how to contact them safely",
)
@require("cases.manage")
def cases_victim_contact(
    request: HttpRequest, case_id: int, party_id: int, payload: VictimContactIn
) -> dict[str, Any]:
    """For a victim on the case. Answers 200 with the party; 400 when the body is not JSON; 401;
    403 for a role that may not manage cases; 404 when the case is not in your areas; 413 for a body
    too large; 422 naming the field for a party not on the case or not a victim (`party_id`), a
    `safe_to_call` other than "yes", "no" or "" (not asked yet), a `contact_note` over 500
    characters or a field the schema does not name; 429 while throttled. Fields left out stay."""
    user = _writer(request, case_id)
    party = CaseParty.objects.filter(pk=party_id, case_id=case_id).first()
    if party is None:
        raise ValidationFailed.one(f"No party {party_id} on this case.", "party_id")
    p = services.set_victim_contact(
        user,
        case_id,
        party_id,
        safe_to_call=party.safe_to_call if payload.safe_to_call is None else payload.safe_to_call,
        contact_note=party.contact_note if payload.contact_note is None else payload.contact_note,
    )
    return _party(p)


@router.delete("{int:case_id}/parties/{int:party_id}", response={204: None}, summary="Remove a party")
@require("cases.manage")
def cases_remove_party(request: HttpRequest, case_id: int, party_id: int) -> WithStatus[None]:
    user = _writer(request, case_id)
    services.remove_party(user, case_id, party_id)
    return WithStatus(204, None)


@router.post("{int:case_id}/incidents", response={201: dict[str, Any]}, summary="Add an incident")
@require("cases.manage")
def cases_add_incident(
    request: HttpRequest, case_id: int, payload: IncidentLinkIn
) -> WithStatus[dict[str, Any]]:
    user = _writer(request, case_id)
    link = services.add_incident(user, case_id, payload.incident_id)
    return WithStatus(201, {"incident_id": link.incident_id, "reference": link.incident.reference})


@router.get("{int:case_id}/suggestions", response=list[dict[str, Any]], summary="Incidents that may belong")
@require("cases.view")
def cases_suggestions(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    """Later incidents for the same victim, at the same address or within 50 m, not yet linked; for a
    closed case, incidents for its victim within 90 days of closing (why: "reopen")."""
    case = _reader(request, case_id, "suggested incidents")
    if case.status == Case.Status.CLOSED:
        return [
            {"incident_id": i.pk, "reference": i.reference, "received_at": i.received_at, "why": "reopen"}
            for i in selectors.reopen_prompts(case, api_user(request))
        ]
    return [
        {"incident_id": i.pk, "reference": i.reference, "received_at": i.received_at, "why": why}
        for i, why in selectors.linkable_incidents(case)
    ]


@router.post("{int:case_id}/locations", response={201: dict[str, Any]}, summary="Add a location")
@require("cases.manage")
def cases_add_location(
    request: HttpRequest, case_id: int, payload: CaseLocationIn
) -> WithStatus[dict[str, Any]]:
    user = _writer(request, case_id)
    loc = services.add_location(
        user,
        case_id,
        services.LocationInput(
            address=payload.address,
            postcode=payload.postcode,
            lat=payload.lat,
            lon=payload.lon,
            note=payload.note,
        ),
    )
    return WithStatus(
        201,
        {
            "id": loc.pk,
            "address": loc.address,
            "postcode": loc.postcode,
            "lat": loc.lat,
            "lon": loc.lon,
            "neighbourhood": loc.neighbourhood.code if loc.neighbourhood else None,
        },
    )


# ---------------------------------------------------------------------------------------------
# Action plan


def _action(a: Action) -> dict[str, Any]:
    return {
        "id": a.pk,
        "case_id": a.case_id,
        "version": a.version,
        "text": a.text,
        "owner": _user(a.owner),
        "owner_label": a.owner_label,
        "due_on": a.due_on,
        "status": a.status,
        "outcome": a.outcome,
        "source": a.source,
        "completed_at": a.completed_at,
    }


@router.get("{int:case_id}/actions", response=list[ActionOut], summary="The case's action plan")
@require("cases.view")
def actions_list(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    case = _reader(request, case_id, "action plan")
    return [_action(a) for a in case.actions.select_related("owner").order_by("due_on", "id")]


@router.post("{int:case_id}/actions", response={201: ActionOut}, summary="Add an action")
@require("cases.manage")
def actions_create(request: HttpRequest, case_id: int, payload: ActionIn) -> WithStatus[dict[str, Any]]:
    user = _writer(request, case_id)
    a = services.add_action(
        user,
        case_id,
        services.ActionInput(
            text=payload.text,
            owner_id=payload.owner_id,
            owner_label=payload.owner_label,
            due_on=payload.due_on,
        ),
    )
    return WithStatus(201, _action(a))


def _visible_action(user: User, action_id: int) -> Action:
    a = Action.objects.select_related("owner").filter(pk=action_id).first()
    if a is None or not selectors.visible_cases(user).filter(pk=a.case_id).exists():
        raise HttpError(404, f"No action has id {action_id}.")
    return a


@router.get("actions/{int:action_id}", response=ActionOut, summary="One action")
@require("cases.view")
def actions_detail(request: HttpRequest, action_id: int) -> dict[str, Any]:
    user = api_user(request)
    action = _visible_action(user, action_id)
    audit.record_read(user, Case(pk=action.case_id), reason=f"action {action.pk}")
    return _action(action)


@router.patch("actions/{int:action_id}", response=ActionOut, summary="Change or complete an action")
@require("cases.manage")
def actions_update(request: HttpRequest, action_id: int, payload: ActionUpdateIn) -> dict[str, Any]:
    """Send the `version` you loaded: 409, with what changed, if someone saved it since. A done
    action needs its outcome."""
    user = api_user(request)
    _visible_action(user, action_id)
    a = services.update_action(
        user,
        action_id,
        payload.version,
        services.ActionInput(
            text=payload.text,
            owner_id=payload.owner_id,
            owner_label=payload.owner_label,
            due_on=payload.due_on,
            status=payload.status,
            outcome=payload.outcome,
        ),
    )
    return _action(a)


@router.delete("actions/{int:action_id}", response=ActionOut, summary="Cancel an action")
@require("cases.manage")
def actions_cancel(request: HttpRequest, action_id: int, version: int) -> dict[str, Any]:
    """Actions are never deleted (the plan is a record): this cancels it."""
    user = api_user(request)
    _visible_action(user, action_id)
    return _action(services.update_action(user, action_id, version, services.ActionInput(status="cancelled")))


# ---------------------------------------------------------------------------------------------
# Contacts, reviews, closure


def _contact(c: CaseContact) -> dict[str, Any]:
    return {
        "id": c.pk,
        "at": c.at,
        "by": c.by.get_username(),
        "method": c.method,
        "person_id": c.person_id,
        "summary": c.summary,
    }


def _review(r: SupervisoryReview) -> dict[str, Any]:
    return {
        "id": r.pk,
        "tier": r.tier,
        "at": r.at,
        "by": r.by.get_username(),
        "decision": r.decision,
        "due_on": r.due_on,
        "on_time": r.on_time,
        "days_late": r.days_late,
    }


@router.get("{int:case_id}/contacts", response=list[ContactOut], summary="Contacts with the victim")
@require("cases.view")
def contacts_list(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    case = _reader(request, case_id, "contacts with the victim")
    return [_contact(c) for c in case.contacts.select_related("by").order_by("at", "id")]


@router.post("{int:case_id}/contacts", response={201: ContactOut}, summary="Record a contact")
@require("cases.manage")
def contacts_create(request: HttpRequest, case_id: int, payload: ContactIn) -> WithStatus[dict[str, Any]]:
    user = _writer(request, case_id)
    c = services.record_contact(
        user,
        case_id,
        method=payload.method,
        summary=payload.summary,
        at=_aware(payload.at),
        person_id=payload.person_id,
    )
    return WithStatus(201, _contact(c))


@router.get("{int:case_id}/reviews", response=list[SupervisoryReviewOut], summary="Supervisory reviews")
@require("cases.view")
def reviews_list(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    case = _reader(request, case_id, "supervisory reviews")
    return [_review(r) for r in case.reviews.select_related("by").order_by("at", "id")]


@router.post(
    "{int:case_id}/reviews", response={201: SupervisoryReviewOut}, summary="Record a supervisory review"
)
@require("cases.supervise")
def reviews_create(
    request: HttpRequest, case_id: int, payload: SupervisoryReviewIn
) -> WithStatus[dict[str, Any]]:
    user = _writer(request, case_id)
    r = services.record_review(
        user, case_id, tier=payload.tier, decision=payload.decision, at=_aware(payload.at)
    )
    return WithStatus(201, _review(r))


@router.post("{int:case_id}/close", response=CaseStateOut, summary="Close with a supervisor's sign-off")
@require("cases.supervise")
def cases_close(request: HttpRequest, case_id: int, payload: CaseCloseIn) -> dict[str, Any]:
    """You sign it off: give the reason and when and how the victim was told (422 lists every
    problem)."""
    user = _writer(request, case_id)
    case = services.close_case(
        user,
        case_id,
        payload.version,
        services.ClosureInput(
            reason=payload.reason,
            victim_told_on=payload.victim_told_on,
            victim_told_how=payload.victim_told_how,
            note=payload.note,
        ),
    )
    return _state(case)


@router.post("{int:case_id}/reopen", response=CaseStateOut, summary="Reopen a closed case (with a reason)")
@require("cases.manage")
def cases_reopen(request: HttpRequest, case_id: int, payload: ReopenIn) -> dict[str, Any]:
    user = _writer(request, case_id)
    return _state(services.reopen_case(user, case_id, payload.version, payload.reason))
