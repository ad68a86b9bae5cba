"""Reads of incidents. Views of an incident or a person are written to the access log here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from beacon.core import audit
from beacon.core.models import User
from beacon.geography.geometry import bbox_around, distance_m
from beacon.geography.selectors import neighbourhoods_in, resolve_location
from beacon.incidents.models import (
    FLAG_FIELDS,
    InboxItem,
    Incident,
    IncidentPerson,
    IntakeSettings,
    TriageItem,
)
from beacon.people.models import ContactRecord, RepeatVictimRule
from beacon.people.normalise import address_key
from beacon.people.selectors import known_as, lookup

INCIDENT_LIST_RELATED = ("asb_category", "type_heading", "other_category", "neighbourhood", "response_grade")


def visible_to(user: User, qs: QuerySet[Incident] | None = None) -> QuerySet[Incident]:
    """Incidents in the user's areas (all, for force-wide staff)."""
    qs = qs if qs is not None else Incident.objects.all()
    if user.all_areas:
        return qs
    return qs.filter(area_id__in=user.area_ids())


def incident_for(user: User, pk: int, *, reason: str) -> Incident:
    """One incident with its people, for a page or the API; the view is logged."""
    incident = (
        visible_to(user)
        .select_related(*INCIDENT_LIST_RELATED, "suggested_grade", "closure_code", "screening_set")
        .prefetch_related(
            Prefetch("people", queryset=IncidentPerson.objects.select_related("record")),
            "supervision__author",
        )
        .get(pk=pk)
    )
    audit.record_read(user, incident, reason=reason)
    return incident


def recent(user: User, *, limit: int = 50) -> list[Incident]:
    return list(visible_to(user).select_related(*INCIDENT_LIST_RELATED)[:limit])


def _describe(inc: Incident) -> str:
    if inc.is_asb:
        return str(inc.type_heading or "ASB")
    return str(inc.other_category or "Incident")


def _incident_summary(inc: Incident, role: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {
        "incident_id": inc.pk,
        "reference": inc.reference,
        "received_at": inc.received_at.isoformat(),
        "type": _describe(inc),
        "address": inc.address,
        "postcode": inc.postcode,
        "flags": inc.flags,
        "status": inc.status,
    }
    if role:
        out["role"] = role
    return out


@dataclass
class LiveCheck:
    people: list[dict[str, Any]]
    nearby: list[dict[str, Any]]
    window_days: int
    location_problem: str
    rule_window_days: int = 365
    rule_min_contacts: int = 3

    def as_dict(self) -> dict[str, Any]:
        return {
            "people": self.people,
            "nearby_incidents": self.nearby,
            "window_days": self.window_days,
            "location_problem": self.location_problem,
        }


def split_name(name: str) -> tuple[str, str]:
    """A full name as (forenames, surname): 'Margaret Ann Whitfield' → ('Margaret Ann', 'Whitfield');
    'Whitfield, Margaret' → ('Margaret', 'Whitfield')."""
    name = " ".join(name.split())
    if "," in name:
        surname, _, forename = name.partition(",")
        return forename.strip(), surname.strip()
    parts = name.rsplit(" ", 1)
    return (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])


def live_check(
    user: User | None,
    details: dict[str, Any],
    *,
    lat: float | None = None,
    lon: float | None = None,
    address: str | None = None,
    postcode: str | None = None,
    now: dt.datetime | None = None,
    limit: int = 5,
    reason: str = "live check while taking a report",
) -> LiveCheck:
    """What the call-taking form shows while the call is live: matching people (probability and why,
    flags, what later domains add such as open cases and risk), their contacts in the window, and
    earlier incidents at the same address or nearby. Raises ValidationFailed for unusable details.

    The nearby search uses the incident's `address`/`postcode` when given (it need not be where the
    person lives), else the person's. Each person found is written to the access log with `reason`."""
    settings = IntakeSettings.current()
    rule = RepeatVictimRule.current()
    now = now or timezone.now()
    since = now - dt.timedelta(days=settings.history_window_days)
    people: list[dict[str, Any]] = []
    raw = {k: v for k, v in details.items() if v not in (None, "")}
    person_fields = {k: v for k, v in raw.items() if k != "lat" and k != "lon"}
    if person_fields:
        found = lookup(person_fields, actor=user, reason=reason, limit=limit)
        ids = [c.person_id for c in found]
        # One read of each person's live contact records over the longer of the two windows: the
        # list shown, the repeat-victim count and the flags their incidents raised all come from it.
        longest = max(settings.history_window_days, rule.window_days)
        history = _contacts_of(ids, now - dt.timedelta(days=longest))
        known = known_as(ids)
        # Every live record's name as given and when (a history, for "also given as" and the last
        # contact however long ago).
        given: dict[int, list[str]] = {}
        last: dict[int, dt.datetime] = {}
        names = ContactRecord.objects.filter(person_id__in=ids, erased_at__isnull=True).order_by(
            "contacted_at", "id"
        )
        for pid, forename, surname, at in names.values_list(
            "person_id", "given_forename", "given_surname", "contacted_at"
        ):
            name = " ".join(x for x in (forename, surname) if x)
            if name and name not in given.setdefault(pid, []):
                given[pid].append(name)
            last[pid] = at
        for c in found:
            contacts = history.get(c.person_id, [])
            in_rule = [x for x in contacts if x["contacted_at"] >= now - dt.timedelta(days=rule.window_days)]
            people.append(
                {
                    **c.as_dict(),
                    "known_as": known[c.person_id].as_dict() if c.person_id in known else None,
                    "names_given": given.get(c.person_id, []),
                    "contacts": [x for x in contacts if x["contacted_at"] >= since],
                    "contacts_in_rule_window": len(in_rule),
                    "last_contact_at": last[c.person_id].isoformat() if c.person_id in last else None,
                }
            )
        for person in people:  # JSON-ready
            for x in person["contacts"]:
                x["contacted_at"] = x["contacted_at"].isoformat()
    place = raw if address is None and postcode is None else {"address": address, "postcode": postcode}
    nearby, problem = _nearby(place, lat, lon, since, settings.nearby_metres)
    return LiveCheck(
        people, nearby, settings.history_window_days, problem, rule.window_days, rule.min_contacts
    )


SOURCE_LABELS = {"incident": "Incident", "import": "Imported record", "case": "Case contact"}


def _contacts_of(person_ids: list[int], since: dt.datetime) -> dict[int, list[dict[str, Any]]]:
    """Each person's live (not erased) contact records since `since`, newest first: the incident
    each was given on (reference, type, flags, role), or where else it came from."""
    out: dict[int, list[dict[str, Any]]] = {p: [] for p in person_ids}
    if not person_ids:
        return out
    roles = IncidentPerson.objects.select_related("incident__type_heading", "incident__other_category")
    records = (
        ContactRecord.objects.filter(
            person_id__in=person_ids, erased_at__isnull=True, contacted_at__gte=since
        )
        .only("id", "person_id", "contacted_at", "source", "source_ref")
        .prefetch_related(Prefetch("incident_roles", queryset=roles))
        .order_by("-contacted_at", "-id")
    )
    for r in records:
        linked = list(r.incident_roles.all())
        if linked:
            ip = linked[0]
            item = _incident_summary(ip.incident, ip.get_role_display())
        else:
            item = {
                "incident_id": None,
                "reference": r.source_ref,
                "received_at": r.contacted_at.isoformat(),
                "type": SOURCE_LABELS.get(r.source, r.source.capitalize()),
                "flags": [],
                "status": "",
                "role": "",
            }
        out[r.person_id].append({**item, "record_id": r.pk, "contacted_at": r.contacted_at})
    return out


def _nearby(
    raw: dict[str, Any], lat: float | None, lon: float | None, since: dt.datetime, metres: int
) -> tuple[list[dict[str, Any]], str]:
    address = str(raw.get("address") or "").strip()
    postcode = str(raw.get("postcode") or "").strip()
    if lat is None and (address or postcode):
        place = resolve_location(postcode=postcode or None, address=address or None)
        lat, lon = place.lat, place.lon
        problem = place.problem if lat is None else ""
    else:
        problem = ""
    cond = Q(pk__in=[])
    key = address_key(address) if address else ""
    if key:
        cond |= Q(address_key=key)
    if lat is not None and lon is not None:
        box = bbox_around(lat, lon, metres)
        cond |= Q(lat__range=(box.min_lat, box.max_lat), lon__range=(box.min_lon, box.max_lon))
    if not key and lat is None:
        return [], problem
    rows = (
        Incident.objects.filter(cond, received_at__gte=since)
        .select_related("type_heading", "other_category")
        .order_by("-received_at")[:50]
    )
    out = []
    for inc in rows:
        same_address = bool(key) and inc.address_key == key
        dist = None
        if lat is not None and lon is not None and inc.lat is not None and inc.lon is not None:
            dist = distance_m(lat, lon, inc.lat, inc.lon)
        if not same_address and (dist is None or dist > metres):
            continue
        summary = _incident_summary(inc)
        summary["why"] = "same address" if same_address else f"{round(dist or 0)} m away"
        out.append(summary)
    return out, problem


# ---------------------------------------------------------------- lists for teams and supervisors


def inbox(
    user: User, neighbourhood_ids: list[int] | None = None, *, open_only: bool = True
) -> QuerySet[InboxItem]:
    qs = InboxItem.objects.select_related(
        "incident__type_heading", "incident__other_category", "incident__response_grade", "neighbourhood"
    )
    if not user.all_areas:
        qs = qs.filter(neighbourhood__area_id__in=user.area_ids())
    if neighbourhood_ids:
        qs = qs.filter(neighbourhood_id__in=neighbourhood_ids)
    if open_only:
        # Waiting: not acknowledged, and the incident still open (closing it ends the wait).
        qs = qs.filter(acknowledged_at__isnull=True, incident__status=Incident.Status.OPEN)
    return qs.order_by(*INBOX_ORDER)


# Most urgent first: the graded response's target time, then the flags a team acts on first, then
# the longest waiting (from when the incident was received, not when the team was told).
INBOX_ORDER = (
    F("incident__response_grade__target_minutes").asc(nulls_last=True),
    "-incident__vulnerable_victim",
    "-incident__repeat_victim",
    "-incident__hate_related",
    "-incident__crime_disclosed",
    "-incident__local_priority",
    "incident__received_at",
    "id",
)


def unacknowledged(user: User, *, now: dt.datetime | None = None) -> QuerySet[InboxItem]:
    """Inbox items not acknowledged within the configured time of the incident being received:
    the sergeant's list."""
    hours = IntakeSettings.current().acknowledge_within_hours
    cutoff = (now or timezone.now()) - dt.timedelta(hours=hours)
    return inbox(user).filter(incident__received_at__lt=cutoff)


def triage(user: User, *, open_only: bool = True) -> QuerySet[TriageItem]:
    """ASB incidents no neighbourhood team could be told of, in the force's triage inbox: those the
    user may see (force-wide staff: all; others: those placed in their areas' bounds), most urgent
    first as in a team's inbox."""
    qs = TriageItem.objects.select_related(
        "incident__type_heading", "incident__other_category", "incident__response_grade", "resolved_by"
    )
    if not user.all_areas:
        qs = qs.filter(incident__area_id__in=user.area_ids())
    if open_only:
        qs = qs.filter(resolved_at__isnull=True)
    return qs.order_by(*INBOX_ORDER)


def crime_review(user: User) -> QuerySet[Incident]:
    """Closed incidents where a crime was disclosed but neither a crime reference nor a reason for not
    recording one was given: the force crime registrar's list."""
    return (
        visible_to(user)
        .filter(status=Incident.Status.CLOSED, crime_disclosed=True, crime_reference="", no_crime_reason="")
        .select_related(*INCIDENT_LIST_RELATED)
        .order_by("closed_at", "id")
    )


@dataclass
class IncidentSearch:
    """What the incident list is narrowed by (every part optional)."""

    q: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    neighbourhood_id: int | None = None
    supervised: bool | None = None
    flag: str = ""
    status: str = ""


def search(user: User, s: IncidentSearch) -> QuerySet[Incident]:
    """The incidents in the user's areas that match every part of the search, newest first. `q`
    matches a reference or a person's name as given on the incident (forename, surname, or both:
    each word must appear)."""
    qs = supervision_list(user, supervised=s.supervised)
    text = s.q.strip()
    if text:
        by_name = IncidentPerson.objects.filter(record__erased_at__isnull=True)
        for word in text.split()[:5]:
            by_name = by_name.filter(
                Q(record__given_forename__icontains=word) | Q(record__given_surname__icontains=word)
            )
        qs = qs.filter(Q(reference__icontains=text) | Q(pk__in=by_name.values("incident_id")))
    if s.received_from is not None:
        qs = qs.filter(received_at__gte=_london_midnight(s.received_from))
    if s.received_to is not None:
        qs = qs.filter(received_at__lt=_london_midnight(s.received_to + dt.timedelta(days=1)))
    if s.neighbourhood_id is not None:
        qs = qs.filter(neighbourhood_id=s.neighbourhood_id)
    if s.flag in FLAG_FIELDS:
        qs = qs.filter(**{s.flag: True})
    if s.status:
        qs = qs.filter(status=s.status)
    return qs


def _london_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()), timezone.get_default_timezone())


def neighbourhood_choices(user: User) -> list[tuple[str, str]]:
    """The neighbourhoods a user may narrow a list to (their areas'), by name."""
    areas = None if user.all_areas else sorted(user.area_ids())
    return [(str(pk), name) for pk, name in neighbourhoods_in(areas).values_list("pk", "name")]


def supervision_list(user: User, *, supervised: bool | None = None) -> QuerySet[Incident]:
    qs = visible_to(user).select_related(*INCIDENT_LIST_RELATED)
    if supervised is True:
        qs = qs.filter(last_supervised_at__isnull=False)
    elif supervised is False:
        qs = qs.filter(last_supervised_at__isnull=True)
    return qs


OCCURRED = "occurred"  # the annotation `located_asb` adds: when it occurred, else when it was received


def located_asb(
    start: dt.date,
    end: dt.date,
    *,
    area_id: int | None = None,
    neighbourhood_id: int | None = None,
    categories: Sequence[str] = (),
    types: Sequence[str] = (),
) -> QuerySet[Incident]:
    """ASB incidents with a location that occurred on days start..end (Europe/London, inclusive),
    for hot-spot and pattern analysis (the time received where no time of occurrence was given)."""
    qs = (
        Incident.objects.filter(is_asb=True, lat__isnull=False, lon__isnull=False)
        .annotate(occurred=Coalesce("occurred_at", "received_at"))
        .filter(
            occurred__gte=_london_midnight(start), occurred__lt=_london_midnight(end + dt.timedelta(days=1))
        )
    )
    if neighbourhood_id is not None:
        qs = qs.filter(neighbourhood_id=neighbourhood_id)
    elif area_id is not None:
        qs = qs.filter(area_id=area_id)
    if categories:
        qs = qs.filter(asb_category__code__in=categories)
    if types:
        qs = qs.filter(type_heading__code__in=types)
    return qs


def people_of(incidents: QuerySet[Incident]) -> QuerySet[IncidentPerson]:
    """The people recorded on these incidents, with their role (for patterns: how many victims and
    subjects, how many appear more than once). Aggregates only: no personal details are read."""
    return IncidentPerson.objects.filter(incident__in=incidents.values("pk"))
