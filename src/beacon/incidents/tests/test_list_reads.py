"""The incident list, the inbox and the other incident lists write what they show to the access log,
as the API's inbox does: one read per incident on the page, with the page's purpose."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.incidents import services
from beacon.incidents.models import Incident
from beacon.incidents.tests.factories import report

pytestmark = pytest.mark.django_db


@pytest.fixture
def incidents(town: dict[str, Any], make_user: Callable[..., User]) -> list[Incident]:
    handler = make_user(Role.CALL_HANDLER, username="handler", all_areas=True)
    lat, lon = town["priority_point"]
    return [services.create_incident(handler, report(lat=lat, lon=lon)) for _ in range(3)]


def reads(user: User) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for e in AuditEvent.objects.filter(actor=user, action="read", model="incident"):
        out.setdefault(e.reason, set()).add(e.object_pk)
    return out


def test_the_list_and_the_inbox_log_the_incidents_they_show(
    town: dict[str, Any],
    incidents: list[Incident],
    make_user: Callable[..., User],
    client_for: Callable[..., Client],
) -> None:
    officer = make_user(Role.OFFICER, username="pc_market")
    officer.areas.add(town["market"].area)
    c = client_for(officer)
    shown = {str(i.pk) for i in incidents}
    r = c.get(reverse("incidents:list"))
    assert r.status_code == 200 and all(i.reference in r.content.decode() for i in incidents)
    assert reads(officer) == {"incident list": shown}
    r = c.get(reverse("incidents:inbox"))
    assert r.status_code == 200 and all(i.reference in r.content.decode() for i in incidents)
    assert reads(officer)["neighbourhood inbox"] == shown
    assert all(e.source == "web" for e in AuditEvent.objects.filter(actor=officer))


def test_an_empty_list_logs_nothing(
    town: dict[str, Any], make_user: Callable[..., User], client_for: Callable[..., Client]
) -> None:
    officer = make_user(Role.OFFICER, username="pc_docks")
    officer.areas.add(town["docks"].area)
    assert client_for(officer).get(reverse("incidents:inbox")).status_code == 200
    assert reads(officer) == {}


def test_the_supervisors_unacknowledged_list_logs_what_it_shows(
    town: dict[str, Any],
    incidents: list[Incident],
    make_user: Callable[..., User],
    client_for: Callable[..., Client],
) -> None:
    sergeant = make_user(Role.SUPERVISOR, username="ps_market")
    sergeant.areas.add(town["market"].area)
    r = client_for(sergeant).get(reverse("incidents:unacknowledged"))
    assert r.status_code == 200
    listed = {str(i.pk) for i in incidents if i.reference in r.content.decode()}
    assert reads(sergeant).get("unacknowledged incidents", set()) == listed
