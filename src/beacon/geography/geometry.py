"""Pure geometry helpers (no database): check a GeoJSON polygon, its bounding box and centroid,
distances on the Earth and a box around a point.

Coordinates follow GeoJSON: [longitude, latitude] in WGS84. Functions that take a point take
(lat, lon), the order people say them in.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

import shapely
from shapely.geometry import shape as to_shape
from shapely.validation import explain_validity

from beacon.core.errors import Problem

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)
POLYGON_TYPES = ("Polygon", "MultiPolygon")


class BBox(NamedTuple):
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon


@dataclass(frozen=True)
class Shape:
    """A checked polygon: its canonical GeoJSON, the shapely geometry, box and centroid."""

    geojson: dict[str, Any]
    geom: Any  # shapely Polygon or MultiPolygon
    bbox: BBox
    centroid_lat: float
    centroid_lon: float


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance in metres between two points (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def bbox_around(lat: float, lon: float, metres: float) -> BBox:
    """A box that holds every point within `metres` of (lat, lon): filter on it in SQL, then check
    the exact distance with `distance_m`."""
    dlat = math.degrees(metres / EARTH_RADIUS_M)
    widest = min(89.9, max(abs(lat - dlat), abs(lat + dlat)))  # longitude degrees shrink pole-wards
    dlon = min(180.0, dlat / math.cos(math.radians(widest)))
    return BBox(max(-90.0, lat - dlat), min(90.0, lat + dlat), lon - dlon, lon + dlon)


def coordinate_problems(lat: float | None, lon: float | None, field_prefix: str = "") -> list[Problem]:
    problems = []
    if lat is None or not math.isfinite(lat) or not -90 <= lat <= 90:
        problems.append(Problem("Latitude must be between -90 and 90", f"{field_prefix}lat"))
    if lon is None or not math.isfinite(lon) or not -180 <= lon <= 180:
        problems.append(Problem("Longitude must be between -180 and 180", f"{field_prefix}lon"))
    return problems


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _ring(raw: Any, where: str) -> tuple[list[list[float]] | None, str]:
    """A ring as [[lon, lat], …], or the first thing wrong with it."""
    if not isinstance(raw, list):
        return None, f"{where} is not a list of positions"
    ring = []
    for i, pos in enumerate(raw, start=1):
        if not isinstance(pos, list) or len(pos) < 2 or not all(_is_number(v) for v in pos[:2]):
            return None, f"{where}, position {i} is not [longitude, latitude]"
        lon, lat = float(pos[0]), float(pos[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return None, (
                f"{where}, position {i} ({pos[0]}, {pos[1]}) is off the globe: "
                "positions are [longitude, latitude] in degrees (WGS84)"
            )
        ring.append([lon, lat])
    if len(ring) < 4:
        return None, f"{where} has {len(ring)} positions; a ring needs at least 4"
    if ring[0] != ring[-1]:
        return None, f"{where} is not closed: its last position must repeat its first"
    return ring, ""


def _polygon(raw: Any, prefix: str) -> tuple[list[list[list[float]]] | None, list[str]]:
    """A polygon's rings, or what is wrong with each; `prefix` names it within a MultiPolygon."""
    if not isinstance(raw, list) or not raw:
        return None, [f"{prefix.rstrip(', ') or 'the polygon'} has no rings"]
    rings: list[list[list[float]]] = []
    errors: list[str] = []
    for i, r in enumerate(raw, start=1):
        ring, error = _ring(r, f"{prefix}ring {i}")
        if ring is None:
            errors.append(error)
        else:
            rings.append(ring)
    return (None if errors else rings), errors


_VALIDITY = re.compile(r"^(?P<reason>[^\[]+)\[(?P<x>[-\d.eE+]+) (?P<y>[-\d.eE+]+)\]$")


def _explain(geom: Any) -> str:
    text = explain_validity(geom)
    m = _VALIDITY.match(text)
    if not m:
        return f"The polygon is not valid: {text}"
    reason = m["reason"].strip()
    friendly = {
        "Self-intersection": "its boundary crosses itself",
        "Ring Self-intersection": "a ring touches itself",
        "Interior is disconnected": "a hole cuts it in two",
        "Hole lies outside shell": "a hole lies outside its outer ring",
        "Nested holes": "one hole lies inside another",
        "Nested shells": "one polygon lies inside another",
        "Too few points": "a ring has too few distinct points",
    }.get(reason, reason.lower())
    lon, lat = float(m["x"]), float(m["y"])
    return f"The polygon is not valid: {friendly} near longitude {lon:.6f}, latitude {lat:.6f}"


def check_polygon(
    raw: Any, *, field: str = "geometry", row: int | None = None
) -> tuple[Shape | None, list[Problem]]:
    """Check a GeoJSON Polygon or MultiPolygon geometry. Returns the shape, or every problem found
    (structure first; only a well-formed geometry is then checked for self-intersection)."""

    def problem(message: str) -> Problem:
        return Problem(message, field, row)

    if not isinstance(raw, dict):
        return None, [problem("The geometry is missing or is not a GeoJSON object")]
    kind = raw.get("type")
    if kind not in POLYGON_TYPES:
        return None, [problem(f"The geometry must be a Polygon or MultiPolygon, not {kind or 'nothing'}")]
    coords = raw.get("coordinates")
    errors: list[str] = []
    canonical: list[Any] = []
    if kind == "Polygon":
        rings, errors = _polygon(coords, "")
        canonical = rings or []
    elif not isinstance(coords, list) or not coords:
        errors = ["The MultiPolygon has no polygons"]
    else:
        for i, poly in enumerate(coords, start=1):
            rings, errs = _polygon(poly, f"polygon {i}, ")
            errors += errs
            if rings:
                canonical.append(rings)
    if errors:
        return None, [problem(e[0].upper() + e[1:]) for e in errors]
    geojson = {"type": kind, "coordinates": canonical}
    try:
        geom = to_shape(geojson)
    except (ValueError, TypeError, shapely.errors.GEOSException) as exc:
        return None, [problem(f"The geometry could not be read: {exc}")]
    if geom.is_empty:
        return None, [problem("The geometry is empty")]
    if not geom.is_valid:
        return None, [problem(_explain(geom))]
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    c = geom.centroid
    return Shape(geojson, geom, BBox(min_lat, max_lat, min_lon, max_lon), c.y, c.x), []


def geometry_from_text(text: str) -> Any:
    """A GeoJSON geometry typed or pasted: a bare geometry, a Feature, or a one-feature collection.
    Raises ValueError if it is not JSON."""
    data = json.loads(text)
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features") or []
        data = features[0] if len(features) == 1 else data
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    return data
