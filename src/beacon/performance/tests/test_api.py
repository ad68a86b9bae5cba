"""The performance API: definitions and versions, values, targets, records behind a figure, hot
spots and finding evidence; every bad input a clear 4xx, never a 500."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.inspections.tests.factories import FindingFactory
from beacon.performance.compute import compute
from beacon.performance.models import KpiValue
from beacon.performance.tests.factories import at, incidents, town

pytestmark = pytest.mark.django_db
API = "/api/v1/performance"


@pytest.fixture
def data() -> dict[str, Any]:
    t = town()
    incidents(12, at(2025, 2, 10), t["market"], repeat_victim=True)
    incidents(6, at(2024, 2, 10), t["market"], repeat_victim=True)
    incidents(4, at(2025, 2, 10), t["docks"])
    months = [dt.date(2024, 2, 1), dt.date(2025, 2, 1)]
    compute(months)
    return t


def test_values_and_definitions(
    data: dict[str, Any], client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    c = client_for(make_user(Role.ANALYST, all_areas=True))
    kpis = c.get(f"{API}/kpis").json()
    assert "asb-incidents" in {k["code"] for k in kpis}
    r = c.get(f"{API}/kpis/asb-repeat-victims/values", {"from_month": "2025-02", "to_month": "2025-02"})
    assert r.status_code == 200
    row = r.json()["series"][0]
    assert (row["value"], row["previous_year"], row["change"]) == (12, 6, 6)
    area = c.get(
        f"{API}/kpis/asb-incidents/values", {"from_month": "2025-02", "to_month": "2025-02", "place": "TSO"}
    )
    assert area.json()["series"][0]["value"] == 4
    measures = c.get(f"{API}/measures").json()
    assert any(m["code"] == "incidents.repeat_victim" for m in measures)


def test_bad_input_is_a_clear_4xx(
    data: dict[str, Any], client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    c = client_for(make_user(Role.PERFORMANCE, all_areas=True))
    bad_month = c.get(f"{API}/kpis/asb-incidents/values", {"from_month": "2024-13", "to_month": "2025-01"})
    assert bad_month.status_code == 422
    assert bad_month.json()["errors"] == [
        {
            "field": "from_month",
            "message": "Not a month: use YYYY-MM, with a month from 01 to 12 and a year from 1900 to 2199.",
        }
    ]
    assert (
        c.get(f"{API}/kpis/nope/values", {"from_month": "2024-01", "to_month": "2024-02"}).status_code == 404
    )
    backwards = c.get(f"{API}/kpis/asb-incidents/values", {"from_month": "2025-01", "to_month": "2024-01"})
    assert backwards.status_code == 422
    unknown_place = c.get(
        f"{API}/kpis/asb-incidents/values", {"from_month": "2024-01", "to_month": "2024-01", "place": "ZZ"}
    )
    assert unknown_place.status_code == 422
    target = c.post(
        f"{API}/kpis/cases-first-contact/targets",
        {"period": "rolling_12", "value": 90, "from_month": "2025-04", "green_pct": 80, "red_pct": 95},
        content_type="application/json",
    )
    assert target.status_code == 422
    assert "worse than Red" in str(target.json())
    good = c.post(
        f"{API}/kpis/cases-first-contact/targets",
        {"period": "rolling_12", "value": 90, "from_month": "2025-04"},
        content_type="application/json",
    )
    assert good.status_code == 201
    empty = c.get(f"{API}/hotspots", {"from_date": "2025-03-01", "to_date": "2025-02-01"})
    assert empty.status_code == 422
    definition = c.post(
        f"{API}/kpis",
        {
            "code": "x",
            "name": "",
            "description": "d",
            "owner": "o",
            "unit": "count",
            "measure": "nope",
            "direction": "up",
        },
        content_type="application/json",
    )
    assert definition.status_code == 422
    fields = {e["field"] for e in definition.json()["errors"]}
    assert {"code", "name", "direction"} <= fields
    unknown = c.post(
        f"{API}/kpis",
        {
            "code": "new-kpi",
            "name": "New",
            "description": "d",
            "owner": "o",
            "unit": "percentage",
            "measure": "incidents.asb",
            "direction": "higher",
            "filters": {"colour": "red"},
        },
        content_type="application/json",
    )
    assert unknown.status_code == 422
    assert {e["field"] for e in unknown.json()["errors"]} == {"unit", "filters.colour"}


def test_a_new_version_and_the_records_behind_a_figure(
    data: dict[str, Any], client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    perf = make_user(Role.PERFORMANCE, all_areas=True)
    c = client_for(perf)
    saved = c.post(
        f"{API}/kpis",
        {
            "code": "asb-incidents",
            "name": "ASB incidents by phone",
            "description": "Only 101 calls.",
            "owner": "Head of Contact",
            "unit": "count",
            "measure": "incidents.asb",
            "direction": "lower",
            "filters": {"channel": ["101"]},
        },
        content_type="application/json",
    )
    assert saved.status_code == 201
    assert saved.json()["version"] == 2
    records = c.get(f"{API}/kpis/asb-repeat-victims/records", {"month": "2025-02", "place": "TN"})
    assert records.status_code == 200
    assert records.json()["count"] == 12
    assert AuditEvent.objects.filter(actor=perf, action="read", model="incident").count() == 12
    officer = make_user(Role.OFFICER)
    officer.areas.add(data["north"])
    oc = client_for(officer)
    assert (
        oc.get(
            f"{API}/kpis/asb-incidents/values",
            {"from_month": "2025-02", "to_month": "2025-02", "place": "TSO"},
        ).status_code
        == 403
    )
    assert (
        oc.get(f"{API}/kpis/asb-repeat-victims/records", {"month": "2025-02", "place": "TN"}).status_code
        == 403
    )
    assert KpiValue.objects.filter(definition__version=2).count() == 0  # until the next compute


def test_finding_evidence_through_the_api(
    data: dict[str, Any], client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    finding = FindingFactory.create()
    c = client_for(make_user(Role.PERFORMANCE, all_areas=True))
    r = c.post(
        f"{API}/findings/{finding.pk}/evidence",
        {"kpi": "asb-repeat-victims", "baseline_month": "2024-02"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["movement"] in {"right", "no-change", "unknown"}
    listed = c.get(f"{API}/findings/{finding.pk}/evidence").json()
    assert [e["kpi"] for e in listed] == ["asb-repeat-victims"]
    assert c.get(f"{API}/findings/999999/evidence").status_code == 404
    again = c.post(
        f"{API}/findings/{finding.pk}/evidence",
        {"kpi": "asb-repeat-victims", "baseline_month": "2024-02"},
        content_type="application/json",
    )
    assert again.status_code == 422
