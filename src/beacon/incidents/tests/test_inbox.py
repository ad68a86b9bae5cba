"""The neighbourhood inbox as a team works it: waiting counts from when the incident was received
(not from when the team was told), a closed incident no longer waits, and the most urgent comes
first — by the response grade's target time, then the flags, then the longest waiting. The page and
the API agree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beacon.core.models import User
from beacon.core.roles import Role
from beacon.core.services import create_api_token
from beacon.incidents import selectors, services
from beacon.incidents.models import ClosureCode, InboxItem, Incident, ResponseGrade
from beacon.incidents.tests.factories import report

pytestmark = pytest.mark.django_db


@pytest.fixture
def handler(make_user: Callable[..., User]) -> User:
    return make_user(Role.CALL_HANDLER, username="handler", all_areas=True)


@pytest.fixture
def officer(town: dict[str, Any], make_user: Callable[..., User]) -> User:
    user = make_user(Role.OFFICER, username="pc_market")
    user.areas.add(town["market"].area)
    return user


def _incident(town: dict[str, Any], handler: User, *, hours_ago: float = 0, **flags: Any) -> Incident:
    lat, lon = town["inside"]
    received = timezone.now() - dt.timedelta(hours=hours_ago)
    incident = services.create_incident(handler, report(lat=lat, lon=lon, received_at=received))
    grade = flags.pop("grade", "other")
    Incident.objects.filter(pk=incident.pk).update(
        response_grade=ResponseGrade.objects.get(code=grade),
        vulnerable_victim=flags.pop("vulnerable_victim", False),
        repeat_victim=flags.pop("repeat_victim", False),
        local_priority=False,
        **flags,
    )
    # As an import of older calls does: the team is told now, whenever the call came in.
    InboxItem.objects.filter(incident=incident).update(placed_at=timezone.now())
    incident.refresh_from_db()
    return incident


def test_waiting_counts_from_when_the_incident_was_received(
    town: dict[str, Any], handler: User, officer: User, client_for: Callable[..., Client]
) -> None:
    old = _incident(town, handler, hours_ago=3 * 24)
    html = client_for(officer).get(reverse("incidents:inbox")).content.decode()
    row = html[html.index(old.reference) :]
    row = row[: row.index("</tr>")]
    assert "3\xa0days" in row, row
    assert "Overdue" in row  # past the acknowledgement window, counted from the call
    assert old.inbox_item in selectors.unacknowledged(officer)


def test_a_closed_incident_no_longer_waits_to_be_acknowledged(
    town: dict[str, Any], handler: User, officer: User, client_for: Callable[..., Client]
) -> None:
    closed = _incident(town, handler, hours_ago=2)
    still_open = _incident(town, handler, hours_ago=1)
    code = ClosureCode.objects.filter(active=True).first()
    assert code is not None
    services.close_incident(handler, closed, version=closed.version, closure_code=code.code, note="Resolved.")
    c = client_for(officer)
    waiting = c.get(reverse("incidents:inbox")).content.decode()
    assert still_open.reference in waiting and closed.reference not in waiting
    assert closed.reference in c.get(reverse("incidents:inbox"), {"show": "all"}).content.decode()
    assert closed.inbox_item not in selectors.unacknowledged(officer)
    _, key = create_api_token(officer, name="t")
    api = Client().get("/api/v1/incidents/inbox", headers={"Authorization": f"Bearer {key}"}).json()
    assert [i["incident"]["reference"] for i in api["items"]] == [still_open.reference]
    assert api["count"] == 1


def test_the_most_urgent_comes_first_then_flags_then_the_longest_waiting(
    town: dict[str, Any], handler: User, officer: User, client_for: Callable[..., Client]
) -> None:
    oldest_plain = _incident(town, handler, hours_ago=20)
    newer_plain = _incident(town, handler, hours_ago=2)
    repeat = _incident(town, handler, hours_ago=1, repeat_victim=True)
    vulnerable = _incident(town, handler, hours_ago=0.5, vulnerable_victim=True)
    immediate = _incident(town, handler, hours_ago=0.1, grade="immediate")
    expected = [immediate, vulnerable, repeat, oldest_plain, newer_plain]
    html = client_for(officer).get(reverse("incidents:inbox")).content.decode()
    positions = [html.index(i.reference) for i in expected]
    assert positions == sorted(positions)
    _, key = create_api_token(officer, name="t")
    api = Client().get("/api/v1/incidents/inbox", headers={"Authorization": f"Bearer {key}"}).json()
    assert [i["incident"]["reference"] for i in api["items"]] == [i.reference for i in expected]


def test_the_inbox_narrows_to_a_team_and_downloads_with_each_incident_logged(
    town: dict[str, Any], handler: User, make_user: Callable[..., User], client_for: Callable[..., Client]
) -> None:
    from beacon.core.models import AuditEvent

    market = _incident(town, handler, hours_ago=2)
    docks = services.create_incident(handler, report(lat=52.59, lon=-1.11))
    sergeant = make_user(Role.SUPERVISOR, username="sgt")
    sergeant.areas.add(town["market"].area, town["docks"].area)
    c = client_for(sergeant)
    html = c.get(reverse("incidents:inbox"), {"neighbourhood": str(town["docks"].pk)}).content.decode()
    assert docks.reference in html and market.reference not in html
    r = c.get(reverse("incidents:inbox"), {"neighbourhood": str(town["docks"].pk), "download": "csv"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    body = r.content.decode("utf-8-sig")
    assert docks.reference in body and market.reference not in body
    logged = AuditEvent.objects.filter(action="export", actor=sergeant, model="incident")
    assert list(logged.values_list("object_pk", flat=True)) == [str(docks.pk)]
