"""The risk API: instruments and versions, scoring without writing, completing an assessment (a case
for High), reading one (logged), reviewing with optimistic locking (409), a victim's assessments,
those awaiting review, the assessments due, and who may do what."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.core.services import create_api_token
from beacon.incidents.models import Incident
from beacon.people.models import ContactRecord
from beacon.risk import services
from beacon.risk.models import Assessment
from beacon.risk.tests.factories import HIGH, MEDIUM, STANDARD, make_incident, person_record

pytestmark = pytest.mark.django_db

API = "/api/v1/risk"


def post(client: Client, path: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(f"{API}/{path}", body, content_type="application/json", headers=headers or None)


def fields(response: Any) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


@pytest.fixture
def victim() -> ContactRecord:
    return person_record()


@pytest.fixture
def incident(town: dict[str, Any], victim: ContactRecord) -> Incident:
    return make_incident(
        area=town["north"],
        neighbourhood=town["market"],
        point=town["in_market"],
        victims=[("caller", victim)],
    )


@pytest.fixture
def bearer(make_user: Callable[..., User]) -> Callable[..., dict[str, str]]:
    def make(user: User) -> dict[str, str]:
        _, key = create_api_token(user, name="test")
        return {"Authorization": f"Bearer {key}"}

    return make


def test_instruments_and_versions_are_listed(client_for: Callable[..., Client], officer: User) -> None:
    client = client_for(officer)
    body = client.get(f"{API}/instruments").json()
    example = body["instruments"][0]
    assert example["name"] == "asb-vulnerability" and example["is_example"] and example["in_use"]
    assert example["published_version"] == 1 and example["versions"][0]["status"] == "published"
    one = client.get(f"{API}/instruments/asb-vulnerability").json()
    assert one["name"] == "asb-vulnerability"
    version = client.get(f"{API}/instruments/asb-vulnerability/versions/1").json()
    assert version["thresholds"] == {"medium": 10, "high": 20} and len(version["questions"]) == 13
    assert client.get(f"{API}/instruments/asb-vulnerability/versions/9").status_code == 404
    assert client.get(f"{API}/instruments/nothing").status_code == 404


def test_scoring_previews_without_writing(
    client_for: Callable[..., Client], officer: User, town: Any
) -> None:
    client = client_for(officer)
    response = post(client, "score", {"answers": HIGH, "location": {"neighbourhood": "TN1"}})
    body = response.json()
    assert response.status_code == 200
    assert (body["instrument"], body["version"], body["score"], body["level"]) == (
        "asb-vulnerability",
        1,
        26,
        "High",
    )
    assert body["contributions"][-1]["question"] == "location:neighbourhood_grade:priority"
    assert body["location"]["neighbourhood"] == "TN1"
    assert not Assessment.objects.exists()
    bad = post(client, "score", {"instrument": "asb-vulnerability@1", "answers": {"hate": "maybe", "x": 1}})
    assert bad.status_code == 422
    assert fields(bad)[:3] == ["answers.x", "answers.incidents_recent", "answers.targeted_before"]
    assert "answers.hate" in fields(bad)
    assert fields(post(client, "score", {"answers": STANDARD, "location": {"neighbourhood": "ZZ"}})) == [
        "location.neighbourhood"
    ]
    assert fields(post(client, "score", {"instrument": "nothing", "answers": {}})) == ["instrument"]


def test_an_assessment_is_created_with_its_case_and_read_back_with_the_read_logged(
    client_for: Callable[..., Client], officer: User, incident: Incident, victim: ContactRecord
) -> None:
    client = client_for(officer)
    response = post(
        client,
        "assessments",
        {
            "incident_id": incident.pk,
            "person_id": victim.person_id,
            "completed_as": "attending",
            "answers": HIGH,
            "officer_note": "Scared.",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["completed_as"] == "attending"
    assert (body["score"], body["level"], body["effective_level"]) == (26, "High", "High")
    assert body["case_id"] is not None and body["instrument"] == "asb-vulnerability"
    assert body["person_id"] == victim.person_id and body["incident_reference"] == incident.reference
    assert body["location"]["neighbourhood"] == "TN1" and body["review"] is None
    got = client.get(f"{API}/assessments/{body['id']}?purpose=case+conference")
    assert got.status_code == 200 and got.json()["officer_note"] == "Scared."
    assert AuditEvent.objects.filter(
        model="assessment", object_pk=str(body["id"]), action="read", reason="case conference"
    ).exists()


def test_creating_reports_every_problem_by_its_field(
    client_for: Callable[..., Client], officer: User, incident: Incident, town: dict[str, Any]
) -> None:
    client = client_for(officer)
    stranger = person_record(forename="Bryn")
    response = post(
        client,
        "assessments",
        {"incident_id": incident.pk, "person_id": stranger.person_id, "answers": {**STANDARD, "hate": 2}},
    )
    assert response.status_code == 422
    assert fields(response) == ["person_id", "completed_as", "answers.hate"]
    other = make_incident(area=town["south"], victims=[("caller", stranger)])
    response = post(
        client, "assessments", {"incident_id": other.pk, "person_id": stranger.person_id, "answers": {}}
    )
    assert response.status_code == 404
    assert not Assessment.objects.exists()


def test_reviews_refuse_a_stale_version_with_409(
    client_for: Callable[..., Client],
    officer: User,
    sergeant: User,
    north_user: Callable[..., User],
    incident: Incident,
    victim: ContactRecord,
) -> None:
    a = services.complete_assessment(
        officer, completed_as="attending", incident=incident, victim=victim.person, answers=STANDARD
    )
    first = client_for(sergeant)
    done = post(first, f"assessments/{a.pk}/review", {"version": 1, "decision": "agree"})
    assert done.status_code == 200
    assert done.json()["review"]["decision"] == "agreed" and done.json()["version"] == 2
    second = client_for(north_user(Role.SUPERVISOR))
    stale = post(second, f"assessments/{a.pk}/review", {"version": 1, "decision": "change", "level": "high"})
    assert stale.status_code == 409 and stale.json()["changed_by"] == "ps_north"
    bad = post(second, f"assessments/{a.pk}/review", {"version": 2, "decision": "shrug"})
    assert bad.status_code == 422 and fields(bad) == ["decision"]
    a.refresh_from_db()
    assert a.review_decision == "agreed"


def test_a_victims_assessments_and_those_awaiting_review(
    client_for: Callable[..., Client],
    officer: User,
    sergeant: User,
    incident: Incident,
    victim: ContactRecord,
) -> None:
    first = services.complete_assessment(
        officer, completed_as="attending", incident=incident, victim=victim.person, answers=STANDARD
    )
    second = services.complete_assessment(
        officer, completed_as="attending", incident=incident, victim=victim.person, answers=MEDIUM
    )
    services.review_assessment(sergeant, first, expected_version=1, agree=True)
    client = client_for(sergeant)
    history = client.get(f"{API}/people/{victim.person_id}/assessments").json()
    assert [a["id"] for a in history["assessments"]] == [second.pk, first.pk]
    awaiting = client.get(f"{API}/assessments/awaiting-review").json()
    assert awaiting["count"] == 1 and awaiting["assessments"][0]["id"] == second.pk


def test_the_assessments_due(client_for: Callable[..., Client], sergeant: User, town: dict[str, Any]) -> None:
    record = person_record()
    late = make_incident(
        area=town["north"],
        vulnerable=True,
        received_at=timezone.now() - dt.timedelta(hours=80),
        victims=[("victim", record)],
    )
    body = client_for(sergeant).get(f"{API}/due").json()
    assert body["count"] == 1
    item = body["due"][0]
    assert (
        item["incident_id"] == late.pk
        and item["overdue_hours"] == 8
        and item["victims"] == [record.person_id]
    )
    assert item["flags"] == ["vulnerable_victim"]


def test_who_may_do_what(
    make_user: Callable[..., User],
    bearer: Callable[..., dict[str, str]],
    officer: User,
    incident: Incident,
    victim: ContactRecord,
) -> None:
    a = services.complete_assessment(
        officer, completed_as="attending", incident=incident, victim=victim.person, answers=STANDARD
    )
    client = Client()
    for role in (Role.CALL_HANDLER, Role.PARTNER, Role.PERFORMANCE):
        headers = bearer(make_user(role, all_areas=True))
        assert client.get(f"{API}/assessments/{a.pk}", headers=headers).status_code == 403
        assert client.get(f"{API}/instruments", headers=headers).status_code == 403
        assert client.get(f"{API}/due", headers=headers).status_code == 403
        body = {
            "incident_id": incident.pk,
            "person_id": victim.person_id,
            "completed_as": "attending",
            "answers": STANDARD,
        }
        assert post(client, "assessments", body, **headers).status_code == 403
    analyst = bearer(make_user(Role.ANALYST, all_areas=True))
    assert client.get(f"{API}/assessments/{a.pk}", headers=analyst).status_code == 200
    body = {
        "incident_id": incident.pk,
        "person_id": victim.person_id,
        "completed_as": "investigating",
        "answers": STANDARD,
    }
    assert post(client, "assessments", body, **analyst).status_code == 403
    assert (
        post(client, f"assessments/{a.pk}/review", {"version": 1, "decision": "agree"}, **analyst).status_code
        == 403
    )
    assert client.get(f"{API}/assessments/{a.pk}").status_code == 401
    reads = AuditEvent.objects.filter(model="assessment", object_pk=str(a.pk), action="read")
    assert reads.count() == 1  # only the analyst's
