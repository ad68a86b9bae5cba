"""A small fictional town in two areas, with officers and supervisors in the north."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from beacon.core.models import Area, Force, User
from beacon.core.roles import Role
from beacon.geography.models import LocalPriority
from beacon.incidents.tests.conftest import make_neighbourhood


@pytest.fixture
def town(db: None) -> dict[str, Any]:
    force = Force.objects.create(name="Testshire Constabulary", code="TS")
    north = Area.objects.create(force=force, name="North", code="TN")
    south = Area.objects.create(force=force, name="South", code="TSO")
    market = make_neighbourhood(north, "TN1", "Market", (52.60, -1.12, 52.62, -1.10))  # graded priority
    docks = make_neighbourhood(south, "TS1", "Docks", (52.58, -1.12, 52.60, -1.10))
    docks.grade = "capable"
    docks.save(update_fields=["grade"])
    today = timezone.localdate()
    LocalPriority.objects.create(
        neighbourhood=market,
        area=north,
        name="Operation Lantern",
        kind=LocalPriority.Kind.OPERATION,
        lat=52.615,
        lon=-1.105,
        radius_m=200,
        active_from=today - dt.timedelta(days=10),
        active_to=today + dt.timedelta(days=10),
        min_lat=52.613,
        max_lat=52.617,
        min_lon=-1.108,
        max_lon=-1.102,
    )
    return {
        "north": north,
        "south": south,
        "market": market,
        "docks": docks,
        "in_market": (52.605, -1.115),  # away from the priority
        "in_priority": (52.6151, -1.1051),
        "in_docks": (52.59, -1.11),
    }


@pytest.fixture
def north_user(make_user: Callable[..., User], town: dict[str, Any]) -> Callable[..., User]:
    """A user of `role` working in the North area."""

    def make(role: str = Role.OFFICER, **kwargs: Any) -> User:
        user = make_user(role, **kwargs)
        user.areas.add(town["north"])
        return user

    return make


@pytest.fixture
def officer(north_user: Callable[..., User]) -> User:
    return north_user(Role.OFFICER, username="pc_north")


@pytest.fixture
def sergeant(north_user: Callable[..., User]) -> User:
    return north_user(Role.SUPERVISOR, username="ps_north")
