"""The ASB case review thresholds: 3 incidents by the same victim in 6 months; 5 about one place
(same address key or within 50 m) from different people in 6 months — and their edges."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from beacon.core.models import User
from beacon.incidents.models import IncidentPerson
from beacon.partnership import selectors, triggers
from beacon.partnership.tests.factories import days_ago, incident, person
from beacon.partnership.workdays import add_working_days, months_before, working_days_between
from beacon.people import selectors as people_selectors

pytestmark = pytest.mark.django_db

LAT, LON = 52.6100, -1.1100  # in Market
# about 30 m and 80 m north of it
NEAR = (LAT + 0.00027, LON)
FAR = (LAT + 0.00072, LON)


def test_months_before_keeps_the_day_or_takes_the_months_last() -> None:
    assert months_before(dt.date(2026, 6, 15), 6) == dt.date(2025, 12, 15)
    assert months_before(dt.date(2024, 8, 31), 6) == dt.date(2024, 2, 29)
    assert months_before(dt.date(2026, 1, 31), 1) == dt.date(2025, 12, 31)


def test_working_days_skip_weekends_and_bank_holidays() -> None:
    friday = dt.date(2026, 12, 18)
    assert add_working_days(friday, 1) == dt.date(2026, 12, 21)  # Monday
    assert add_working_days(friday, 10) == dt.date(2027, 1, 1)
    holidays = ["2026-12-25", "2026-12-28", "2027-01-01"]
    assert add_working_days(friday, 10, holidays) == dt.date(2027, 1, 6)
    assert working_days_between(friday, dt.date(2027, 1, 6), holidays) == 10


# ---------------------------------------------------------------------------------------------
# The victim test


def test_three_incidents_by_the_same_victim_in_six_months_meet_the_threshold(place: dict[str, Any]) -> None:
    ann = person("Ann", "Ashby")
    for n in (10, 60, 170):
        incident(reporters=[ann], area=place["north"], received_at=days_ago(n))
    status = selectors.trigger_status([ann.pk])[ann.pk]
    assert status.met and status.victim.met
    assert status.victim.count == 3 and status.victim.threshold == 3
    assert status.victim.policy_version == 1
    assert "Threshold met: 3 qualifying incidents" in status.describe()


def test_two_incidents_do_not(place: dict[str, Any]) -> None:
    ann = person("Ann", "Ashby")
    for n in (10, 60):
        incident(reporters=[ann], area=place["north"], received_at=days_ago(n))
    status = selectors.trigger_status([ann.pk])[ann.pk]
    assert not status.met and status.victim.count == 2


def test_the_window_is_six_calendar_months_inclusive(place: dict[str, Any]) -> None:
    ann = person("Ann", "Ashby")
    today = timezone.localdate()
    first_day = months_before(today, 6)
    on_edge = timezone.make_aware(dt.datetime.combine(first_day, dt.time(0, 30)))
    too_old = timezone.make_aware(dt.datetime.combine(first_day - dt.timedelta(days=1), dt.time(23, 30)))
    incident(reporters=[ann], received_at=too_old)
    incident(reporters=[ann], received_at=days_ago(3))
    incident(reporters=[ann], received_at=days_ago(1))
    assert triggers.victim_status([ann.pk])[ann.pk].count == 2
    incident(reporters=[ann], received_at=on_edge)
    status = triggers.victim_status([ann.pk])[ann.pk]
    assert status.count == 3 and status.met and status.since == first_day
    # As on an earlier day, the old one counts and today's do not.
    earlier = triggers.victim_status([ann.pk], as_of=today - dt.timedelta(days=2))[ann.pk]
    assert earlier.count == 3  # too_old, on_edge, days_ago(3)


def test_victim_or_caller_counts_once_per_incident_and_witnesses_do_not(place: dict[str, Any]) -> None:
    ann = person("Ann", "Ashby")
    inc = incident(reporters=[ann], role=IncidentPerson.Role.CALLER, received_at=days_ago(5))
    rec = ann.records.create(source="incident")
    IncidentPerson.objects.create(incident=inc, role=IncidentPerson.Role.VICTIM, record=rec)
    incident(reporters=[ann], role=IncidentPerson.Role.VICTIM, received_at=days_ago(6))
    incident(reporters=[ann], role=IncidentPerson.Role.WITNESS, received_at=days_ago(7))
    incident(reporters=[ann], role=IncidentPerson.Role.SUBJECT, received_at=days_ago(8))
    assert triggers.victim_status([ann.pk])[ann.pk].count == 2


def test_non_asb_and_duplicate_incidents_do_not_qualify(place: dict[str, Any]) -> None:
    ann = person("Ann", "Ashby")
    incident(reporters=[ann], received_at=days_ago(5))
    incident(reporters=[ann], received_at=days_ago(6))
    incident(reporters=[ann], received_at=days_ago(7), is_asb=False)
    incident(reporters=[ann], received_at=days_ago(8), closure="duplicate")
    incident(reporters=[ann], received_at=days_ago(9), closure="advice-given", status="closed")
    assert triggers.victim_status([ann.pk])[ann.pk].count == 3


def test_a_new_policy_version_changes_the_threshold_and_says_so(
    place: dict[str, Any], make_user: Any
) -> None:
    from beacon.partnership.services import publish_policy

    ann = person("Ann", "Ashby")
    for n in (10, 60):
        incident(reporters=[ann], received_at=days_ago(n))
    admin: User = make_user("admin")
    publish_policy(admin, {"victim_incidents": 2, "note": "pilot"})
    status = selectors.trigger_status([ann.pk])[ann.pk]
    assert status.met and status.victim.policy_version == 2 and status.victim.threshold == 2


# ---------------------------------------------------------------------------------------------
# The location test


def _five_at(key: str = "", points: list[tuple[float, float]] | None = None, days: int = 20) -> list[Any]:
    people = [person(f"P{i}", "Neighbour") for i in range(5)]
    for i, p in enumerate(people):
        lat, lon = points[i] if points else (None, None)
        incident(reporters=[p], address_key=key, lat=lat, lon=lon, received_at=days_ago(days + i))
    return people


def test_five_incidents_at_one_address_from_different_people_meet_it(place: dict[str, Any]) -> None:
    _five_at(key="4|test road|te12ab")
    status = selectors.location_trigger(address_key="4|test road|te12ab")
    assert status.met and status.count == 5 and status.reporters == 5


def test_four_do_not(place: dict[str, Any]) -> None:
    people = [person(f"P{i}", "Neighbour") for i in range(4)]
    for p in people:
        incident(reporters=[p], address_key="4|test road", received_at=days_ago(3))
    assert not selectors.location_trigger(address_key="4|test road").met


def test_the_same_person_five_times_is_not_five_different_people(place: dict[str, Any]) -> None:
    bea = person("Bea", "Brook")
    for n in range(5):
        incident(reporters=[bea], address_key="4|test road", received_at=days_ago(n + 1))
    status = selectors.location_trigger(address_key="4|test road")
    assert status.count == 1 and status.reporters == 1 and not status.met
    # ... though it is five incidents by the same victim
    assert triggers.victim_status([bea.pk])[bea.pk].count == 5


def test_two_people_on_one_incident_are_one_incident(place: dict[str, Any]) -> None:
    people = [person(f"P{i}", "Neighbour") for i in range(6)]
    incident(reporters=people[:2], address_key="4|test road", received_at=days_ago(1))
    for p in people[2:5]:
        incident(reporters=[p], address_key="4|test road", received_at=days_ago(2))
    status = selectors.location_trigger(address_key="4|test road")
    assert status.reporters == 5 and status.count == 4 and not status.met
    incident(reporters=[people[0]], address_key="4|test road", received_at=days_ago(3))
    assert selectors.location_trigger(address_key="4|test road").count == 5


def test_within_fifty_metres_is_one_place_and_eighty_is_not(place: dict[str, Any]) -> None:
    _five_at(points=[(LAT, LON), NEAR, (LAT, LON), NEAR, (LAT - 0.0002, LON + 0.0002)])
    assert selectors.location_trigger(lat=LAT, lon=LON).met
    other = [person(f"Q{i}", "Far") for i in range(5)]
    for i, p in enumerate(other):
        lat, lon = (LAT + 0.01, LON) if i < 4 else (LAT + 0.01 + 0.00072, LON)
        incident(reporters=[p], lat=lat, lon=lon, received_at=days_ago(2))
    far = selectors.location_trigger(lat=LAT + 0.01, lon=LON)
    assert far.count == 4 and not far.met


def test_location_incidents_outside_the_window_do_not_count(place: dict[str, Any]) -> None:
    today = timezone.localdate()
    old = (today - months_before(today, 6)).days + 1
    people = [person(f"P{i}", "Neighbour") for i in range(5)]
    for i, p in enumerate(people):
        incident(reporters=[p], address_key="4|test road", received_at=days_ago(old if i == 0 else i))
    status = selectors.location_trigger(address_key="4|test road")
    assert status.count == 4 and not status.met


def test_a_persons_status_includes_places_they_reported_that_meet_it(place: dict[str, Any]) -> None:
    people = _five_at(points=[(LAT, LON), NEAR, (LAT, LON), NEAR, (LAT, LON)])
    status = selectors.trigger_status([people[0].pk])[people[0].pk]
    assert not status.victim.met and status.met
    assert len(status.locations) == 1 and status.locations[0].count == 5


# ---------------------------------------------------------------------------------------------
# Where it shows: the person summary (victim's record, call taking) and the supervisor's list


def test_the_person_summary_says_when_the_threshold_is_met(place: dict[str, Any]) -> None:
    ann, bob = person("Ann", "Ashby"), person("Bob", "Bell")
    for n in (10, 60, 170):
        incident(reporters=[ann], received_at=days_ago(n))
    incident(reporters=[bob], received_at=days_ago(3))
    assert selectors.person_summary in people_selectors.SUMMARY_PROVIDERS
    out = selectors.person_summary([ann.pk, bob.pk])
    assert set(out) == {ann.pk}
    assert out[ann.pk]["case_review_threshold"].startswith("Threshold met: 3 qualifying incidents")


def test_the_supervisors_list_shows_victims_and_places_in_their_areas(
    place: dict[str, Any], sergeant: User, make_user: Any, django_assert_max_num_queries: Any
) -> None:
    ann = person("Ann", "Ashby")
    for n in (10, 60, 170):
        incident(reporters=[ann], area=place["north"], received_at=days_ago(n))
    # Cal reported twice in the north and once in the south: three, counted across the force.
    cal = person("Cal", "Crane")
    incident(reporters=[cal], area=place["north"], received_at=days_ago(4))
    incident(reporters=[cal], area=place["north"], received_at=days_ago(5))
    incident(reporters=[cal], area=place["south"], received_at=days_ago(6))
    # Dee met it only in the south.
    dee = person("Dee", "Dale")
    for n in (1, 2, 3):
        incident(reporters=[dee], area=place["south"], received_at=days_ago(n))
    # Five neighbours about one spot in the north, and four about another.
    for i in range(5):
        incident(
            reporters=[person(f"N{i}", "Neighbour")],
            area=place["north"],
            address="4 Market Row",
            lat=LAT + (0.0001 if i % 2 else 0),
            lon=LON,
            received_at=days_ago(i + 1),
        )
    for i in range(4):
        incident(
            reporters=[person(f"M{i}", "Mill")],
            area=place["north"],
            lat=52.63,
            lon=-1.11,
            received_at=days_ago(i + 1),
        )
    with django_assert_max_num_queries(16):
        hits = selectors.triggers_for_supervisor(sergeant)
    victims = {h.person_id for h in hits if h.kind == "victim"}
    assert victims == {ann.pk, cal.pk}
    places = [h for h in hits if h.kind == "location"]
    assert len(places) == 1 and places[0].status.count == 5 and places[0].label == "4 Market Row"
    assert {h.label for h in hits if h.kind == "victim"} == {"Ann Ashby", "Cal Crane"}
    # Force-wide staff see Dee too; an officer without supervision sees nothing.
    force_wide = make_user("supervisor", all_areas=True)
    assert dee.pk in {h.person_id for h in selectors.triggers_for_supervisor(force_wide)}
    assert selectors.triggers_for_supervisor(make_user("officer", all_areas=True)) == []


def test_the_person_summary_takes_at_most_three_queries_for_any_number_of_people(
    place: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    people = [person(f"P{i}", "Caller") for i in range(10)]
    for i, p in enumerate(people):
        for n in range(1 + i % 3):
            incident(
                reporters=[p],
                address="1 High Street",
                lat=LAT + i * 0.001,
                lon=LON,
                received_at=days_ago(n + 1),
            )
    ids = [p.pk for p in people]
    with django_assert_max_num_queries(3):  # the policy, their incidents, the incidents around them
        out = selectors.person_summary(ids)
    assert set(out) == {p.pk for i, p in enumerate(people) if i % 3 == 2}
    nobody = [person("No", "Incidents").pk]
    with django_assert_max_num_queries(2):
        assert selectors.person_summary(nobody) == {}


def test_the_supervisors_list_keeps_each_areas_count_for_a_few_minutes(
    place: dict[str, Any], sergeant: User, settings: Any
) -> None:
    from beacon.partnership.models import ThresholdSnapshot

    ann = person("Ann", "Ashby")
    for n in (10, 60, 170):
        incident(reporters=[ann], area=place["north"], received_at=days_ago(n))
    assert [h.person_id for h in selectors.triggers_for_supervisor(sergeant)] == [ann.pk]
    snap = ThresholdSnapshot.objects.get(area=place["north"])
    assert snap.policy_version == 1 and snap.victims[0]["person_id"] == ann.pk
    bob = person("Bob", "Bell")
    for n in (1, 2, 3):
        incident(reporters=[bob], area=place["north"], received_at=days_ago(n))
    # Within the time the kept count is used; a refresh (or the cron command) counts again.
    assert [h.person_id for h in selectors.triggers_for_supervisor(sergeant)] == [ann.pk]
    assert {h.person_id for h in selectors.triggers_for_supervisor(sergeant, refresh=True)} == {
        ann.pk,
        bob.pk,
    }
    # Names and open reviews are read live; a stale count is counted again.
    settings.BEACON_THRESHOLD_MAX_AGE_MINUTES = 0
    ThresholdSnapshot.objects.update(computed_at=timezone.now() - dt.timedelta(minutes=1))
    cal = person("Cal", "Crane")
    for n in (4, 5, 6):
        incident(reporters=[cal], area=place["north"], received_at=days_ago(n))
    assert {h.person_id for h in selectors.triggers_for_supervisor(sergeant)} == {ann.pk, bob.pk, cal.pk}


def test_the_thresholds_command_counts_every_area(place: dict[str, Any]) -> None:
    import json
    from io import StringIO

    from django.core.management import call_command

    ann = person("Ann", "Ashby")
    for n in (10, 60, 170):
        incident(reporters=[ann], area=place["south"], received_at=days_ago(n))
    out = StringIO()
    call_command("partnership", "thresholds", "--json", stdout=out)
    rows = {r["area"]: r for r in json.loads(out.getvalue())["areas"]}
    assert rows["PSO"]["victims"] == 1 and rows["PN"]["victims"] == 0 and rows["PN"]["places"] == 0


def test_case_list_rows_flag_cases_whose_victims_meet_the_threshold(
    place: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    from beacon.partnership.tests.factories import case

    ann, bob = person("Ann", "Ashby"), person("Bob", "Bell")
    for n in (10, 60, 170):
        incident(reporters=[ann], received_at=days_ago(n))
    incident(reporters=[bob], received_at=days_ago(1))
    cases = [case(place["north"], victims=[ann]), case(place["north"], victims=[bob]), case(place["north"])]
    with django_assert_max_num_queries(4):
        flags = selectors.case_threshold_flags([c.pk for c in cases])
    assert list(flags) == [cases[0].pk] and flags[cases[0].pk][0].startswith("Threshold met")


def test_the_supervisors_list_shows_the_most_incidents_first_with_totals(
    place: dict[str, Any], sergeant: User
) -> None:
    people = [person(f"V{i}", "Victim") for i in range(3)]
    for i, p in enumerate(people):
        for n in range(3 + i):
            incident(reporters=[p], area=place["north"], received_at=days_ago(n + 1))
    hits = selectors.triggers_for_supervisor(sergeant, limit=2)
    assert [h.person_id for h in hits] == [people[2].pk, people[1].pk]
    assert hits.victims_total == 3 and hits.places_total == 0 and hits.counted_at is not None
