"""Every write to incidents: taking a report, the command-and-control feed, amendments, attendance,
crime recording, closure, the neighbourhood inbox and supervision. Each in a transaction, audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from beacon.core import audit
from beacon.core.concurrency import check_version
from beacon.core.errors import PermissionRefused, Problem, ValidationFailed
from beacon.core.models import User
from beacon.geography.geometry import coordinate_problems
from beacon.geography.selectors import LocationResult, active_priority_names, resolve_location
from beacon.incidents import current
from beacon.incidents.models import (
    FLAG_FIELDS,
    Channel,
    ClosureCode,
    FeedMessage,
    InboxItem,
    Incident,
    IncidentPerson,
    ResponseGrade,
    ScreeningSet,
    SupervisionNote,
    TriageItem,
)
from beacon.incidents.screening import answer_flags, clean_answers, suggest_grade
from beacon.people import services as people_services
from beacon.people.features import RAW_FIELDS, features
from beacon.people.models import Person
from beacon.people.normalise import PostcodeError, address_key, normalise_postcode
from beacon.people.selectors import FlagView, flag_view

VICTIM_ROLES = (IncidentPerson.Role.CALLER, IncidentPerson.Role.VICTIM)


@dataclass
class PersonInput:
    role: str
    details: dict[str, str] = field(
        default_factory=dict
    )  # forename, surname, dob, phone, email, address, postcode
    person_id: int | None = None  # the person the handler picked from the live check


@dataclass
class IncidentInput:
    """What a report says, as the web form, the API and imports give it (codes, not objects)."""

    channel: str
    description: str = ""
    received_at: dt.datetime | None = None
    occurred_at: dt.datetime | None = None
    attended_at: dt.datetime | None = None
    postcode: str = ""
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    is_asb: bool = True
    asb_category: str = ""
    type_heading: str = ""
    other_category: str = ""
    answers: dict[str, Any] = field(default_factory=dict)
    screening_version: int | None = None
    people: list[PersonInput] = field(default_factory=list)
    response_grade: str = ""
    grade_override_reason: str = ""
    crime_reference: str = ""
    no_crime_reason: str = ""
    source_system: str = ""
    source_id: str = ""


def _ref(
    config: current.Configuration,
    key: str,
    code: str,
    problems: list[Problem],
    *,
    label: str,
    historic: bool,
) -> Any:
    """The reference item with this code; historic imports may also use retired (inactive) items."""
    if not code:
        return None
    found = config.item(key, code, historic=historic)
    if found is None:
        problems.append(Problem(f"{code!r} is not a known {label}.", key))
    return found


def _codes(data: IncidentInput) -> dict[str, str]:
    return {key: getattr(data, key) for key in current.LISTS}


def _validate(
    data: IncidentInput, config: current.Configuration | None = None
) -> tuple[dict[str, Any], list[Problem]]:
    """The reference items the report names and every problem with it. `config`: the configuration
    already read for this report (else it is read here)."""
    problems: list[Problem] = []
    old = data.channel == Channel.HISTORIC
    if config is None:
        config = current.read(_codes(data))
    if data.channel not in Channel.values:
        problems.append(Problem(f"Channel must be one of {', '.join(Channel.values)}.", "channel"))
    labels = {
        "asb_category": "ASB category",
        "type_heading": "type heading",
        "other_category": "incident category",
        "response_grade": "response grade",
    }
    refs = {
        key: _ref(config, key, getattr(data, key), problems, label=label, historic=old)
        for key, label in labels.items()
    }
    if data.is_asb:
        if not data.asb_category:
            problems.append(Problem("Choose the ASB category.", "asb_category"))
        if not data.type_heading:
            problems.append(Problem("Choose the type of ASB.", "type_heading"))
    elif not data.other_category:
        problems.append(Problem("Choose the incident category.", "other_category"))
    now = timezone.now()
    if data.received_at and data.received_at > now + dt.timedelta(minutes=5):
        problems.append(Problem("The time received cannot be in the future.", "received_at"))
    if data.occurred_at and data.occurred_at > (data.received_at or now) + dt.timedelta(minutes=5):
        problems.append(Problem("It cannot have happened after it was reported.", "occurred_at"))
    for name, label in (("received_at", "time received"), ("occurred_at", "time it happened")):
        when = getattr(data, name)
        if when is not None and _too_early(when):
            problems.append(Problem(f"The {label} cannot be before {EARLIEST.year}.", name))
    if data.attended_at is not None:
        problems += attendance_problems(data.attended_at, data.received_at or now, now=now)
    problems += _too_wide(data)
    if data.postcode.strip() and not old:
        try:
            normalise_postcode(data.postcode)
        except PostcodeError:
            problems.append(Problem(f"{data.postcode.strip()} is not a valid UK postcode.", "postcode"))
    if (data.lat is None) != (data.lon is None):
        problems.append(Problem("Give both latitude and longitude, or neither.", "lat"))
    elif data.lat is not None and data.lon is not None:
        # An impossible point is refused, never saved "not placed" (which would notify no team).
        hint = " Correct it, or clear both and give the postcode or address."
        off_earth = coordinate_problems(data.lat, data.lon)
        problems += [Problem(p.message + "." + hint, p.field) for p in off_earth]
    if data.crime_reference and data.no_crime_reason:
        problems.append(Problem("Give a crime reference or a reason, not both.", "no_crime_reason"))
    roles = set(IncidentPerson.Role.values)
    for i, p in enumerate(data.people):
        if p.role not in roles:
            problems.append(Problem(f"Role must be one of {', '.join(roles)}.", f"people[{i}].role"))
        if p.person_id is None and not any(str(p.details.get(k) or "").strip() for k in RAW_FIELDS):
            problems.append(Problem("Give at least one detail of this person.", f"people[{i}]"))
        try:  # unusable details (a foreign phone number, an impossible date of birth) with the rest
            features(p.details, strict=True)
        except ValidationFailed as exc:
            problems.extend(Problem(x.message, f"people[{i}].{x.field}".rstrip(".")) for x in exc.problems)
    if data.source_id and not data.source_system:
        problems.append(Problem("Give the source system with its incident number.", "source_system"))
    return refs, problems


# The earliest time an incident can have been received or have happened: a feed's year 1 is an
# error, not history (and cannot be stored in every time zone).
EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
# What a report gives that is stored as text in a column of fixed width: longer is refused, naming
# the field (the widths are the Incident model's). Source ids are kept exactly as sent.
SIZED = ("postcode", "address", "crime_reference", "no_crime_reason", "grade_override_reason")
SIZED_AS_SENT = ("source_system", "source_id")


# A time attended may be up to this far ahead of the server's clock (a device's clock a little fast).
ATTENDANCE_SKEW = dt.timedelta(minutes=1)


def attendance_problems(
    attended_at: dt.datetime | None, received_at: dt.datetime, *, now: dt.datetime | None = None
) -> list[Problem]:
    """What is wrong with a time attended for an incident received at `received_at`: none given,
    before the incident was received, or in the future (beyond a minute of clock skew). Each
    problem names `attended_at`."""
    if attended_at is None:
        return [Problem("Enter the date and time the incident was attended.", "attended_at")]
    attended_at, received_at = in_london(attended_at), in_london(received_at)
    now = now or timezone.now()
    if attended_at > now + ATTENDANCE_SKEW:
        return [Problem("The time attended cannot be in the future.", "attended_at")]
    if attended_at < received_at:
        received = f"{timezone.localtime(received_at):%-d %B %Y %H:%M}"
        message = f"The time attended cannot be before the incident was received ({received})."
        return [Problem(message, "attended_at")]
    return []


def in_london(when: dt.datetime) -> dt.datetime:
    """A time without an offset is London time (the project's time zone), as the form's and the API's."""
    return timezone.make_aware(when) if timezone.is_naive(when) else when


def _judge_response(incident: Incident) -> None:
    """Set whether the incident's response met its grade's target: True when it was attended within
    the grade's target minutes of being received (exactly on the target is within it), False when
    later, None when it has not been attended or has no grade. The one place this is decided:
    called wherever the time attended or the grade is set."""
    grade = incident.response_grade
    if incident.attended_at is None or grade is None:
        incident.response_met = None
        return
    taken = in_london(incident.attended_at) - in_london(incident.received_at)
    incident.response_met = taken <= dt.timedelta(minutes=grade.target_minutes)


def width(name: str) -> int:
    """The width of one of the Incident model's text columns."""
    return int(getattr(Incident._meta.get_field(name), "max_length", 0) or 0)


def _too_early(when: dt.datetime) -> bool:
    if timezone.is_naive(when):
        return when < EARLIEST.replace(tzinfo=None)
    return when < EARLIEST


def _too_wide(data: IncidentInput) -> list[Problem]:
    problems = []
    for name in (*SIZED, *SIZED_AS_SENT):
        value = str(getattr(data, name) or "")
        length = len(value) if name in SIZED_AS_SENT else len(value.strip())
        limit = width(name)
        if length > limit:
            problems.append(Problem(f"At most {limit} characters ({length} given).", name))
    return problems


def _address_key(address: str) -> str:
    """The incident's address key, cut to its column's width."""
    if not address.strip():
        return ""
    return address_key(address)[: width("address_key")]


def _screening(version: int | None, config: current.Configuration) -> ScreeningSet:
    found = config.screening  # the version asked for, else the newest
    if found is None:
        raise ValidationFailed.one(f"No screening question set version {version}.", "screening_version")
    return found


def _add_people(
    actor: User | None, incident: Incident, people: list[PersonInput]
) -> tuple[dict[str, str], list[IncidentPerson]]:
    """Record each person's details against the person index (matching included) and return the
    flags their records carry ({flag: reason}) and the incident's people as saved."""
    flags: dict[str, str] = {}
    problems: list[Problem] = []
    added: list[tuple[str, people_services.ContactAdded]] = []
    for i, p in enumerate(people):
        chosen = Person.objects.filter(pk=p.person_id).first() if p.person_id else None
        if p.person_id and chosen is None:
            problems.append(Problem(f"No person {p.person_id}.", f"people[{i}].person_id"))
            continue
        try:
            done = people_services.record_contact(
                actor,
                p.details,
                source="incident",
                source_ref=incident.reference,
                contacted_at=incident.received_at,
                person=chosen,
            )
        except ValidationFailed as exc:
            problems.extend(Problem(x.message, f"people[{i}].{x.field}".rstrip(".")) for x in exc.problems)
            continue
        added.append((p.role, done))
    if problems:
        raise ValidationFailed(problems)
    links = IncidentPerson.objects.bulk_create(
        [IncidentPerson(incident=incident, role=role, record=done.record) for role, done in added]
    )
    victims = [done.record.person_id for role, done in added if role in VICTIM_ROLES]
    for person_id, views in _victims_flags(victims, [done for _role, done in added]).items():
        for view in views:
            if view.kind == "repeat-victim":
                flags.setdefault("repeat_victim", f"person {person_id}: {view.reason}")
            elif view.kind.startswith("vulnerable"):
                flags.setdefault("vulnerable_victim", f"person {person_id}: {view.label} ({view.reason})")
    return flags, links


def _victims_flags(
    victims: list[int], added: list[people_services.ContactAdded]
) -> dict[int, list[FlagView]]:
    """The open flags of each victim's person, in the victims' order: as recording the person's
    last contact of this report left them (nothing else changes a person's flags meanwhile)."""
    latest = {a.record.person_id: a for a in added}
    return {p: [flag_view(f) for f in latest[p].flags] for p in dict.fromkeys(victims)}


def _pending_reference() -> str:
    return f"pending-{uuid.uuid4().hex[:22]}"  # unique and within the 30 characters


def unsaved_incident(
    data: IncidentInput,
    refs: dict[str, Any],
    place: LocationResult,
    screening: ScreeningSet,
    answers: dict[str, str],
    *,
    actor: User | None,
    received: dt.datetime,
    reference: str,
) -> Incident:
    """The incident a validated report describes, placed but not yet saved, flagged or graded (the
    one constructor for reports and for imports)."""
    crime_ref, no_crime = data.crime_reference.strip(), data.no_crime_reason.strip()
    return Incident(
        reference=reference,
        channel=data.channel,
        received_at=received,
        occurred_at=data.occurred_at,
        attended_at=data.attended_at,
        postcode=data.postcode.strip().upper(),
        address=data.address.strip(),
        address_key=_address_key(data.address),
        lat=place.lat,
        lon=place.lon,
        neighbourhood=place.neighbourhood,
        area=place.area,
        location_problem=place.problem[: width("location_problem")],
        is_asb=data.is_asb,
        asb_category=refs["asb_category"] if data.is_asb else None,
        type_heading=refs["type_heading"] if data.is_asb else None,
        other_category=None if data.is_asb else refs["other_category"],
        description=data.description.strip(),
        screening_set=screening,
        answers=answers,
        crime_reference=crime_ref,
        no_crime_reason=no_crime,
        crime_recorded=True if crime_ref else (False if no_crime else None),
        source_system=data.source_system,
        source_id=data.source_id,
        created_by=actor,
    )


def _reserve_id(incident: Incident) -> bool:
    """On PostgreSQL, give the unsaved incident the next id of its table's sequence, so that its
    reference can be made (its people's contact records carry it) before it is written, and it is
    written once, complete, at the end; the foreign keys to it are checked at commit. Elsewhere
    (SQLite) False: it is inserted at once with a pending reference and completed by an update."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cur:
        cur.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Incident._meta.db_table])
        incident.pk = cur.fetchone()[0]
    return True


def _next_reference(incident: Incident) -> str:
    return f"INC-{timezone.localtime(incident.received_at):%Y%m%d}-{incident.pk:07d}"


@dataclass
class Taken:
    incident: Incident
    people: list[IncidentPerson]  # as saved, in order, each with its contact record


def create_incident(
    actor: User | None, data: IncidentInput, *, source: str | None = None, notify_team: bool = True
) -> Incident:
    """Take a report: validate everything, place it, screen it, match its people, flag and grade it,
    and put it in its neighbourhood team's inbox. All or nothing; every problem reported at once.
    Imports of historic or already closed incidents pass `notify_team=False`: no inbox item."""
    return take_report(actor, data, source=source, notify_team=notify_team).incident


@transaction.atomic
def take_report(
    actor: User | None, data: IncidentInput, *, source: str | None = None, notify_team: bool = True
) -> Taken:
    """`create_incident`, returning the incident's people too (what the API answers with)."""
    config = current.read(_codes(data), screening_version=data.screening_version)
    refs, problems = _validate(data, config)
    screening = _screening(data.screening_version, config)
    answers, answer_problems = clean_answers(screening.questions, data.answers)
    problems += answer_problems
    if problems:
        raise ValidationFailed(problems)
    received = data.received_at or timezone.now()
    place = resolve_location(
        postcode=data.postcode or None, address=data.address or None, lat=data.lat, lon=data.lon
    )
    incident = unsaved_incident(
        data, refs, place, screening, answers, actor=actor, received=received, reference=_pending_reference()
    )
    with audit.batched():  # the contact records', any flag's and the incident's entries in one insert
        written_once = _reserve_id(incident)
        if not written_once:
            incident.save()
        incident.reference = _next_reference(incident)
        flags = answer_flags(screening.questions, answers)
        people_flags, links = _add_people(actor, incident, data.people)
        flags.update({k: v for k, v in people_flags.items() if k not in flags})
        _apply_flags(incident, flags, at=received)
        _grade(incident, refs["response_grade"], data.grade_override_reason, config)
        _judge_response(incident)
        notify = notify_team and incident.is_asb and incident.neighbourhood_id is not None
        if notify:
            incident.notified_team = incident.neighbourhood
        if written_once:
            incident.save(force_insert=True)
        else:
            incident.save(update_fields=SET_AFTER_INSERT)
        with audit.audit_source(source or audit.current_source()):
            audit.record_create(actor, incident)
    if notify and incident.neighbourhood_id is not None:
        InboxItem.objects.create(incident=incident, neighbourhood_id=incident.neighbourhood_id)
    elif notify_team and needs_triage(incident):
        _to_triage(incident)
    return Taken(incident, links)


def needs_triage(incident: Incident) -> bool:
    """An open ASB incident that no neighbourhood team was told of because it could not be placed."""
    return (
        incident.is_asb
        and incident.status == Incident.Status.OPEN
        and incident.neighbourhood_id is None
        and incident.channel != Channel.HISTORIC
    )


def triage_reason(incident: Incident) -> str:
    reason = incident.location_problem or "It could not be placed in a neighbourhood."
    return reason[:200]  # TriageItem.reason's width


def _to_triage(incident: Incident) -> None:
    TriageItem.objects.get_or_create(incident=incident, defaults={"reason": triage_reason(incident)})


# What create_incident sets once the incident has its id (the rest is written by the insert).
SET_AFTER_INSERT = [
    "reference",
    *FLAG_FIELDS,
    "flag_reasons",
    "priority_names",
    "grading_rules",
    "suggested_grade",
    "response_grade",
    "grade_override_reason",
    "response_met",
    "notified_team",
]


def _apply_flags(incident: Incident, flags: dict[str, str], *, at: dt.datetime) -> None:
    if incident.lat is not None and incident.lon is not None:
        names = active_priority_names(incident.lat, incident.lon, at)
        incident.priority_names = names
        if names:
            flags["local_priority"] = "inside " + "; ".join(names)
    crime_hint = (incident.type_heading and incident.type_heading.suggests_crime) or (
        incident.other_category and incident.other_category.notifiable_crime
    )
    if crime_hint and "crime_disclosed" not in flags:
        kind = incident.type_heading or incident.other_category
        flags["crime_disclosed"] = f"{kind} is usually a notifiable crime"
    for name in ("repeat_victim", "vulnerable_victim", "local_priority", "crime_disclosed", "hate_related"):
        setattr(incident, name, name in flags)
    incident.flag_reasons = flags


def _grade(
    incident: Incident, chosen: ResponseGrade | None, override_reason: str, config: current.Configuration
) -> None:
    rules = config.rules
    if rules is None:
        return
    suggestion = suggest_grade(
        rules.rules,
        rules.default_grade,
        answers=incident.answers,
        flags=incident.flags,
        channel=incident.channel,
    )
    suggested = config.grades.get(suggestion.grade)
    incident.grading_rules = rules
    incident.suggested_grade = suggested
    incident.response_grade = chosen or suggested
    if chosen is not None and suggested is not None and chosen.pk != suggested.pk:
        if not override_reason.strip():
            raise ValidationFailed.one(
                f"Say why the grade differs from the suggested {suggested.label} ({suggestion.because}).",
                "grade_override_reason",
            )
        incident.grade_override_reason = override_reason.strip()
    incident.flag_reasons = {**incident.flag_reasons, "_grade": suggestion.because}


# ---------------------------------------------------------------- the command-and-control feed


def payload_hash(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class FeedOutcome:
    incident: Incident
    outcome: str  # created | updated | unchanged
    people: list[IncidentPerson] | None = None  # when created: its people as saved


def ingest(actor: User | None, data: IncidentInput, payload: dict[str, Any]) -> FeedOutcome:
    """Create or amend the incident for (source_system, source_id). Replays change nothing and
    return the same incident; an amended message updates it, keeping the history in the audit trail."""
    if not data.source_system or not data.source_id:
        raise ValidationFailed(
            [Problem("Required by the feed.", "source_system"), Problem("Required by the feed.", "source_id")]
        )
    digest = payload_hash(payload)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return _ingest_once(actor, data, digest)
        except IntegrityError:
            # A concurrent delivery of the same message created it first: read it on the next pass.
            continue
    raise ValidationFailed.one("The same incident is being delivered concurrently; retry.", "source_id")


def _ingest_once(actor: User | None, data: IncidentInput, digest: str) -> FeedOutcome:
    existing = (
        Incident.objects.select_for_update()
        .filter(source_system=data.source_system, source_id=data.source_id)
        .first()
    )
    people = None
    if existing is None:
        taken = take_report(actor, data, source=f"feed {data.source_system}")
        incident, people = taken.incident, taken.people
        incident.source_hash = digest
        incident.save(update_fields=["source_hash"])
        outcome = "created"
    elif existing.source_hash == digest:
        incident, outcome = existing, "unchanged"
    else:
        incident = _amend_from_feed(actor, existing, data, digest)
        outcome = "updated"
    FeedMessage.objects.create(
        source_system=data.source_system,
        source_id=data.source_id,
        payload_hash=digest,
        outcome=outcome,
        incident=incident,
    )
    return FeedOutcome(incident, outcome, people)


AMENDABLE = (
    "description",
    "occurred_at",
    "attended_at",
    "postcode",
    "address",
    "lat",
    "lon",
    "crime_reference",
    "no_crime_reason",
)


def _amend_from_feed(actor: User | None, incident: Incident, data: IncidentInput, digest: str) -> Incident:
    """An amended source record: update what the source owns, re-place and re-flag, keep history."""
    refs, problems = _validate(data)
    if data.attended_at is not None and not any(p.field == "attended_at" for p in problems):
        # Against the time the incident was received, as first recorded (a message cannot move it).
        problems += attendance_problems(data.attended_at, incident.received_at)
    if problems:
        raise ValidationFailed(problems)
    before = audit.snapshot(incident)
    incident.description = data.description.strip()
    incident.occurred_at = data.occurred_at
    if data.attended_at is not None:
        # The source's time attended replaces Beacon's; a message without one keeps what is recorded
        # (an officer may have recorded it in Beacon).
        incident.attended_at = in_london(data.attended_at)
        _judge_response(incident)
    if refs["asb_category"] or refs["type_heading"] or refs["other_category"]:
        incident.is_asb = data.is_asb
        incident.asb_category = refs["asb_category"] if data.is_asb else None
        incident.type_heading = refs["type_heading"] if data.is_asb else None
        incident.other_category = None if data.is_asb else refs["other_category"]
    if (data.postcode, data.address, data.lat, data.lon) != (
        incident.postcode,
        incident.address,
        incident.lat,
        incident.lon,
    ):
        _set_location(incident, data.postcode, data.address, data.lat, data.lon)
    if data.crime_reference.strip():
        incident.crime_reference, incident.crime_recorded = data.crime_reference.strip(), True
    kept = {k: v for k, v in incident.flag_reasons.items() if k in ("repeat_victim", "vulnerable_victim")}
    kept.update(
        answer_flags(incident.screening_set.questions if incident.screening_set else [], incident.answers)
    )
    _apply_flags(incident, kept, at=incident.received_at)
    incident.source_hash = digest
    incident.version += 1
    incident.updated_at = timezone.now()
    incident.save()
    audit.record_update(actor, incident, before, reason="amended by the source system")
    if incident.is_asb and incident.neighbourhood_id and not hasattr(incident, "inbox_item"):
        incident.notified_team = incident.neighbourhood
        incident.save(update_fields=["notified_team"])
        InboxItem.objects.create(incident=incident, neighbourhood_id=incident.neighbourhood_id)
        _resolve_triage(actor, incident, TriageItem.Outcome.PLACED, "placed by the source system's amendment")
    elif needs_triage(incident):
        _to_triage(incident)
    return incident


def _set_location(
    incident: Incident, postcode: str, address: str, lat: float | None, lon: float | None
) -> LocationResult:
    """Give the incident this location as given, and where it resolves to (or why it does not)."""
    place = resolve_location(postcode=postcode or None, address=address or None, lat=lat, lon=lon)
    incident.postcode, incident.address = postcode.strip().upper(), address.strip()
    incident.address_key = _address_key(address)
    incident.lat, incident.lon = place.lat, place.lon
    incident.neighbourhood, incident.area, incident.location_problem = (
        place.neighbourhood,
        place.area,
        place.problem[: width("location_problem")],
    )
    return place


# ---------------------------------------------------------------- after the call


def _locked(incident: Incident, version: int) -> Incident:
    current = Incident.objects.select_for_update().get(pk=incident.pk)
    check_version(current, version, current.reference)
    return current


@transaction.atomic
def record_crime_decision(
    actor: User, incident: Incident, *, version: int, crime_reference: str = "", no_crime_reason: str = ""
) -> Incident:
    ref, reason = crime_reference.strip(), no_crime_reason.strip()
    if bool(ref) == bool(reason):
        raise ValidationFailed.one(
            "Give a crime reference, or the reason no crime was recorded.", "crime_reference"
        )
    for name, value in (("crime_reference", ref), ("no_crime_reason", reason)):
        if len(value) > width(name):
            raise ValidationFailed.one(f"At most {width(name)} characters ({len(value)} given).", name)
    current = _locked(incident, version)
    before = audit.snapshot(current)
    current.crime_reference, current.no_crime_reason = ref, reason
    current.crime_recorded = bool(ref)
    current.version += 1
    current.updated_at = timezone.now()
    current.save()
    audit.record_update(actor, current, before)
    return current


@transaction.atomic
def record_attendance(
    actor: User, incident: Incident, *, version: int, attended_at: dt.datetime | None
) -> Incident:
    """Record when the incident was attended, and so whether its response grade's target was met.
    Refused, naming `attended_at`, without a time, before the incident was received or in the
    future; a correction is a new recording (audited). Recording the same time again changes
    nothing (no new version)."""
    current = _locked(incident, version)
    problems = attendance_problems(attended_at, current.received_at)
    if problems:
        raise ValidationFailed(problems)
    assert attended_at is not None
    attended_at = in_london(attended_at)
    if current.attended_at == attended_at:
        return current
    before = audit.snapshot(current)
    current.attended_at = attended_at
    _judge_response(current)
    current.version += 1
    current.updated_at = timezone.now()
    current.save()
    audit.record_update(actor, current, before)
    return current


@transaction.atomic
def close_incident(
    actor: User, incident: Incident, *, version: int, closure_code: str, note: str
) -> Incident:
    problems: list[Problem] = []
    code = ClosureCode.objects.filter(code=closure_code, active=True).first()
    if code is None:
        problems.append(Problem("Choose a closure code.", "closure_code"))
    if not note.strip():
        problems.append(Problem("Write a closing note.", "closing_note"))
    if problems:
        raise ValidationFailed(problems)
    current = _locked(incident, version)
    if current.status == Incident.Status.CLOSED:
        raise ValidationFailed.one(f"{current.reference} is already closed.", "")
    before = audit.snapshot(current)
    current.status = Incident.Status.CLOSED
    current.closure_code = code
    current.closing_note = note.strip()
    current.closed_at = timezone.now()
    current.version += 1
    current.updated_at = current.closed_at
    current.save()
    audit.record_update(actor, current, before)
    return current


@transaction.atomic
def acknowledge(actor: User, item: InboxItem) -> InboxItem:
    if not actor.can_see_area(item.neighbourhood.area_id):
        raise PermissionRefused("This incident is not in your area.")
    current = InboxItem.objects.select_for_update().get(pk=item.pk)
    if current.acknowledged_at is not None:
        return current  # acknowledging twice is harmless: the first stands
    before = {"acknowledged_at": None, "acknowledged_by_id": None}
    current.acknowledged_at = timezone.now()
    current.acknowledged_by = actor
    current.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit.record_update(actor, current, before)
    return current


@transaction.atomic
def add_supervision(actor: User, incident: Incident, note: str) -> SupervisionNote:
    if not note.strip():
        raise ValidationFailed.one("Write the supervisory note.", "note")
    sup = SupervisionNote.objects.create(incident=incident, author=actor, note=note.strip())
    Incident.objects.filter(pk=incident.pk).update(last_supervised_at=sup.at)
    audit.record_create(actor, sup)
    return sup


# ---------------------------------------------------------------- the force's triage inbox


def _resolve_triage(actor: User | None, incident: Incident, outcome: str, note: str) -> None:
    item = TriageItem.objects.select_for_update().filter(incident=incident, resolved_at__isnull=True).first()
    if item is None:
        return
    before = {"resolved_at": None, "resolved_by_id": None, "outcome": "", "note": ""}
    item.resolved_at, item.resolved_by, item.outcome, item.note = timezone.now(), actor, outcome, note
    item.save(update_fields=["resolved_at", "resolved_by", "outcome", "note"])
    audit.record_update(actor, item, before)


def _triage_item(actor: User, item: TriageItem) -> TriageItem:
    if not actor.can("incidents.triage"):
        raise PermissionRefused("Your role does not triage incidents.")
    current = TriageItem.objects.select_for_update().select_related("incident").get(pk=item.pk)
    if current.resolved_at is not None:
        raise ValidationFailed.one("Someone has already dealt with this incident in triage.", "version")
    return current


@transaction.atomic
def place_from_triage(
    actor: User,
    item: TriageItem,
    *,
    version: int,
    postcode: str = "",
    address: str = "",
    lat: float | None = None,
    lon: float | None = None,
) -> Incident:
    """Place an incident waiting in triage: the location is checked as at the call, the incident
    saved with it (audited), its neighbourhood team told (its inbox), the triage item closed.
    Refused, with every problem, when the location still places it in no neighbourhood."""
    current = _triage_item(actor, item)
    problems: list[Problem] = []
    if postcode.strip():
        try:
            normalise_postcode(postcode)
        except PostcodeError:
            problems.append(Problem(f"{postcode.strip()} is not a valid UK postcode.", "postcode"))
    if (lat is None) != (lon is None):
        problems.append(Problem("Give both latitude and longitude, or neither.", "lat"))
    elif lat is not None and lon is not None:
        problems += [Problem(p.message + ".", p.field) for p in coordinate_problems(lat, lon)]
    if not (postcode.strip() or address.strip() or lat is not None):
        problems.append(Problem("Give a postcode, an address or a map point.", "postcode"))
    if len(address.strip()) > width("address"):
        problems.append(Problem(f"The address can be at most {width('address')} characters.", "address"))
    if problems:
        raise ValidationFailed(problems)
    incident = _locked(current.incident, version)
    before = audit.snapshot(incident)
    place = _set_location(incident, postcode, address, lat, lon)
    if place.neighbourhood is None:
        raise ValidationFailed.one(f"Still not placed in a neighbourhood: {place.problem}.", "postcode")
    incident.notified_team = incident.neighbourhood
    incident.version += 1
    incident.updated_at = timezone.now()
    incident.save()
    audit.record_update(actor, incident, before, reason="placed from the triage inbox")
    InboxItem.objects.get_or_create(incident=incident, defaults={"neighbourhood": place.neighbourhood})
    _resolve_triage(actor, incident, TriageItem.Outcome.PLACED, f"placed in {place.neighbourhood}")
    return incident


@transaction.atomic
def no_team_from_triage(actor: User, item: TriageItem, *, note: str) -> TriageItem:
    """Record why no neighbourhood team takes an incident in triage (another force's area, dealt
    with by the control room): it leaves the triage inbox with that reason, audited."""
    current = _triage_item(actor, item)
    if not note.strip():
        raise ValidationFailed.one("Say why no neighbourhood team takes it.", "note")
    if len(note.strip()) > 500:
        raise ValidationFailed.one("The reason can be at most 500 characters.", "note")
    _resolve_triage(actor, current.incident, TriageItem.Outcome.NO_TEAM, note.strip())
    current.refresh_from_db()
    return current
