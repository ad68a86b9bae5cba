"""Signed in, each role lands on its own work, and finds a page through the menu grouped by job
(the group in the top row, its pages in the list under it). Debian chromium, axe-core on each page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from beacon.browser_tests.conftest import check_accessibility, login
from beacon.demo.data import DEMO_PASSWORD, load

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 800}


def _landed_home(page: Any) -> None:
    assert re.search(r"/$", page.url), page.url  # the home itself: no redirect to the plans dashboard
    expect(page.get_by_role("heading", name="Your work", level=1)).to_be_visible()
    expect(page.get_by_role("navigation", name=re.compile("^Pages in"))).to_have_count(0)


def test_the_sergeant_lands_on_their_lists_and_finds_the_assessments_to_review(page: Any) -> None:
    load()
    login(page, "sergeant", DEMO_PASSWORD)
    _landed_home(page)
    expect(page.get_by_role("heading", name="Supervisor's list", level=2)).to_be_visible()
    expect(page.get_by_role("link", name="Open the supervisor's list")).to_have_attribute(
        "href", "/cases/supervisor/"
    )
    expect(page.get_by_test_id("figure-to-review")).to_contain_text("waiting for your review")
    check_accessibility(page)

    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link")).to_have_text(
        ["Contact", "Neighbourhood", "Cases", "Partnership", "Performance", "Plans", "API tokens"]
    )
    menu.get_by_role("link", name="Cases", exact=True).click()
    expect(page.get_by_role("heading", name="Cases", level=1)).to_be_visible()
    pages = page.get_by_role("navigation", name="Pages in Cases")
    expect(pages.get_by_role("link")).to_have_text(
        ["Cases", "Supervisor's list", "Assessments to review", "Assessments due"]
    )
    expect(pages.get_by_role("link", name="Cases", exact=True)).to_have_attribute("aria-current", "page")
    expect(menu.get_by_role("link", name="Cases", exact=True)).to_have_attribute("aria-current", "true")
    check_accessibility(page)

    pages.get_by_role("link", name="Assessments to review").click()
    expect(page.get_by_role("heading", name="Assessments awaiting review", level=1)).to_be_visible()
    expect(pages.get_by_role("link", name="Assessments to review")).to_have_attribute("aria-current", "page")
    expect(pages.get_by_role("link", name="Cases", exact=True)).not_to_have_attribute("aria-current", "page")
    check_accessibility(page)

    # The service name goes home again.
    page.get_by_role("link", name="Beacon", exact=True).click()
    _landed_home(page)


def test_the_call_handler_lands_on_take_a_call_and_finds_the_triage_inbox(page: Any) -> None:
    load()
    login(page, "handler", DEMO_PASSWORD)
    _landed_home(page)
    expect(page.get_by_role("heading", name="Take a call", level=2)).to_be_visible()
    expect(page.get_by_role("link", name="Start a new report")).to_have_attribute("href", "/incidents/new/")
    expect(page.get_by_test_id("figure-triage")).to_contain_text("waiting in the triage inbox")
    check_accessibility(page)

    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link")).to_have_text(["Contact", "Neighbourhood", "API tokens"])
    menu.get_by_role("link", name="Contact").click()
    expect(page.get_by_role("heading", name="Take a call", level=1)).to_be_visible()
    pages = page.get_by_role("navigation", name="Pages in Contact")
    expect(pages.get_by_role("link")).to_have_text(["New report", "Incidents", "Triage", "People"])
    expect(pages.get_by_role("link", name="New report")).to_have_attribute("aria-current", "page")
    check_accessibility(page)

    pages.get_by_role("link", name="Triage").click()
    expect(page.get_by_role("heading", name="Triage inbox", level=1)).to_be_visible()
    expect(pages.get_by_role("link", name="Triage")).to_have_attribute("aria-current", "page")
    check_accessibility(page)


def test_on_a_phone_the_menu_folds_and_the_groups_pages_stay_in_reach(page: Any) -> None:
    load()
    page.set_viewport_size(PHONE)
    login(page, "sergeant", DEMO_PASSWORD)
    _landed_home(page)
    check_accessibility(page)
    toggle = page.get_by_role("button", name="Menu")
    expect(toggle).to_be_visible()
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link", name="Neighbourhood")).to_be_hidden()
    toggle.click()
    menu.get_by_role("link", name="Neighbourhood").click()
    expect(page.get_by_role("heading", name="Neighbourhood inbox", level=1)).to_be_visible()
    pages = page.get_by_role("navigation", name="Pages in Neighbourhood")
    expect(pages.get_by_role("link", name="Not acknowledged")).to_be_visible()
    box = pages.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"], box  # no sideways scrolling
    check_accessibility(page)
