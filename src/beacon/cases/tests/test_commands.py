"""`beacon cases due` (the JSON contract) and `beacon cases recompute`; the person-summary provider."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from beacon.cases import services
from beacon.cases.models import Case
from beacon.cases.tests import factories as f
from beacon.core.models import User
from beacon.people import selectors as people_selectors

pytestmark = pytest.mark.django_db


def _due(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("cases", "due", *args, stdout=out)
    return json.loads(out.getvalue())


def test_due_contract(officer: User, sergeant: User, place: dict[str, Any]) -> None:
    high = f.open_case(officer, level="high", area=place["north"])
    medium = f.open_case(officer, level="medium", area=place["north"])
    services.record_contact(officer, medium.pk, method="phone", summary="Called.")
    services.record_review(sergeant, medium.pk, tier="sergeant", decision="Fine.")
    closed = f.open_case(officer, level="standard", area=place["north"])
    services.close_case(
        sergeant, closed.pk, 1, services.ClosureInput("harm_stopped", timezone.localdate(), "phone")
    )
    today = timezone.localdate()
    as_of = today + dt.timedelta(days=2)
    data = _due("--as-of", as_of.isoformat(), "--json")
    assert list(data) == ["as_of", "policy_version", "due_soon_days", "cases", "totals"]
    assert data["as_of"] == as_of.isoformat() and data["policy_version"] == 1 and data["due_soon_days"] == 3
    by_ref = {c["reference"]: c for c in data["cases"]}
    assert set(by_ref) == {high.reference, medium.reference}  # open cases only
    h = by_ref[high.reference]
    assert list(h) == [
        "reference",
        "risk_level",
        "area",
        "neighbourhood",
        "spoc",
        "opened_on",
        "score",
        "rag",
        "standards",
    ]
    assert h["area"] == "CN" and h["spoc"] == officer.username and h["rag"] == "red"
    assert h["standards"] == [
        {"standard": "first_contact", "due": (today + dt.timedelta(days=1)).isoformat(), "state": "overdue"},
        {"standard": "update", "due": None, "state": "not_due"},
        {
            "standard": "sergeant_review",
            "due": (today + dt.timedelta(days=14)).isoformat(),
            "state": "not_due",
        },
        {
            "standard": "inspector_review",
            "due": (today + dt.timedelta(days=28)).isoformat(),
            "state": "not_due",
        },
        {
            "standard": "chief_inspector_review",
            "due": (today + dt.timedelta(days=56)).isoformat(),
            "state": "not_due",
        },
    ]
    m = {s["standard"]: s["state"] for s in by_ref[medium.reference]["standards"]}
    assert m == {
        "first_contact": "met",
        "update": "met",
        "sergeant_review": "met",
        "inspector_review": "not_due",
    }
    assert data["totals"]["cases"] == 2 and data["totals"]["overdue"]["first_contact"] == 1
    assert data["totals"]["red"] == 1 and data["totals"]["amber"] == 1


def test_due_as_of_today_by_default_and_text(officer: User, place: dict[str, Any]) -> None:
    f.open_case(officer, level="high", area=place["north"])
    assert _due("--json")["as_of"] == timezone.localdate().isoformat()
    out = StringIO()
    call_command("cases", "due", stdout=out)
    assert "1 open cases: 1 red" in out.getvalue()


def test_due_refuses_a_bad_date() -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("cases", "due", "--as-of", "03/12/2026", "--json", stdout=StringIO())
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(CommandError, match="give today or a later date") as refused:
        call_command("cases", "due", "--as-of", yesterday.isoformat(), "--json", stdout=StringIO())
    assert refused.value.returncode == 2


def test_recompute(officer: User, place: dict[str, Any]) -> None:
    case = f.open_case(officer, level="high", area=place["north"])
    Case.objects.filter(pk=case.pk).update(first_contact_due=None, base_score=0)
    out = StringIO()
    call_command("cases", "recompute", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"recomputed": 1}
    case.refresh_from_db()
    assert case.first_contact_due is not None and case.base_score > 0


def test_person_summary_provider_registered(officer: User, place: dict[str, Any]) -> None:
    from beacon.cases.selectors import person_summary

    assert person_summary in people_selectors.SUMMARY_PROVIDERS
    victim = f.person()
    case = f.open_case(officer, level="high", area=place["north"], victim=victim)
    got = person_summary([victim.pk, 999999])
    described = f"{case.reference} (High risk, victim, SPOC {officer.display_name})"
    assert got == {
        victim.pk: {
            "open_cases": described,
            # A High-risk case is an alert the call-taking panel puts first, however unlikely the match.
            "alerts": [{"kind": "open-high-risk-case", "label": "Open High-risk case", "reason": described}],
        }
    }


def test_streamed_json_is_the_report(officer: User, sergeant: User, place: dict[str, Any]) -> None:
    """The command's fast writer gives exactly the object `report` describes (and the API serves)."""
    from beacon.cases.due import report

    for i, level in enumerate(["standard", "medium", "high"] * 3):
        c = f.open_case(officer, level=level, area=place["north"])
        if i % 2:
            services.record_contact(officer, c.pk, method="phone", summary="Called.")
        if i % 3 == 1:
            services.record_review(sergeant, c.pk, tier="sergeant", decision="Fine.")
    as_of = timezone.localdate() + dt.timedelta(days=5)
    out = StringIO()
    call_command("cases", "due", "--as-of", as_of.isoformat(), "--json", stdout=out)
    text = out.getvalue()
    header, cases, totals = report(as_of)
    listed = [{k: v for k, v in c.items() if k != "id"} for c in cases]
    expected = {**header, "cases": listed, "totals": totals}
    assert json.loads(text) == expected
    assert text == json.dumps(expected, separators=(",", ":"), ensure_ascii=False) + "\n"
