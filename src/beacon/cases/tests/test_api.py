"""The cases API: who may do what (role and area), the ordered list, a case (access log), create,
update with 409 on conflict, parties/incidents/locations, actions, contacts, reviews, closure
(refused without reason or victim told), reopening, and the due report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from beacon.cases import services
from beacon.cases.models import Case
from beacon.cases.tests import factories as f
from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.core.services import create_api_token

pytestmark = pytest.mark.django_db

API = "/api/v1/cases"


def send(client: Client, method: str, path: str, body: dict[str, Any] | None = None, **headers: str) -> Any:
    fn = getattr(client, method)
    return fn(path, body or {}, content_type="application/json", headers=headers or None)


def fields(r: Any) -> set[str]:
    return {e["field"] for e in r.json()["errors"]}


@pytest.fixture
def case(officer: User, place: dict[str, Any]) -> Case:
    victim = f.person("Vera", "Victimson")
    inc = f.incident(neighbourhood=place["market"], victim=victim)
    made = services.open_case_from_assessment(officer, f.assessment(officer, victim, "high", incident=inc))
    assert made is not None
    return made


def test_bearer_token_and_roles(make_user: Callable[..., User], case: Case) -> None:
    c = Client()
    assert c.get(f"{API}/{case.pk}").status_code == 401
    _, key = create_api_token(make_user(Role.CALL_HANDLER, all_areas=True), name="t")
    assert c.get(f"{API}/{case.pk}", headers={"Authorization": f"Bearer {key}"}).status_code == 403
    _, key = create_api_token(make_user(Role.ANALYST, all_areas=True), name="t")
    r = c.get(f"{API}/{case.pk}", headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 200 and r.json()["reference"] == case.reference
    # An analyst reads but does not write.
    r = send(
        c,
        "post",
        f"{API}/{case.pk}/contacts",
        {"method": "phone", "summary": "x"},
        Authorization=f"Bearer {key}",
    )
    assert r.status_code == 403


def test_get_logs_the_read_and_hides_other_areas(
    officer: User, south_officer: User, client_for: Callable[..., Client], case: Case
) -> None:
    r = client_for(officer).get(f"{API}/{case.pk}", {"purpose": "visit planning"})
    body = r.json()
    assert body["rag"] == "red" and body["reasons"][0] == "High risk with no first contact yet"
    assert {s["standard"] for s in body["standards"]} == {
        "first_contact",
        "update",
        "sergeant_review",
        "inspector_review",
        "chief_inspector_review",
    }
    assert AuditEvent.objects.filter(
        action="read", model="case", object_pk=str(case.pk), reason="visit planning", actor=officer
    ).exists()
    assert client_for(south_officer).get(f"{API}/{case.pk}").status_code == 404


def test_create_update_conflict(
    officer: User, sergeant: User, client_for: Callable[..., Client], place: dict[str, Any]
) -> None:
    c = client_for(officer)
    r = send(c, "post", API, {"risk_level": "extreme"})
    assert r.status_code == 422 and {"risk_level", "victim_ids"} <= fields(r)
    victim = f.person()
    r = send(
        c, "post", API, {"risk_level": "standard", "victim_ids": [victim.pk], "area_id": place["north"].pk}
    )
    assert r.status_code == 201
    body = r.json()
    assert body["risk_level"] == "standard" and body["spoc"]["username"] == officer.username
    cid = body["id"]
    r = send(c, "patch", f"{API}/{cid}", {"version": 1, "title": "Noise from number 12"})
    assert r.status_code == 200 and r.json()["version"] == 2
    r = send(client_for(sergeant), "patch", f"{API}/{cid}", {"version": 1, "title": "Other"})
    assert r.status_code == 409
    assert r.json()["changed_by"] == officer.username and "title" in r.json()["changes"]
    assert Case.objects.get(pk=cid).title == "Noise from number 12"
    r = send(c, "post", f"{API}/{cid}/level", {"version": 2, "risk_level": "high", "reason": ""})
    assert r.status_code == 422 and fields(r) == {"reason"}
    r = send(c, "post", f"{API}/{cid}/level", {"version": 2, "risk_level": "high", "reason": "Escalating"})
    assert r.status_code == 200 and r.json()["risk_level"] == "high"


def test_parts_actions_contacts_reviews(
    officer: User, sergeant: User, client_for: Callable[..., Client], case: Case, place: dict[str, Any]
) -> None:
    c = client_for(officer)
    perp = f.person("Pat", "Perp")
    r = send(c, "post", f"{API}/{case.pk}/parties", {"person_id": perp.pk, "role": "perpetrator"})
    assert r.status_code == 201
    inc = f.incident(neighbourhood=place["market"])
    assert send(c, "post", f"{API}/{case.pk}/incidents", {"incident_id": inc.pk}).status_code == 201
    r = send(c, "post", f"{API}/{case.pk}/locations", {"address": "The rec", "lat": 52.61, "lon": -1.11})
    assert r.status_code == 201 and r.json()["neighbourhood"] == "CN1"
    r = send(c, "post", f"{API}/{case.pk}/actions", {"text": "Visit", "due_on": "2030-01-01"})
    assert r.status_code == 201
    action = r.json()
    assert action["owner"]["username"] == officer.username
    r = send(c, "patch", f"{API}/actions/{action['id']}", {"version": 1, "status": "done"})
    assert r.status_code == 422 and fields(r) == {"outcome"}
    r = send(c, "patch", f"{API}/actions/{action['id']}", {"version": 1, "status": "done", "outcome": "Done"})
    assert r.status_code == 200 and r.json()["version"] == 2
    r = send(c, "patch", f"{API}/actions/{action['id']}", {"version": 1, "text": "stale"})
    assert r.status_code == 409
    r = c.delete(f"{API}/actions/{action['id']}?version=2")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert [a["id"] for a in c.get(f"{API}/{case.pk}/actions").json()] == [action["id"]]
    r = send(c, "post", f"{API}/{case.pk}/contacts", {"method": "phone", "summary": "Called."})
    assert r.status_code == 201
    assert c.get(f"{API}/{case.pk}").json()["rag"] == "amber"
    review = {"tier": "sergeant", "decision": "Agreed."}
    assert send(c, "post", f"{API}/{case.pk}/reviews", review).status_code == 403
    assert send(client_for(sergeant), "post", f"{API}/{case.pk}/reviews", review).status_code == 201
    assert len(c.get(f"{API}/{case.pk}/reviews").json()) == 1
    assert len(c.get(f"{API}/{case.pk}/contacts").json()) == 1


def test_close_and_reopen(
    officer: User, sergeant: User, client_for: Callable[..., Client], case: Case
) -> None:
    s = client_for(sergeant)
    assert (
        send(
            client_for(officer), "post", f"{API}/{case.pk}/close", {"version": 1, "reason": "harm_stopped"}
        ).status_code
        == 403
    )
    r = send(s, "post", f"{API}/{case.pk}/close", {"version": 1, "reason": "nope"})
    assert r.status_code == 422 and fields(r) == {"reason", "victim_told_on", "victim_told_how"}
    assert Case.objects.get(pk=case.pk).status == "open"
    today = timezone.localdate().isoformat()
    body = {"version": 1, "reason": "harm_stopped", "victim_told_on": today, "victim_told_how": "phone"}
    r = send(s, "post", f"{API}/{case.pk}/close", body)
    assert r.status_code == 200 and r.json()["status"] == "closed"
    got = s.get(f"{API}/{case.pk}").json()
    assert got["closure"]["signed_off_by"] == sergeant.username
    r = send(client_for(officer), "post", f"{API}/{case.pk}/reopen", {"version": 2, "reason": "New report"})
    assert r.status_code == 200 and r.json()["status"] == "open"


def test_list_and_due(
    officer: User, sergeant: User, client_for: Callable[..., Client], case: Case, place: dict[str, Any]
) -> None:
    f.open_case(officer, level="standard", area=place["north"])
    f.incident(neighbourhood=place["market"], hate_related=True)
    r = client_for(sergeant).get(API)
    body = r.json()
    assert body["cases"] == 2 and body["incidents"] == 1 and body["red"] == 1
    assert body["items"][0]["reference"] == case.reference and body["items"][0]["rag"] == "red"
    assert [i["kind"] for i in body["items"]] == ["case", "incident", "case"]
    assert client_for(sergeant).get(API, {"kind": "incident"}).json()["items"][0]["reasons"] == [
        "Hate related"
    ]
    due = client_for(officer).get(f"{API}/due").json()
    assert due["totals"]["cases"] == 2
    first = next(c for c in due["cases"] if c["reference"] == case.reference)
    assert (
        first["standards"][0]["standard"] == "first_contact" and first["standards"][0]["state"] == "due_soon"
    )
    # A past date is refused: the report looks forward from the records as they are now.
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    r = client_for(officer).get(f"{API}/due", {"as_of": yesterday})
    assert r.status_code == 422 and fields(r) == {"as_of"}


def test_suggestions(
    officer: User, client_for: Callable[..., Client], case: Case, place: dict[str, Any]
) -> None:
    victim = case.parties.get().person
    later = f.incident(neighbourhood=place["market"], victim=victim)
    r = client_for(officer).get(f"{API}/{case.pk}/suggestions")
    assert r.json() == [
        {
            "incident_id": later.pk,
            "reference": later.reference,
            "received_at": r.json()[0]["received_at"],
            "why": "same victim",
        }
    ]


def test_every_read_of_part_of_a_case_is_logged(
    officer: User, client_for: Callable[..., Client], case: Case
) -> None:
    c = client_for(officer)
    action = services.add_action(officer, case.pk, services.ActionInput(text="Visit"))
    for path in ("suggestions", "actions", "contacts", "reviews"):
        assert c.get(f"{API}/{case.pk}/{path}").status_code == 200, path
    assert c.get(f"{API}/actions/{action.pk}").status_code == 200
    reasons = set(
        AuditEvent.objects.filter(
            action="read", model="case", object_pk=str(case.pk), actor=officer
        ).values_list("reason", flat=True)
    )
    assert {
        "suggested incidents",
        "action plan",
        "contacts with the victim",
        "supervisory reviews",
        f"action {action.pk}",
    } <= reasons


def test_cases_for_an_incident_and_reopen_suggestions(
    officer: User,
    sergeant: User,
    south_officer: User,
    client_for: Callable[..., Client],
    case: Case,
    place: dict[str, Any],
) -> None:
    first = case.case_incidents.get().incident
    c = client_for(officer)
    body = c.get(f"{API}/for-incident/{first.pk}").json()
    assert [x["reference"] for x in body["covering"]] == [case.reference] and body["to_reopen"] == []
    services.close_case(
        sergeant, case.pk, case.version, services.ClosureInput("harm_stopped", timezone.localdate(), "visit")
    )
    later = f.incident(neighbourhood=place["market"], victim=case.parties.get().person)
    body = c.get(f"{API}/for-incident/{later.pk}").json()
    assert [x["reference"] for x in body["to_reopen"]] == [case.reference] and body["covering"] == []
    assert AuditEvent.objects.filter(
        action="read", model="case", object_pk=str(case.pk), reason=f"viewing incident {later.reference}"
    ).exists()
    # The closed case's suggestions are the incidents that may reopen it.
    got = c.get(f"{API}/{case.pk}/suggestions").json()
    assert [(x["incident_id"], x["reference"], x["why"]) for x in got] == [
        (later.pk, later.reference, "reopen")
    ]
    # Outside your areas: not found.
    assert client_for(south_officer).get(f"{API}/for-incident/{later.pk}").status_code == 404


def test_list_and_due_read_a_bounded_number_of_times(
    officer: User,
    sergeant: User,
    client_for: Callable[..., Client],
    place: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    """The supervisor's list and the due report through the API: the same number of queries for 3
    cases as for 30 (an N+1 would fail here)."""
    c = client_for(sergeant)

    def counted(path: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert c.get(path).status_code == 200
        return len(ctx.captured_queries)

    for level in ("standard", "medium", "high"):
        f.open_case(officer, level=level, area=place["north"])
    f.incident(neighbourhood=place["market"], vulnerable_victim=True)
    few = (counted(API), counted(f"{API}/due"))
    for level in ["standard", "medium", "high"] * 9:
        f.open_case(officer, level=level, area=place["north"])
    for _ in range(5):
        f.incident(neighbourhood=place["market"], vulnerable_victim=True)
    many = (counted(API), counted(f"{API}/due"))
    assert many == few
    with django_assert_max_num_queries(24):
        c.get(API)
