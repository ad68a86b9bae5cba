"""Every write to cases: opening (from an assessment or by hand), parties, incidents, locations, the
risk level, and the case record itself. Each in a transaction, audited, and each keeps the case's
due dates and base score up to date (see `refresh`).

Action plans, contacts, reviews, closure and standards policies are in `services_plan.py`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max, Min, ProtectedError
from django.utils import timezone

from beacon.cases.models import (
    Case,
    CaseContact,
    CaseIncident,
    CaseLocation,
    CaseParty,
    RiskLevelChange,
    StandardsPolicy,
    SupervisoryReview,
)
from beacon.cases.reference import REOPEN_WINDOW_DAYS
from beacon.cases.standards import DUE_FIELDS, DueInputs, compute_dues, current_policy, weights
from beacon.core import audit
from beacon.core.concurrency import check_version
from beacon.core.errors import PermissionRefused, Problem, ValidationFailed
from beacon.core.models import Area, User
from beacon.geography.models import Neighbourhood
from beacon.incidents.models import Incident
from beacon.people.models import Person
from beacon.people.selectors import open_flags
from beacon.risk.models import LEVEL_ORDER, RiskLevel

if TYPE_CHECKING:
    from beacon.risk.models import Assessment

AUTO_LEVELS = (RiskLevel.MEDIUM.value, RiskLevel.HIGH.value)


# ---------------------------------------------------------------------------------------------
# Keeping a case's derived fields (due dates, repeat/vulnerable, base score) up to date


def victim_ids(case: Case) -> list[int]:
    return list(case.parties.filter(role=CaseParty.Role.VICTIM).values_list("person_id", flat=True))


def refresh(case: Case, policy: StandardsPolicy | None = None) -> None:
    """Recompute due dates, first/last contact, flags and base score from the case's records.
    Sets the fields on `case`; the caller saves."""
    policy = policy or current_policy()
    if case.pk:
        contacts = CaseContact.objects.filter(case=case).aggregate(first=Min("at"), last=Max("at"))
        last_reviews = {
            row["tier"]: row["last"]
            for row in SupervisoryReview.objects.filter(case=case).values("tier").annotate(last=Max("at"))
        }
    else:
        contacts, last_reviews = {"first": None, "last": None}, {}
    case.first_contact_at = contacts["first"]
    case.last_contact_at = contacts["last"]
    dues = compute_dues(
        policy,
        DueInputs(case.risk_level, case.opened_at, case.last_contact_at, last_reviews, case.reopened_at),
    )
    for name in DUE_FIELDS:
        setattr(case, name, dues[name])
    victims = victim_ids(case) if case.pk else []
    repeat = vulnerable = False
    for views in open_flags(victims).values():
        for v in views:
            repeat = repeat or v.kind == "repeat-victim"
            vulnerable = vulnerable or v.kind.startswith("vulnerable")
    if case.pk:
        flagged = Incident.objects.filter(case_links__case=case)
        repeat = repeat or flagged.filter(repeat_victim=True).exists()
        vulnerable = vulnerable or flagged.filter(vulnerable_victim=True).exists()
    case.repeat_victim = repeat
    case.vulnerable_victim = vulnerable
    w = weights(policy)
    case.base_score = (
        int(w["risk"].get(case.risk_level, 0))
        + (int(w["repeat"]) if repeat else 0)
        + (int(w["vulnerable"]) if vulnerable else 0)
    )


def refresh_cases_of(person_id: int) -> int:
    """A person's flags changed: their open cases as victim recompute their repeat and vulnerable
    markers and base score (derived fields only; versions stay). Returns how many changed."""
    changed = 0
    for case in Case.objects.filter(
        status=Case.Status.OPEN, parties__person_id=person_id, parties__role=CaseParty.Role.VICTIM
    ).distinct():
        before = audit.snapshot(case)
        refresh(case)
        if audit.diff(before, audit.snapshot(case)):
            case.updated_at = timezone.now()
            case.save(update_fields=list(DERIVED_FIELDS))
            audit.record_update(None, case, before, reason=f"person {person_id}'s flags changed")
            changed += 1
    return changed


DERIVED_FIELDS = (
    "first_contact_at",
    "last_contact_at",
    *DUE_FIELDS,
    "repeat_victim",
    "vulnerable_victim",
    "base_score",
    "updated_at",
)


def _save(actor: User | None, case: Case, before: dict[str, Any], *, reason: str = "") -> None:
    """Save an edit of the case record itself: a new version (optimistic locking)."""
    refresh(case)
    case.version += 1
    case.updated_at = timezone.now()
    case.save()
    audit.record_update(actor, case, before, reason=reason)


def touch(actor: User | None, case: Case, *, reason: str = "") -> None:
    """After something was added to the case (a party, incident, contact, review, action): keep its
    derived fields (due dates, flags, score) up to date. Additions overwrite nothing, so the case's
    version stays: an editor with the case form open is not refused because a contact was logged."""
    before = audit.snapshot(case)
    refresh(case)
    case.updated_at = timezone.now()
    case.save(update_fields=list(DERIVED_FIELDS))
    audit.record_update(actor, case, before, reason=reason)


def lock(case_id: int) -> Case:
    found = Case.objects.select_for_update().filter(pk=case_id).first()
    if found is None:
        raise ValidationFailed.one(f"No case {case_id}.", "case")
    return found


def _check_area(actor: User, area_id: int | None) -> None:
    if not actor.can_see_area(area_id):
        raise PermissionRefused("This case is outside your areas.")


# ---------------------------------------------------------------------------------------------
# Opening


def _place(
    actor: User, area: Area | None, neighbourhood: Neighbourhood | None, incident: Incident | None
) -> tuple[Area, Neighbourhood | None]:
    if neighbourhood is None and incident is not None:
        neighbourhood = incident.neighbourhood
    if area is None and neighbourhood is not None:
        area = neighbourhood.area
    if area is None and incident is not None and incident.area_id:
        area = incident.area
    if area is None:
        mine = list(actor.areas.all()[:2])
        if len(mine) == 1:
            area = mine[0]
    if area is None:
        raise ValidationFailed.one("Choose the area the case belongs to.", "area")
    return area, neighbourhood


def _new_case(
    actor: User,
    *,
    level: str,
    title: str,
    summary: str,
    area: Area,
    neighbourhood: Neighbourhood | None,
    spoc: User | None,
    supervisor: User | None,
    assessment: Assessment | None,
) -> Case:
    now = timezone.now()
    case = Case(
        reference=f"C-PENDING-{uuid.uuid4().hex[:20]}",  # replaced once the id is known (30 chars max)
        title=title[:200],
        summary=summary,
        risk_level=level,
        area=area,
        neighbourhood=neighbourhood,
        spoc=spoc,
        supervisor=supervisor,
        opened_at=now,
        opened_by=actor,
        opened_from=assessment,
        updated_at=now,
    )
    refresh(case)
    case.save()
    case.reference = f"C-{timezone.localdate(now).year}-{case.pk:06d}"
    case.save(update_fields=["reference"])
    return case


def _link_incident(actor: User | None, case: Case, incident: Incident) -> CaseIncident | None:
    link, created = CaseIncident.objects.get_or_create(
        case=case,
        incident=incident,
        defaults={
            "added_by": actor if actor and actor.pk else None,
            "open_in_area": case.area_id if case.status == Case.Status.OPEN else None,
        },
    )
    if not created:
        return None
    audit.record_create(actor, link)
    return link


def _add_location_from_incident(actor: User | None, case: Case, incident: Incident) -> CaseLocation | None:
    if not (incident.address or incident.postcode or incident.lat is not None):
        return None
    if incident.address_key and case.locations.filter(address_key=incident.address_key).exists():
        return None
    loc = CaseLocation.objects.create(
        case=case,
        address=incident.address,
        postcode=incident.postcode,
        address_key=incident.address_key,
        lat=incident.lat,
        lon=incident.lon,
        neighbourhood=incident.neighbourhood,
        note=f"From incident {incident.reference}",
    )
    audit.record_create(actor, loc)
    return loc


def _add_party(actor: User | None, case: Case, person: Person, role: str, note: str = "") -> CaseParty | None:
    party, created = CaseParty.objects.get_or_create(
        case=case,
        person=person,
        role=role,
        defaults={"note": note, "added_by": actor if actor and actor.pk else None},
    )
    if not created:
        return None
    audit.record_create(actor, party)
    return party


def _history(
    actor: User | None, case: Case, level: str, reason: str, assessment: Assessment | None = None
) -> RiskLevelChange:
    entry = RiskLevelChange.objects.create(
        case=case,
        level=level,
        by=actor if actor and actor.pk else None,
        reason=reason[:500],
        assessment=assessment,
    )
    audit.record_create(actor, entry)
    return entry


def open_case_for_victim(victim: Person | int) -> Case | None:
    person_id = victim.pk if isinstance(victim, Person) else victim
    return (
        Case.objects.filter(
            status=Case.Status.OPEN, parties__person_id=person_id, parties__role=CaseParty.Role.VICTIM
        )
        .order_by("-opened_at", "-id")
        .first()
    )


@transaction.atomic
def open_case_from_assessment(actor: User, assessment: Assessment) -> Case | None:
    """Open a case for a Medium or High assessment (its effective level), or — when the victim
    already has an open case — link the incident to that case and raise its level if this one is
    higher. Standard: no case (None)."""
    level = assessment.effective_level
    if level not in AUTO_LEVELS:
        return None
    # One at a time per victim, so two assessments at once do not open two cases.
    victim = Person.objects.select_for_update().get(pk=assessment.victim_id)
    incident = assessment.incident
    existing = open_case_for_victim(victim)
    if existing is not None:
        case = lock(existing.pk)
        before = audit.snapshot(case)
        if incident is not None and _link_incident(actor, case, incident):
            _add_location_from_incident(actor, case, incident)
        if LEVEL_ORDER[level] > LEVEL_ORDER[case.risk_level]:
            case.risk_level = level
            _history(actor, case, level, f"Assessment {assessment.pk} scored {level}.", assessment)
            _save(actor, case, before, reason=f"assessment {assessment.pk}")
        else:
            touch(actor, case, reason=f"assessment {assessment.pk}")
        return case
    recent = _recently_closed(victim)
    if recent is not None and actor.can_see_area(recent.area_id):
        return _reopen_for_assessment(actor, recent, assessment, level)
    area, neighbourhood = _place(actor, assessment.area, assessment.neighbourhood, incident)
    title = (
        f"{RiskLevel(level).label} risk: {incident.reference}"
        if incident
        else f"{RiskLevel(level).label} risk"
    )
    case = _new_case(
        actor,
        level=level,
        title=title,
        summary="",
        area=area,
        neighbourhood=neighbourhood,
        spoc=actor,
        supervisor=None,
        assessment=assessment,
    )
    _add_party(actor, case, victim, CaseParty.Role.VICTIM)
    if incident is not None:
        _link_incident(actor, case, incident)
        _add_location_from_incident(actor, case, incident)
    _history(actor, case, level, f"Opened from assessment {assessment.pk}.", assessment)
    refresh(case)
    case.save()
    audit.record_create(actor, case, reason=f"assessment {assessment.pk} scored {level}")
    return case


def _recently_closed(victim: Person) -> Case | None:
    """The victim's case closed most recently, if within the reopening window (90 days)."""
    since = timezone.now() - dt.timedelta(days=REOPEN_WINDOW_DAYS)
    return (
        Case.objects.filter(
            status=Case.Status.CLOSED,
            closed_at__gte=since,
            parties__role=CaseParty.Role.VICTIM,
            parties__person=victim,
        )
        .order_by("-closed_at", "-id")
        .first()
    )


def _reopen_for_assessment(actor: User, closed: Case, assessment: Assessment, level: str) -> Case:
    """A Medium or High assessment within 90 days of the victim's case closing reopens that case
    (rather than opening a second one), at the assessment's level, with the incident added."""
    label = RiskLevel(level).label
    reopen_case(
        actor,
        closed.pk,
        None,
        f"Assessment {assessment.pk} scored {label} within {REOPEN_WINDOW_DAYS} days of the case closing.",
    )
    case = lock(closed.pk)
    before = audit.snapshot(case)
    if assessment.incident is not None and _link_incident(actor, case, assessment.incident):
        _add_location_from_incident(actor, case, assessment.incident)
    case.risk_level = level
    _history(actor, case, level, f"Reopened from assessment {assessment.pk}.", assessment)
    _save(actor, case, before, reason=f"assessment {assessment.pk}")
    return case


@dataclass
class CaseInput:
    """What the page and the API give to open a case by hand."""

    risk_level: str
    title: str = ""
    summary: str = ""
    victim_ids: tuple[int, ...] = ()
    perpetrator_ids: tuple[int, ...] = ()
    incident_ids: tuple[int, ...] = ()
    area_id: int | None = None
    neighbourhood_id: int | None = None
    spoc_id: int | None = None
    supervisor_id: int | None = None
    reason: str = ""


def _user(user_id: int | None, field: str, problems: list[Problem]) -> User | None:
    if not user_id:
        return None
    found = User.objects.filter(pk=user_id, is_active=True).first()
    if found is None:
        problems.append(Problem(f"No active user {user_id}.", field))
    return found


@transaction.atomic
def open_case(actor: User, data: CaseInput) -> Case:
    """Open a case by hand (any level, Standard included) from people and/or incidents."""
    problems: list[Problem] = []
    if data.risk_level not in RiskLevel.values:
        problems.append(Problem("Choose the risk level.", "risk_level"))
    if not data.victim_ids and not data.incident_ids:
        problems.append(Problem("Choose the victim or the incident the case is about.", "victim_ids"))
    victims = list(Person.objects.filter(pk__in=data.victim_ids))
    for missing in set(data.victim_ids) - {p.pk for p in victims}:
        problems.append(Problem(f"No person {missing}.", "victim_ids"))
    perps = list(Person.objects.filter(pk__in=data.perpetrator_ids))
    for missing in set(data.perpetrator_ids) - {p.pk for p in perps}:
        problems.append(Problem(f"No person {missing}.", "perpetrator_ids"))
    incidents = list(Incident.objects.filter(pk__in=data.incident_ids).order_by("received_at"))
    for missing in set(data.incident_ids) - {i.pk for i in incidents}:
        problems.append(Problem(f"No incident {missing}.", "incident_ids"))
    area = Area.objects.filter(pk=data.area_id).first() if data.area_id else None
    if data.area_id and area is None:
        problems.append(Problem(f"No area {data.area_id}.", "area_id"))
    nbhd = Neighbourhood.objects.filter(pk=data.neighbourhood_id).first() if data.neighbourhood_id else None
    if data.neighbourhood_id and nbhd is None:
        problems.append(Problem(f"No neighbourhood {data.neighbourhood_id}.", "neighbourhood_id"))
    spoc = _user(data.spoc_id, "spoc_id", problems)
    supervisor = _user(data.supervisor_id, "supervisor_id", problems)
    if problems:
        raise ValidationFailed(problems)
    first_incident = incidents[0] if incidents else None
    area, nbhd = _place(actor, area, nbhd, first_incident)
    _check_area(actor, area.pk)
    if not victims and incidents:  # the linked incidents' victims and callers
        from beacon.incidents.models import IncidentPerson

        ids = set(
            IncidentPerson.objects.filter(
                incident__in=incidents, role__in=(IncidentPerson.Role.VICTIM, IncidentPerson.Role.CALLER)
            ).values_list("record__person_id", flat=True)
        )
        victims = list(Person.objects.filter(pk__in=ids))
    title = data.title.strip() or (
        f"{RiskLevel(data.risk_level).label} risk: {first_incident.reference}"
        if first_incident
        else f"{RiskLevel(data.risk_level).label} risk"
    )
    case = _new_case(
        actor,
        level=data.risk_level,
        title=title,
        summary=data.summary,
        area=area,
        neighbourhood=nbhd,
        spoc=spoc or actor,
        supervisor=supervisor,
        assessment=None,
    )
    for p in victims:
        _add_party(actor, case, p, CaseParty.Role.VICTIM)
    for p in perps:
        _add_party(actor, case, p, CaseParty.Role.PERPETRATOR)
    for inc in incidents:
        _link_incident(actor, case, inc)
        _add_location_from_incident(actor, case, inc)
    _history(actor, case, data.risk_level, data.reason or "Opened by hand.")
    refresh(case)
    case.save()
    audit.record_create(actor, case, reason=data.reason or "opened by hand")
    return case


# ---------------------------------------------------------------------------------------------
# Editing the case record


@dataclass
class CaseUpdate:
    """Fields of the case record a page or the API may change (None: leave as it is)."""

    title: str | None = None
    summary: str | None = None
    spoc_id: int | None = None
    supervisor_id: int | None = None
    neighbourhood_id: int | None = None
    clear_supervisor: bool = False


@transaction.atomic
def update_case(actor: User, case_id: int, expected_version: int | None, data: CaseUpdate) -> Case:
    case = lock(case_id)
    _check_area(actor, case.area_id)
    check_version(case, expected_version, f"Case {case.reference}")
    before = audit.snapshot(case)
    problems: list[Problem] = []
    if data.title is not None:
        if not data.title.strip():
            problems.append(Problem("Give the case a title.", "title"))
        case.title = data.title.strip()[:200]
    if data.summary is not None:
        case.summary = data.summary
    if data.spoc_id is not None:
        spoc = _user(data.spoc_id, "spoc_id", problems)
        if spoc is not None:
            case.spoc = spoc
    if data.clear_supervisor:
        case.supervisor = None
    elif data.supervisor_id is not None:
        sup = _user(data.supervisor_id, "supervisor_id", problems)
        if sup is not None:
            case.supervisor = sup
    if data.neighbourhood_id is not None:
        nbhd = Neighbourhood.objects.filter(pk=data.neighbourhood_id).first()
        if nbhd is None:
            problems.append(Problem(f"No neighbourhood {data.neighbourhood_id}.", "neighbourhood_id"))
        elif nbhd.area_id != case.area_id:
            problems.append(Problem("That neighbourhood is in another area.", "neighbourhood_id"))
        else:
            case.neighbourhood = nbhd
    if problems:
        raise ValidationFailed(problems)
    _save(actor, case, before)
    return case


@transaction.atomic
def follow_assessment_review(actor: User, assessment: Assessment, previous_level: str) -> Case | None:
    """After a supervisor reviewed an assessment: the open case whose level it set follows the
    review. A supervisor who lowered the level lowers the case's level too (with the review's reason
    in the risk history), as long as no later assessment or change has set it since; and a case with
    no supervising officer gets the reviewing supervisor. (Raising is `open_case_from_assessment`.)"""
    latest = (
        RiskLevelChange.objects.filter(
            case__status=Case.Status.OPEN, case__parties__person_id=assessment.victim_id
        )
        .filter(assessment=assessment)
        .values_list("case_id", flat=True)
        .first()
    )
    if latest is None:
        return None
    case = lock(latest)
    before = audit.snapshot(case)
    history = list(case.risk_history.order_by("-at", "-id")[:2])
    level = assessment.effective_level
    changed = False
    if (
        history
        and history[0].assessment_id == assessment.pk
        and LEVEL_ORDER[level] < LEVEL_ORDER[previous_level]
        and case.risk_level == previous_level
    ):
        # Not below the level the case had before this assessment raised it.
        if len(history) > 1 and LEVEL_ORDER[history[1].level] > LEVEL_ORDER[level]:
            level = history[1].level
        if level != case.risk_level:
            case.risk_level = level
            _history(
                actor,
                case,
                level,
                f"Supervisor's review of assessment {assessment.pk}: {assessment.review_reason}",
                assessment,
            )
            changed = True
    if case.supervisor_id is None:
        case.supervisor = actor
        changed = True
    if changed:
        _save(actor, case, before, reason=f"review of assessment {assessment.pk}")
    return case


@transaction.atomic
def change_risk_level(
    actor: User, case_id: int, expected_version: int | None, level: str, reason: str
) -> Case:
    """Change the level (a reason is required); due dates are recomputed under the new level."""
    case = lock(case_id)
    _check_area(actor, case.area_id)
    check_version(case, expected_version, f"Case {case.reference}")
    problems = []
    if level not in RiskLevel.values:
        problems.append(Problem("Choose the risk level.", "risk_level"))
    if not reason.strip():
        problems.append(Problem("Say why the risk level changes.", "reason"))
    if level == case.risk_level:
        problems.append(Problem("That is already the case's risk level.", "risk_level"))
    if case.status != Case.Status.OPEN:
        problems.append(Problem("Reopen the case before changing its risk level.", "risk_level"))
    if problems:
        raise ValidationFailed(problems)
    before = audit.snapshot(case)
    case.risk_level = level
    _history(actor, case, level, reason.strip())
    _save(actor, case, before, reason=reason.strip())
    return case


@transaction.atomic
def add_party(actor: User, case_id: int, person_id: int, role: str, note: str = "") -> CaseParty:
    case = lock(case_id)
    _check_area(actor, case.area_id)
    problems = []
    if role not in CaseParty.Role.values:
        problems.append(Problem("Choose victim or perpetrator.", "role"))
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        problems.append(Problem(f"No person {person_id}.", "person_id"))
    if problems:
        raise ValidationFailed(problems)
    assert person is not None
    party = _add_party(actor, case, person, role, note)
    if party is None:
        raise ValidationFailed.one(f"Person {person_id} is already a {role} on this case.", "person_id")
    touch(actor, case, reason=f"added {role} {person_id}")
    return party


@transaction.atomic
def remove_party(actor: User, case_id: int, party_id: int) -> None:
    case = lock(case_id)
    _check_area(actor, case.area_id)
    party = CaseParty.objects.filter(pk=party_id, case=case).first()
    if party is None:
        raise ValidationFailed.one(f"No party {party_id} on this case.", "party_id")
    if party.role == CaseParty.Role.VICTIM and case.parties.filter(role=CaseParty.Role.VICTIM).count() == 1:
        raise ValidationFailed.one("A case keeps at least one victim.", "party_id")
    audit.record_delete(actor, party)
    try:
        with transaction.atomic():
            party.delete()
    except ProtectedError as exc:
        # Named by a later domain's record (a tool or power's subject): that record keeps them here.
        raise ValidationFailed.one(
            "This person cannot be removed: a record on the case names them (for example a tool or power).",
            "party_id",
        ) from exc
    touch(actor, case, reason=f"removed party {party_id}")


CONTACT_NOTE_MAX = 500


@transaction.atomic
def set_victim_contact(
    actor: User, case_id: int, party_id: int, *, safe_to_call: str, contact_note: str
) -> CaseParty:
    """Record whether it is safe to phone one of the case's victims ("yes", "no", or "" for not
    asked yet) and how to contact them safely. Audited; the case's version stays (it is not the
    case record)."""
    case = lock(case_id)
    _check_area(actor, case.area_id)
    party = CaseParty.objects.filter(pk=party_id, case=case).first()
    if party is None:
        raise ValidationFailed.one(f"No party {party_id} on this case.", "party_id")
    if party.role != CaseParty.Role.VICTIM:
        raise ValidationFailed.one("How to contact someone safely is kept for victims only.", "party_id")
    problems = []
    if safe_to_call not in CaseParty.SafeToCall.values:
        problems.append(
            Problem("Say whether it is safe to phone them: yes, no or not asked yet.", "safe_to_call")
        )
    note = contact_note.strip()
    if len(note) > CONTACT_NOTE_MAX:
        problems.append(
            Problem(f"At most {CONTACT_NOTE_MAX} characters ({len(note)} given).", "contact_note")
        )
    if problems:
        raise ValidationFailed(problems)
    before = audit.snapshot(party)
    party.safe_to_call, party.contact_note = safe_to_call, note
    party.save(update_fields=["safe_to_call", "contact_note"])
    audit.record_update(actor, party, before, reason=f"how to contact the victim on {case.reference}")
    return party


@transaction.atomic
def add_incident(actor: User, case_id: int, incident_id: int) -> CaseIncident:
    case = lock(case_id)
    _check_area(actor, case.area_id)
    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None:
        raise ValidationFailed.one(f"No incident {incident_id}.", "incident_id")
    link = _link_incident(actor, case, incident)
    if link is None:
        raise ValidationFailed.one(f"Incident {incident.reference} is already on this case.", "incident_id")
    _add_location_from_incident(actor, case, incident)
    touch(actor, case, reason=f"added incident {incident.reference}")
    return link


@dataclass
class LocationInput:
    address: str = ""
    postcode: str = ""
    lat: float | None = None
    lon: float | None = None
    note: str = ""


@transaction.atomic
def add_location(actor: User, case_id: int, data: LocationInput) -> CaseLocation:
    from beacon.geography.selectors import resolve_location
    from beacon.people.normalise import PostcodeError, address_key, normalise_postcode

    case = lock(case_id)
    _check_area(actor, case.area_id)
    problems = []
    if not (data.address.strip() or data.postcode.strip() or data.lat is not None):
        problems.append(Problem("Give an address, a postcode or a point.", "address"))
    if (data.lat is None) != (data.lon is None):
        problems.append(Problem("Give both latitude and longitude, or neither.", "lat"))
    postcode = data.postcode.strip()
    if postcode:
        try:
            postcode = normalise_postcode(postcode) or ""
        except PostcodeError:
            problems.append(Problem(f"{postcode} is not a valid UK postcode.", "postcode"))
    if problems:
        raise ValidationFailed(problems)
    where = resolve_location(postcode=postcode, lat=data.lat, lon=data.lon)
    loc = CaseLocation.objects.create(
        case=case,
        address=data.address.strip(),
        postcode=postcode,
        address_key=address_key(data.address) if data.address.strip() else "",
        lat=where.lat if where.lat is not None else data.lat,
        lon=where.lon if where.lon is not None else data.lon,
        neighbourhood=where.neighbourhood,
        note=data.note.strip()[:300],
    )
    audit.record_create(actor, loc)
    touch(actor, case, reason="added location")
    return loc


def today() -> dt.date:
    return timezone.localdate()


# Contacts, reviews, actions, closure and policies: re-exported so callers use one module.
from beacon.cases.services_plan import (  # noqa: E402
    ActionInput,
    ClosureInput,
    add_action,
    close_case,
    closure_problems,
    publish_policy,
    record_contact,
    record_review,
    reopen_case,
    update_action,
)

__all__ = [
    "ActionInput",
    "CaseContact",
    "CaseInput",
    "CaseUpdate",
    "ClosureInput",
    "LocationInput",
    "add_action",
    "add_incident",
    "add_location",
    "add_party",
    "change_risk_level",
    "close_case",
    "closure_problems",
    "open_case",
    "open_case_from_assessment",
    "publish_policy",
    "record_contact",
    "record_review",
    "remove_party",
    "reopen_case",
    "update_action",
    "update_case",
]
