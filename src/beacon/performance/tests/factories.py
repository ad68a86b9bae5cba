"""Places and incidents for the performance tests (synthetic records only).

Incidents are saved directly: the incidents domain tests its own intake; performance only counts
what was recorded, where and when."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from zoneinfo import ZoneInfo

from beacon.core.models import Area, Force
from beacon.geography.models import Neighbourhood
from beacon.incidents.models import Channel, Incident

LONDON = ZoneInfo("Europe/London")
_seq = itertools.count(1)


def rectangle(lat0: float, lon0: float, lat1: float, lon1: float) -> dict[str, Any]:
    ring = [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]
    return {"type": "Polygon", "coordinates": [ring]}


def neighbourhood(area: Area, code: str, name: str, box: tuple[float, float, float, float]) -> Neighbourhood:
    lat0, lon0, lat1, lon1 = box
    return Neighbourhood.objects.create(
        area=area,
        code=code,
        name=name,
        grade="priority",
        team_name=f"{name} team",
        geometry=rectangle(*box),
        min_lat=lat0,
        max_lat=lat1,
        min_lon=lon0,
        max_lon=lon1,
        centroid_lat=(lat0 + lat1) / 2,
        centroid_lon=(lon0 + lon1) / 2,
    )


def town() -> dict[str, Any]:
    force = Force.objects.create(name="Testshire Constabulary", code="TS")
    north = Area.objects.create(force=force, name="North", code="TN")
    south = Area.objects.create(force=force, name="South", code="TSO")
    market = neighbourhood(north, "TN1", "Market", (52.60, -1.12, 52.62, -1.10))
    docks = neighbourhood(south, "TS1", "Docks", (52.58, -1.12, 52.60, -1.10))
    return {"force": force, "north": north, "south": south, "market": market, "docks": docks}


def at(year: int, month: int, day: int = 15, hour: int = 12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=LONDON)


def _unsaved(when: dt.datetime, hood: Neighbourhood | None = None, **fields: Any) -> Incident:
    n = next(_seq)
    fields.setdefault("channel", Channel.CALL_101)
    fields.setdefault("is_asb", True)
    if fields.get("source_system"):
        fields.setdefault("source_id", f"row-{n}")
    lat = fields.pop("lat", hood.centroid_lat if hood else None)
    lon = fields.pop("lon", hood.centroid_lon if hood else None)
    return Incident(
        reference=f"T{n:06d}",
        received_at=fields.pop("received_at", when),
        occurred_at=when,
        neighbourhood=hood,
        area=hood.area if hood else fields.pop("area", None),
        lat=lat,
        lon=lon,
        **fields,
    )


def incident(when: dt.datetime, hood: Neighbourhood | None = None, **fields: Any) -> Incident:
    inc = _unsaved(when, hood, **fields)
    inc.save()
    return inc


def incidents(n: int, when: dt.datetime, hood: Neighbourhood | None = None, **fields: Any) -> list[Incident]:
    return Incident.objects.bulk_create([_unsaved(when, hood, **dict(fields)) for _ in range(n)])
