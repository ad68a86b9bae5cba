"""End-to-end: a survey volunteer signs in to their own calls and nothing else: each call shows the
victim's name, contact details and the incident's date and type only. They record one call as a
completed survey (with a follow-up for the neighbourhood team) and another as unanswered, and the
incident and the person behind a call stay closed to them."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse
from playwright.sync_api import expect

from beacon.browser_tests.conftest import check_accessibility, login
from beacon.core.models import AuditEvent
from beacon.core.roles import Role
from beacon.core.tests.factories import TEST_PASSWORD, UserFactory
from beacon.incidents.reference import load_reference_data
from beacon.quality import survey_calls
from beacon.quality.questionnaires import install as install_questionnaire
from beacon.quality.survey_models import CallAttempt, SurveyFollowUp, SurveyResponse
from beacon.quality.tests.factories import area, at, neighbourhood
from beacon.quality.tests.survey_factories import victim

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_volunteer_records_a_completed_survey_and_an_unanswered_call_and_sees_nothing_else(
    page: Any,
) -> None:
    # An earlier transactional test flushed the data migrations' rows: the questionnaire, the lists.
    install_questionnaire(apps, None)
    load_reference_data(apps)
    north = area("North", "N")
    market = neighbourhood(north, "N1", "Market")
    manager = UserFactory(username="manager", role=Role.PERFORMANCE)
    manager.areas.add(north)
    volunteer = UserFactory(username="vera", role=Role.VOLUNTEER, first_name="Vera", last_name="Volunteer")
    volunteer.areas.add(north)
    links = [victim(at(2024, 4, 2 + i), north, market) for i in range(2)]
    draw = survey_calls.draw_call_list(manager, "asb-callback", north, "2024-06", 2, 7)
    assert draw.call_list is not None
    entries = list(draw.call_list.entries.order_by("position"))
    survey_calls.assign_entries(manager, draw.call_list, volunteer, [e.pk for e in entries])
    by_record = {link.record_id: link for link in links}
    first, second = (by_record[e.record_id] for e in entries)

    login(page, "vera", TEST_PASSWORD)
    # The volunteer lands on their calls; the menu offers nothing of the records.
    expect(page.get_by_role("heading", name="My calls")).to_be_visible()
    calls = page.get_by_test_id("my-calls")
    expect(calls).to_contain_text("2 calls to make")
    for link in (first, second):
        expect(calls).to_contain_text(link.record.given_surname)
        expect(calls).not_to_contain_text(link.incident.reference)
    expect(calls).not_to_contain_text("Youths kicking")  # the incident's account is not theirs to read
    nav = page.get_by_role("navigation", name="Menu")
    expect(nav.get_by_role("link", name="Incidents")).to_have_count(0)
    expect(nav.get_by_role("link", name="People")).to_have_count(0)
    check_accessibility(page)

    page.get_by_role("link", name=f"Record the call to Test {first.record.given_surname}").click()
    expect(page.get_by_test_id("victim")).to_contain_text(first.record.given_phone)
    expect(page.get_by_test_id("victim")).not_to_contain_text(first.incident.reference)
    check_accessibility(page)
    page.get_by_label("Survey completed").check()
    for fieldset in page.locator("fieldset", has=page.get_by_text("Very satisfied")).all():
        fieldset.get_by_label("Fairly satisfied").check()
    page.get_by_label("They want a call-back from an officer").check()
    page.get_by_label("What the team needs to know (optional)").fill("Wants to talk about the noise.")
    page.get_by_role("button", name="Save the call").click()
    expect(page.get_by_text("Call 1 recorded: survey completed.")).to_be_visible()
    expect(page.get_by_text("1 follow-up sent to the neighbourhood team.")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name=f"Record the call to Test {second.record.given_surname}").click()
    page.get_by_label("No answer").check()
    page.get_by_role("button", name="Save the call").click()
    expect(page.get_by_text("Call 2 recorded: no answer.")).to_be_visible()
    # An unanswered call stays on the list to try again; the completed one is finished.
    expect(page.get_by_test_id("my-calls")).to_contain_text("1 call to make")
    expect(page.get_by_test_id("finished")).to_contain_text("Survey completed")
    check_accessibility(page)

    response = SurveyResponse.objects.get()
    assert {a.value for a in response.answers.exclude(value=None)} == {4}
    assert list(CallAttempt.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "completed",
        "no_answer",
    ]
    assert SurveyFollowUp.objects.get().entry_id == entries[0].pk
    assert AuditEvent.objects.filter(action=AuditEvent.Action.READ, actor=volunteer).exists()  # logged

    for url in (
        reverse("incidents:detail", args=[first.incident_id]),
        reverse("people:person", args=[first.record.person_id]),
    ):
        refused = page.goto(url)
        assert refused is not None and refused.status == 403, url
