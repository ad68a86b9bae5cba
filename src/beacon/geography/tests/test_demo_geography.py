"""The demo geography: six tiled neighbourhoods in two areas, postcodes that place inside them, two
active local priorities; loading twice changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from beacon.core.models import Area, AuditEvent, Force
from beacon.core.tests.factories import AreaFactory
from beacon.demo.geography import CASTLE_PARK, LANTERN, NEIGHBOURHOODS, POSTCODES, load_demo_geography
from beacon.geography.models import LocalPriority, Neighbourhood
from beacon.geography.selectors import OUTSIDE, active_priorities, neighbourhood_at, resolve_location

pytestmark = pytest.mark.django_db

EXPECTED = {  # postcode -> neighbourhood code
    "ZY1 1AB": "N01",
    "ZY2 2AB": "N02",
    "ZY2 2AD": "N02",
    "ZY3 3AB": "N03",
    "ZY4 4AB": "S01",
    "ZY5 5AB": "S02",
    "ZY5 5AD": "S02",
    "ZY6 6AB": "S03",
}


def test_the_demo_geography_loads_once_and_places_its_postcodes(force: Force) -> None:
    AreaFactory(force=force, code="N", name="Northern Area")  # as the demo data makes it
    summary = load_demo_geography(force)
    assert summary["areas_created"] == ["S"] and summary["neighbourhoods_created"] == 6
    assert summary["priorities_created"] == [LANTERN, CASTLE_PARK]
    assert dict(Area.objects.values_list("code", "name")) == {"N": "Northern Area", "S": "South"}
    assert Neighbourhood.objects.count() == len(NEIGHBOURHOODS)
    for pc, code in EXPECTED.items():
        r = resolve_location(postcode=pc)
        assert (r.problem, r.neighbourhood.code if r.neighbourhood else None) == ("", code), pc
    assert resolve_location(postcode="ZY9 9ZZ").problem == OUTSIDE
    for n in Neighbourhood.objects.all():  # each centre is inside its own neighbourhood
        assert neighbourhood_at(n.centroid_lat, n.centroid_lon).code == n.code
    now = dt.datetime.now(dt.UTC)
    assert [p.name for p in active_priorities(*POSTCODES["ZY2 2AB"], now)] == [LANTERN]
    assert [p.name for p in active_priorities(*POSTCODES["ZY5 5AB"], now)] == [CASTLE_PARK]
    assert active_priorities(*POSTCODES["ZY1 1AB"], now) == []
    assert LocalPriority.objects.get(name=LANTERN).geometry is not None

    events = AuditEvent.objects.count()
    again = load_demo_geography(force)
    assert again["neighbourhoods_created"] == 0 and again["priorities_created"] == []
    assert again["postcodes_created"] == 0 and again["areas_created"] == []
    assert AuditEvent.objects.count() == events
