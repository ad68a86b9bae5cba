"""Local priorities: what makes one valid, when and where one is active, editing with optimistic
locking, ending one."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest

from beacon.core.errors import EditConflict, PermissionRefused, ValidationFailed
from beacon.core.models import AuditEvent, Force, User
from beacon.core.roles import Role
from beacon.core.tests.factories import AreaFactory, UserFactory
from beacon.geography.models import LocalPriority, Neighbourhood
from beacon.geography.selectors import active_priorities, active_priority_names, distance_m
from beacon.geography.services import PriorityValues, create_priority, end_priority, update_priority
from beacon.geography.tests.factories import NeighbourhoodFactory, rect

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC
SQUARE = rect(52.606, -1.104, 52.610, -1.096)


@pytest.fixture
def officer(db: None) -> User:
    return UserFactory.create(role=Role.OFFICER)


@pytest.fixture
def hood(force: Force) -> Neighbourhood:
    return NeighbourhoodFactory.create(
        area=AreaFactory(force=force, code="N", name="North"), geometry=rect(52.6, -1.11, 52.62, -1.09)
    )


def point(hood: Neighbourhood, **kw: object) -> PriorityValues:
    base = PriorityValues(
        name="Castle Park",
        kind=LocalPriority.Kind.PROBLEM_SOLVING,
        neighbourhood=hood,
        lat=52.6080,
        lon=-1.1000,
        radius_m=250,
        active_from=dt.date(2026, 10, 3),
        active_to=dt.date(2026, 10, 31),
        set_at="community meeting 2026-10-03",
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def polygon(hood: Neighbourhood, **kw: object) -> PriorityValues:
    shape = {"name": "Operation Lantern", "kind": LocalPriority.Kind.OPERATION, "geometry": SQUARE}
    return point(hood, **{"lat": None, "lon": None, "radius_m": None, **shape, **kw})


def fields_of(exc: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [p.field for p in exc.value.problems]


def test_a_point_priority_is_created_with_its_box_and_audited(officer: User, hood: Neighbourhood) -> None:
    p = create_priority(officer, point(hood))
    assert (p.area, p.created_by, p.version, p.set_at) == (
        hood.area,
        officer,
        1,
        "community meeting 2026-10-03",
    )
    assert distance_m(p.min_lat, p.lon, p.lat, p.lon) == pytest.approx(250, rel=1e-6)
    assert p.describe_shape() == "250 m around 52.60800, -1.10000"
    assert AuditEvent.objects.filter(model="localpriority", action="create", object_pk=str(p.pk)).exists()


def test_an_area_wide_operation_needs_no_neighbourhood(officer: User, hood: Neighbourhood) -> None:
    p = create_priority(officer, polygon(hood, neighbourhood=None, area=hood.area))
    assert (p.neighbourhood, p.area, p.min_lat, p.max_lon) == (None, hood.area, 52.606, -1.096)


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"radius_m": 0}, ["radius_m"]),
        ({"radius_m": 10_001}, ["radius_m"]),
        ({"radius_m": None}, ["radius_m"]),
        ({"lat": 95.0}, ["lat"]),
        ({"active_to": dt.date(2026, 10, 2)}, ["active_to"]),
        ({"active_from": None}, ["active_from"]),
        ({"name": " ", "kind": "party"}, ["name", "kind"]),
        ({"neighbourhood": None}, ["neighbourhood"]),
        ({"geometry": SQUARE}, ["geometry"]),  # both a point and a polygon
        ({"lat": None, "lon": None, "radius_m": None}, ["lat"]),  # neither
    ],
)
def test_invalid_priorities_are_refused_with_every_problem(
    officer: User, hood: Neighbourhood, change: dict[str, object], fields: list[str]
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        create_priority(officer, point(hood, **change))
    assert fields_of(exc) == fields
    assert not LocalPriority.objects.exists()


def test_radius_limits_are_inclusive(officer: User, hood: Neighbourhood) -> None:
    assert create_priority(officer, point(hood, radius_m=1)).radius_m == 1
    assert create_priority(officer, point(hood, radius_m=10_000)).radius_m == 10_000


def test_a_self_intersecting_polygon_is_refused(officer: User, hood: Neighbourhood) -> None:
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[-1.1, 52.6], [-1.09, 52.61], [-1.09, 52.6], [-1.1, 52.61], [-1.1, 52.6]]],
    }
    with pytest.raises(ValidationFailed) as exc:
        create_priority(officer, polygon(hood, geometry=bowtie))
    assert fields_of(exc) == ["geometry"] and "crosses itself" in exc.value.problems[0].message


def test_a_neighbourhood_in_another_area_is_refused(officer: User, hood: Neighbourhood, force: Force) -> None:
    with pytest.raises(ValidationFailed) as exc:
        create_priority(officer, point(hood, area=AreaFactory(force=force, code="S", name="South")))
    assert fields_of(exc) == ["area"]


def test_partners_and_call_handlers_may_not_set_priorities(hood: Neighbourhood) -> None:
    for role in (Role.PARTNER, Role.CALL_HANDLER):
        with pytest.raises(PermissionRefused):
            create_priority(UserFactory(role=role), point(hood))


def at_london(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def names(lat: float, lon: float, at: dt.datetime | dt.date) -> list[str]:
    found = [p.name for p in active_priorities(lat, lon, at)]
    assert active_priority_names(lat, lon, at) == found  # intake's lean read agrees, every time
    return found


def test_active_on_its_first_and_last_days_in_london_time(officer: User, hood: Neighbourhood) -> None:
    create_priority(officer, point(hood))  # 3 to 31 October 2026
    first, last = dt.date(2026, 10, 3), dt.date(2026, 10, 31)
    assert names(52.608, -1.1, at_london(first, 0, 0)) == ["Castle Park"]
    assert names(52.608, -1.1, at_london(last, 23, 59)) == ["Castle Park"]
    assert names(52.608, -1.1, at_london(first - dt.timedelta(days=1), 23, 59)) == []
    assert names(52.608, -1.1, at_london(last + dt.timedelta(days=1), 0, 0)) == []
    # 23:30 UTC on 2 October is 00:30 on 3 October in London (BST): active.
    assert names(52.608, -1.1, dt.datetime(2026, 10, 2, 23, 30, tzinfo=UTC)) == ["Castle Park"]
    # 23:30 UTC on 31 October is 23:30 in London (GMT again): still the last day.
    assert names(52.608, -1.1, dt.datetime(2026, 10, 31, 23, 30, tzinfo=UTC)) == ["Castle Park"]
    assert names(52.608, -1.1, dt.date(2026, 10, 15)) == ["Castle Park"]


def test_an_open_ended_priority_stays_active(officer: User, hood: Neighbourhood) -> None:
    create_priority(officer, point(hood, active_to=None))
    assert names(52.608, -1.1, dt.date(2030, 1, 1)) == ["Castle Park"]


def test_active_within_the_radius_only(officer: User, hood: Neighbourhood) -> None:
    create_priority(officer, point(hood))
    day = dt.date(2026, 10, 10)
    north = 1 / 111_195  # degrees of latitude per metre
    assert names(52.608 + 249 * north, -1.1, day) == ["Castle Park"]
    assert names(52.608 + 251 * north, -1.1, day) == []
    # Inside the box but beyond the radius (the corner).
    assert names(52.608 + 200 * north, -1.1 + 200 * north / 0.6075, day) == []


def test_active_inside_the_polygon_only(officer: User, hood: Neighbourhood) -> None:
    create_priority(officer, polygon(hood))
    create_priority(officer, point(hood, name="Another"))
    day = dt.date(2026, 10, 10)
    assert names(52.608, -1.1, day) == ["Another", "Operation Lantern"]
    assert names(52.606, -1.1, day) == ["Another", "Operation Lantern"]  # on the edge
    assert names(52.6059, -1.1, day) == ["Another"]  # 234 m south, outside the square


def test_an_edit_with_a_stale_version_is_refused(officer: User, hood: Neighbourhood) -> None:
    p = create_priority(officer, point(hood))
    other = UserFactory(role=Role.SUPERVISOR, username="sgt")
    p = update_priority(other, p, point(hood, radius_m=300), expected_version=1)
    assert p.version == 2 and p.radius_m == 300
    with pytest.raises(EditConflict) as exc:
        update_priority(officer, p, point(hood, radius_m=400), expected_version=1)
    assert exc.value.changed_by == "sgt" and exc.value.changes["radius_m"] == [250, 300]
    assert LocalPriority.objects.get().radius_m == 300
    event = AuditEvent.objects.get(model="localpriority", action="update")
    assert event.changes["radius_m"] == [250, 300] and event.changes["version"] == [1, 2]


def test_saving_without_changes_keeps_the_version(officer: User, hood: Neighbourhood) -> None:
    p = create_priority(officer, point(hood))
    assert update_priority(officer, p, point(hood), expected_version=1).version == 1
    assert not AuditEvent.objects.filter(action="update").exists()


def test_a_point_can_become_a_polygon(officer: User, hood: Neighbourhood) -> None:
    p = create_priority(officer, point(hood))
    p = update_priority(officer, p, polygon(hood), expected_version=1)
    assert (p.lat, p.radius_m, p.geometry, p.min_lat) == (None, None, SQUARE, 52.606)


def test_ending_a_priority(officer: User, hood: Neighbourhood) -> None:
    p = create_priority(officer, point(hood, active_to=None))
    with pytest.raises(ValidationFailed):
        end_priority(officer, p, on=dt.date(2026, 10, 2))
    p = end_priority(officer, p, on=dt.date(2026, 10, 20), expected_version=1)
    assert (p.active_to, p.version) == (dt.date(2026, 10, 20), 2)
    assert names(52.608, -1.1, dt.date(2026, 10, 20)) == ["Castle Park"]
    assert names(52.608, -1.1, dt.date(2026, 10, 21)) == []
    with pytest.raises(ValidationFailed):
        end_priority(officer, p, on=dt.date(2026, 10, 25))  # already ends before then
    with pytest.raises(EditConflict):
        end_priority(officer, p, on=dt.date(2026, 10, 10), expected_version=1)
