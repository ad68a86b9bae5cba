"""Hot spots and patterns over a window of located ASB incidents: Gi* on H3 cells, repeat
locations, near repeats (Knox) and a VOLT profile (victims, offenders, locations, time).

Reads incidents through `beacon.incidents.selectors`; the statistics come from PySAL and scipy
(`hotspots`, `nearrepeat`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import h3
import numpy as np
from django.db.models import QuerySet
from django.utils import timezone

from beacon.core.errors import Problem, ValidationFailed
from beacon.incidents import selectors as incidents
from beacon.incidents.models import Incident
from beacon.incidents.selectors import OCCURRED
from beacon.performance import hotspots as gi
from beacon.performance import nearrepeat
from beacon.performance.places import Place

MAX_DAYS = 3 * 366  # a window longer than three years is refused (use several)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date
    place: Place
    categories: tuple[str, ...] = ()
    types: tuple[str, ...] = ()

    def check(self) -> None:
        if self.end < self.start:
            raise ValidationFailed(
                [Problem("The end date is before the start date: the range is empty.", "to")]
            )
        if (self.end - self.start).days > MAX_DAYS:
            raise ValidationFailed([Problem("Choose a range of at most three years.", "to")])

    def incidents(self) -> QuerySet[Incident]:
        self.check()
        return incidents.located_asb(
            self.start,
            self.end,
            area_id=self.place.area_id if self.place.level == "area" else None,
            neighbourhood_id=self.place.neighbourhood_id,
            categories=self.categories,
            types=self.types,
        )


def check_resolution(resolution: int, permutations: int) -> None:
    problems = []
    if not 5 <= resolution <= 12:
        problems.append(
            Problem("The H3 resolution must be from 5 to 12 (9 is about 170 m across).", "resolution")
        )
    if not 99 <= permutations <= 9999:
        problems.append(Problem("Permutations must be from 99 to 9,999.", "permutations"))
    if problems:
        raise ValidationFailed(problems)


def hotspots(
    window: Window,
    *,
    resolution: int = 9,
    permutations: int = 999,
    seed: int | None = None,
    fdr: bool = False,
) -> gi.HotspotResult:
    check_resolution(resolution, permutations)
    points = np.asarray(list(window.incidents().values_list("lat", "lon")), dtype=float).reshape(-1, 2)
    return gi.gi_star(
        points[:, 0], points[:, 1], resolution=resolution, permutations=permutations, seed=seed, fdr=fdr
    )


def is_cell(text: str) -> bool:
    try:
        return bool(h3.is_valid_cell(text))
    except (TypeError, ValueError):
        return False


def cell_incidents(window: Window, cell: str) -> QuerySet[Incident]:
    """The window's incidents inside one H3 cell (the records behind a hot cell)."""
    resolution = h3.get_resolution(cell)
    ring = h3.cell_to_boundary(cell)
    pad = 1e-6
    lat_lo, lat_hi = min(p[0] for p in ring) - pad, max(p[0] for p in ring) + pad
    lon_lo, lon_hi = min(p[1] for p in ring) - pad, max(p[1] for p in ring) + pad
    candidates = window.incidents().filter(lat__gte=lat_lo, lat__lte=lat_hi, lon__gte=lon_lo, lon__lte=lon_hi)
    ids = [
        pk
        for pk, lat, lon in candidates.values_list("pk", "lat", "lon")
        if h3.latlng_to_cell(lat, lon, resolution) == cell
    ]
    return Incident.objects.filter(pk__in=ids).select_related("neighbourhood", "asb_category", "type_heading")


@dataclass(frozen=True)
class RepeatLocation:
    key: str
    label: str
    count: int
    first: dt.datetime
    last: dt.datetime


def repeat_locations(window: Window, *, at_least: int = 3, limit: int = 50) -> list[RepeatLocation]:
    """Addresses (or, without one, the same point) with `at_least` incidents in the window."""
    if at_least < 2:
        raise ValidationFailed([Problem("A repeat location has at least 2 incidents.", "at_least")])
    qs = window.incidents()
    out: list[RepeatLocation] = []
    grouped: dict[str, dict[str, Any]] = {}
    for row in qs.exclude(address_key="").values("address_key", "address", "postcode", OCCURRED):
        g = grouped.setdefault(
            row["address_key"], {"n": 0, "label": row["address"] or row["postcode"], "when": []}
        )
        g["n"] += 1
        g["when"].append(row[OCCURRED])
    for key, g in grouped.items():
        if g["n"] >= at_least:
            out.append(RepeatLocation(key, g["label"], g["n"], min(g["when"]), max(g["when"])))
    points: dict[tuple[float, float], list[dt.datetime]] = {}
    for lat, lon, when in qs.filter(address_key="").values_list("lat", "lon", OCCURRED):
        points.setdefault((round(lat, 5), round(lon, 5)), []).append(when)
    for (lat, lon), whens in points.items():
        if len(whens) >= at_least:
            out.append(
                RepeatLocation(
                    f"{lat},{lon}", f"point {lat:.5f}, {lon:.5f}", len(whens), min(whens), max(whens)
                )
            )
    out.sort(key=lambda r: (-r.count, r.label))
    return out[:limit]


@dataclass(frozen=True)
class Volt:
    incidents: int
    victims: int
    repeat_victims: int  # victims on two or more of the window's incidents
    subjects: int
    repeat_subjects: int
    locations: list[RepeatLocation]
    by_hour_day: list[list[int]]  # [hour][weekday], Monday first, Europe/London
    by_neighbourhood: list[tuple[str, int, int]] = field(
        default_factory=list
    )  # name, incidents, repeat victims


def volt(window: Window) -> Volt:
    qs = window.incidents()
    table = [[0] * 7 for _ in range(24)]
    london = timezone.get_default_timezone()
    hood_counts: Counter[str] = Counter()
    total = 0
    for when, hood in qs.values_list(OCCURRED, "neighbourhood__name"):
        local = when.astimezone(london)
        table[local.hour][local.weekday()] += 1
        hood_counts[hood or "Not placed"] += 1
        total += 1
    roles: dict[str, Counter[int]] = {"victim": Counter(), "subject": Counter()}
    victim_places: dict[int, set[str]] = {}
    for role, person_id, hood in incidents.people_of(qs).values_list(
        "role", "record__person_id", "incident__neighbourhood__name"
    ):
        if person_id is None:
            continue
        kind = "subject" if role == "subject" else "victim"
        roles[kind][person_id] += 1
        if kind == "victim":
            victim_places.setdefault(person_id, set()).add(hood or "Not placed")
    repeat_by_hood: Counter[str] = Counter()
    for person_id, n in roles["victim"].items():
        if n >= 2:
            for hood in victim_places.get(person_id, ()):
                repeat_by_hood[hood] += 1
    return Volt(
        incidents=total,
        victims=len(roles["victim"]),
        repeat_victims=sum(1 for n in roles["victim"].values() if n >= 2),
        subjects=len(roles["subject"]),
        repeat_subjects=sum(1 for n in roles["subject"].values() if n >= 2),
        locations=repeat_locations(window, at_least=3, limit=10),
        by_hour_day=table,
        by_neighbourhood=sorted(
            ((h, n, repeat_by_hood.get(h, 0)) for h, n in hood_counts.items()), key=lambda t: (-t[1], t[0])
        ),
    )


def near_repeat(
    window: Window,
    *,
    space_bands: Sequence[float] = (100, 200, 300, 400),
    time_bands: Sequence[float] = (7, 14, 21, 28),
    iterations: int = 999,
    seed: int | None = None,
) -> nearrepeat.KnoxResult:
    problems = []
    if not space_bands or any(b <= 0 for b in space_bands) or list(space_bands) != sorted(set(space_bands)):
        problems.append(
            Problem("Distance bands must be increasing numbers of metres above 0.", "space_bands")
        )
    if not time_bands or any(b <= 0 for b in time_bands) or list(time_bands) != sorted(set(time_bands)):
        problems.append(Problem("Time bands must be increasing numbers of days above 0.", "time_bands"))
    if not 99 <= iterations <= 9999:
        problems.append(Problem("Iterations must be from 99 to 9,999.", "iterations"))
    if problems:
        raise ValidationFailed(problems)
    rows = list(window.incidents().values_list("lat", "lon", OCCURRED))
    origin = dt.datetime.combine(window.start, dt.time(), tzinfo=dt.UTC)
    lats = [r[0] for r in rows]
    lons = [r[1] for r in rows]
    days = [(r[2] - origin).total_seconds() / 86400.0 for r in rows]
    x, y = nearrepeat.project_lat_lon(lats, lons)
    return nearrepeat.knox_bands(
        x, y, days, space_bands=space_bands, time_bands=time_bands, iterations=iterations, seed=seed
    )
