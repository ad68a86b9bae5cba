"""A small town (an area and a neighbourhood around LE1 5WW), a records manager and an officer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from beacon.core.models import Area, Force, User
from beacon.core.roles import Role
from beacon.geography.models import PostcodeLocation
from beacon.incidents.tests.conftest import make_neighbourhood


@pytest.fixture
def town(db: None, make_user: Callable[..., User]) -> dict[str, Any]:
    force = Force.objects.create(name="Testshire Constabulary", code="TS")
    north = Area.objects.create(force=force, name="North", code="TN")
    south = Area.objects.create(force=force, name="South", code="TSO")
    market = make_neighbourhood(north, "TN1", "Market", (52.58, -1.12, 52.62, -1.10))
    PostcodeLocation.objects.create(postcode="LE1 5WW", lat=52.59, lon=-1.11)
    manager = make_user(Role.ADMIN, username="records", all_areas=True)
    officer = make_user(Role.OFFICER, username="pc-north")
    officer.areas.add(north)
    return {"north": north, "south": south, "market": market, "manager": manager, "officer": officer}
