"""Two areas with a neighbourhood each; officers, supervisors and partner users."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from beacon.core.models import Area, Force, User
from beacon.core.roles import Role
from beacon.core.services import create_api_token
from beacon.incidents.tests.conftest import make_neighbourhood


@pytest.fixture
def place(db: None) -> dict[str, Any]:
    force = Force.objects.create(name="Partnershire Constabulary", code="PS")
    north = Area.objects.create(force=force, name="North", code="PN")
    south = Area.objects.create(force=force, name="South", code="PSO")
    market = make_neighbourhood(north, "PN1", "Market", (52.60, -1.12, 52.62, -1.10))
    mill = make_neighbourhood(north, "PN2", "Mill", (52.62, -1.12, 52.64, -1.10))
    docks = make_neighbourhood(south, "PS1", "Docks", (52.58, -1.12, 52.60, -1.10))
    return {"force": force, "north": north, "south": south, "market": market, "mill": mill, "docks": docks}


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
def council_user(make_user: Callable[..., User]) -> User:
    return make_user(Role.PARTNER, username="council_asb", partner_agency="council")


@pytest.fixture
def housing_user(make_user: Callable[..., User]) -> User:
    return make_user(Role.PARTNER, username="housing_officer", partner_agency="housing")


@pytest.fixture
def bearer(make_user: Callable[..., User]) -> Callable[..., dict[str, str]]:
    """Headers carrying a bearer token for `user`."""

    def make(user: User) -> dict[str, str]:
        _, key = create_api_token(user, name="test")
        return {"Authorization": f"Bearer {key}"}

    return make


@pytest.fixture
def api_client() -> Client:
    return Client()
