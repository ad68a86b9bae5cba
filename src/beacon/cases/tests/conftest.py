"""Two areas with a neighbourhood each, and officers and supervisors who work in them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from beacon.core.models import Area, Force, User
from beacon.core.roles import Role
from beacon.geography.geometry import check_polygon
from beacon.geography.models import Neighbourhood


def _neighbourhood(area: Area, code: str, name: str, box: tuple[float, float, float, float]) -> Neighbourhood:
    lat0, lon0, lat1, lon1 = box
    ring = [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]
    shape, problems = check_polygon({"type": "Polygon", "coordinates": [ring]})
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
def place(db: None) -> dict[str, Any]:
    force = Force.objects.create(name="Casesshire Constabulary", code="CS")
    north = Area.objects.create(force=force, name="North", code="CN")
    south = Area.objects.create(force=force, name="South", code="CSO")
    market = _neighbourhood(north, "CN1", "Market", (52.60, -1.12, 52.62, -1.10))
    docks = _neighbourhood(south, "CS1", "Docks", (52.58, -1.12, 52.60, -1.10))
    return {"force": force, "north": north, "south": south, "market": market, "docks": docks}


@pytest.fixture
def officer(make_user: Callable[..., User], place: dict[str, Any]) -> User:
    u = make_user(Role.OFFICER, username="pc_north", first_name="Olive", last_name="Officer")
    u.areas.add(place["north"])
    return u


@pytest.fixture
def sergeant(make_user: Callable[..., User], place: dict[str, Any]) -> User:
    u = make_user(Role.SUPERVISOR, username="ps_north", first_name="Sam", last_name="Sergeant")
    u.areas.add(place["north"])
    return u


@pytest.fixture
def south_officer(make_user: Callable[..., User], place: dict[str, Any]) -> User:
    u = make_user(Role.OFFICER, username="pc_south")
    u.areas.add(place["south"])
    return u


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMIN, username="admin_cases", all_areas=True)
