"""A small fictional town: two neighbourhoods side by side, a local priority, a postcode."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from beacon.core.models import Area, Force, User
from beacon.core.roles import Role
from beacon.core.services import create_api_token
from beacon.geography.geometry import check_polygon
from beacon.geography.models import LocalPriority, Neighbourhood, PostcodeLocation


def _rectangle(lat0: float, lon0: float, lat1: float, lon1: float) -> dict[str, Any]:
    ring = [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]
    return {"type": "Polygon", "coordinates": [ring]}


def make_neighbourhood(
    area: Area, code: str, name: str, box: tuple[float, float, float, float]
) -> Neighbourhood:
    shape, problems = check_polygon(_rectangle(*box))
    assert shape is not None, problems
    return Neighbourhood.objects.create(
        area=area,
        code=code,
        name=name,
        grade="priority",
        team_name=f"{name} neighbourhood team",
        geometry=shape.geojson,
        min_lat=shape.bbox.min_lat,
        max_lat=shape.bbox.max_lat,
        min_lon=shape.bbox.min_lon,
        max_lon=shape.bbox.max_lon,
        centroid_lat=shape.centroid_lat,
        centroid_lon=shape.centroid_lon,
    )


@pytest.fixture
def town(db: None) -> dict[str, Any]:
    force = Force.objects.create(name="Testshire Constabulary", code="TS")
    north = Area.objects.create(force=force, name="North", code="TN")
    south = Area.objects.create(force=force, name="South", code="TSO")
    market = make_neighbourhood(north, "TN1", "Market", (52.60, -1.12, 52.62, -1.10))
    docks = make_neighbourhood(south, "TS1", "Docks", (52.58, -1.12, 52.60, -1.10))
    LocalPriority.objects.create(
        neighbourhood=market,
        area=north,
        name="Operation Lantern",
        kind=LocalPriority.Kind.OPERATION,
        lat=52.615,
        lon=-1.105,
        radius_m=200,
        active_from=timezone.localdate() - dt.timedelta(days=10),
        active_to=timezone.localdate() + dt.timedelta(days=10),
        min_lat=52.613,
        max_lat=52.617,
        min_lon=-1.108,
        max_lon=-1.102,
    )
    PostcodeLocation.objects.create(postcode="LE1 5WW", lat=52.59, lon=-1.11)
    return {
        "force": force,
        "market": market,
        "docks": docks,
        "inside": (52.605, -1.115),  # in Market, away from the priority
        "priority_point": (52.6151, -1.1051),
        "priority_neighbourhood": market,
        "priority_name": "Operation Lantern",
        "outside": (51.5, -0.12),
        "postcode_in_docks": "LE1 5WW",
    }


@pytest.fixture
def feed(make_user: Callable[..., User]) -> dict[str, str]:
    """The headers of a control-room feed: an administrator's bearer token."""
    _, key = create_api_token(make_user(Role.ADMIN, all_areas=True), name="feed")
    return {"Authorization": f"Bearer {key}"}
