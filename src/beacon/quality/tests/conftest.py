from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from beacon.core.models import User
from beacon.core.roles import Role
from beacon.quality.tests.factories import area, at, incidents, neighbourhood


@pytest.fixture
def town(make_user: Callable[..., User]) -> dict[str, Any]:
    """Two areas; 30 ASB incidents in North in March 2024 (10 by the officer), 5 in South, 4 in
    North in April, and people: a manager, an auditor and the registrar, each working in North."""
    north, south = area("North", "N"), area("South", "S")
    market = neighbourhood(north, "N1", "Market")
    officer = make_user(Role.OFFICER, username="owner")
    officer.areas.add(north)
    auditor = make_user(Role.SUPERVISOR, username="auditor")
    auditor.areas.add(north)
    manager = make_user(Role.PERFORMANCE, username="manager")
    manager.areas.add(north)
    registrar = make_user(Role.PERFORMANCE, username="registrar")
    registrar.areas.add(north)
    mine = incidents(10, at(2024, 3, 5), north, market, created_by=officer)
    others = incidents(20, at(2024, 3, 20), north, market)
    incidents(5, at(2024, 3, 10), south)
    incidents(4, at(2024, 4, 2), north, market)
    incidents(3, at(2024, 3, 12), north, market, is_asb=False)  # not ASB: not sampled
    return {
        "north": north,
        "south": south,
        "market": market,
        "officer": officer,
        "auditor": auditor,
        "manager": manager,
        "registrar": registrar,
        "mine": mine,
        "others": others,
    }
