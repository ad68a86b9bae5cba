"""The neighbourhoods' polygons as GeoJSON for the map picker on the report forms: who may read
them, what the FeatureCollection holds, its outlines simplified only for drawing, and that it
follows an import at once and answers from memory after the first request."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import pytest
import shapely
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries
from shapely.geometry import shape

from beacon.core.models import Force
from beacon.core.roles import CAPABILITIES, Role
from beacon.geography import selectors
from beacon.geography.services import import_geojson
from beacon.geography.tests.factories import collection, feature, grid, rect

pytestmark = pytest.mark.django_db

URL = "/geography/neighbourhoods.geojson"


@pytest.fixture
def hoods(force: Force) -> None:
    import_geojson(
        None,
        collection(
            feature("W2", rect(52.60, -1.10, 52.61, -1.09), name="Westgate", area_name="West", area_code="W"),
            feature("E1", rect(52.60, -1.09, 52.61, -1.08), name="Eastgate <b>&</b>", area_name="East"),
        ),
    )


def features(response: Any) -> list[dict[str, Any]]:
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection"
    return list(body["features"])


def test_the_address_is_the_one_the_map_picker_asks() -> None:
    assert reverse("geography:neighbourhoods_geojson") == URL


@pytest.mark.parametrize("role", list(Role))
def test_only_roles_that_see_neighbourhoods_get_them(
    role: str, client_for: Callable[..., Client], hoods: None
) -> None:
    response = client_for(role=role).get(URL)
    allowed = role in CAPABILITIES["geography.view"]
    assert response.status_code == (200 if allowed else 403), role
    if allowed:
        assert response["Content-Type"] == "application/geo+json"


def test_anonymous_users_are_sent_to_log_in(client: Client, hoods: None) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:login"))


def test_it_is_read_only(client_for: Callable[..., Client], hoods: None) -> None:
    client = client_for(role=Role.ADMIN)
    for method in (client.post, client.put, client.delete):
        assert method(URL).status_code == 405


def test_each_neighbourhood_is_a_feature_by_code_with_its_name_and_area(
    client_for: Callable[..., Client], hoods: None
) -> None:
    response = client_for(role=Role.CALL_HANDLER).get(URL)
    assert "no-store" in response["Cache-Control"]  # served to a signed-in user: never cached
    found = features(response)
    assert [f["id"] for f in found] == ["E1", "W2"]  # by code, as a shared edge is decided
    east = found[0]
    # The name as given: the map writes it as text, never as HTML.
    assert east["properties"] == {"code": "E1", "name": "Eastgate <b>&</b>", "area": "East"}
    assert east["geometry"]["type"] == "Polygon"
    assert shape(east["geometry"]).equals(shape(rect(52.60, -1.09, 52.61, -1.08)))
    assert set(found[1]) == {"type", "id", "properties", "geometry"}  # no team e-mail, no grade


def test_a_multipolygon_with_a_hole_keeps_its_parts(client_for: Callable[..., Client], force: Force) -> None:
    outer = [[-1.2, 52.5], [-1.1, 52.5], [-1.1, 52.6], [-1.2, 52.6], [-1.2, 52.5]]
    hole = [[-1.17, 52.53], [-1.13, 52.53], [-1.13, 52.57], [-1.17, 52.57], [-1.17, 52.53]]
    island = [[-1.0, 52.5], [-0.99, 52.5], [-0.99, 52.51], [-1.0, 52.51], [-1.0, 52.5]]
    multi = {"type": "MultiPolygon", "coordinates": [[outer, hole], [island]]}
    import_geojson(None, collection(feature("RING", multi)))
    (ring,) = features(client_for(role=Role.OFFICER).get(URL))
    assert ring["geometry"]["type"] == "MultiPolygon"
    assert [len(p) for p in ring["geometry"]["coordinates"]] == [2, 1]  # outer with its hole; island
    assert shape(ring["geometry"]).equals(shape(multi))


def test_a_detailed_outline_is_drawn_simplified_by_about_a_metre(
    client_for: Callable[..., Client], force: Force
) -> None:
    # A circle of 2,000 points (about 700 m across) and its edges cut into many collinear points.
    ring = [
        [-1.1 + 0.005 * math.cos(2 * math.pi * i / 2000), 52.6 + 0.003 * math.sin(2 * math.pi * i / 2000)]
        for i in range(2000)
    ]
    ring.append(ring[0])
    steps = [[-1.05 + i * 0.00001, 52.6] for i in range(1000)]
    square = [*steps, [-1.04, 52.6], [-1.04, 52.61], [-1.05, 52.61], [-1.05, 52.6]]
    import_geojson(
        None,
        collection(
            feature("C", {"type": "Polygon", "coordinates": [ring]}),
            feature("S", {"type": "Polygon", "coordinates": [square]}),
        ),
    )
    circle, box = features(client_for(role=Role.OFFICER).get(URL))
    drawn = shape(circle["geometry"])
    exact = shapely.Polygon(ring)
    assert len(circle["geometry"]["coordinates"][0]) < 2001
    assert drawn.is_valid and drawn.hausdorff_distance(exact) <= selectors.MAP_TOLERANCE_DEGREES
    assert len(box["geometry"]["coordinates"][0]) == 5  # collinear points dropped: four corners
    for x, y in circle["geometry"]["coordinates"][0]:
        assert round(x, 6) == x and round(y, 6) == y  # six decimals (10 cm) at most


def test_no_neighbourhoods_is_an_empty_collection(client_for: Callable[..., Client], force: Force) -> None:
    assert features(client_for(role=Role.CALL_HANDLER).get(URL)) == []


def test_an_import_is_seen_at_once(client_for: Callable[..., Client], hoods: None) -> None:
    client = client_for(role=Role.CALL_HANDLER)
    assert len(features(client.get(URL))) == 2
    import_geojson(None, collection(feature("N3", rect(52.61, -1.10, 52.62, -1.09), name="Northgate")))
    found = {f["id"]: f["properties"]["name"] for f in features(client.get(URL))}
    assert found == {"E1": "Eastgate <b>&</b>", "N3": "Northgate", "W2": "Westgate"}


def test_many_neighbourhoods_are_served_from_memory_after_the_first_request(
    client_for: Callable[..., Client],
    force: Force,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    import_geojson(None, grid(20, 15))  # 300 neighbourhoods
    monkeypatch.setattr(selectors, "CHECK_SECONDS", 3600.0)
    client = client_for(role=Role.CALL_HANDLER)
    first = client.get(URL)
    with django_assert_max_num_queries(5) as queries:  # session, user, the session's save (3)
        again = client.get(URL)
    assert not [q for q in queries.captured_queries if "geography_" in q["sql"]]
    assert again.content == first.content and len(features(again)) == 300
