"""Places a KPI is computed for: the force, an area or a neighbourhood, named by a key
("force", "area:3", "neighbourhood:17") or, at the edge, by code ("force", "N-LEEDS-01", …)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum

from beacon.core.errors import Problem, ValidationFailed
from beacon.core.models import Area, User
from beacon.geography.models import Neighbourhood
from beacon.performance.models import Population

FORCE = "force"


@dataclass(frozen=True)
class Place:
    key: str
    level: str  # force | area | neighbourhood
    name: str
    code: str
    area_id: int | None = None
    neighbourhood_id: int | None = None


FORCE_PLACE = Place(FORCE, "force", "Whole force", FORCE)


def area_key(area_id: int) -> str:
    return f"area:{area_id}"


def neighbourhood_key(neighbourhood_id: int) -> str:
    return f"neighbourhood:{neighbourhood_id}"


def _area(a: Area) -> Place:
    return Place(area_key(a.pk), "area", a.name, a.code, area_id=a.pk)


def _hood(n: Neighbourhood) -> Place:
    return Place(
        neighbourhood_key(n.pk), "neighbourhood", n.name, n.code, area_id=n.area_id, neighbourhood_id=n.pk
    )


def from_key(key: str) -> Place:
    if key == FORCE:
        return FORCE_PLACE
    kind, _, number = key.partition(":")
    if number.isdigit():
        if kind == "area":
            a = Area.objects.filter(pk=int(number)).first()
            if a is not None:
                return _area(a)
        if kind == "neighbourhood":
            n = Neighbourhood.objects.filter(pk=int(number)).first()
            if n is not None:
                return _hood(n)
    raise ValidationFailed([Problem(f"There is no place {key!r}.", "place")])


def from_code(code: str | None, field: str = "area") -> Place:
    """The force (no code, or "force"), else the area or neighbourhood with that code."""
    if not code or code.lower() == FORCE:
        return FORCE_PLACE
    a = Area.objects.filter(code__iexact=code).first()
    if a is not None:
        return _area(a)
    n = Neighbourhood.objects.filter(code__iexact=code).first()
    if n is not None:
        return _hood(n)
    raise ValidationFailed([Problem(f"There is no area or neighbourhood with the code {code!r}.", field)])


def areas() -> list[Place]:
    return [_area(a) for a in Area.objects.order_by("name")]


def neighbourhoods(area_id: int | None = None) -> list[Place]:
    qs = Neighbourhood.objects.order_by("name")
    if area_id is not None:
        qs = qs.filter(area_id=area_id)
    return [_hood(n) for n in qs]


def all_places() -> list[Place]:
    return [FORCE_PLACE, *areas(), *neighbourhoods()]


def may_see(user: User, place: Place) -> bool:
    """Force figures are for force-wide staff; an area's and its neighbourhoods' for those working
    there."""
    if user.all_areas:
        return True
    if place.level == "force":
        return False
    return place.area_id in user.area_ids()


def visible_places(user: User) -> list[Place]:
    return [p for p in all_places() if may_see(user, p)]


def residents_of(place_key: str) -> int | None:
    """The population a rate per 1,000 residents uses for a place (None where none is loaded)."""
    qs = Population.objects.all()
    if place_key.startswith("area:"):
        qs = qs.filter(neighbourhood__area_id=int(place_key[5:]))
    elif place_key.startswith("neighbourhood:"):
        qs = qs.filter(neighbourhood_id=int(place_key[14:]))
    total = qs.aggregate(n=Sum("residents"))["n"]
    return int(total) if total else None
