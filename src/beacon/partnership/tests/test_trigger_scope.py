"""Threshold status through the API is scoped to the reader's areas: the counts are across the
force (the threshold is about the victim, wherever they reported), but another area's incidents —
their ids, references and dates — and places are not listed, only counted; both variants write the
access log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from beacon.core.models import AuditEvent, User
from beacon.partnership.tests.factories import days_ago, incident, person

pytestmark = pytest.mark.django_db

API = "/api/v1/partnership"
DOCKS = (52.59, -1.11)  # in South


def test_a_victims_status_lists_only_incidents_in_the_readers_areas(
    api_client: Client, sergeant: User, place: dict[str, Any], bearer: Callable[..., dict[str, str]]
) -> None:
    ann = person("Ann", "Ashby")
    north = incident(reporters=[ann], area=place["north"], received_at=days_ago(5))
    south = [incident(reporters=[ann], area=place["south"], received_at=days_ago(n)) for n in (20, 40)]
    r = api_client.get(API + "/trigger-status", {"person": ann.pk}, headers=bearer(sergeant))
    assert r.status_code == 200
    victim = r.json()[0]["victim"]
    assert victim["met"] is True and victim["count"] == 3  # counted across the force
    assert [i["incident_id"] for i in victim["incidents"]] == [north.pk]
    assert victim["incidents_not_shown"] == 2
    body = r.content.decode()
    for inc in south:
        assert inc.reference not in body
    reads = AuditEvent.objects.filter(actor=sergeant, action="read")
    assert reads.filter(model="person", object_pk=str(ann.pk)).exists()
    assert set(reads.filter(model="incident").values_list("object_pk", flat=True)) == {str(north.pk)}


def test_a_place_in_another_area_is_counted_but_not_shown(
    api_client: Client, sergeant: User, place: dict[str, Any], bearer: Callable[..., dict[str, str]]
) -> None:
    ann = person("Ann", "Ashby")
    others = [person("Ben", f"Other{i}") for i in range(4)]
    incs = [
        incident(reporters=[p], area=place["south"], received_at=days_ago(3 + i), lat=DOCKS[0], lon=DOCKS[1])
        for i, p in enumerate([ann, *others])
    ]
    h = bearer(sergeant)
    status = api_client.get(API + "/trigger-status", {"person": ann.pk}, headers=h).json()[0]
    [loc] = status["locations"]
    assert loc["met"] is True and loc["count"] == 5 and loc["incidents"] == []
    assert loc["incidents_not_shown"] == 5
    assert loc["lat"] is None and loc["lon"] is None and loc["label"] == "A place outside your areas"

    r = api_client.get(API + "/trigger-status/location", {"lat": DOCKS[0], "lon": DOCKS[1]}, headers=h)
    loc = r.json()
    assert r.status_code == 200 and loc["met"] is True and loc["count"] == 5
    assert loc["incidents"] == [] and loc["incidents_not_shown"] == 5
    for inc in incs:
        assert inc.reference not in r.content.decode()


def test_the_location_variant_writes_the_access_log(
    api_client: Client,
    sergeant: User,
    south_officer: User,
    place: dict[str, Any],
    bearer: Callable[..., dict[str, str]],
) -> None:
    incs = [
        incident(
            reporters=[person("Cara", f"Caller{i}")],
            area=place["south"],
            received_at=days_ago(2 + i),
            lat=DOCKS[0],
            lon=DOCKS[1],
        )
        for i in range(2)
    ]
    params = {"lat": DOCKS[0], "lon": DOCKS[1]}
    shown = api_client.get(API + "/trigger-status/location", params, headers=bearer(south_officer)).json()
    assert sorted(i["incident_id"] for i in shown["incidents"]) == sorted(i.pk for i in incs)
    logged = AuditEvent.objects.filter(actor=south_officer, action="read", model="incident")
    assert sorted(logged.values_list("object_pk", flat=True)) == sorted(str(i.pk) for i in incs)
    assert all("threshold" in e.reason for e in logged)
