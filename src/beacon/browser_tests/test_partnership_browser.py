"""End-to-end: an officer sets up an ASB action group, schedules a meeting, builds its agenda from
the area's High and new Medium cases, minutes a case and gives it a task, which becomes a case
action; the agenda paper prints. Debian chromium, axe-core on every page visited."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from beacon.browser_tests.conftest import check_accessibility, fill_date, login
from beacon.cases.models import Action
from beacon.core.models import Area, Force
from beacon.core.roles import Role
from beacon.core.tests.factories import TEST_PASSWORD, UserFactory
from beacon.incidents.reference import load_reference_data as load_incident_lists
from beacon.partnership.models import AgendaItem, MeetingTask
from beacon.partnership.reference import load_reference_data
from beacon.partnership.tests.factories import case, days_ago, person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def town() -> dict[str, Any]:
    load_incident_lists(apps)  # migration rows do not survive a transactional test's flush
    load_reference_data(apps)
    force = Force.objects.create(name="Testshire Constabulary", code="TS")
    north = Area.objects.create(force=force, name="North", code="TN")
    south = Area.objects.create(force=force, name="South", code="TSO")
    return {"north": north, "south": south}


def test_an_officer_builds_an_action_group_agenda_and_records_a_task(page: Any, town: dict[str, Any]) -> None:
    officer = UserFactory(username="pc_north", role=Role.OFFICER, first_name="Olive", last_name="Officer")
    officer.areas.add(town["north"])
    victim = person("Vera", "Victimson")
    high = case(
        town["north"], level="high", opened_at=days_ago(60), victims=[victim], title="Threats at Elm Court"
    )
    medium = case(town["north"], level="medium", opened_at=days_ago(3), title="Noise at Oak Row")
    standard = case(town["north"], level="standard", opened_at=days_ago(2), title="Litter at the park")
    elsewhere = case(town["south"], level="high", opened_at=days_ago(10), title="Docks dispute")

    login(page, "pc_north", TEST_PASSWORD)
    page.goto("/partnership/groups/")
    expect(page.get_by_role("heading", name="ASB action groups", level=1)).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Name").fill("North ASB action group")
    page.get_by_label("Area", exact=True).select_option(label="North")
    page.get_by_label("Local council ASB team").check()
    page.get_by_label("Housing provider").check()
    page.get_by_role("button", name="Set up the group").click()
    expect(page.get_by_role("heading", name="North ASB action group", level=1)).to_be_visible()
    check_accessibility(page)

    fill_date(page, "Date", timezone.localdate())
    page.get_by_label("Time").fill("10:00")
    page.get_by_label("Venue").fill("Town hall, room 2")
    page.get_by_role("button", name="Schedule the meeting").click()
    expect(page.get_by_test_id("no-agenda")).to_contain_text("not been built")
    check_accessibility(page)

    page.get_by_role("button", name="Build the agenda").click()
    items = page.get_by_test_id("agenda-item")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text(high.reference)
    expect(items.nth(0)).to_contain_text("High risk")
    expect(items.nth(1)).to_contain_text(medium.reference)
    expect(items.nth(1)).to_contain_text("New Medium risk case")
    main = page.locator("main")
    expect(main).not_to_contain_text(standard.reference)
    expect(main).not_to_contain_text(elsewhere.reference)
    check_accessibility(page)

    item = AgendaItem.objects.get(case=high)
    section = page.locator(f"#item-{item.pk}")
    section.get_by_label("Minutes").fill("Threats continue; housing to consider a tenancy warning.")
    section.get_by_role("button", name=re.compile("Save minutes")).click()
    section = page.locator(f"#item-{item.pk}")
    expect(section.get_by_test_id("saved")).to_have_text("Minutes saved.")
    expect(section.get_by_test_id("minutes")).to_contain_text("tenancy warning")

    due = timezone.localdate() + dt.timedelta(days=14)
    section.get_by_label("Task").fill("Serve a tenancy warning")
    section.get_by_label("Or agency").select_option(label="Housing provider")
    section.get_by_label("Named person").fill("J. Tenancy")
    fill_date(section, "Due by", due)
    section.get_by_role("button", name=re.compile("Add task")).click()
    section = page.locator(f"#item-{item.pk}")
    expect(section.get_by_test_id("saved")).to_contain_text(f"Task added to case {high.reference}")
    expect(section.get_by_test_id("tasks")).to_contain_text("Serve a tenancy warning")
    expect(section.get_by_test_id("tasks")).to_contain_text("J. Tenancy (Housing provider)")
    check_accessibility(page)

    task = MeetingTask.objects.get()
    action = Action.objects.get(pk=task.action_id)
    assert (
        action.case == high and action.due_on == due and action.owner_label == "J. Tenancy (Housing provider)"
    )
    assert action.source == f"action group {timezone.localdate():%Y-%m-%d}"

    page.get_by_role("link", name="Agenda paper to print").click()
    expect(page.get_by_role("heading", name="North ASB action group: agenda")).to_be_visible()
    expect(page.locator("#agenda")).to_contain_text(high.reference)
    check_accessibility(page)
