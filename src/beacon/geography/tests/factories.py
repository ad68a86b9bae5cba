"""Factories and GeoJSON builders for geography tests (all places fictional)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import factory
from factory.django import DjangoModelFactory

from beacon.core.tests.factories import AreaFactory
from beacon.geography.geometry import Shape, bbox_around, check_polygon
from beacon.geography.models import Grade, LocalPriority, Neighbourhood, PostcodeLocation


def rect(south: float, west: float, north: float, east: float) -> dict[str, Any]:
    """A GeoJSON Polygon for a box (corners given as lat, lon)."""
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(
    code: str,
    geometry: Any,
    *,
    name: str | None = None,
    area_code: str = "N",
    area_name: str = "North",
    grade: str = "capable",
    team_name: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    props = {
        "code": code,
        "name": name or f"Neighbourhood {code}",
        "area_code": area_code,
        "area_name": area_name,
        "grade": grade,
        "team_name": team_name or f"Team {code}",
        **extra,
    }
    return {"type": "Feature", "properties": props, "geometry": geometry}


def collection(*features: dict[str, Any]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def grid(cols: int, rows: int, *, south: float = 52.5, west: float = -1.2, size: float = 0.005) -> str:
    """cols by rows square neighbourhoods tiled edge to edge, codes G0000…, in areas by row parity."""
    out = []
    for r in range(rows):
        for c in range(cols):
            s, w = south + r * size, west + c * size
            area = "N" if r % 2 else "S"
            out.append(
                feature(
                    f"G{r * cols + c:04d}",
                    rect(s, w, s + size, w + size),
                    area_code=area,
                    area_name={"N": "North", "S": "South"}[area],
                    grade=list(Grade.values)[(r + c) % 3],
                )
            )
    return collection(*out)


def _shape(geometry: dict[str, Any]) -> Shape:
    shape, problems = check_polygon(geometry)
    assert shape is not None, problems
    return shape


class NeighbourhoodFactory(DjangoModelFactory[Neighbourhood]):
    """A neighbourhood saved directly (not through the import); its box follows its geometry."""

    class Meta:
        model = Neighbourhood

    area = factory.SubFactory(AreaFactory)
    code = factory.Sequence(lambda n: f"NB{n:04d}")
    name = factory.Sequence(lambda n: f"Neighbourhood {n}")
    grade = Grade.CAPABLE
    team_name = factory.LazyAttribute(lambda o: f"{o.name} Team")
    geometry = factory.LazyFunction(lambda: rect(52.60, -1.10, 52.61, -1.09))
    min_lat = factory.LazyAttribute(lambda o: _shape(o.geometry).bbox.min_lat)
    max_lat = factory.LazyAttribute(lambda o: _shape(o.geometry).bbox.max_lat)
    min_lon = factory.LazyAttribute(lambda o: _shape(o.geometry).bbox.min_lon)
    max_lon = factory.LazyAttribute(lambda o: _shape(o.geometry).bbox.max_lon)
    centroid_lat = factory.LazyAttribute(lambda o: _shape(o.geometry).centroid_lat)
    centroid_lon = factory.LazyAttribute(lambda o: _shape(o.geometry).centroid_lon)


class PostcodeFactory(DjangoModelFactory[PostcodeLocation]):
    class Meta:
        model = PostcodeLocation
        django_get_or_create = ("postcode",)

    postcode = "ZY1 1AB"
    lat = 52.605
    lon = -1.095


class PointPriorityFactory(DjangoModelFactory[LocalPriority]):
    """A point-and-radius priority saved directly; its box follows its point and radius."""

    class Meta:
        model = LocalPriority

    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    area = factory.LazyAttribute(lambda o: o.neighbourhood.area)
    name = factory.Sequence(lambda n: f"Priority {n}")
    kind = LocalPriority.Kind.NEIGHBOURHOOD_PRIORITY
    lat = 52.605
    lon = -1.095
    radius_m = 100
    active_from = dt.date(2026, 1, 1)
    active_to = None
    min_lat = factory.LazyAttribute(lambda o: bbox_around(o.lat, o.lon, o.radius_m).min_lat)
    max_lat = factory.LazyAttribute(lambda o: bbox_around(o.lat, o.lon, o.radius_m).max_lat)
    min_lon = factory.LazyAttribute(lambda o: bbox_around(o.lat, o.lon, o.radius_m).min_lon)
    max_lon = factory.LazyAttribute(lambda o: bbox_around(o.lat, o.lon, o.radius_m).max_lon)
