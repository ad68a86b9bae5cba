"""Demo geography for a fictional town centred near latitude 52.60, longitude -1.10: two areas
(North and South) of three rectangular neighbourhoods each, tiled edge to edge, a few postcodes
(the fictional ZY district, valid in form) and two active local priorities.

Everything goes through the geography services, so it is audited, and loading twice changes
nothing. Dates are relative to today so the priorities are always active.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from django.db import transaction

from beacon.core.models import Area, Force
from beacon.geography import services
from beacon.geography.models import LocalPriority, Neighbourhood

# Columns (west to east) and rows (south to north) of the grid of neighbourhoods.
LONS = (-1.145, -1.115, -1.085, -1.055)
LATS = {"S": (52.575, 52.600), "N": (52.600, 52.625)}
AREA_NAMES = {"N": "North", "S": "South"}

# code, name, area code, column, grade, team
NEIGHBOURHOODS = [
    ("N01", "Abbey Fields", "N", 0, "capable", "Abbey Fields Neighbourhood Team"),
    ("N02", "Town Centre", "N", 1, "priority", "Town Centre Neighbourhood Team"),
    ("N03", "Riverside", "N", 2, "enhanced", "Riverside Neighbourhood Team"),
    ("S01", "Southmead", "S", 0, "enhanced", "Southmead Neighbourhood Team"),
    ("S02", "Castle Hill", "S", 1, "priority", "Castle Hill Neighbourhood Team"),
    ("S03", "Brookside", "S", 2, "capable", "Brookside Neighbourhood Team"),
]

# postcode -> (lat, lon); one or more inside each neighbourhood, and one outside the force.
POSTCODES = {
    "ZY1 1AB": (52.6125, -1.1300),  # Abbey Fields
    "ZY2 2AB": (52.6080, -1.1000),  # Town Centre, Market Square (inside Operation Lantern)
    "ZY2 2AD": (52.6180, -1.1050),  # Town Centre, north
    "ZY3 3AB": (52.6125, -1.0700),  # Riverside
    "ZY4 4AB": (52.5875, -1.1300),  # Southmead
    "ZY5 5AB": (52.5875, -1.1000),  # Castle Hill, by the park (inside the Castle Hill Park radius)
    "ZY5 5AD": (52.5790, -1.1080),  # Castle Hill, south
    "ZY6 6AB": (52.5875, -1.0700),  # Brookside
    "ZY9 9ZZ": (52.7000, -1.3000),  # outside the force: resolves with a problem
}

MARKET_SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[-1.104, 52.606], [-1.096, 52.606], [-1.096, 52.610], [-1.104, 52.610], [-1.104, 52.606]]
    ],
}
LANTERN = "Operation Lantern – Market Square ASB"
CASTLE_PARK = "Castle Hill Park – youths gathering"


def _rectangle(col: int, area_code: str) -> dict[str, Any]:
    west, east = LONS[col], LONS[col + 1]
    south, north = LATS[area_code]
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature_collection(force: Force) -> dict[str, Any]:
    """The demo neighbourhoods as GeoJSON (areas keep the name they already have)."""
    existing = dict(Area.objects.filter(force=force).values_list("code", "name"))
    features = []
    for code, name, area_code, col, grade, team in NEIGHBOURHOODS:
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": code,
                    "name": name,
                    "area_code": area_code,
                    "area_name": existing.get(area_code, AREA_NAMES[area_code]),
                    "grade": grade,
                    "team_name": team,
                    "team_email": f"{name.lower().replace(' ', '')}.snt@wessex.police.example",
                },
                "geometry": _rectangle(col, area_code),
            }
        )
    return {"type": "FeatureCollection", "features": features}


@transaction.atomic
def load_demo_geography(force: Force, today: date | None = None) -> dict[str, Any]:
    """Create (or leave as they are) the demo areas, neighbourhoods, postcodes and priorities."""
    today = today or date.today()
    data = json.dumps(feature_collection(force))
    imported = services.import_geojson(None, data, force_code=force.code, source_name="demo")
    postcodes = services.save_postcodes(None, POSTCODES, reason="demo data")
    nbhd = {n.code: n for n in Neighbourhood.objects.filter(code__in=[c for c, *_ in NEIGHBOURHOODS])}
    wanted = [
        services.PriorityValues(
            name=LANTERN,
            kind=LocalPriority.Kind.OPERATION,
            neighbourhood=nbhd["N02"],
            description="Evening patrols and licensing checks after repeated disorder around the market.",
            set_at="Town Centre community meeting",
            geometry=MARKET_SQUARE,
            active_from=today - timedelta(days=30),
            active_to=today + timedelta(days=60),
        ),
        services.PriorityValues(
            name=CASTLE_PARK,
            kind=LocalPriority.Kind.PROBLEM_SOLVING,
            neighbourhood=nbhd["S02"],
            description="Groups gathering in the park after dark; joint work with the youth service.",
            set_at="Castle Hill community meeting",
            lat=52.5875,
            lon=-1.1000,
            radius_m=250,
            active_from=today - timedelta(days=14),
        ),
    ]
    created = []
    for values in wanted:
        if not LocalPriority.objects.filter(name=values.name).exists():
            services.create_priority(None, values)
            created.append(values.name)
    return {
        "force": force.code,
        "areas": sorted(AREA_NAMES),
        "areas_created": imported.areas_created,
        "neighbourhoods": [c for c, *_ in NEIGHBOURHOODS],
        "neighbourhoods_created": imported.created,
        "postcodes": sorted(POSTCODES),
        "postcodes_created": postcodes.created,
        "priorities": [LANTERN, CASTLE_PARK],
        "priorities_created": created,
    }
