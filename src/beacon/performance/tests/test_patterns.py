"""Patterns over a window: repeat locations, a VOLT profile (victims, offenders, locations, time)
and near repeats, read from the database; the page shows them to analysts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from beacon.core.models import User
from beacon.core.roles import Role
from beacon.performance import analysis, places
from beacon.performance.tests.factories import at, incident, incidents, town

pytestmark = pytest.mark.django_db


@pytest.fixture
def window() -> analysis.Window:
    t = town()
    market = t["market"]
    # 4 at one address (a repeat location), 3 at one unaddressed point, the rest scattered
    for day in (1, 3, 5, 7):
        incident(
            at(2025, 3, day, 22), market, address="12 Market Street", address_key="12 market street te1 1st"
        )
    for day in (2, 9, 16):
        incident(at(2025, 3, day, 14), market, lat=52.6111, lon=-1.1111)
    for i in range(10):
        incident(at(2025, 3, 10 + i, 9), market, lat=52.6015 + i * 0.001, lon=-1.1195 + i * 0.001)
    incidents(5, at(2025, 5, 1), market)  # outside the window
    return analysis.Window(dt.date(2025, 3, 1), dt.date(2025, 3, 31), places.FORCE_PLACE)


def test_repeat_locations_count_addresses_and_points(window: analysis.Window) -> None:
    found = analysis.repeat_locations(window, at_least=3)
    assert [(r.label, r.count) for r in found] == [("12 Market Street", 4), ("point 52.61110, -1.11110", 3)]
    assert found[0].first.date() == dt.date(2025, 3, 1)


def test_volt_counts_by_hour_and_weekday(window: analysis.Window) -> None:
    v = analysis.volt(window)
    assert v.incidents == 17
    # 1 March 2025 was a Saturday: 22:00 on Saturday holds one of the four address incidents
    assert v.by_hour_day[22][5] == 1
    assert sum(map(sum, v.by_hour_day)) == 17
    assert v.by_neighbourhood == [("Market", 17, 0)]


def test_near_repeats_are_seeded_and_bands_are_labelled(window: analysis.Window) -> None:
    first = analysis.near_repeat(window, iterations=199, seed=5).as_json()
    again = analysis.near_repeat(window, iterations=199, seed=5).as_json()
    assert first == again
    assert first["space_bands"][0]["label"] == "0 m (same location)"
    same_place = [c for c in first["cells"] if c["space_band"] == "0 m (same location)"]
    assert sum(c["observed"] for c in same_place) == 6 + 3  # pairs among 4 and among 3
    with pytest.raises(Exception, match="increasing"):
        analysis.near_repeat(window, space_bands=(200, 100))


def test_the_patterns_page(
    window: analysis.Window, client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    c = client_for(make_user(Role.ANALYST, all_areas=True))
    r = c.get(reverse("performance:patterns"), {"from": "2025-03-01", "to": "2025-03-31", "place": "force"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "12 Market Street" in html
    assert "Knox ratios" in html
    bad: Any = c.get(
        reverse("performance:patterns"), {"from": "2025-04-01", "to": "2025-03-01", "place": "force"}
    )
    assert "the range is empty" in bad.content.decode()
