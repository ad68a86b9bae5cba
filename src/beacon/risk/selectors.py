"""Reads of risk data: instruments and their versions, where an incident happened as scoring sees
it, assessments (every read of one is written to the access log), a victim's history, the
supervisor's lists (awaiting review, assessments due) and what the person lookup shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from beacon.core import audit
from beacon.core.errors import ValidationFailed
from beacon.core.models import User
from beacon.geography.models import Neighbourhood
from beacon.geography.selectors import active_priorities, resolve_location
from beacon.incidents.models import Channel, Incident, IncidentPerson
from beacon.people.models import ContactRecord
from beacon.people.selectors import known_as
from beacon.risk.models import Assessment, Instrument, InstrumentVersion, RiskLevel, RiskSettings
from beacon.risk.scoring import NOWHERE, LocationContext

VICTIM_ROLES = (IncidentPerson.Role.CALLER.value, IncidentPerson.Role.VICTIM.value)
ASSESSMENT_RELATED = (
    "instrument_version__instrument",
    "incident",
    "neighbourhood",
    "area",
    "completed_by",
    "reviewed_by",
)

# ---------------------------------------------------------------------------------------------
# Instruments and versions


def instruments() -> QuerySet[Instrument]:
    return Instrument.objects.prefetch_related("versions").order_by("-is_example", "title")


def instrument_named(name: str) -> Instrument:
    found = Instrument.objects.filter(name=name.strip()).first()
    if found is None:
        raise ValidationFailed.one(f"There is no instrument named {name.strip()!r}.", "instrument")
    return found


def published_version(instrument: Instrument) -> InstrumentVersion | None:
    return (
        InstrumentVersion.objects.select_related("instrument")
        .filter(instrument=instrument, status=InstrumentVersion.Status.PUBLISHED)
        .first()
    )


def draft_version(instrument: Instrument) -> InstrumentVersion | None:
    return InstrumentVersion.objects.filter(
        instrument=instrument, status=InstrumentVersion.Status.DRAFT
    ).first()


def version_of(instrument: Instrument, number: int) -> InstrumentVersion:
    found = InstrumentVersion.objects.select_related("instrument").filter(
        instrument=instrument, version=number
    )
    version = found.first()
    if version is None:
        raise ValidationFailed.one(f"{instrument.name} has no version {number}.", "instrument")
    return version


def resolve_version(spec: str) -> InstrumentVersion:
    """`NAME` (its published version) or `NAME@VERSION` (that version, whatever its status)."""
    name, at, number = spec.strip().partition("@")
    instrument = instrument_named(name)
    if at:
        if not number.strip().isdigit():
            raise ValidationFailed.one(f"{number!r} is not a version number.", "instrument")
        return version_of(instrument, int(number))
    version = published_version(instrument)
    if version is None:
        raise ValidationFailed.one(f"{instrument.name} has no published version yet.", "instrument")
    return version


def instrument_in_use() -> Instrument | None:
    """The instrument new assessments use: the one the risk settings choose, else the force's own
    (newest first) over the example, among those with a published version."""
    chosen = RiskSettings.current().instrument
    if chosen is not None and published_version(chosen) is not None:
        return chosen
    with_published = Instrument.objects.filter(versions__status=InstrumentVersion.Status.PUBLISHED)
    return with_published.order_by("is_example", "-created_at", "-id").first()


def current_version() -> InstrumentVersion | None:
    """The published version new assessments use."""
    instrument = instrument_in_use()
    return published_version(instrument) if instrument is not None else None


# ---------------------------------------------------------------------------------------------
# Where it happened


def _context(n: Neighbourhood | None, priorities: list[str], problem: str = "") -> LocationContext:
    if n is None:
        return LocationContext(
            priorities=tuple(priorities), problem=problem or "Not placed in a neighbourhood"
        )
    return LocationContext(n.code, n.name, n.grade, tuple(priorities))


def location_for_incident(incident: Incident, at: dt.datetime | None = None) -> LocationContext:
    """The incident's neighbourhood (and its grade now) and the local priorities active at its point
    when assessed (`at`, default now)."""
    at = at or timezone.now()
    priorities: list[str] = []
    if incident.lat is not None and incident.lon is not None:
        priorities = [p.name for p in active_priorities(incident.lat, incident.lon, at)]
    return _context(incident.neighbourhood, priorities, incident.location_problem)


def location_for(
    *,
    neighbourhood: str = "",
    postcode: str = "",
    lat: float | None = None,
    lon: float | None = None,
    at: dt.datetime | None = None,
) -> LocationContext:
    """Where to score for a preview or the command: a point or a postcode (placed in its
    neighbourhood, with the local priorities active there), or just a neighbourhood's code.
    Raises ValidationFailed for an unknown neighbourhood code or a point or postcode that cannot
    be placed."""
    at = at or timezone.now()
    if lat is not None or lon is not None or postcode.strip():
        place = resolve_location(postcode=postcode or None, lat=lat, lon=lon)
        if place.problem:
            raise ValidationFailed.one(place.problem, "postcode" if postcode.strip() else "lat")
        assert place.lat is not None and place.lon is not None
        names = [p.name for p in active_priorities(place.lat, place.lon, at)]
        return _context(place.neighbourhood, names)
    if neighbourhood.strip():
        n = Neighbourhood.objects.filter(code__iexact=neighbourhood.strip()).first()
        if n is None:
            raise ValidationFailed.one(
                f"There is no neighbourhood with code {neighbourhood.strip()!r}.", "neighbourhood"
            )
        return _context(n, [])
    return NOWHERE


# ---------------------------------------------------------------------------------------------
# Assessments


def visible_assessments(user: User) -> QuerySet[Assessment]:
    """Assessments in the user's areas (all, for force-wide staff)."""
    qs = Assessment.objects.all()
    if user.all_areas:
        return qs
    return qs.filter(area_id__in=user.area_ids())


def assessment_for(user: User, pk: int, *, reason: str) -> Assessment:
    """One assessment for a page or the API; the read is logged. Raises Assessment.DoesNotExist
    outside the user's areas. `victim_known` on it: who the victim is known as (the people app's
    rule), whatever spelling the incident's record has."""
    found = visible_assessments(user).select_related(*ASSESSMENT_RELATED, "victim_record").get(pk=pk)
    audit.record_read(user, found, reason=reason)
    found.victim_known = known_as([found.victim_id])[found.victim_id]  # type: ignore[attr-defined]
    found.victim_as_given = _name_as_given(found.victim_record)  # type: ignore[attr-defined]
    return found


def _name_as_given(record: ContactRecord | None) -> str:
    """The name on one record as it was given there ("" when erased or not given)."""
    if record is None or record.erased_at is not None:
        return ""
    return " ".join(x for x in (record.given_forename.strip(), record.given_surname.strip()) if x)


def _of_people(person_ids: list[int] | QuerySet[Any]) -> Q:
    """The people's assessments, through the victim's contact record: whoever the record belongs to
    now, so an assessment follows its victim when people are merged or split. Every assessment keeps
    its record (records are never deleted: erasure keeps the row)."""
    return Q(victim_record__person_id__in=person_ids)


def assessments_for_person(
    user: User, person_id: int, *, reason: str = "assessment history"
) -> list[Assessment]:
    """A victim's assessments in the user's areas, newest first; each is written to the access log."""
    found = list(
        visible_assessments(user)
        .filter(_of_people([person_id]))
        .select_related(*ASSESSMENT_RELATED)
        .order_by("-completed_at", "-id")
    )
    if found:
        audit.record_reads(user, found, reason=reason)
    return found


def awaiting_review(user: User) -> QuerySet[Assessment]:
    """Assessments in the user's areas that no supervisor has reviewed yet, oldest first."""
    return (
        visible_assessments(user)
        .filter(reviewed_at__isnull=True)
        .select_related(*ASSESSMENT_RELATED)
        .order_by("completed_at", "id")
    )


def victims_of(incident: Incident) -> list[IncidentPerson]:
    """The incident's callers and victims (who may be assessed), with their records as given on the
    incident and, as `known` on each, who the person is known as (the people app's rule)."""
    found = list(
        IncidentPerson.objects.filter(incident=incident, role__in=VICTIM_ROLES)
        .select_related("record")
        .order_by("id")
    )
    known = known_as([ip.record.person_id for ip in found]) if found else {}
    for ip in found:
        ip.known = known[ip.record.person_id]  # type: ignore[attr-defined]
        ip.as_given_name = _name_as_given(ip.record)  # type: ignore[attr-defined]
    return found


def other_incidents_as_victim(person_id: int, incident: Incident, since: dt.datetime) -> int:
    """How many incidents other than `incident` were received since `since` with the person as a
    caller or victim, through their live (not erased) contact records, force-wide: a count, for the
    assessment's "from Beacon's records" answer (no incident's details are read)."""
    return (
        IncidentPerson.objects.filter(
            record__person_id=person_id,
            record__erased_at__isnull=True,
            role__in=VICTIM_ROLES,
            incident__received_at__gte=since,
        )
        .exclude(incident_id=incident.pk)
        .values("incident_id")
        .distinct()
        .count()
    )


# ---------------------------------------------------------------------------------------------
# Assessments due


@dataclass
class DueAssessment:
    """An incident flagged repeat or vulnerable whose victim has not been assessed in time."""

    incident: Incident
    due_at: dt.datetime
    overdue: dt.timedelta
    victims: list[int]  # person ids of its callers and victims

    @property
    def overdue_hours(self) -> int:
        return int(self.overdue.total_seconds() // 3600)

    def as_dict(self) -> dict[str, Any]:
        inc = self.incident
        return {
            "incident_id": inc.pk,
            "reference": inc.reference,
            "received_at": inc.received_at.isoformat(),
            "due_at": self.due_at.isoformat(),
            "overdue_hours": self.overdue_hours,
            "flags": [f for f in ("repeat_victim", "vulnerable_victim") if getattr(inc, f)],
            "neighbourhood": inc.neighbourhood.code if inc.neighbourhood else None,
            "victims": self.victims,
        }


def assessments_due_queryset(
    user: User, now: dt.datetime | None = None, *, hours: int | None = None
) -> QuerySet[Incident]:
    """Incidents in the user's areas flagged repeat or vulnerable, with a caller or victim, received
    more than the configured hours ago, with no assessment of their own nor one of any of their
    victims completed since they were received; longest overdue first. Historic imports are left out.
    `hours`: the settings' time allowed, when the caller has read it."""
    now = now or timezone.now()
    hours = hours if hours is not None else RiskSettings.current().assessment_due_hours
    cutoff = now - dt.timedelta(hours=hours)
    victim_roles = IncidentPerson.objects.filter(incident=OuterRef("pk"), role__in=VICTIM_ROLES)
    victims_now = IncidentPerson.objects.filter(
        incident=OuterRef(OuterRef("pk")), role__in=VICTIM_ROLES
    ).values("record__person_id")
    since = OuterRef("received_at")
    assessed_since = Assessment.objects.filter(_of_people(victims_now), completed_at__gte=since)
    qs = Incident.objects.filter(Q(repeat_victim=True) | Q(vulnerable_victim=True), received_at__lt=cutoff)
    if not user.all_areas:
        qs = qs.filter(area_id__in=user.area_ids())
    return (
        qs.exclude(channel=Channel.HISTORIC)
        .filter(Exists(victim_roles))
        .exclude(Exists(Assessment.objects.filter(incident=OuterRef("pk"))))
        .exclude(Exists(assessed_since))
        .select_related("neighbourhood", "type_heading", "other_category")
        .order_by("received_at", "id")
    )


def due_items(incidents: list[Incident], now: dt.datetime | None = None) -> list[DueAssessment]:
    """Each incident with when its assessment was due and how overdue it is (one query for victims)."""
    now = now or timezone.now()
    hours = RiskSettings.current().assessment_due_hours
    victims: dict[int, list[int]] = {i.pk: [] for i in incidents}
    rows = IncidentPerson.objects.filter(incident_id__in=list(victims), role__in=VICTIM_ROLES).values_list(
        "incident_id", "record__person_id"
    )
    for incident_id, person_id in rows.order_by("id"):
        if person_id not in victims[incident_id]:
            victims[incident_id].append(person_id)
    out = []
    for inc in incidents:
        due = inc.received_at + dt.timedelta(hours=hours)
        out.append(DueAssessment(inc, due, now - due, victims[inc.pk]))
    return out


def assessments_due(
    user: User, now: dt.datetime | None = None, *, limit: int | None = None
) -> list[DueAssessment]:
    """The supervisor's list of assessments due but not done (see `assessments_due_queryset`),
    each with how overdue it is. The incidents listed are written to the access log."""
    now = now or timezone.now()
    qs = assessments_due_queryset(user, now)
    incidents = list(qs[:limit] if limit is not None else qs)
    if incidents:
        audit.record_reads(user, incidents, reason="risk assessments due")
    return due_items(incidents, now)


# ---------------------------------------------------------------------------------------------
# What the person lookup and the live check show


def risk_summaries(person_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each person's latest assessed risk level (the supervisor's where they changed it) and its
    date, for the person lookup (registered in `people.selectors.SUMMARY_PROVIDERS`)."""
    wanted = set(person_ids)
    if not wanted:
        return {}
    rows = (
        Assessment.objects.filter(_of_people(sorted(wanted)))
        .order_by("-completed_at", "-id")
        .values_list("victim_record__person_id", "level", "reviewed_level", "completed_at")
    )
    out: dict[int, dict[str, Any]] = {}
    for person, level, reviewed, completed in rows:
        if person in out:
            continue
        label = str(RiskLevel(reviewed or level).label)
        on = timezone.localdate(completed)
        out[person] = {"risk_level": label, "risk_assessed_on": on.isoformat()}
        if (reviewed or level) == RiskLevel.HIGH:
            out[person]["alerts"] = [
                {"kind": "assessed-high-risk", "label": "Assessed High risk", "reason": f"on {on:%-d %B %Y}"}
            ]
    return out
