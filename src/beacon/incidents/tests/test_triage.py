"""No ASB report is left with no team: an impossible map point is refused at its field, and a
report that cannot be placed in a neighbourhood waits in the force's triage inbox (with a clock
from when it was received) until someone places it — its team is then told — or records why no
team takes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beacon.core.errors import ValidationFailed
from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.incidents import services
from beacon.incidents.models import InboxItem, Incident, TriageItem
from beacon.incidents.tests.factories import caller, report
from beacon.incidents.tests.test_views import _form

pytestmark = pytest.mark.django_db

TRIAGERS = {Role.CALL_HANDLER, Role.SUPERVISOR}


@pytest.fixture
def handler(make_user: Callable[..., User]) -> User:
    return make_user(Role.CALL_HANDLER, username="handler", all_areas=True)


def _unplaced(handler: User, **overrides: Any) -> Incident:
    values: dict[str, Any] = {"postcode": "LE9 9XX", "people": [caller("Ann", "Smith")], **overrides}
    return services.create_incident(handler, report(**values))


@pytest.mark.parametrize(("lat", "lon", "field"), [("999", "-1.11", "lat"), ("52.6", "-1000", "lon")])
def test_an_impossible_map_point_is_refused_at_its_field_and_nothing_is_saved(
    town: dict[str, Any], client_for: Callable[..., Client], handler: User, lat: str, lon: str, field: str
) -> None:
    r = client_for(handler).post(
        reverse("incidents:new"), _form(town, lat=lat, lon=lon, postcode=town["postcode_in_docks"])
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert f'href="#id_{field}"' in html  # the error summary links to the field
    assert "between -" in html and "give the postcode or address" in html
    assert not Incident.objects.exists()
    with pytest.raises(ValidationFailed) as exc:
        services.create_incident(handler, report(lat=float(lat), lon=float(lon)))
    assert [p.field for p in exc.value.problems] == [field]


def test_an_asb_report_that_cannot_be_placed_waits_in_triage_not_in_any_team_inbox(
    town: dict[str, Any], client_for: Callable[..., Client], handler: User
) -> None:
    incident = _unplaced(handler, received_at=timezone.now() - dt.timedelta(hours=30))
    assert incident.neighbourhood is None
    assert not InboxItem.objects.exists()
    item = TriageItem.objects.get(incident=incident)
    assert "LE9 9XX" in item.reason and item.resolved_at is None
    html = client_for(handler).get(reverse("incidents:triage")).content.decode()
    row = html[html.index(incident.reference) :]
    row = row[: row.index("</tr>")]
    assert "LE9 9XX" in row and "1\xa0day" in row and "Overdue" in row
    reads = AuditEvent.objects.filter(action="read", model="incident", object_pk=str(incident.pk))
    assert reads.filter(reason="triage inbox").exists()


def test_only_open_asb_reports_go_to_triage(town: dict[str, Any], handler: User) -> None:
    _unplaced(handler, is_asb=False, other_category="concern-for-welfare", asb_category="", type_heading="")
    lat, lon = town["inside"]
    services.create_incident(handler, report(lat=lat, lon=lon))  # placed: the team's inbox
    assert not TriageItem.objects.exists()
    assert InboxItem.objects.count() == 1


def test_placing_it_tells_its_team_and_takes_it_out_of_triage(
    town: dict[str, Any], client_for: Callable[..., Client], handler: User, make_user: Callable[..., User]
) -> None:
    incident = _unplaced(handler)
    item = incident.triage_item
    c = client_for(handler)
    url = reverse("incidents:triage_item", args=[item.pk])
    still_unknown = c.post(url, {"postcode": "LE9 9XX", "version": incident.version})
    assert still_unknown.status_code == 200
    assert "Still not placed in a neighbourhood" in still_unknown.content.decode()
    assert 'href="#id_postcode"' in still_unknown.content.decode()
    r = c.post(url, {"postcode": town["postcode_in_docks"], "version": incident.version})
    assert r.status_code == 302 and r["Location"] == reverse("incidents:triage")
    incident.refresh_from_db()
    item.refresh_from_db()
    assert incident.neighbourhood == town["docks"] and incident.location_problem == ""
    assert incident.inbox_item.neighbourhood == town["docks"]
    assert item.outcome == TriageItem.Outcome.PLACED and item.resolved_by == handler
    assert f'id="triage-item-{item.pk}"' not in c.get(reverse("incidents:triage")).content.decode()
    officer = make_user(Role.OFFICER, username="pc_docks")
    officer.areas.add(town["docks"].area)
    assert incident.reference in client_for(officer).get(reverse("incidents:inbox")).content.decode()
    assert AuditEvent.objects.filter(
        action="update", model="incident", object_pk=str(incident.pk), reason="placed from the triage inbox"
    ).exists()


def test_placing_with_a_version_someone_else_moved_on_is_refused(
    town: dict[str, Any], client_for: Callable[..., Client], handler: User
) -> None:
    incident = _unplaced(handler)
    url = reverse("incidents:triage_item", args=[incident.triage_item.pk])
    Incident.objects.filter(pk=incident.pk).update(version=incident.version + 1)
    r = client_for(handler).post(url, {"postcode": town["postcode_in_docks"], "version": incident.version})
    assert r.status_code == 409
    assert not InboxItem.objects.exists()
    assert TriageItem.objects.get().resolved_at is None


def test_recording_why_no_team_takes_it_needs_a_reason(
    town: dict[str, Any], client_for: Callable[..., Client], handler: User
) -> None:
    incident = _unplaced(handler)
    item = incident.triage_item
    c = client_for(handler)
    url = reverse("incidents:triage_no_team", args=[item.pk])
    assert "Say why no neighbourhood team takes it" in c.post(url, {"note": " "}).content.decode()
    assert TriageItem.objects.get().resolved_at is None
    r = c.post(url, {"note": "Another force's area: passed to them."})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.outcome == TriageItem.Outcome.NO_TEAM and item.note.startswith("Another force")
    assert not InboxItem.objects.exists()


@pytest.mark.parametrize("role", list(Role))
def test_the_triage_inbox_is_for_the_control_room(
    town: dict[str, Any], client_for: Callable[..., Client], handler: User, role: Role
) -> None:
    item = _unplaced(handler).triage_item
    c = client_for(role=role, all_areas=True)
    for url in (reverse("incidents:triage"), reverse("incidents:triage_item", args=[item.pk])):
        assert c.get(url).status_code == (200 if role in TRIAGERS else 403), (role, url)


def test_the_api_lists_places_and_refuses_as_the_pages_do(
    town: dict[str, Any], handler: User, make_user: Callable[..., User]
) -> None:
    from beacon.core.services import create_api_token

    incident = _unplaced(handler)
    _, key = create_api_token(handler, name="t")
    api = Client(headers={"Authorization": f"Bearer {key}"})
    listed = api.get("/api/v1/incidents/triage").json()
    assert listed["count"] == 1 and listed["items"][0]["incident"]["reference"] == incident.reference
    item_id = listed["items"][0]["id"]
    place = f"/api/v1/incidents/triage/{item_id}/place"
    r = api.post(place, {"version": incident.version, "lat": 95, "lon": 0}, content_type="application/json")
    assert r.status_code == 422 and [e["field"] for e in r.json()["errors"]] == ["lat"]
    london = {"version": incident.version, "lat": 51.5, "lon": -0.12}
    r = api.post(place, london, content_type="application/json")
    assert r.status_code == 422 and "Still not placed" in r.json()["errors"][0]["message"]
    body = {"version": incident.version, "postcode": town["postcode_in_docks"]}
    r = api.post(place, body, content_type="application/json")
    assert r.status_code == 200 and r.json()["outcome"] == "placed"
    assert api.post(place, body, content_type="application/json").status_code == 422  # dealt with
    assert api.get("/api/v1/incidents/triage").json()["count"] == 0
    _, officer_key = create_api_token(make_user(Role.OFFICER, all_areas=True), name="t")
    refused = Client(headers={"Authorization": f"Bearer {officer_key}"}).get("/api/v1/incidents/triage")
    assert refused.status_code == 403
