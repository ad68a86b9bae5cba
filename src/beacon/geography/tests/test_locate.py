"""Placing a location: by coordinates, by postcode, not at all; out-of-force and unknown locations
are flagged, never dropped. The in-process index of polygons: fast, and never stale in-process."""

from __future__ import annotations

import math
import random
import time

import pytest
from django.db import transaction
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from beacon.core.models import Force
from beacon.geography import selectors
from beacon.geography.models import Neighbourhood
from beacon.geography.selectors import (
    ADDRESS_ONLY,
    NO_LOCATION,
    OUTSIDE,
    bbox_around,
    distance_m,
    neighbourhood_at,
    resolve_location,
)
from beacon.geography.services import import_geojson
from beacon.geography.tests.factories import (
    NeighbourhoodFactory,
    PostcodeFactory,
    collection,
    feature,
    grid,
    rect,
)

pytestmark = pytest.mark.django_db

WEST = rect(52.60, -1.10, 52.61, -1.09)
EAST = rect(52.60, -1.09, 52.61, -1.08)


@pytest.fixture
def two(force: Force) -> None:
    import_geojson(
        None,
        collection(
            feature("W", WEST, grade="priority"), feature("E", EAST, area_code="S", area_name="South")
        ),
    )


def test_coordinates_place_a_location(two: None) -> None:
    r = resolve_location(lat=52.605, lon=-1.095, postcode="ZY9 9ZZ")
    assert (r.method, r.problem, r.neighbourhood.code, r.area.code) == ("coordinates", "", "W", "N")
    assert r.placed and (r.lat, r.lon) == (52.605, -1.095)
    assert resolve_location(lat="52.605", lon="-1.085").neighbourhood.code == "E"


def test_a_postcode_places_a_location_at_its_centroid(two: None) -> None:
    PostcodeFactory(postcode="ZY1 1AB", lat=52.605, lon=-1.085)
    r = resolve_location(postcode=" zy11ab ", address="1 High Street")
    assert (r.method, r.problem, r.postcode, r.neighbourhood.code) == ("postcode", "", "ZY1 1AB", "E")
    assert (r.lat, r.lon) == (52.605, -1.085)


@pytest.mark.parametrize(
    ("kwargs", "method", "problem"),
    [
        ({}, "none", NO_LOCATION),
        ({"address": "  "}, "none", NO_LOCATION),
        ({"address": "12 Market Square"}, "none", ADDRESS_ONLY),
        ({"postcode": "ZY7 7AB"}, "none", "Postcode ZY7 7AB is not known"),
        ({"postcode": "ZZ1 1ZZ"}, "none", "Postcode ZZ1 1ZZ is not a valid UK postcode"),
        ({"lat": 52.70, "lon": -1.3}, "coordinates", OUTSIDE),
        ({"lat": 91, "lon": -1.3}, "none", "Latitude must be between -90 and 90"),
        ({"lat": 52.6, "lon": 181}, "none", "Longitude must be between -180 and 180"),
        ({"lat": "north", "lon": "-1.1"}, "none", "Latitude must be between -90 and 90"),
        ({"lat": 52.6}, "none", "Give the longitude as well, or neither"),
    ],
)
def test_unplaced_locations_say_why(two: None, kwargs: dict[str, object], method: str, problem: str) -> None:
    r = resolve_location(**kwargs)  # type: ignore[arg-type]
    assert (r.method, r.problem, r.neighbourhood, r.area) == (method, problem, None, None)
    assert not r.placed


def test_a_known_postcode_outside_the_force_is_flagged(two: None) -> None:
    PostcodeFactory(postcode="ZY9 9ZZ", lat=52.7, lon=-1.3)
    r = resolve_location(postcode="ZY9 9ZZ")
    assert (r.method, r.problem, r.neighbourhood, r.lat) == ("postcode", OUTSIDE, None, 52.7)


def test_a_multipolygon_with_a_hole(force: Force) -> None:
    outer = [[-1.2, 52.5], [-1.1, 52.5], [-1.1, 52.6], [-1.2, 52.6], [-1.2, 52.5]]
    hole = [[-1.17, 52.53], [-1.13, 52.53], [-1.13, 52.57], [-1.17, 52.57], [-1.17, 52.53]]
    island = [[-1.0, 52.5], [-0.99, 52.5], [-0.99, 52.51], [-1.0, 52.51], [-1.0, 52.5]]
    inner = [[-1.16, 52.54], [-1.14, 52.54], [-1.14, 52.56], [-1.16, 52.56], [-1.16, 52.54]]
    import_geojson(
        None,
        collection(
            feature("RING", {"type": "MultiPolygon", "coordinates": [[outer, hole], [island]]}),
            feature("INNER", {"type": "Polygon", "coordinates": [inner]}),
        ),
    )
    assert neighbourhood_at(52.51, -1.19).code == "RING"  # in the outer ring
    assert neighbourhood_at(52.505, -0.995).code == "RING"  # on the island
    assert neighbourhood_at(52.55, -1.15).code == "INNER"  # in the hole, inside the other one
    assert neighbourhood_at(52.535, -1.165) is None  # in the hole, in neither
    assert resolve_location(lat=52.535, lon=-1.165).problem == OUTSIDE
    assert neighbourhood_at(52.55, -1.05) is None  # between the polygons, inside the box


def test_a_point_on_a_shared_edge_always_goes_to_the_same_neighbourhood(two: None) -> None:
    assert {neighbourhood_at(52.605, -1.09).code for _ in range(5)} == {"E"}  # E sorts before W


def test_an_import_is_seen_at_once_in_the_same_process(two: None) -> None:
    assert neighbourhood_at(52.615, -1.095) is None  # builds the index
    moved = rect(52.60, -1.10, 52.62, -1.09)
    import_geojson(
        None, collection(feature("W", moved, grade="priority"), feature("N", rect(52.62, -1.1, 52.63, -1.09)))
    )
    assert neighbourhood_at(52.615, -1.095).code == "W"
    assert neighbourhood_at(52.625, -1.095).code == "N"


def test_a_save_or_delete_is_seen_at_once(two: None) -> None:
    assert neighbourhood_at(52.605, -1.095).code == "W"
    Neighbourhood.objects.get(code="W").delete()
    assert neighbourhood_at(52.605, -1.095) is None
    NeighbourhoodFactory(code="F", geometry=WEST)
    assert neighbourhood_at(52.605, -1.095).code == "F"


def test_a_rolled_back_import_is_not_left_in_the_index(two: None) -> None:
    assert neighbourhood_at(52.625, -1.095) is None
    with pytest.raises(RuntimeError), transaction.atomic():
        import_geojson(None, collection(feature("N", rect(52.62, -1.1, 52.63, -1.09))))
        assert neighbourhood_at(52.625, -1.095).code == "N"
        raise RuntimeError("abandon")
    assert not Neighbourhood.objects.filter(code="N").exists()
    assert neighbourhood_at(52.625, -1.095) is None


def test_another_process_s_change_is_seen_after_the_check_interval(
    two: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert neighbourhood_at(52.605, -1.095).code == "W"
    # As another process would: straight to the table, no signal, no invalidation here.
    Neighbourhood.objects.filter(code="W").update(
        geometry=rect(52.0, -2.0, 52.01, -1.99), updated_at=timezone.now()
    )
    assert neighbourhood_at(52.605, -1.095).code == "W"  # within the interval: the old index
    monkeypatch.setattr(selectors, "CHECK_SECONDS", 0.0)
    assert neighbourhood_at(52.605, -1.095) is None
    assert neighbourhood_at(52.005, -1.995).code == "W"


def test_a_lookup_is_fast_and_queries_nothing_after_warm_up(
    force: Force, monkeypatch: pytest.MonkeyPatch, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    import_geojson(None, grid(40, 25))  # 1,000 neighbourhoods
    monkeypatch.setattr(selectors, "CHECK_SECONDS", 3600.0)
    rng = random.Random(7)
    points = [(52.5 + rng.random() * 0.125, -1.2 + rng.random() * 0.2) for _ in range(2000)]
    neighbourhood_at(*points[0])  # warm up
    with django_assert_num_queries(0):
        start = time.perf_counter()
        found = [neighbourhood_at(lat, lon) for lat, lon in points]
        per_call = (time.perf_counter() - start) / len(points)
    assert all(n is not None for n in found)
    lat, lon = points[1]
    n = found[1]
    assert n is not None and n.min_lat <= lat <= n.max_lat and n.min_lon <= lon <= n.max_lon
    assert per_call < 0.001, f"{per_call * 1e6:.0f} µs per lookup"


def test_a_returned_neighbourhood_is_a_copy(two: None) -> None:
    n = neighbourhood_at(52.605, -1.095)
    n.name = "Changed by a caller"
    assert neighbourhood_at(52.605, -1.095).name != "Changed by a caller"


def test_distance_and_box() -> None:
    # One degree of latitude is about 111.2 km on the mean-radius sphere.
    assert distance_m(52.0, -1.0, 53.0, -1.0) == pytest.approx(111_195, rel=1e-4)
    assert distance_m(52.6, -1.1, 52.6, -1.1) == 0
    box = bbox_around(52.6, -1.1, 50)
    for bearing in range(0, 360, 15):
        # a point 49.9 m away in any direction is inside the box
        dlat = 49.9 * math.cos(math.radians(bearing)) / 111_195
        dlon = 49.9 * math.sin(math.radians(bearing)) / (111_195 * math.cos(math.radians(52.6)))
        assert distance_m(52.6, -1.1, 52.6 + dlat, -1.1 + dlon) < 50
        assert box.contains(52.6 + dlat, -1.1 + dlon)
    assert not box.contains(52.6 + 60 / 111_195, -1.1)
    assert box.max_lat - box.min_lat == pytest.approx(100 / 111_195, rel=1e-3)
