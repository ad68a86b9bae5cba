"""Administrators extend reference lists and publish new versions of screening questions, grading
rules and intake settings; incidents keep the versions they were taken under."""

from __future__ import annotations

import json
from typing import Any

import pytest

from beacon.core.models import AuditEvent
from beacon.core.roles import Role
from beacon.incidents import services
from beacon.incidents.models import GradingRules, IntakeSettings, ScreeningSet, TypeHeading
from beacon.incidents.tests.factories import report

pytestmark = pytest.mark.django_db
URL = "/incidents/configure/"


def test_only_administrators_configure_intake(client_for: Any) -> None:
    for role in (Role.CALL_HANDLER, Role.SUPERVISOR, Role.ANALYST, Role.PARTNER):
        assert client_for(role=role).get(URL).status_code == 403
    assert client_for(role=Role.ADMIN).get(URL).status_code == 200


def test_an_administrator_adds_a_type_heading_and_withdraws_it(client_for: Any) -> None:
    admin = client_for(role=Role.ADMIN)
    r = admin.post(URL, {"action": "item", "list": "type_heading", "label": "Off-road bikes", "flag": "on"})
    assert r.status_code == 302
    item = TypeHeading.objects.get(code="off-road-bikes")
    assert item.suggests_crime and item.active
    assert AuditEvent.objects.filter(model="typeheading", object_pk=str(item.pk), action="create").exists()
    admin.post(URL, {"toggle": f"type_heading:{item.pk}", "active": "0"})
    item.refresh_from_db()
    assert not item.active
    again = admin.post(URL, {"action": "item", "list": "type_heading", "label": "Off-road bikes"})
    assert again.status_code == 200 and "already in this list" in again.content.decode()


def test_a_new_screening_version_leaves_earlier_incidents_on_theirs(
    town: dict[str, Any], client_for: Any, make_user: Any
) -> None:
    handler = make_user(Role.CALL_HANDLER, all_areas=True)
    before = services.create_incident(handler, report(answers={"happened_before": "yes"}))
    old = ScreeningSet.objects.get(version=1)
    children = {"key": "children_present", "text": "Are children affected?", "kind": "yes_no"}
    questions = [*old.questions, {**children, "flags": {"yes": ["vulnerable_victim"]}}]
    admin = client_for(role=Role.ADMIN)
    r = admin.post(URL, {"action": "screening", "questions": json.dumps(questions), "note": "children"})
    assert r.status_code == 302
    assert ScreeningSet.objects.order_by("-version").first().version == 2
    after = services.create_incident(handler, report(answers={"children_present": "yes"}))
    before.refresh_from_db()
    assert before.screening_set.version == 1 and after.screening_set.version == 2
    assert after.vulnerable_victim


def test_bad_questions_and_rules_are_refused_with_where_the_problem_is(client_for: Any) -> None:
    admin = client_for(role=Role.ADMIN)
    bad = [{"key": "a b", "text": "", "kind": "maybe"}]
    r = admin.post(URL, {"action": "screening", "questions": json.dumps(bad)})
    page = r.content.decode()
    assert r.status_code == 200 and "questions[1].key" in page and "questions[1].kind" in page
    r = admin.post(URL, {"action": "screening", "questions": "[{"})
    assert "Not valid JSON" in r.content.decode()
    r = admin.post(URL, {"action": "grading", "rules": json.dumps([{"grade": "soon", "when_any": []}]),
                         "default_grade": "later"})  # fmt: skip
    page = r.content.decode()
    assert "rules[1].grade" in page and "Default grade must be one of" in page
    assert ScreeningSet.objects.count() == 1 and GradingRules.objects.count() == 1


def test_settings_are_versioned_and_apply_at_once(client_for: Any) -> None:
    admin = client_for(role=Role.ADMIN)
    r = admin.post(
        URL,
        {
            "action": "settings",
            "history_window_days": "180",
            "nearby_metres": "75",
            "acknowledge_within_hours": "8",
        },
    )
    assert r.status_code == 302
    current = IntakeSettings.current()
    assert (current.version, current.history_window_days, current.nearby_metres) == (2, 180, 75)
    r = admin.post(
        URL,
        {
            "action": "settings",
            "history_window_days": "0",
            "nearby_metres": "75",
            "acknowledge_within_hours": "8",
        },
    )
    assert r.status_code == 200 and IntakeSettings.current().version == 2
