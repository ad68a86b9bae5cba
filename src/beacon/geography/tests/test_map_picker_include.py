"""The map picker's include (incidents/_map_picker.html): hidden until its script runs, external
scripts only (the Content-Security-Policy allows no inline script), no tile layer unless the force
sets one, and nothing for a role that may not see the neighbourhoods."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.test import override_settings

from beacon.core.roles import Role
from beacon.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

INCLUDE = "incidents/_map_picker.html"


def test_the_map_loads_the_polygons_with_external_scripts_and_no_tiles() -> None:
    html = render_to_string(INCLUDE, {"user": UserFactory(role=Role.CALL_HANDLER)})
    assert 'data-src="/geography/neighbourhoods.geojson"' in html
    assert "data-tiles" not in html  # no tile server by default
    assert "Click the map to set the point, or type the postcode or address" in html
    assert re.search(r'role="region" aria-label="Map of the neighbourhoods"', html)
    root = re.search(r"<div [^>]*data-map-picker[^>]*>", html)
    assert root and " hidden" in root.group(0)  # an enhancement: shown by its script
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == [
        '<script src="/static/vendor/leaflet/leaflet.js" defer>',
        '<script src="/static/beacon/map-picker.js" defer>',
    ]
    assert '<link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css">' in html


@override_settings(
    BEACON_MAP_TILES="https://tiles.force.example/{z}/{x}/{y}.png",
    BEACON_MAP_TILES_ATTRIBUTION="© Force mapping",
)
def test_a_force_s_own_tile_server_when_set() -> None:
    html = render_to_string(INCLUDE, {"user": UserFactory(role=Role.OFFICER)})
    assert 'data-tiles="https://tiles.force.example/{z}/{x}/{y}.png"' in html
    assert 'data-tiles-attribution="© Force mapping"' in html


def test_nothing_for_a_role_that_may_not_see_neighbourhoods() -> None:
    assert "data-map-picker" not in render_to_string(INCLUDE, {"user": UserFactory(role=Role.PARTNER)})
