"""End-to-end: an auditor completes a dip-sample audit item whose answers Beacon pre-filled from the
record, corrects one of them and raises a correction; the compliance figure shows on the outcomes
page, and the record's owner finds the correction task."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from playwright.sync_api import expect

from beacon.browser_tests.conftest import check_accessibility, login
from beacon.core.roles import Role
from beacon.core.tests.factories import TEST_PASSWORD, UserFactory
from beacon.incidents.reference import load_reference_data
from beacon.quality import services
from beacon.quality.examples import install as install_example_template
from beacon.quality.tests.factories import area, at, category, incidents, neighbourhood

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_auditor_corrects_a_prefilled_answer_and_the_owner_sees_the_correction(page: Any) -> None:
    # An earlier transactional test flushed the data migrations' rows: the template and the ASB lists.
    install_example_template(apps, None)
    load_reference_data(apps)
    north = area("North", "N")
    market = neighbourhood(north, "N1", "Market")
    owner = UserFactory(username="owner", role=Role.OFFICER, first_name="Olive", last_name="Owner")
    owner.areas.add(north)
    auditor = UserFactory(username="auditor", role=Role.SUPERVISOR, first_name="Aled", last_name="Auditor")
    auditor.areas.add(north)
    manager = UserFactory(username="manager", role=Role.PERFORMANCE)
    manager.areas.add(north)
    (inc,) = incidents(1, at(2024, 3, 5), north, market, created_by=owner, asb_category=category("personal"))
    services.draw_round(
        manager, template="asb-incident-quality", area="N", month="2024-03", size=1, seed=5, auditor=auditor
    )

    login(page, "auditor", TEST_PASSWORD)
    page.get_by_role("link", name="Quality").first.click()
    page.get_by_role("link", name="My audits").first.click()
    check_accessibility(page)
    page.get_by_role("link", name=inc.reference).click()
    check_accessibility(page)
    category_q = page.get_by_test_id("question-category_correct")
    expect(page.get_by_test_id("source-category_correct")).to_contain_text("From the record")
    expect(category_q.get_by_label("Yes")).to_be_checked()  # pre-filled: a category is recorded
    # the auditor finds it was the wrong category: corrects the answer and raises a correction
    category_q.get_by_label("No", exact=True).check()
    category_q.get_by_label("Correction task for the owner").fill("Reclassify as Nuisance.")
    page.get_by_test_id("question-victim_updated").get_by_label("Yes").check()  # not known to Beacon
    page.get_by_role("button", name="Save the audit").click()
    expect(page.get_by_text(f"Audit of {inc.reference} saved.")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Outcomes").first.click()
    table = page.get_by_test_id("outcomes")
    row = table.locator("tr", has=page.get_by_text("one of the three ASB categories"))
    expect(row).to_contain_text("0%")
    expect(table.locator("tr", has=page.get_by_text("Whole record compliant"))).to_contain_text("0%")
    check_accessibility(page)
    page.get_by_role("button", name="Sign out").click()

    login(page, "owner", TEST_PASSWORD)
    page.get_by_role("link", name="Quality").first.click()
    expect(page.get_by_test_id("corrections")).to_contain_text("Reclassify as Nuisance.")
    check_accessibility(page)
    page.get_by_role("button", name=f"Mark done for {inc.reference}").click()
    expect(page.get_by_test_id("corrections")).to_contain_text("Done")
    check_accessibility(page)
