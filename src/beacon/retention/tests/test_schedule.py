"""The schedule: example rules, what is due as at a date, keeping with a reason, editing a rule."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from beacon.core.errors import ValidationFailed
from beacon.core.models import AuditEvent
from beacon.retention import selectors, services
from beacon.retention.models import RetentionRule
from beacon.retention.tests.factories import MARGARET, case_on, old_incident, referral, rule

pytestmark = pytest.mark.django_db


def due_ids(as_of: dt.date | None = None) -> set[int]:
    return {i.pk for i in selectors.due(as_of or timezone.localdate())}


def test_example_rules_are_seeded_and_marked_as_examples(db: None) -> None:
    codes = {r.code: r for r in RetentionRule.objects.all()}
    assert set(codes) == {"high-risk-or-safeguarding", "asb-no-crime-no-case", "other-incidents"}
    assert all(r.is_example for r in codes.values())
    assert codes["asb-no-crime-no-case"].review_after_years == 6


def test_plain_asb_is_due_after_six_years_and_crime_after_seven(town: dict[str, Any]) -> None:
    plain = old_incident(None, years=6.1, people=[MARGARET])
    young = old_incident(None, years=5.9)
    crime = old_incident(None, years=6.1, crime_disclosed=True)
    assert due_ids() == {plain.pk}
    items = {i.pk: i for i in selectors.schedule()}
    assert items[plain.pk].rule and items[plain.pk].rule.code == "asb-no-crime-no-case"
    assert items[crime.pk].rule and items[crime.pk].rule.code == "other-incidents"
    assert crime.pk in due_ids(timezone.localdate() + dt.timedelta(days=366))
    assert young.pk in due_ids(timezone.localdate() + dt.timedelta(days=60))


def test_high_risk_case_or_safeguarding_referral_keeps_an_incident_longer(town: dict[str, Any]) -> None:
    high = old_incident(None, years=8, people=[MARGARET])
    case_on(town["officer"], high, level="high", area=town["north"])
    referred = old_incident(None, years=8, people=[{"forename": "Tobias", "surname": "Wrenhall"}])
    c = case_on(town["officer"], referred, level="medium", area=town["north"])
    referral(town["officer"], c, kind="safeguarding")
    medium = old_incident(None, years=8, people=[{"forename": "Ottilie", "surname": "Brackwater"}])
    case_on(town["officer"], medium, level="medium", area=town["north"])

    items = {i.pk: i for i in selectors.schedule()}
    assert {"case", "high_risk"} <= set(items[high.pk].tags)
    assert "safeguarding_referral" in items[referred.pk].tags
    assert items[high.pk].rule.code == items[referred.pk].rule.code == "high-risk-or-safeguarding"  # type: ignore[union-attr]
    assert items[medium.pk].rule.code == "other-incidents"  # type: ignore[union-attr]
    assert due_ids() == {medium.pk}
    assert {high.pk, referred.pk} <= due_ids(timezone.localdate() + dt.timedelta(days=365 * 2 + 10))


def test_keeping_records_in_bulk_sets_their_next_review(town: dict[str, Any]) -> None:
    a = old_incident(None, years=6.5)
    b = old_incident(None, years=6.5)
    kept = services.keep(town["manager"], [a.pk, b.pk], reason="Ongoing civil claim (ref CC-12)")
    assert len(kept) == 2
    assert due_ids() == set()
    # The rule's interval: reviewed again in 2 years; then due again, showing why it was kept.
    later = timezone.localdate() + dt.timedelta(days=365 * 2 + 1)
    again = {i.pk: i for i in selectors.due(later)}
    assert set(again) == {a.pk, b.pk}
    assert again[a.pk].kept_reason == "Ongoing civil claim (ref CC-12)"
    assert (
        AuditEvent.objects.filter(app_label="retention", model="reviewdecision", action="create").count() == 2
    )


def test_keeping_needs_a_reason_and_a_due_record_and_writes_nothing_otherwise(town: dict[str, Any]) -> None:
    due = old_incident(None, years=6.5)
    not_due = old_incident(None, years=1)
    with pytest.raises(ValidationFailed) as exc:
        services.keep(town["manager"], [due.pk], reason="  ")
    assert exc.value.problems[0].field == "reason"
    with pytest.raises(ValidationFailed) as exc:
        services.keep(town["manager"], [due.pk, not_due.pk], reason="Still needed")
    assert [(p.field, p.row) for p in exc.value.problems] == [("ids", 2)]
    assert due_ids() == {due.pk}


def test_editing_a_rule_makes_a_new_audited_version_and_changes_what_is_due(town: dict[str, Any]) -> None:
    inc = old_incident(None, years=4.5)
    assert due_ids() == set()
    services.save_rule(town["manager"], "asb-no-crime-no-case", {"review_after_years": 4})
    r = rule("asb-no-crime-no-case")
    assert (r.version, r.is_example) == (2, False)
    assert due_ids() == {inc.pk}
    ev = AuditEvent.objects.get(app_label="retention", model="retentionrule", action="update")
    assert ev.changes["review_after_years"] == [6, 4]
    with pytest.raises(ValidationFailed) as exc:
        services.save_rule(town["manager"], "asb-no-crime-no-case", {"when_any": ["no-such-tag"]})
    assert exc.value.problems[0].field == "when_any"


def test_review_command_prints_the_stable_json_contract(town: dict[str, Any]) -> None:
    inc = old_incident(None, years=6.2)
    out = StringIO()
    as_of = timezone.localdate().isoformat()
    call_command("retention", "review", "--as-of", as_of, "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["as_of"] == as_of and data["record_type"] == "incident" and data["total"] == 1
    assert {r["code"] for r in data["rules"]} >= {"asb-no-crime-no-case"}
    item = data["due"][0]
    assert set(item) == {
        "record_type",
        "id",
        "reference",
        "area_id",
        "category",
        "tags",
        "record_date",
        "review_on",
        "rule",
        "rule_version",
        "previously_kept",
        "kept_reason",
    }
    assert (item["id"], item["reference"], item["rule"]) == (inc.pk, inc.reference, "asb-no-crime-no-case")
    # Nothing personal in the listing.
    assert "Lantern" not in out.getvalue() and "stairwell" not in out.getvalue()


def test_rules_page_edits_a_rule_and_refuses_bad_years(town: dict[str, Any]) -> None:
    from django.test import Client

    page = Client()
    page.force_login(town["manager"])
    r = page.get("/retention/rules/")
    assert r.status_code == 200 and "asb-no-crime-no-case" in r.content.decode()
    form = {
        "code": "asb-no-crime-no-case",
        "review_after_years": "0",
        "review_every_years": "2",
        "active": "1",
    }
    r = page.post("/retention/rules/", form)
    assert r.status_code == 422 and "A whole number of years from 1 to 100." in r.content.decode()
    assert rule("asb-no-crime-no-case").version == 1
    r = page.post("/retention/rules/", {**form, "review_after_years": "5", "when_any": "asb"})
    assert r.status_code == 302
    saved = rule("asb-no-crime-no-case")
    assert (saved.review_after_years, saved.version, saved.when_any) == (5, 2, ["asb"])


def test_keeping_from_the_queue_page(town: dict[str, Any]) -> None:
    from django.test import Client

    inc = old_incident(None, years=6.5)
    page = Client()
    page.force_login(town["manager"])
    r = page.post(
        "/retention/decide/",
        {"decision": "keep", "ids": [inc.pk], "reason": "Pending complaint", "next_review_on": "2031-05-01"},
    )
    assert r.status_code == 302
    assert due_ids() == set()
    assert inc.pk in due_ids(dt.date(2031, 5, 1))
