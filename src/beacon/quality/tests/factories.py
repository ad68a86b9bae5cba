"""Places, incidents and audit rounds for the quality tests (synthetic records only). Incidents are
saved directly: the incidents domain tests its own intake; quality samples what was recorded."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from zoneinfo import ZoneInfo

from beacon.core.models import Area, Force, User
from beacon.geography.models import Neighbourhood
from beacon.incidents.models import AsbCategory, Channel, InboxItem, Incident

LONDON = ZoneInfo("Europe/London")
_seq = itertools.count(1)


def area(name: str, code: str) -> Area:
    force, _ = Force.objects.get_or_create(code="TS", defaults={"name": "Testshire Constabulary"})
    return Area.objects.create(force=force, name=name, code=code)


def neighbourhood(area: Area, code: str, name: str) -> Neighbourhood:
    ring = [[-1.12, 52.6], [-1.10, 52.6], [-1.10, 52.62], [-1.12, 52.62], [-1.12, 52.6]]
    return Neighbourhood.objects.create(
        area=area,
        code=code,
        name=name,
        grade="priority",
        team_name=f"{name} team",
        geometry={"type": "Polygon", "coordinates": [ring]},
        min_lat=52.6,
        max_lat=52.62,
        min_lon=-1.12,
        max_lon=-1.10,
        centroid_lat=52.61,
        centroid_lon=-1.11,
    )


def at(year: int, month: int, day: int = 15, hour: int = 12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=LONDON)


def _unsaved(when: dt.datetime, area: Area, hood: Neighbourhood | None = None, **fields: Any) -> Incident:
    n = next(_seq)
    fields.setdefault("channel", Channel.CALL_101)
    fields.setdefault("is_asb", True)
    return Incident(reference=f"Q{n:07d}", received_at=when, area=area, neighbourhood=hood, **fields)


def incidents(
    n: int, when: dt.datetime, area: Area, hood: Neighbourhood | None = None, **fields: Any
) -> list[Incident]:
    return Incident.objects.bulk_create([_unsaved(when, area, hood, **dict(fields)) for _ in range(n)])


def told(incident: Incident, hood: Neighbourhood, acknowledged_by: User | None = None) -> InboxItem:
    return InboxItem.objects.create(
        incident=incident,
        neighbourhood=hood,
        acknowledged_at=incident.received_at if acknowledged_by else None,
        acknowledged_by=acknowledged_by,
    )


def category(code: str = "personal") -> AsbCategory:
    return AsbCategory.objects.get(code=code)
