"""End-to-end: the map picker on the call-taking form. The neighbourhoods' polygons are the map's
only layer (nothing is fetched from another host: no tile server); a click inside one fills the
latitude and longitude, and the live panel places the report there. A keyboard user sets the point
with the arrow keys and Enter; a form shown again after an error keeps its point on the map.
Debian chromium, axe-core on every page visited."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps
from playwright.sync_api import expect

from beacon.browser_tests.conftest import check_accessibility, login
from beacon.core.models import Area, Force
from beacon.core.roles import Role
from beacon.core.tests.factories import TEST_PASSWORD, UserFactory
from beacon.incidents.reference import load_reference_data
from beacon.incidents.tests.conftest import make_neighbourhood

pytestmark = pytest.mark.django_db(transaction=True)

MARKET = (52.60, -1.12, 52.62, -1.10)  # south, west, north, east
DOCKS = (52.58, -1.12, 52.60, -1.10)  # below Market, sharing its southern edge


@pytest.fixture
def handler() -> Any:
    load_reference_data(apps)  # the data migration's rows do not survive a transactional test's flush
    force = Force.objects.create(name="Testshire Constabulary", code="TS")
    north = Area.objects.create(force=force, name="North", code="TN")
    south = Area.objects.create(force=force, name="South", code="TSO")
    make_neighbourhood(north, "TN1", "Market", MARKET)
    make_neighbourhood(south, "TS1", "Docks", DOCKS)
    return UserFactory(username="handler", role=Role.CALL_HANDLER, all_areas=True)


def _open_the_form(page: Any) -> Any:
    login(page, "handler", TEST_PASSWORD)
    page.goto("/incidents/new/")
    picker = page.get_by_test_id("map-picker")
    expect(picker).to_have_attribute("data-ready", "true")  # the polygons are drawn
    return picker


def _point(page: Any) -> tuple[float, float]:
    lat, lon = page.locator("#id_lat").input_value(), page.locator("#id_lon").input_value()
    for value in (lat, lon):
        assert re.fullmatch(r"-?\d+(\.\d{1,5})?", value), value  # five decimals at most
    return float(lat), float(lon)


def _inside(box: tuple[float, float, float, float], lat: float, lon: float) -> bool:
    south, west, north, east = box
    return south < lat < north and west < lon < east


def test_a_click_inside_a_neighbourhood_fills_the_point_and_places_the_report(
    page: Any, handler: Any
) -> None:
    picker = _open_the_form(page)
    where = page.get_by_role("group", name="Where it happened")
    caption = "Click the map to set the point, or type the postcode or address"
    expect(where.get_by_text(caption)).to_be_visible()
    the_map = where.get_by_role("region", name="Map of the neighbourhoods")
    expect(the_map).to_be_visible()
    assert page.locator("#id_lat").input_value() == "" and page.locator("#id_lon").input_value() == ""
    # No tile layer: the polygons are all there is (and nothing was asked of another host).
    assert picker.locator(".leaflet-tile").count() == 0
    assert picker.locator("path[data-neighbourhood]").count() == 2
    check_accessibility(page)

    market = picker.locator('path[data-neighbourhood="TN1"]')
    market.hover()
    expect(picker.locator(".leaflet-tooltip")).to_have_text("Market")
    market.click()

    lat, lon = _point(page)
    assert _inside(MARKET, lat, lon), (lat, lon)
    panel = page.get_by_test_id("live-check")
    expect(panel.get_by_test_id("placed")).to_contain_text("Market neighbourhood (North)")
    typed = page.locator("#id_lat").input_value(), page.locator("#id_lon").input_value()
    expect(picker.get_by_test_id("map-status")).to_have_text(
        f"Point set at latitude {typed[0]}, longitude {typed[1]}: in Market."
    )
    expect(picker.locator("path.beacon-map-picker__point")).to_have_count(1)
    check_accessibility(page)

    # A click in the other neighbourhood moves the point, and the panel follows.
    picker.locator('path[data-neighbourhood="TS1"]').click()
    lat, lon = _point(page)
    assert _inside(DOCKS, lat, lon), (lat, lon)
    expect(panel.get_by_test_id("placed")).to_contain_text("Docks neighbourhood (South)")
    expect(picker.locator("path.beacon-map-picker__point")).to_have_count(1)


def test_a_keyboard_user_sets_the_point_with_the_arrow_keys_and_enter(page: Any, handler: Any) -> None:
    picker = _open_the_form(page)
    the_map = page.get_by_role("region", name="Map of the neighbourhoods")
    the_map.focus()
    centre = picker.locator(".beacon-map-picker__centre")
    expect(centre).to_be_visible()  # the name under the crosshair
    # The map opens on both neighbourhoods, their shared edge across the middle: move north.
    the_map.press("ArrowUp")
    expect(centre).to_have_text("Market")
    the_map.press("Enter")
    lat, lon = _point(page)
    assert _inside(MARKET, lat, lon), (lat, lon)
    expect(page.get_by_test_id("live-check").get_by_test_id("placed")).to_contain_text("Market neighbourhood")
    check_accessibility(page)


def test_typed_coordinates_show_on_the_map_and_stay_there_when_the_form_comes_back(
    page: Any, handler: Any
) -> None:
    picker = _open_the_form(page)
    point = picker.locator("path.beacon-map-picker__point")
    expect(point).to_have_count(0)
    page.locator("#id_lat").fill("52.59")
    page.locator("#id_lon").fill("-1.11")
    expect(point).to_have_count(1)
    expect(page.get_by_test_id("live-check").get_by_test_id("placed")).to_contain_text("Docks neighbourhood")

    page.get_by_role("button", name="Save report").click()  # nothing else filled in: shown again
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert page.locator("#id_lat").input_value() == "52.59"
    assert page.locator("#id_lon").input_value() == "-1.11"
    expect(picker).to_have_attribute("data-ready", "true")
    expect(point).to_have_count(1)
    # The marker is drawn where the point is: inside Docks on the map.
    dot, docks = point.bounding_box(), picker.locator('path[data-neighbourhood="TS1"]').bounding_box()
    x, y = dot["x"] + dot["width"] / 2, dot["y"] + dot["height"] / 2
    assert docks["x"] < x < docks["x"] + docks["width"] and docks["y"] < y < docks["y"] + docks["height"]
    check_accessibility(page)

    page.locator("#id_lat").fill("")
    expect(point).to_have_count(0)  # no point typed: no marker
