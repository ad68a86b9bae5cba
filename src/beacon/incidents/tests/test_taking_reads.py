"""What taking a report reads: the configuration in force (one query, never stale), the people's
flags, and a fixed number of queries however large the index."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from beacon.core.errors import ValidationFailed
from beacon.core.models import User
from beacon.core.roles import Role
from beacon.core.services import create_api_token
from beacon.incidents import configuration, current, services
from beacon.incidents.models import Incident, ResponseGrade, TypeHeading
from beacon.incidents.tests.factories import caller, report
from beacon.people.models import RepeatVictimRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def handler(make_user: Callable[..., User]) -> User:
    return make_user(Role.CALL_HANDLER, all_areas=True)


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMIN)


def test_the_configuration_is_read_whole_in_one_query(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    codes = {"asb_category": "nuisance", "type_heading": "malicious-communications", "response_grade": ""}
    with django_assert_num_queries(1):
        found = current.read(codes)
    heading = found.item("type_heading", "malicious-communications", historic=False)
    assert heading == TypeHeading.objects.get(code="malicious-communications")
    assert heading.suggests_crime is True and heading.active is True
    assert str(found.item("asb_category", "nuisance", historic=False)) == "Nuisance"
    assert {code: g.target_minutes for code, g in found.grades.items()} == dict(
        ResponseGrade.objects.values_list("code", "target_minutes")
    )
    assert found.screening is not None and found.screening.version == 1
    assert [q["key"] for q in found.screening.questions][:2] == ["danger_now", "happened_before"]
    assert found.rules is not None and found.rules.default_grade == "other"
    assert found.item("type_heading", "no-such-heading", historic=True) is None


def test_a_retired_item_is_refused_for_a_live_report_but_kept_for_historic_ones(
    town: dict[str, Any], handler: User, admin: User
) -> None:
    heading = TypeHeading.objects.get(code="fireworks")
    configuration.set_reference_active(admin, "type_heading", heading.pk, active=False)
    with pytest.raises(ValidationFailed) as exc:
        services.create_incident(handler, report(type_heading="fireworks"))
    assert [p.field for p in exc.value.problems] == ["type_heading"]
    old = services.create_incident(handler, report(channel="historic", type_heading="fireworks"))
    assert old.type_heading == heading


def test_an_administrators_change_applies_to_the_very_next_report(
    town: dict[str, Any], handler: User, admin: User
) -> None:
    assert services.create_incident(handler, report()).suggested_grade.code == "other"
    configuration.publish_grading(admin, "[]", default_grade="urgent")
    assert services.create_incident(handler, report()).suggested_grade.code == "urgent"
    added = configuration.add_reference_item(admin, "type_heading", label="Off-road bikes")
    taken = services.create_incident(handler, report(type_heading=added.code))
    assert taken.type_heading == added


def test_a_report_keeps_the_screening_version_it_names(town: dict[str, Any], handler: User) -> None:
    from beacon.incidents.models import ScreeningSet

    v1 = ScreeningSet.objects.get(version=1)
    ScreeningSet.objects.create(version=2, questions=[{"key": "new_q", "text": "New?", "kind": "text"}])
    assert services.create_incident(handler, report(answers={"new_q": "x"})).screening_set.version == 2
    named = services.create_incident(handler, report(screening_version=1, answers={"danger_now": "no"}))
    assert named.screening_set == v1 and named.answers == {"danger_now": "no"}
    with pytest.raises(ValidationFailed) as exc:
        services.create_incident(handler, report(screening_version=9))
    assert [p.field for p in exc.value.problems] == ["screening_version"]


def test_a_new_callers_repeat_flag_reaches_the_report(town: dict[str, Any], handler: User) -> None:
    RepeatVictimRule.objects.create(version=2, min_contacts=1, window_days=30)
    taken = services.create_incident(handler, report(people=[caller("Ada", "Quill")]))
    assert taken.repeat_victim
    assert taken.flag_reasons["repeat_victim"].endswith("1 contacts in 30 days")


def test_one_new_person_twice_in_a_report_is_looked_up_after_the_second(
    town: dict[str, Any], active_model: Any, handler: User
) -> None:
    RepeatVictimRule.objects.create(version=2, min_contacts=2, window_days=30)
    details = {"phone": "07700 900456", "dob": "1980-02-03"}
    taken = services.take_report(
        handler,
        report(
            people=[
                caller("Ada", "Quill", **details),
                caller("Ada", "Quill", role="victim", **details),
            ]
        ),
    )
    assert taken.people[0].record.person_id == taken.people[1].record.person_id
    assert taken.incident.repeat_victim  # set by the second contact of the same new person


def test_taking_a_report_runs_a_fixed_number_of_queries(
    town: dict[str, Any],
    active_model: Any,
    handler: User,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    _, key = create_api_token(handler, name="feed")
    api = Client(headers={"Authorization": f"Bearer {key}"})
    lat, lon = town["priority_point"]

    def body(forename: str) -> dict[str, Any]:
        return {
            "channel": "101",
            "asb_category": "nuisance",
            "type_heading": "noise",
            "location": {"lat": lat, "lon": lon},
            "answers": {"happened_before": "no"},
            "people": [{"role": "caller", "forename": forename, "surname": "Quill", "phone": "07700900456"}],
        }

    for _ in range(3):  # the third report by the same caller makes her a repeat victim
        first = api.post("/api/v1/incidents", body("Ada"), content_type="application/json")
    ada = first.json()["people"][0]["person_id"]
    assert Incident.objects.get(pk=first.json()["id"]).repeat_victim
    for _ in range(3):  # the same caller again, as the index grows
        # 13, the bearer token's two checks (the address's recent invalid tokens, the account's
        # lockout), and the savepoint of the test's transaction
        with django_assert_max_num_queries(17):
            r = api.post("/api/v1/incidents", body("Ada"), content_type="application/json")
        assert r.status_code == 201, r.content
        assert r.json()["people"][0]["person_id"] == ada
    with django_assert_max_num_queries(17):  # a new person
        r = api.post("/api/v1/incidents", body("Zebedee"), content_type="application/json")
    assert r.status_code == 201 and Incident.objects.count() == 7
    assert r.json()["people"][0]["person_id"] != ada
