"""The incident list searched as an analyst or sergeant would — by a name as given, a reference,
dates received, neighbourhood, flag and status — and downloaded as CSV or XLSX, each download
written to the access log one entry per incident."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.incidents import services
from beacon.incidents.models import Incident
from beacon.incidents.tests.factories import caller, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def handler(make_user: Callable[..., User]) -> User:
    return make_user(Role.CALL_HANDLER, username="handler", all_areas=True)


@pytest.fixture
def analyst(make_user: Callable[..., User]) -> User:
    return make_user(Role.ANALYST, username="analyst", all_areas=True)


def _at(town: dict[str, Any], handler: User, days_ago: int, where: str = "inside", **kw: Any) -> Incident:
    lat, lon = town[where] if where != "docks" else (52.59, -1.11)
    received = timezone.now() - dt.timedelta(days=days_ago)
    return services.create_incident(handler, report(lat=lat, lon=lon, received_at=received, **kw))


@pytest.fixture
def incidents(town: dict[str, Any], handler: User) -> dict[str, Incident]:
    return {
        "whitfield": _at(town, handler, 40, people=[caller("Margaret", "Whitfield", role="victim")]),
        "whitfield_recent": _at(town, handler, 2, people=[caller("Margaret", "Whitfield")]),
        "okafor": _at(town, handler, 3, "docks", people=[caller("Daniel", "Okafor")]),
        "nobody": _at(town, handler, 10, answers={"household_disability": "yes"}),
    }


def _refs(html: str, incidents: dict[str, Incident]) -> set[str]:
    return {k for k, i in incidents.items() if i.reference in html}


def test_search_by_name_date_range_neighbourhood_flag_and_reference(
    town: dict[str, Any], analyst: User, client_for: Callable[..., Client], incidents: dict[str, Incident]
) -> None:
    c = client_for(analyst)
    url = reverse("incidents:list")
    assert _refs(c.get(url, {"q": "whitfield"}).content.decode(), incidents) == {
        "whitfield",
        "whitfield_recent",
    }
    assert _refs(c.get(url, {"q": "marg whit"}).content.decode(), incidents) == {
        "whitfield",
        "whitfield_recent",
    }
    since = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    found = c.get(url, {"q": "Whitfield", "received_from": since}).content.decode()
    assert _refs(found, incidents) == {"whitfield_recent"}
    docks = c.get(url, {"neighbourhood": str(town["docks"].pk)}).content.decode()
    assert _refs(docks, incidents) == {"okafor"}
    flagged = c.get(url, {"flag": "vulnerable_victim"}).content.decode()
    assert _refs(flagged, incidents) == {"nobody"}
    by_ref = c.get(url, {"q": incidents["okafor"].reference}).content.decode()
    assert _refs(by_ref, incidents) == {"okafor"}
    # The download link keeps the search.
    assert f"q=Whitfield&amp;received_from={since}&amp;download=csv" in found


def test_a_date_range_the_wrong_way_round_is_reported_at_its_field(
    analyst: User, client_for: Callable[..., Client], incidents: dict[str, Incident]
) -> None:
    r = client_for(analyst).get(
        reverse("incidents:list"), {"received_from": "2026-06-10", "received_to": "2026-06-01"}
    )
    html = r.content.decode()
    assert r.status_code == 200
    assert 'href="#id_received_to"' in html and "must be on or after the date received from" in html


def test_the_list_downloads_as_csv_with_the_search_and_every_row_in_the_access_log(
    analyst: User, client_for: Callable[..., Client], incidents: dict[str, Incident]
) -> None:
    r = client_for(analyst).get(reverse("incidents:list"), {"q": "Whitfield", "download": "csv"})
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/csv")
    assert "attachment" in r["Content-Disposition"] and "no-store" in r["Cache-Control"]
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Reference", "Received", "Channel"]
    assert {row[0] for row in rows[1:]} == {
        incidents["whitfield"].reference,
        incidents["whitfield_recent"].reference,
    }
    logged = AuditEvent.objects.filter(action="export", actor=analyst, model="incident")
    assert set(logged.values_list("object_pk", flat=True)) == {
        str(incidents["whitfield"].pk),
        str(incidents["whitfield_recent"].pk),
    }
    assert logged.first() is not None and "CSV" in logged.first().reason  # type: ignore[union-attr]


def test_the_list_downloads_as_xlsx_and_text_never_becomes_a_formula(
    town: dict[str, Any], handler: User, analyst: User, client_for: Callable[..., Client]
) -> None:
    lat, lon = town["inside"]
    services.create_incident(handler, report(lat=lat, lon=lon, address='=HYPERLINK("http://x")'))
    r = client_for(analyst).get(reverse("incidents:list"), {"download": "xlsx"})
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    address = [c.value for c in sheet[2]][header.index("Address")]
    assert address == '\'=HYPERLINK("http://x")'
    assert isinstance([c.value for c in sheet[2]][header.index("Received")], dt.datetime)
    csv_rows = (
        client_for(analyst).get(reverse("incidents:list"), {"download": "csv"}).content.decode("utf-8-sig")
    )
    assert "'=HYPERLINK" in csv_rows


def test_an_officer_downloads_only_their_areas_incidents(
    town: dict[str, Any],
    make_user: Callable[..., User],
    client_for: Callable[..., Client],
    incidents: dict[str, Incident],
) -> None:
    officer = make_user(Role.OFFICER, username="pc_market")
    officer.areas.add(town["market"].area)
    body = client_for(officer).get(reverse("incidents:list"), {"download": "csv"}).content.decode("utf-8-sig")
    assert incidents["okafor"].reference not in body and incidents["whitfield"].reference in body
