"""ASB case review thresholds (the Community Trigger), counted from the incidents.

Two tests, both configurable (`CaseReviewPolicy`, versioned; every result names its version):

- a victim: at least N qualifying incidents (default 3) that the same person reported — as caller or
  as victim — within M calendar months (default 6);
- a location: at least N incidents (default 5) about one place — the same address key, or within
  R metres (default 50) — within M months, each reported by a different person. "Different people"
  is a matching of incidents to distinct reporters, so one person reporting five times counts once
  and two people on one incident still make one incident.

Qualifying incidents are ASB incidents (unless the policy says otherwise) not closed with an
excluded closure code (default: duplicates). Windows are whole days in Europe/London, inclusive:
with a 6-month window on 15 June, incidents from 15 December onwards count.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from beacon.geography.geometry import EARTH_RADIUS_M, bbox_around, distance_m
from beacon.incidents.models import ClosureCode, IncidentPerson
from beacon.partnership.models import CaseReviewPolicy
from beacon.partnership.workdays import months_before

REPORTER_ROLES = (IncidentPerson.Role.CALLER, IncidentPerson.Role.VICTIM)
MAX_ANCHORS = 50  # locations checked for one lookup of a few people


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _time(value: Any) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


@dataclass(frozen=True)
class Counted:
    incident_id: int
    reference: str
    received_at: dt.datetime

    def as_dict(self) -> dict[str, Any]:
        return {"incident_id": self.incident_id, "reference": self.reference, "received_at": self.received_at}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Counted:
        return cls(int(d["incident_id"]), str(d["reference"]), _time(d["received_at"]))


@dataclass
class VictimStatus:
    person_id: int
    count: int
    threshold: int
    window_months: int
    since: dt.date
    as_of: dt.date
    policy_version: int
    incidents: list[Counted] = field(default_factory=list)
    # Counted but not listed: incidents in areas the reader does not work in (see selectors).
    not_shown: int = 0

    @property
    def met(self) -> bool:
        return self.count >= self.threshold

    def describe(self) -> str:
        n = self.count
        head = "Threshold met" if self.met else "Threshold not met"
        return (
            f"{head}: {n} qualifying incident{'s' if n != 1 else ''} reported by this person since "
            f"{self.since:%-d %B %Y} (threshold {self.threshold} in {self.window_months} months, "
            f"policy v{self.policy_version})"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "met": self.met,
            "count": self.count,
            "threshold": self.threshold,
            "window_months": self.window_months,
            "since": self.since,
            "as_of": self.as_of,
            "policy_version": self.policy_version,
            "incidents": [c.as_dict() for c in self.incidents],
            "incidents_not_shown": self.not_shown,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> VictimStatus:
        return cls(
            person_id=int(d["person_id"]),
            count=int(d["count"]),
            threshold=int(d["threshold"]),
            window_months=int(d["window_months"]),
            since=_day(d["since"]),
            as_of=_day(d["as_of"]),
            policy_version=int(d["policy_version"]),
            incidents=[Counted.from_dict(c) for c in d.get("incidents", [])],
            not_shown=int(d.get("incidents_not_shown", 0)),
        )


@dataclass
class LocationStatus:
    address_key: str
    lat: float | None
    lon: float | None
    label: str
    count: int  # incidents each reported by a different person (a maximum matching)
    reporters: int  # different people among the reporters
    threshold: int
    radius_m: int
    window_months: int
    since: dt.date
    as_of: dt.date
    policy_version: int
    area_id: int | None = None
    incidents: list[Counted] = field(default_factory=list)
    not_shown: int = 0  # counted but not listed (see VictimStatus.not_shown)

    @property
    def met(self) -> bool:
        return self.count >= self.threshold

    def describe(self) -> str:
        head = "Threshold met" if self.met else "Threshold not met"
        return (
            f"{head}: {self.count} incident{'s' if self.count != 1 else ''} from different people about "
            f"{self.label or 'this location'} since {self.since:%-d %B %Y} (threshold {self.threshold} "
            f"within {self.radius_m} m in {self.window_months} months, policy v{self.policy_version})"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "address_key": self.address_key,
            "lat": self.lat,
            "lon": self.lon,
            "label": self.label,
            "met": self.met,
            "count": self.count,
            "reporters": self.reporters,
            "threshold": self.threshold,
            "radius_m": self.radius_m,
            "window_months": self.window_months,
            "since": self.since,
            "as_of": self.as_of,
            "policy_version": self.policy_version,
            "area_id": self.area_id,
            "incidents": [c.as_dict() for c in self.incidents],
            "incidents_not_shown": self.not_shown,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LocationStatus:
        return cls(
            address_key=str(d["address_key"]),
            lat=d.get("lat"),
            lon=d.get("lon"),
            label=str(d.get("label", "")),
            count=int(d["count"]),
            reporters=int(d["reporters"]),
            threshold=int(d["threshold"]),
            radius_m=int(d["radius_m"]),
            window_months=int(d["window_months"]),
            since=_day(d["since"]),
            as_of=_day(d["as_of"]),
            policy_version=int(d["policy_version"]),
            area_id=d.get("area_id"),
            incidents=[Counted.from_dict(c) for c in d.get("incidents", [])],
            not_shown=int(d.get("incidents_not_shown", 0)),
        )


@dataclass
class TriggerStatus:
    """A person's standing against both tests: as a victim, and at the places they reported."""

    person_id: int
    victim: VictimStatus
    locations: list[LocationStatus] = field(default_factory=list)  # only those that meet the threshold

    @property
    def met(self) -> bool:
        return self.victim.met or bool(self.locations)

    def describe(self) -> str:
        parts = [self.victim.describe()] if self.victim.met or not self.locations else []
        parts += [loc.describe() for loc in self.locations]
        return "; ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "met": self.met,
            "victim": self.victim.as_dict(),
            "locations": [loc.as_dict() for loc in self.locations],
        }


# ---------------------------------------------------------------------------------------------
# Windows and qualifying incidents


def window(months: int, as_of: dt.date) -> tuple[dt.date, dt.datetime, dt.datetime]:
    """The first day counted, and the [start, end) times of the window ending on `as_of`."""
    since = months_before(as_of, months)
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min))
    return since, start, end


def qualifying(policy: CaseReviewPolicy, prefix: str = "incident__") -> Q:
    q = Q()
    if policy.asb_only:
        q &= Q(**{f"{prefix}is_asb": True})
    codes = [str(c) for c in policy.exclude_closure_codes or []]
    if codes:
        excluded = ClosureCode.objects.filter(code__in=codes).values("id")
        q &= ~Q(**{f"{prefix}closure_code_id__in": excluded})
    return q


def reporter_rows(policy: CaseReviewPolicy, start: dt.datetime, end: dt.datetime) -> QuerySet[IncidentPerson]:
    return IncidentPerson.objects.filter(
        qualifying(policy),
        role__in=REPORTER_ROLES,
        incident__received_at__gte=start,
        incident__received_at__lt=end,
    )


def _policy_and_day(
    policy: CaseReviewPolicy | None, as_of: dt.date | None
) -> tuple[CaseReviewPolicy, dt.date]:
    return policy or CaseReviewPolicy.current(), as_of or timezone.localdate()


# ---------------------------------------------------------------------------------------------
# Victims


def victim_status(
    person_ids: Iterable[int], *, as_of: dt.date | None = None, policy: CaseReviewPolicy | None = None
) -> dict[int, VictimStatus]:
    """Each person's qualifying incidents in the victim window (one query)."""
    policy, day = _policy_and_day(policy, as_of)
    ids = sorted(set(person_ids))
    since, start, end = window(policy.victim_window_months, day)
    found: dict[int, dict[int, Counted]] = {p: {} for p in ids}
    if ids:
        rows = (
            reporter_rows(policy, start, end)
            .filter(record__person_id__in=ids)
            .values_list("record__person_id", "incident_id", "incident__reference", "incident__received_at")
            .order_by("incident__received_at", "incident_id")
        )
        for person, inc, ref, at in rows:
            found[person].setdefault(inc, Counted(inc, ref, at))
    return {
        p: VictimStatus(
            person_id=p,
            count=len(incs),
            threshold=policy.victim_incidents,
            window_months=policy.victim_window_months,
            since=since,
            as_of=day,
            policy_version=policy.version,
            incidents=list(incs.values()),
        )
        for p, incs in found.items()
    }


# ---------------------------------------------------------------------------------------------
# Locations


@dataclass
class _Incident:
    id: int
    reference: str
    received_at: dt.datetime
    address_key: str
    address: str
    lat: float | None
    lon: float | None
    area_id: int | None
    reporters: set[int] = field(default_factory=set)


_ROW_FIELDS = (
    "incident_id",
    "incident__reference",
    "incident__received_at",
    "incident__address_key",
    "incident__address",
    "incident__lat",
    "incident__lon",
    "incident__area_id",
    "record__person_id",
)


def _incidents(rows: QuerySet[IncidentPerson]) -> dict[int, _Incident]:
    out: dict[int, _Incident] = {}
    for inc, ref, at, key, address, lat, lon, area, person in rows.values_list(*_ROW_FIELDS):
        item = out.get(inc)
        if item is None:
            item = out[inc] = _Incident(inc, ref, at, key or "", address or "", lat, lon, area)
        item.reporters.add(person)
    return out


def different_people(reporters: dict[int, set[int]]) -> int:
    """How many of the incidents can each be credited to a different reporter (the size of a
    maximum matching of incidents to people; Kuhn's augmenting paths — the sets are small)."""
    owner: dict[int, int] = {}  # person -> incident credited to them

    def place(inc: int, seen: set[int]) -> bool:
        for person in sorted(reporters[inc]):
            if person in seen:
                continue
            seen.add(person)
            if person not in owner or place(owner[person], seen):
                owner[person] = inc
                return True
        return False

    return sum(1 for inc in sorted(reporters) if place(inc, set()))


def _about(
    anchor: _Incident | tuple[str, float | None, float | None], other: _Incident, radius: float
) -> bool:
    key, lat, lon = (anchor.address_key, anchor.lat, anchor.lon) if isinstance(anchor, _Incident) else anchor
    if key and other.address_key == key:
        return True
    if lat is None or lon is None or other.lat is None or other.lon is None:
        return False
    return distance_m(lat, lon, other.lat, other.lon) <= radius


class _Pool:
    """Incidents indexed by address key and by grid cell (at least one radius across), so finding
    the incidents about a place looks at a few cells rather than at every incident."""

    def __init__(self, incidents: Iterable[_Incident], radius: float):
        items = list(incidents)
        self.radius = radius
        self.dlat = max(math.degrees(radius / EARTH_RADIUS_M), 1e-9)
        top = max((abs(i.lat) for i in items if i.lat is not None), default=0.0)
        self.dlon = self.dlat / math.cos(math.radians(min(top + 1.0, 89.0)))
        self.by_key: dict[str, list[_Incident]] = {}
        self.by_cell: dict[tuple[int, int], list[_Incident]] = {}
        for i in items:
            if i.address_key:
                self.by_key.setdefault(i.address_key, []).append(i)
            if i.lat is not None and i.lon is not None:
                self.by_cell.setdefault(self.cell(i.lat, i.lon), []).append(i)

    def cell(self, lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / self.dlat), math.floor(lon / self.dlon)

    def about(self, key: str, lat: float | None, lon: float | None) -> list[_Incident]:
        found = {i.id: i for i in self.by_key.get(key, [])} if key else {}
        if lat is not None and lon is not None:
            y, x = self.cell(lat, lon)
            for cy in (y - 1, y, y + 1):
                for cx in (x - 1, x, x + 1):
                    for i in self.by_cell.get((cy, cx), ()):
                        if i.id not in found and _about((key, lat, lon), i, self.radius):
                            found[i.id] = i
        return sorted(found.values(), key=lambda i: (i.received_at, i.id))


def _status(
    key: str,
    lat: float | None,
    lon: float | None,
    label: str,
    pool: _Pool,
    policy: CaseReviewPolicy,
    since: dt.date,
    day: dt.date,
    area_id: int | None = None,
    near: list[_Incident] | None = None,
) -> LocationStatus:
    if near is None:
        near = pool.about(key, lat, lon)
    return LocationStatus(
        address_key=key,
        lat=lat,
        lon=lon,
        label=label,
        count=different_people({i.id: i.reporters for i in near}),
        reporters=len({p for i in near for p in i.reporters}),
        threshold=policy.location_incidents,
        radius_m=policy.location_radius_m,
        window_months=policy.location_window_months,
        since=since,
        as_of=day,
        policy_version=policy.version,
        area_id=area_id,
        incidents=[Counted(i.id, i.reference, i.received_at) for i in near],
    )


def _near_any(points: Iterable[tuple[str, float | None, float | None]], radius: float) -> Q:
    cond = Q(pk__in=[])
    keys = set()
    for key, lat, lon in points:
        if key:
            keys.add(key)
        if lat is not None and lon is not None:
            box = bbox_around(lat, lon, radius)
            cond |= Q(
                incident__lat__range=(box.min_lat, box.max_lat),
                incident__lon__range=(box.min_lon, box.max_lon),
            )
    if keys:
        cond |= Q(incident__address_key__in=sorted(keys))
    return cond


def location_status(
    *,
    address_key: str = "",
    lat: float | None = None,
    lon: float | None = None,
    label: str = "",
    as_of: dt.date | None = None,
    policy: CaseReviewPolicy | None = None,
) -> LocationStatus:
    """The location test for one place: an address key, a point, or both (one query)."""
    policy, day = _policy_and_day(policy, as_of)
    since, start, end = window(policy.location_window_months, day)
    if not address_key and (lat is None or lon is None):
        pool: dict[int, _Incident] = {}
    else:
        rows = reporter_rows(policy, start, end).filter(
            _near_any([(address_key, lat, lon)], policy.location_radius_m)
        )
        pool = _incidents(rows)
    return _status(
        address_key, lat, lon, label, _Pool(pool.values(), policy.location_radius_m), policy, since, day
    )


def _distinct_hits(candidates: list[LocationStatus]) -> list[LocationStatus]:
    """The places that meet the threshold, most incidents first, leaving out a place whose
    incidents are all in a place already listed (the same cluster seen from another incident)."""
    out: list[LocationStatus] = []
    listed_in: dict[int, set[int]] = {}  # incident -> the listed places that hold it
    for s in sorted(candidates, key=lambda s: (-s.count, -len(s.incidents), s.label)):
        ids = [c.incident_id for c in s.incidents]
        common = set(listed_in.get(ids[0], ())) if ids else set()
        for i in ids[1:]:
            if not common:
                break
            common &= listed_in.get(i, set())
        if common:
            continue
        for i in ids:
            listed_in.setdefault(i, set()).add(len(out))
        out.append(s)
    return out


def _hits_around(
    anchors: list[_Incident], pool: _Pool, policy: CaseReviewPolicy, since: dt.date, day: dt.date
) -> list[LocationStatus]:
    found = []
    done: set[tuple[str, float | None, float | None]] = set()
    n = policy.location_incidents
    for a in anchors:
        point = (a.address_key, a.lat, a.lon)
        if point in done:
            continue
        done.add(point)
        near = pool.about(a.address_key, a.lat, a.lon)
        if len(near) < n or len({p for i in near for p in i.reporters}) < n:
            continue  # cannot meet it: skip the matching
        s = _status(a.address_key, a.lat, a.lon, a.address, pool, policy, since, day, a.area_id, near=near)
        if s.met:
            found.append(s)
    return _distinct_hits(found)


def trigger_status(
    person_ids: Iterable[int], *, as_of: dt.date | None = None, policy: CaseReviewPolicy | None = None
) -> dict[int, TriggerStatus]:
    """Each person's victim test, and the location test at each place they reported from in the
    location window: the policy, the people's own incidents, and (when they reported from somewhere)
    the incidents around those places — at most three queries for any number of people."""
    policy, day = _policy_and_day(policy, as_of)
    ids = sorted(set(person_ids))
    v_since, v_start, _end = window(policy.victim_window_months, day)
    since, start, end = window(policy.location_window_months, day)
    own = (
        _incidents(reporter_rows(policy, min(v_start, start), end).filter(record__person_id__in=ids))
        if ids
        else {}
    )
    counted: dict[int, list[Counted]] = {p: [] for p in ids}
    anchors_by_person: dict[int, list[_Incident]] = {}
    seen_points: set[tuple[str, float | None, float | None]] = set()
    for inc in sorted(own.values(), key=lambda i: (i.received_at, i.id)):
        if inc.received_at >= v_start:
            for p in inc.reporters:
                counted[p].append(Counted(inc.id, inc.reference, inc.received_at))
        point = (inc.address_key, inc.lat, inc.lon)
        if inc.received_at < start or (not inc.address_key and (inc.lat is None or inc.lon is None)):
            continue
        if len(seen_points) >= MAX_ANCHORS and point not in seen_points:
            continue
        seen_points.add(point)
        for p in inc.reporters:
            anchors_by_person.setdefault(p, []).append(inc)
    out = {
        p: TriggerStatus(
            p,
            VictimStatus(
                person_id=p,
                count=len(incs),
                threshold=policy.victim_incidents,
                window_months=policy.victim_window_months,
                since=v_since,
                as_of=day,
                policy_version=policy.version,
                incidents=incs,
            ),
        )
        for p, incs in counted.items()
    }
    if not seen_points:
        return out
    rows = reporter_rows(policy, start, end).filter(_near_any(seen_points, policy.location_radius_m))
    pool = _Pool(_incidents(rows).values(), policy.location_radius_m)
    for p, anchors in anchors_by_person.items():
        out[p].locations = _hits_around(anchors, pool, policy, since, day)
    return out


# ---------------------------------------------------------------------------------------------
# Everything in some areas (the supervisor's list)


def victims_in_areas(
    area_ids: set[int] | None, *, as_of: dt.date | None = None, policy: CaseReviewPolicy | None = None
) -> dict[int, VictimStatus]:
    """People who meet the victim test and reported at least one incident in the areas (None: the
    whole force). Their count is across the force. The database does the counting."""
    policy, day = _policy_and_day(policy, as_of)
    _since, start, end = window(policy.victim_window_months, day)
    base = reporter_rows(policy, start, end)
    scoped = base
    if area_ids is not None:
        local = base.filter(incident__area_id__in=sorted(area_ids)).values("record__person_id")
        scoped = base.filter(record__person_id__in=local)
    met = (
        scoped.values("record__person_id")
        .annotate(n=Count("incident_id", distinct=True))
        .filter(n__gte=policy.victim_incidents)
        .values_list("record__person_id", flat=True)
    )
    ids = list(met)
    return victim_status(ids, as_of=day, policy=policy) if ids else {}


def locations_in_areas(
    area_ids: set[int] | None, *, as_of: dt.date | None = None, policy: CaseReviewPolicy | None = None
) -> list[LocationStatus]:
    """Places in the areas that meet the location test, from one query: the reported incidents in
    the areas and the window that have an address key or a point. Cheap upper bounds come first —
    the different reporters at the address, and in the 3 x 3 grid cells (one radius across) around
    the point — and only places that could meet the threshold are tested exactly. (Incidents just
    across an area's boundary are not counted for a place inside it.)"""
    policy, day = _policy_and_day(policy, as_of)
    since, start, end = window(policy.location_window_months, day)
    rows = reporter_rows(policy, start, end).exclude(incident__address_key="", incident__lat__isnull=True)
    if area_ids is not None:
        rows = rows.filter(incident__area_id__in=sorted(area_ids))
    found = _incidents(rows)
    n = policy.location_incidents
    pool = _Pool(found.values(), policy.location_radius_m)
    key_people = {k: {p for i in incs for p in i.reporters} for k, incs in pool.by_key.items()}
    cell_people = {c: {p for i in incs for p in i.reporters} for c, incs in pool.by_cell.items()}
    block_cache: dict[tuple[int, int], set[int]] = {}

    def block(cell: tuple[int, int]) -> set[int]:
        got = block_cache.get(cell)
        if got is None:
            y, x = cell
            got = set().union(
                *(cell_people.get((y + dy, x + dx), set()) for dy in (-1, 0, 1) for dx in (-1, 0, 1))
            )
            block_cache[cell] = got
        return got

    anchors = []
    for i in found.values():
        near = key_people.get(i.address_key, set()) if i.address_key else set()
        if i.lat is not None and i.lon is not None:
            near = near | block(pool.cell(i.lat, i.lon))
        if len(near) >= n:
            anchors.append(i)
    anchors.sort(key=lambda i: (i.received_at, i.id))
    return _hits_around(anchors, pool, policy, since, day)
