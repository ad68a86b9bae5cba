"""The incidents API: taking a report, the idempotent feed, validation naming the field, who may do
what, the access log, the live check, crime decisions, closure conflicts, the inbox and supervision."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.core.services import create_api_token
from beacon.incidents import services
from beacon.incidents.models import FeedMessage, InboxItem, Incident, IncidentPerson
from beacon.incidents.tests.factories import caller, report

pytestmark = pytest.mark.django_db

API = "/api/v1/incidents"


def post(client: Client, path: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(path, body, content_type="application/json", headers=headers or None)


def fields(response: Any) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


def asb(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "101",
        "asb_category": "nuisance",
        "type_heading": "rowdy-inconsiderate",
        "description": "Youths kicking a ball against parked cars.",
    }
    body.update(overrides)
    return body


@pytest.fixture
def bearer(make_user: Callable[..., User]) -> Callable[..., dict[str, str]]:
    """Headers for a bearer token of a new user with `role`."""

    def make(role: str = Role.ADMIN, **kwargs: object) -> dict[str, str]:
        _, key = create_api_token(make_user(role, **kwargs), name="test")
        return {"Authorization": f"Bearer {key}"}

    return make


@pytest.fixture
def handler(client_for: Callable[..., Client], make_user: Callable[..., User]) -> Client:
    return client_for(make_user(Role.CALL_HANDLER, all_areas=True))


# ---------------------------------------------------------------------------------------------
# Taking a report


def test_a_report_is_created_placed_flagged_and_graded(
    town: dict[str, Any], handler: Client, active_model: Any
) -> None:
    lat, lon = town["priority_point"]
    body = asb(
        location={"lat": lat, "lon": lon, "address": "3 Market Street"},
        answers={"household_disability": "yes"},
        people=[{"role": "caller", "forename": "Ann", "surname": "Smith", "phone": "07700 900111"}],
    )
    r = post(handler, API, body)
    assert r.status_code == 201, r.content
    out = r.json()
    inc = Incident.objects.get(pk=out["id"])
    assert out["reference"] == inc.reference and out["outcome"] == "created"
    assert out["neighbourhood"] == {"id": town["market"].pk, "code": "TN1", "name": "Market"}
    assert out["location_problem"] == ""
    assert set(out["flags"]) == {"vulnerable_victim", "local_priority"}
    assert "household" in out["flag_reasons"]["vulnerable_victim"]
    assert out["priority_names"] == [town["priority_name"]]
    assert out["suggested_grade"] == "urgent" and out["response_grade"] == "urgent"
    person = IncidentPerson.objects.get(incident=inc)
    assert out["people"] == [
        {"role": "caller", "person_id": person.record.person_id, "record_id": person.record_id}
    ]
    assert InboxItem.objects.filter(incident=inc).exists()
    event = AuditEvent.objects.get(model="incident", object_pk=str(inc.pk), action="create")
    assert event.source == "api"


def test_an_unplaceable_report_is_kept_and_says_why(town: dict[str, Any], handler: Client) -> None:
    lat, lon = town["outside"]
    r = post(handler, API, asb(location={"lat": lat, "lon": lon}))
    assert r.status_code == 201
    assert r.json()["neighbourhood"] is None and "outside" in r.json()["location_problem"].lower()


def test_a_time_without_an_offset_is_london_time(town: dict[str, Any], handler: Client) -> None:
    r = post(handler, API, asb(received_at="2025-07-01T09:30:00"))
    assert r.status_code == 201, r.content
    inc = Incident.objects.get(pk=r.json()["id"])
    assert inc.received_at.isoformat() == "2025-07-01T08:30:00+00:00"  # BST is UTC+1


def test_every_problem_is_named_by_its_field_and_nothing_is_written(
    town: dict[str, Any], handler: Client, active_model: Any
) -> None:
    body = asb(
        channel="pigeon",
        type_heading="no-such-type",
        location={"postcode": "NOT A POSTCODE"},
        answers={"happened_before": "maybe"},
        people=[
            {"role": "caller", "forename": "Ann", "phone": "07700 900111"},
            {"role": "boss", "forename": "Bob"},
        ],
    )
    r = post(handler, API, body)
    assert r.status_code == 422
    assert {
        "channel",
        "type_heading",
        "location.postcode",
        "answers.happened_before",
        "people[1].role",
    } <= set(fields(r))
    # A person's detail that cannot be used is named by its place in the list.
    r = post(handler, API, asb(people=[{"role": "victim", "forename": "Ann", "phone": "+1 212 555 0100"}]))
    assert r.status_code == 422 and fields(r) == ["people[0].phone"]
    assert Incident.objects.count() == 0


def test_malformed_bodies_answer_422_naming_the_field(town: dict[str, Any], handler: Client) -> None:
    r = post(handler, API, asb(location={"lat": "north", "lon": 1.0}))
    assert r.status_code == 422 and fields(r) == ["location.lat"]
    r = post(handler, API, asb(colour="blue"))
    assert r.status_code == 422 and fields(r) == ["colour"]
    r = post(handler, API, asb(location={"lat": 52.6}))
    assert r.status_code == 422 and fields(r) == ["location.lat"]
    r = post(handler, API, {"asb_category": "nuisance"})
    assert r.status_code == 422 and fields(r) == ["channel"]
    # null is accepted for text ("not given")
    r = post(handler, API, asb(description=None, location={"postcode": None}))
    assert r.status_code == 201, r.content


# ---------------------------------------------------------------------------------------------
# The command-and-control feed


def test_replaying_a_feed_message_100_times_creates_one_incident(
    town: dict[str, Any], bearer: Callable[..., dict[str, str]]
) -> None:
    auth = bearer(Role.ADMIN, all_areas=True)
    lat, lon = town["inside"]
    body = asb(source_system="storm", source_id="2026-000123", location={"lat": lat, "lon": lon})
    first = post(Client(), API, body, **auth)
    assert first.status_code == 201, first.content
    assert first.json()["outcome"] == "created"
    ids = set()
    for i in range(99):
        # Key order and spacing do not matter: the message is compared as parsed JSON.
        again = dict(reversed(list(body.items()))) if i % 2 else body
        r = post(Client(), API, again, **auth)
        assert r.status_code == 200 and r.json()["outcome"] == "unchanged"
        ids.add(r.json()["id"])
    assert ids == {first.json()["id"]}
    assert Incident.objects.count() == 1
    assert FeedMessage.objects.filter(source_id="2026-000123").count() == 100
    assert InboxItem.objects.count() == 1


def test_an_amended_message_updates_the_incident_and_keeps_history(
    town: dict[str, Any], bearer: Callable[..., dict[str, str]]
) -> None:
    auth = bearer(Role.ADMIN, all_areas=True)
    body = asb(source_system="storm", source_id="77", description="Youths")
    created = post(Client(), API, body, **auth).json()
    lat, lon = town["inside"]
    amended = {**body, "description": "Youths on bikes", "location": {"lat": lat, "lon": lon}}
    r = post(Client(), API, amended, **auth)
    assert r.status_code == 200 and r.json()["outcome"] == "updated"
    assert r.json()["id"] == created["id"] and r.json()["version"] == created["version"] + 1
    assert r.json()["neighbourhood"]["code"] == "TN1"
    event = AuditEvent.objects.get(model="incident", object_pk=str(created["id"]), action="update")
    assert event.changes["description"] == ["Youths", "Youths on bikes"]
    assert event.changes["neighbourhood_id"] == [None, town["market"].pk]
    assert event.reason == "amended by the source system"
    # Sending the amended message again changes nothing.
    assert post(Client(), API, amended, **auth).json()["outcome"] == "unchanged"
    assert Incident.objects.count() == 1


def test_a_feed_message_needs_both_parts_of_its_number(
    town: dict[str, Any], bearer: Callable[..., dict[str, str]]
) -> None:
    r = post(Client(), API, asb(source_id="77"), **bearer(Role.ADMIN, all_areas=True))
    assert r.status_code == 422 and "source_system" in fields(r)


def test_the_feed_account_may_send_only_numbered_messages(
    town: dict[str, Any], bearer: Callable[..., dict[str, str]]
) -> None:
    auth = bearer(Role.ADMIN, all_areas=True)
    assert post(Client(), API, asb(), **auth).status_code == 403
    assert post(Client(), API, asb(source_system="storm", source_id="1"), **auth).status_code == 201
    assert post(Client(), API, asb(source_system="storm", source_id="1")).status_code == 401


# ---------------------------------------------------------------------------------------------
# Who may do what


def _endpoints(inc: Incident) -> list[tuple[str, str, dict[str, Any] | None]]:
    base = f"{API}/{inc.pk}"
    return [
        ("post", API, asb()),
        ("post", f"{API}/live-check", {"name": "Ann Smith"}),
        ("get", base, None),
        ("post", f"{base}/crime", {"version": inc.version, "crime_reference": "CR/1"}),
        (
            "post",
            f"{base}/close",
            {"version": inc.version, "closure_code": "advice-given", "closing_note": "x"},
        ),
        ("post", f"{base}/acknowledge", {}),
        ("post", f"{base}/supervision", {"note": "Checked."}),
        ("get", f"{API}/inbox", None),
        ("get", f"{API}/crime-review", None),
    ]


def _call(client: Client, method: str, path: str, body: dict[str, Any] | None) -> Any:
    if method == "get":
        return client.get(path)
    return post(client, path, body or {})


def test_a_partner_is_refused_everything(
    town: dict[str, Any], client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    inc = services.create_incident(None, report(lat=town["inside"][0], lon=town["inside"][1]))
    partner = client_for(make_user(Role.PARTNER, all_areas=True))
    for method, path, body in _endpoints(inc):
        assert _call(partner, method, path, body).status_code == 403, path
    assert Incident.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "refused"),
    [
        (Role.CALL_HANDLER, {"acknowledge", "supervision", "inbox", "crime-review"}),
        (Role.OFFICER, {"supervision", "crime-review"}),
        (
            Role.ANALYST,
            {"", "live-check", "crime", "close", "acknowledge", "supervision", "inbox", "crime-review"},
        ),
        (
            Role.PERFORMANCE,
            {"", "live-check", "detail", "crime", "close", "acknowledge", "supervision", "inbox"},
        ),
    ],
)
def test_each_role_is_refused_what_it_may_not_do(
    town: dict[str, Any],
    client_for: Callable[..., Client],
    make_user: Callable[..., User],
    role: str,
    refused: set[str],
) -> None:
    client = client_for(make_user(role, all_areas=True))
    for method, path, body in _endpoints(services.create_incident(None, report())):
        name = path.removeprefix(API).strip("/").split("/")[-1]
        name = "detail" if name.isdigit() else name
        status = _call(client, method, path, body).status_code
        assert (status == 403) == (name in refused), (role, path, status)


def test_a_call_handler_cannot_supervise(
    town: dict[str, Any], handler: Client, client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    inc = services.create_incident(None, report())
    assert post(handler, f"{API}/{inc.pk}/supervision", {"note": "Fine."}).status_code == 403
    sergeant = client_for(make_user(Role.SUPERVISOR, all_areas=True))
    r = post(sergeant, f"{API}/{inc.pk}/supervision", {"note": "Grade right; call back tomorrow."})
    assert r.status_code == 201 and r.json()["note"] == "Grade right; call back tomorrow."
    assert (
        post(sergeant, f"{API}/{inc.pk}/supervision", {"note": "  "}).json()["errors"][0]["field"] == "note"
    )
    inc.refresh_from_db()
    assert inc.last_supervised_at is not None


# ---------------------------------------------------------------------------------------------
# Reading an incident


def test_an_incident_is_read_with_its_people_and_the_read_is_logged(
    town: dict[str, Any], client_for: Callable[..., Client], make_user: Callable[..., User], active_model: Any
) -> None:
    lat, lon = town["inside"]
    inc = services.create_incident(
        None, report(lat=lat, lon=lon, people=[caller("Ann", "Smith", phone="07700 900111")])
    )
    officer = make_user(Role.OFFICER)
    officer.areas.add(town["market"].area)
    r = client_for(officer).get(f"{API}/{inc.pk}", {"purpose": "follow-up call"})
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["reference"] == inc.reference and out["version"] == inc.version
    assert out["neighbourhood"]["code"] == "TN1" and out["type_heading"] == "rowdy-inconsiderate"
    assert out["people"][0]["as_given"]["surname"] == "Smith" and out["people"][0]["role"] == "caller"
    read = AuditEvent.objects.get(model="incident", object_pk=str(inc.pk), action="read")
    assert read.actor == officer and read.reason == "follow-up call"


def test_an_incident_outside_your_areas_is_404(
    town: dict[str, Any], client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    lat, lon = town["inside"]  # in Market (North)
    inc = services.create_incident(None, report(lat=lat, lon=lon))
    elsewhere = make_user(Role.OFFICER)
    elsewhere.areas.add(town["docks"].area)
    client = client_for(elsewhere)
    assert client.get(f"{API}/{inc.pk}").status_code == 404
    assert post(client, f"{API}/{inc.pk}/acknowledge", {}).status_code == 404
    assert client.get(f"{API}/999999").status_code == 404
    assert not AuditEvent.objects.filter(action="read", model="incident").exists()


# ---------------------------------------------------------------------------------------------
# The live check


def test_the_live_check_finds_an_earlier_caller_and_nearby_incidents(
    town: dict[str, Any], handler: Client, active_model: Any
) -> None:
    lat, lon = town["inside"]
    first = services.create_incident(
        None, report(lat=lat, lon=lon, people=[caller("Margaret", "Whitfield", phone="07700 900123")])
    )
    r = post(
        handler,
        f"{API}/live-check",
        {"name": "Margret Whitfeld", "phone": "+44 7700 900123", "lat": lat, "lon": lon},
    )
    assert r.status_code == 200, r.content
    out = r.json()
    assert set(out) >= {"people", "nearby_incidents", "window_days", "location_problem"}
    top = out["people"][0]
    assert 0 < top["probability"] <= 1 and top["why"]
    assert [c["reference"] for c in top["contacts"]] == [first.reference]
    assert [n["reference"] for n in out["nearby_incidents"]] == [first.reference]
    assert AuditEvent.objects.filter(action="read", model="person", object_pk=str(top["person_id"])).exists()


def test_the_live_check_names_a_detail_it_cannot_use(
    town: dict[str, Any], handler: Client, active_model: Any
) -> None:
    r = post(handler, f"{API}/live-check", {"surname": "Smith", "phone": "+1 212 555 0100"})
    assert r.status_code == 422 and fields(r) == ["phone"]
    r = post(handler, f"{API}/live-check", {"surname": "Smith", "lat": 52.6})
    assert r.status_code == 422 and fields(r) == ["lat"]


# ---------------------------------------------------------------------------------------------
# After the call


def test_crime_decision_and_closure(town: dict[str, Any], handler: Client) -> None:
    inc = services.create_incident(None, report(answers={"threats_or_damage": "yes"}))
    r = post(handler, f"{API}/{inc.pk}/crime", {"version": inc.version})
    assert r.status_code == 422 and fields(r) == ["crime_reference"]
    r = post(handler, f"{API}/{inc.pk}/crime", {"version": inc.version, "crime_reference": "CR/9/26"})
    assert r.status_code == 200 and r.json()["crime_recorded"] is True
    version = r.json()["version"]
    r = post(handler, f"{API}/{inc.pk}/close", {"version": version, "closure_code": "", "closing_note": ""})
    assert r.status_code == 422 and set(fields(r)) == {"closure_code", "closing_note"}
    body = {"version": version, "closure_code": "crime-recorded", "closing_note": "Crime recorded."}
    r = post(handler, f"{API}/{inc.pk}/close", body)
    assert (
        r.status_code == 200
        and r.json()["status"] == "closed"
        and r.json()["closure_code"] == "crime-recorded"
    )


def test_two_conflicting_closes_the_second_is_409(
    town: dict[str, Any], handler: Client, client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    inc = services.create_incident(None, report())
    other = client_for(make_user(Role.OFFICER, all_areas=True))
    a = {"version": inc.version, "closure_code": "advice-given", "closing_note": "Advised the caller."}
    b = {"version": inc.version, "closure_code": "no-further-action", "closing_note": "Nothing more to do."}
    assert post(handler, f"{API}/{inc.pk}/close", a).status_code == 200
    r = post(other, f"{API}/{inc.pk}/close", b)
    assert r.status_code == 409
    assert "closure_code_id" in r.json()["changes"] or "status" in r.json()["changes"]
    inc.refresh_from_db()
    assert inc.closure_code.code == "advice-given" and inc.closing_note == "Advised the caller."


def test_the_crime_registrar_lists_closed_incidents_without_a_decision(
    town: dict[str, Any], client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    inc = services.create_incident(None, report(answers={"threats_or_damage": "yes"}))
    services.close_incident(
        make_user(Role.OFFICER), inc, version=inc.version, closure_code="advice-given", note="Advised"
    )
    services.create_incident(None, report())  # no crime disclosed
    registrar = make_user(Role.PERFORMANCE, all_areas=True)
    r = client_for(registrar).get(f"{API}/crime-review")
    assert r.status_code == 200
    assert r.json()["count"] == 1 and [i["id"] for i in r.json()["incidents"]] == [inc.pk]
    assert AuditEvent.objects.filter(action="read", model="incident", actor=registrar).count() == 1


# ---------------------------------------------------------------------------------------------
# The neighbourhood inbox


def test_the_inbox_lists_the_team_items_and_acknowledging_removes_them(
    town: dict[str, Any], client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    lat, lon = town["inside"]
    inc = services.create_incident(None, report(lat=lat, lon=lon))
    officer = make_user(Role.OFFICER)
    officer.areas.add(town["market"].area)
    client = client_for(officer)
    r = client.get(f"{API}/inbox")
    assert r.status_code == 200 and r.json()["count"] == 1
    item = r.json()["items"][0]
    assert item["incident"]["id"] == inc.pk and item["neighbourhood"]["code"] == "TN1"
    assert item["acknowledged_at"] is None
    r = post(client, f"{API}/{inc.pk}/acknowledge", {})
    assert r.status_code == 200 and r.json()["acknowledged_by"] == officer.get_username()
    first = r.json()["acknowledged_at"]
    assert post(client, f"{API}/{inc.pk}/acknowledge", {}).json()["acknowledged_at"] == first
    assert client.get(f"{API}/inbox").json()["count"] == 0
    assert client.get(f"{API}/inbox", {"open_only": "false"}).json()["count"] == 1
    assert (
        client.get(f"{API}/inbox", {"neighbourhood": town["docks"].pk, "open_only": "false"}).json()["count"]
        == 0
    )
    elsewhere = make_user(Role.OFFICER)
    elsewhere.areas.add(town["docks"].area)
    assert client_for(elsewhere).get(f"{API}/inbox", {"open_only": "false"}).json()["count"] == 0


def test_an_incident_not_in_an_inbox_cannot_be_acknowledged(
    town: dict[str, Any], client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    lat, lon = town["outside"]
    inc = services.create_incident(None, report(lat=lat, lon=lon))
    r = post(client_for(make_user(Role.OFFICER, all_areas=True)), f"{API}/{inc.pk}/acknowledge", {})
    assert r.status_code == 404


def test_the_inbox_takes_a_bounded_number_of_queries(
    town: dict[str, Any],
    client_for: Callable[..., Client],
    make_user: Callable[..., User],
    django_assert_max_num_queries: Any,
) -> None:
    market_lat, market_lon = town["inside"]
    docks_lat, docks_lon = 52.59, -1.11
    for i in range(12):
        lat, lon = (market_lat, market_lon) if i % 2 else (docks_lat, docks_lon)
        kind = {"is_asb": True} if i % 3 else {"answers": {"happened_before": "yes"}}
        services.create_incident(None, report(lat=lat, lon=lon, **kind))
    sergeant = make_user(Role.SUPERVISOR)
    sergeant.areas.add(town["market"].area, town["docks"].area)
    client = client_for(sergeant)
    client.get(f"{API}/inbox")  # warm the session
    # session, user, areas, the page, the count, the access log, the session's save (in a savepoint):
    # the same for 1 item or 500.
    with django_assert_max_num_queries(9):
        r = client.get(f"{API}/inbox")
    assert r.status_code == 200 and r.json()["count"] == 12 and len(r.json()["items"]) == 12
