"""Every read of geography: place a location in its neighbourhood, the local priorities active at a
point, distances, and the lists the pages show.

`neighbourhood_at` runs on every incident created, so it answers from an in-process index of
prepared shapely polygons (an STRtree) rather than the database. The index is rebuilt when:
- this process writes neighbourhoods (the services, and any save or delete, call `invalidate_cache`),
  so a write is seen at once by the code that made it;
- the transaction that made such a write ends (committed or rolled back), checked by identity of
  Django's atomic blocks, so a rolled-back write is not left behind in the index;
- another process has changed them: a cheap marker (count, latest `updated_at`, highest id) is
  compared at most once every CHECK_SECONDS.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import shapely
from django.db import connection, transaction
from django.db.models import Count, Max, Q, QuerySet
from shapely.geometry import mapping
from shapely.geometry import shape as to_shape

from beacon.core.models import Area
from beacon.geography.geometry import BBox, bbox_around, coordinate_problems, distance_m
from beacon.geography.models import LocalPriority, Neighbourhood, PostcodeLocation
from beacon.people.normalise import PostcodeError, normalise_postcode

__all__ = [
    "BBox",
    "LocationResult",
    "active_priorities",
    "active_priority_names",
    "bbox_around",
    "distance_m",
    "invalidate_cache",
    "neighbourhood_at",
    "neighbourhood_detail",
    "neighbourhood_features",
    "neighbourhood_list",
    "priority_list",
    "resolve_location",
]

LONDON = ZoneInfo("Europe/London")
CHECK_SECONDS = 2.0

NO_LOCATION = "No location given"
OUTSIDE = "The location is outside the force's neighbourhoods"
ADDRESS_ONLY = "Address could not be placed: give a postcode or map point"


# ---------------------------------------------------------------------------------------------
# The in-process index of neighbourhood polygons


@dataclass
class _Index:
    items: list[Neighbourhood]
    geoms: list[Any]  # prepared shapely geometries, same order as items
    tree: Any  # shapely STRtree over geoms, or None when there are no neighbourhoods
    marker: tuple[Any, ...]
    checked_at: float
    anchor: tuple[Any, ...] = field(default=())  # atomic blocks open when built over own writes
    geojson: str | None = None  # the map's FeatureCollection, made once per index (neighbourhood_features)


_lock = threading.Lock()
_index: _Index | None = None
_local = threading.local()  # .pending: the outermost atomic block of this thread's last write


def invalidate_cache() -> None:
    """Forget the neighbourhood index so that the next lookup rebuilds it from the database."""
    global _index
    _index = None
    if connection.in_atomic_block:
        _local.pending = connection.atomic_blocks[0]
        transaction.on_commit(invalidate_cache)
    else:
        _local.pending = None


def _own_uncommitted_writes() -> bool:
    pending = getattr(_local, "pending", None)
    if pending is None:
        return False
    blocks = connection.atomic_blocks
    if blocks and blocks[0] is pending:
        return True
    _local.pending = None  # that transaction has ended
    return False


def _anchor() -> tuple[Any, ...]:
    return tuple(connection.atomic_blocks) if _own_uncommitted_writes() else ()


def _still_inside(anchor: tuple[Any, ...]) -> bool:
    blocks = connection.atomic_blocks
    return len(blocks) >= len(anchor) and all(a is b for a, b in zip(anchor, blocks, strict=False))


def _marker_now() -> tuple[Any, ...]:
    agg = Neighbourhood.objects.aggregate(n=Count("id"), latest=Max("updated_at"), top=Max("id"))
    return (agg["n"], agg["latest"], agg["top"])


def _build() -> _Index:
    items = list(Neighbourhood.objects.select_related("area", "area__force").order_by("code"))
    geoms = []
    for n in items:
        g = to_shape(n.geometry)
        shapely.prepare(g)
        geoms.append(g)
    marker = (
        len(items),
        max((n.updated_at for n in items), default=None),
        max((n.pk for n in items), default=None),
    )
    tree = shapely.STRtree(geoms) if geoms else None
    return _Index(items, geoms, tree, marker, time.monotonic(), _anchor())


def _current_index() -> _Index:
    global _index
    idx = _index
    if idx is not None:
        moved = bool(idx.anchor) and not _still_inside(idx.anchor)
        if not moved and time.monotonic() - idx.checked_at < CHECK_SECONDS:
            return idx
        if _marker_now() == idx.marker:
            idx.checked_at = time.monotonic()
            idx.anchor = _anchor()
            return idx
    with _lock:
        idx = _build()
        _index = idx
    return idx


def _valid_point(lat: float, lon: float) -> bool:
    return math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180


def _find(idx: _Index, lat: float, lon: float) -> int | None:
    if idx.tree is None or not _valid_point(lat, lon):
        return None
    best: int | None = None
    for i in idx.tree.query(shapely.Point(lon, lat)):  # bounding-box hits
        if (best is None or i < best) and shapely.intersects_xy(idx.geoms[i], lon, lat):
            best = int(i)  # on a shared edge the lowest code wins, every time
    return best


def neighbourhood_at(lat: float, lon: float) -> Neighbourhood | None:
    """The neighbourhood containing the point (its boundary included), with its area loaded; None
    outside every neighbourhood. Answers from memory: no query after warm-up."""
    idx = _current_index()
    i = _find(idx, lat, lon)
    return copy.copy(idx.items[i]) if i is not None else None


# Simplification for the map: about a metre, far below what a click on it can tell apart; a real
# force's boundaries (thousands of points each) then draw quickly. Placing a point never uses it.
MAP_TOLERANCE_DEGREES = 0.00001
MAP_DECIMALS = 6


def _rounded(coords: Any) -> Any:
    if isinstance(coords, list | tuple) and coords and isinstance(coords[0], int | float):
        return [round(float(c), MAP_DECIMALS) for c in coords]
    return [_rounded(c) for c in coords]


def neighbourhood_features() -> str:
    """Every neighbourhood's polygon as a GeoJSON FeatureCollection (text) for the map picker on
    the report forms: `id` is the code, `properties` the code, name and area name; by code, as
    `neighbourhood_at` decides a shared edge. Outlines are simplified for drawing (about a metre).
    Made from the in-process index, once each time the index is rebuilt."""
    idx = _current_index()
    if idx.geojson is None:
        features = []
        for n, g in zip(idx.items, idx.geoms, strict=True):
            drawn = shapely.simplify(g, MAP_TOLERANCE_DEGREES, preserve_topology=True)
            geometry = mapping(drawn if not drawn.is_empty else g)
            features.append(
                {
                    "type": "Feature",
                    "id": n.code,
                    "properties": {"code": n.code, "name": n.name, "area": n.area.name},
                    "geometry": {"type": geometry["type"], "coordinates": _rounded(geometry["coordinates"])},
                }
            )
        idx.geojson = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    return idx.geojson


# ---------------------------------------------------------------------------------------------
# Placing a location


@dataclass
class LocationResult:
    """Where a location is. `problem` is empty when it was placed in a neighbourhood; otherwise it
    says why not (the location is never dropped silently)."""

    lat: float | None = None
    lon: float | None = None
    neighbourhood: Neighbourhood | None = None
    area: Area | None = None
    method: str = "none"  # "coordinates" | "postcode" | "none"
    problem: str = ""
    postcode: str = ""  # canonical, when one was given and is valid

    @property
    def placed(self) -> bool:
        return self.neighbourhood is not None

    def as_dict(self) -> dict[str, Any]:
        n = self.neighbourhood
        return {
            "lat": self.lat,
            "lon": self.lon,
            "method": self.method,
            "problem": self.problem,
            "postcode": self.postcode,
            "neighbourhood": None
            if n is None
            else {
                "id": n.pk,
                "code": n.code,
                "name": n.name,
                "grade": n.grade,
                "team_name": n.team_name,
                "team_email": n.team_email,
            },
            "area": None
            if self.area is None
            else {"id": self.area.pk, "code": self.area.code, "name": self.area.name},
        }


def _number(value: float | str | None) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _placed(lat: float, lon: float, method: str, postcode: str = "") -> LocationResult:
    n = neighbourhood_at(lat, lon)
    if n is None:
        return LocationResult(lat, lon, None, None, method, OUTSIDE, postcode)
    return LocationResult(lat, lon, n, n.area, method, "", postcode)


def resolve_location(
    *,
    postcode: str | None = None,
    address: str | None = None,
    lat: float | str | None = None,
    lon: float | str | None = None,
) -> LocationResult:
    """Place a location: by coordinates if given, else by the postcode's centroid, else not at all.
    Never raises for bad input: the result's `problem` says what is wrong."""
    y, x = _number(lat), _number(lon)
    if y is not None or x is not None:
        if y is None or x is None:
            missing = "longitude" if x is None else "latitude"
            return LocationResult(problem=f"Give the {missing} as well, or neither")
        problems = coordinate_problems(y, x)
        if problems:
            return LocationResult(problem="; ".join(p.message for p in problems))
        return _placed(y, x, "coordinates")
    if postcode and postcode.strip():
        try:
            pc = normalise_postcode(postcode) or ""
        except PostcodeError:
            return LocationResult(problem=f"Postcode {postcode.strip()} is not a valid UK postcode")
        found = PostcodeLocation.objects.filter(postcode=pc).values_list("lat", "lon").first()
        if found is None:
            return LocationResult(problem=f"Postcode {pc} is not known", postcode=pc)
        return _placed(found[0], found[1], "postcode", pc)
    if address and address.strip():
        return LocationResult(problem=ADDRESS_ONLY)
    return LocationResult(problem=NO_LOCATION)


# ---------------------------------------------------------------------------------------------
# Local priorities


def local_date(at: dt.datetime | dt.date) -> dt.date:
    """The date in Europe/London of a moment (a naive datetime is taken as London time)."""
    if isinstance(at, dt.datetime):
        return (at.astimezone(LONDON) if at.tzinfo else at).date()
    return at


def _active_on(day: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}active_from__lte": day}) & (
        Q(**{f"{prefix}active_to__isnull": True}) | Q(**{f"{prefix}active_to__gte": day})
    )


def covers(priority: LocalPriority, lat: float, lon: float) -> bool:
    """Whether the point is inside the priority's polygon (boundary included) or within its radius."""
    if priority.geometry is not None:
        return bool(shapely.intersects_xy(to_shape(priority.geometry), lon, lat))
    if priority.lat is None or priority.lon is None or priority.radius_m is None:
        return False
    return distance_m(priority.lat, priority.lon, lat, lon) <= priority.radius_m


def active_priorities(lat: float, lon: float, at: dt.datetime | dt.date) -> list[LocalPriority]:
    """The local priorities covering the point that are active on the day of `at` (Europe/London;
    first and last days included), by name. The bounding-box columns prefilter in SQL."""
    if not _valid_point(lat, lon):
        return []
    day = local_date(at)
    qs = (
        LocalPriority.objects.filter(min_lat__lte=lat, max_lat__gte=lat, min_lon__lte=lon, max_lon__gte=lon)
        .filter(_active_on(day))
        .select_related("neighbourhood", "area")
        .order_by("name", "pk")
    )
    return [p for p in qs if covers(p, lat, lon)]


def active_priority_names(lat: float, lon: float, at: dt.datetime | dt.date) -> list[str]:
    """The names of `active_priorities(lat, lon, at)`, in the same order, for intake, which runs it
    on every report: one plain query of the columns the check needs, with nothing else loaded."""
    if not _valid_point(lat, lon):
        return []
    day = connection.ops.adapt_datefield_value(local_date(at))
    qn = connection.ops.quote_name
    sql = (
        f"SELECT id, name, CAST(geometry AS TEXT), lat, lon, radius_m "  # noqa: S608 - our names, values bound
        f"FROM {qn(LocalPriority._meta.db_table)} "
        "WHERE min_lat <= %s AND max_lat >= %s AND min_lon <= %s AND max_lon >= %s "
        "AND active_from <= %s AND (active_to IS NULL OR active_to >= %s) ORDER BY name, id"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [lat, lat, lon, lon, day, day])
        rows = cur.fetchall()
    names = []
    for pk, name, geometry, p_lat, p_lon, radius in rows:
        found = LocalPriority(
            pk=pk,
            name=name,
            geometry=None if geometry is None else json.loads(geometry),
            lat=p_lat,
            lon=p_lon,
            radius_m=radius,
        )
        if covers(found, lat, lon):
            names.append(name)
    return names


def is_active(priority: LocalPriority, day: dt.date) -> bool:
    return priority.active_from <= day and (priority.active_to is None or day <= priority.active_to)


def priority_list(*, today: dt.date, include_ended: bool = False) -> QuerySet[LocalPriority]:
    """Priorities for the list page: current and future ones, or all of them."""
    qs = LocalPriority.objects.select_related("neighbourhood", "area")
    if not include_ended:
        qs = qs.filter(Q(active_to__isnull=True) | Q(active_to__gte=today))
    return qs.order_by("active_from", "name", "pk")


# ---------------------------------------------------------------------------------------------
# Pages


def neighbourhoods_in(area_ids: list[int] | None) -> QuerySet[Neighbourhood]:
    """The neighbourhoods of these areas (None: every area), by name."""
    qs = Neighbourhood.objects.order_by("name", "id")
    return qs if area_ids is None else qs.filter(area_id__in=area_ids)


def neighbourhood_list(*, today: dt.date) -> QuerySet[Neighbourhood]:
    """Every neighbourhood with its area and the number of its priorities active today (one query)."""
    return (
        Neighbourhood.objects.select_related("area")
        .defer("geometry")
        .annotate(active_priorities=Count("priorities", filter=_active_on(today, "priorities__")))
        .order_by("area__name", "name", "code")
    )


@dataclass
class NeighbourhoodDetail:
    neighbourhood: Neighbourhood
    current: list[LocalPriority]
    upcoming: list[LocalPriority]
    ended: list[LocalPriority]
    area_wide: list[LocalPriority]  # active area-level priorities whose box overlaps this one


def neighbourhood_detail(neighbourhood: Neighbourhood, *, today: dt.date) -> NeighbourhoodDetail:
    n = neighbourhood
    own = list(n.priorities.select_related("area").order_by("active_from", "name"))
    area_wide = list(
        LocalPriority.objects.filter(
            neighbourhood__isnull=True,
            area_id=n.area_id,
            min_lat__lte=n.max_lat,
            max_lat__gte=n.min_lat,
            min_lon__lte=n.max_lon,
            max_lon__gte=n.min_lon,
        )
        .filter(_active_on(today))
        .order_by("name")
    )
    return NeighbourhoodDetail(
        neighbourhood=n,
        current=[p for p in own if is_active(p, today)],
        upcoming=[p for p in own if p.active_from > today],
        ended=[p for p in own if p.active_to is not None and p.active_to < today],
        area_wide=area_wide,
    )


def postcode_location(postcode: str) -> PostcodeLocation | None:
    """The directory entry for a postcode (any spacing or case); None if invalid or unknown."""
    try:
        pc = normalise_postcode(postcode)
    except PostcodeError:
        return None
    return PostcodeLocation.objects.filter(postcode=pc).first() if pc else None
