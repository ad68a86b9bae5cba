"""End-to-end: people using the improvement-plan pages in a real browser (Debian chromium)."""

from __future__ import annotations

import datetime as dt
import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from beacon.browser_tests.conftest import check_accessibility, fill_date, login
from beacon.demo.data import ASB, DEMO_PASSWORD, load
from beacon.inspections.models import Allocation, Finding, Inspection

pytestmark = pytest.mark.django_db(transaction=True)


def _summary_cell(page: Any, portfolio: str, row: str, col: str) -> str:
    table = page.locator("table", has=page.locator("caption", has_text=portfolio))
    return (
        table.locator("tr", has=page.locator("th", has_text=row)).locator(f"td[data-col={col}]").inner_text()
    )


def test_action_owner_adds_an_update_and_sees_rag_and_summary_change(page: Any) -> None:
    load()
    inspection = Inspection.objects.get(title=ASB)
    afi2 = Finding.objects.get(inspection=inspection, ref="AFI.2")
    # The demo "officer" is Supt Neighbourhoods, action owner of AFI.2 (Amber) in Local Policing.
    login(page, "officer", DEMO_PASSWORD)
    page.goto("/plans/mine/")
    check_accessibility(page)
    page.get_by_role("link", name="AFI.2").first.click()
    check_accessibility(page)
    rag = page.get_by_test_id("rag-local-policing")
    assert "Amber" in rag.inner_text()

    page.goto(f"/plans/inspections/{inspection.pk}/")
    check_accessibility(page)
    before_green = int(_summary_cell(page, "Local Policing", "Areas for improvement", "green"))
    before_amber = int(_summary_cell(page, "Local Policing", "Areas for improvement", "amber"))

    page.goto(f"/plans/findings/{afi2.pk}/")
    check_accessibility(page)
    page.get_by_role("link", name="Add update for Local Policing").click()
    check_accessibility(page)
    # Submitting without a status or text lists both problems and saves nothing.
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("RAG status").select_option(label="Green")
    page.get_by_label("Progress update").fill("Matrix adopted by all four areas; training complete.")
    page.get_by_role("button", name="Save update").click()

    expect(page.get_by_text("Update added to AFI.2")).to_be_visible()
    assert "Green" in page.get_by_test_id("rag-local-policing").inner_text()
    expect(page.get_by_text("Matrix adopted by all four areas")).to_be_visible()
    check_accessibility(page)

    page.goto(f"/plans/inspections/{inspection.pk}/")
    check_accessibility(page)
    assert int(_summary_cell(page, "Local Policing", "Areas for improvement", "green")) == before_green + 1
    assert int(_summary_cell(page, "Local Policing", "Areas for improvement", "amber")) == before_amber - 1


def test_someone_who_is_not_the_owner_gets_no_update_link_and_is_refused(page: Any) -> None:
    load()
    afi1 = Finding.objects.get(inspection__title=ASB, ref="AFI.1")  # owned by Contact Systems Manager
    alloc = Allocation.objects.get(finding=afi1)
    login(page, "sergeant", DEMO_PASSWORD)
    page.goto(f"/plans/findings/{afi1.pk}/")
    check_accessibility(page)
    assert page.get_by_role("link", name="Add update for Contact Management").count() == 0
    page.goto(f"/plans/allocations/{alloc.pk}/update/")
    expect(page.get_by_role("heading", name="You do not have access to this page")).to_be_visible()
    check_accessibility(page)


def test_performance_team_exports_the_pdf_and_it_reads_back(page: Any) -> None:
    load()
    inspection = Inspection.objects.get(title=ASB)
    login(page, "performance", DEMO_PASSWORD)
    page.goto(f"/plans/inspections/{inspection.pk}/")
    check_accessibility(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download board appendix (PDF)").click()
    data = Path(info.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    for expected in (
        "Contact Management",
        "Local Policing",
        "Performance & Insight",
        "AFI.2",
        "Supt Neighbourhoods",
        "Head of Contact Centre",
    ):
        assert expected in text, expected


def test_board_secretary_reads_the_force_wide_summary_and_overdue_items_in_words(page: Any) -> None:
    load()
    inspection = Inspection.objects.get(title=ASB)
    login(page, "performance", DEMO_PASSWORD)
    page.goto(f"/plans/inspections/{inspection.pk}/")
    check_accessibility(page)
    # The force-wide summary comes before the portfolios' summaries, and its columns add up to Total.
    captions = page.locator("table caption").all_inner_texts()
    summaries = [c for c in captions if c.startswith("Summary")]
    assert summaries[0] == "Summary, all portfolios together" and len(summaries) > 1
    force = "all portfolios together"
    for row in ("Areas for improvement", "All findings"):
        cells = {
            col: int(_summary_cell(page, force, row, col))
            for col in ("total", "completed", "green", "amber", "red", "no_status", "overdue")
        }
        assert cells["total"] == sum(cells[c] for c in ("completed", "green", "amber", "red", "no_status"))
    assert int(_summary_cell(page, force, "All findings", "overdue")) >= 1

    # On the plan, an overdue item says so in words, not only by colour.
    contact = Allocation.objects.get(finding__inspection=inspection, finding__ref="AFI.1").portfolio_id
    page.goto(f"/plans/portfolios/{contact}/")
    check_accessibility(page)
    rag = page.locator('tr[data-ref="AFI.1"] td[data-col="rag"]').first.inner_text()
    assert re.fullmatch(r"Red — overdue by \d+ days", " ".join(rag.split())), rag

    # An update dated before the report was published is refused, naming the field and the date.
    afi2 = Allocation.objects.get(finding__inspection=inspection, finding__ref="AFI.2", ended_on__isnull=True)
    page.goto(f"/plans/allocations/{afi2.pk}/update/")
    check_accessibility(page)
    assert inspection.published is not None
    before = inspection.published - timedelta(days=1)
    page.get_by_label("RAG status").select_option(label="Green")
    page.get_by_label("Progress update").fill("Dated too early.")
    fill_date(page, "Date of update", before)
    page.get_by_role("button", name="Save update").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert "when the inspection was published" in summary.inner_text()
    check_accessibility(page)
    assert not afi2.updates.filter(text="Dated too early.").exists()


@pytest.mark.parametrize(
    "username,path",
    [
        ("performance", "/plans/"),
        ("performance", "/plans/dashboard/"),
        ("performance", "/plans/import/"),
        ("performance", "/plans/extract/"),
        ("performance", "/plans/boards/"),
        ("performance", "/plans/rules/"),
        ("admin", "/audit/"),
        ("officer", "/account/tokens/"),
        ("handler", "/"),
        ("partner", "/plans/"),
    ],
)
def test_every_page_passes_axe(page: Any, username: str, path: str) -> None:
    load()
    login(page, username, DEMO_PASSWORD)
    page.goto(path)
    check_accessibility(page)


def test_portfolio_plan_page_and_dashboard_filter_pass_axe_and_filter(page: Any) -> None:
    load()
    login(page, "chief", DEMO_PASSWORD)
    alloc = Allocation.objects.select_related("portfolio").filter(portfolio__name="Local Policing").first()
    assert alloc is not None
    page.goto(f"/plans/portfolios/{alloc.portfolio_id}/")
    check_accessibility(page)
    expect(page.get_by_role("heading", name="Local Policing")).to_be_visible()
    page.goto("/plans/dashboard/")
    check_accessibility(page)
    page.get_by_label("Portfolio").select_option(label="Contact Management")
    page.wait_for_url("**portfolio=*")
    results = page.locator("#dashboard-results")
    assert "Local Policing" not in results.locator("tbody").all_inner_texts()[0]
    check_accessibility(page)


def test_import_errors_are_listed_with_rows_and_the_page_stays_accessible(page: Any, tmp_path: Any) -> None:
    load()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "inspection,ref,kind,parent_ref,category,text,pages,portfolio,portfolio_holder,plan_owner,role,"
        "action_owner,due_date,status,update_date,update,transferred_to,transferred_on\n"
        "X,R.1,recomendation,,,Text,,Crime,,,lead,,31-Foo-24,GREEN,2024-01-01,ok,,\n"
    )
    login(page, "performance", DEMO_PASSWORD)
    page.goto("/plans/import/")
    check_accessibility(page)
    page.get_by_label("Improvement plan (CSV or XLSX)").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert "Row 2" in summary.inner_text()
    check_accessibility(page)
    assert not Inspection.objects.filter(title="X").exists()


def test_keyboard_user_can_skip_to_content_and_reach_the_menu(page: Any) -> None:
    load()
    login(page, "performance", DEMO_PASSWORD)
    page.goto("/plans/")
    check_accessibility(page)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Skip to main content" in focused
    page.keyboard.press("Enter")
    # Following the link is a same-document navigation: wait for it rather than race it.
    page.wait_for_function("location.hash === '#main-content'")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main-content'")


def test_performance_team_drafts_an_inspection_from_a_report_and_manages_items(
    page: Any, sample_files: Path
) -> None:
    load()
    sample = sample_files / "inspection-report-sample.txt"
    login(page, "performance", DEMO_PASSWORD)
    page.goto("/plans/extract/")
    check_accessibility(page)
    page.get_by_label("Inspection report (text or PDF)").set_input_files(str(sample))
    page.get_by_role("button", name="Read the report").click()
    expect(page.get_by_role("heading", name="Recommendations (4)")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Inspection title").fill("Wessex 2009 inspection")
    page.get_by_role("button", name="Accept and create the inspection").click()
    expect(page.get_by_role("heading", name="Wessex 2009 inspection")).to_be_visible()
    check_accessibility(page)
    expect(page.get_by_role("cell", name="Missing persons")).to_be_visible()

    # Transfer a demo item and change an owner: both forms pass axe, and the timeline shows it.
    afi2 = Finding.objects.get(inspection__title=ASB, ref="AFI.2")
    alloc = Allocation.objects.get(finding=afi2, ended_on__isnull=True)
    page.goto(f"/plans/allocations/{alloc.pk}/edit/")
    check_accessibility(page)
    page.goto(f"/plans/allocations/{alloc.pk}/transfer/")
    check_accessibility(page)
    page.get_by_label("Transfer to portfolio").select_option(label="Crime")
    fill_date(page, "Date of transfer", dt.date(2026, 1, 15))
    page.get_by_label("Reason for the transfer").fill("Crime now owns risk assessment.")
    page.get_by_role("button", name="Transfer").click()
    expect(page.get_by_text("Transferred from Local Policing to Crime")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("button", name="Sign out").click()
    login(page, "admin", DEMO_PASSWORD)
    page.goto(f"/audit/inspections/allocation/{alloc.pk}/")
    check_accessibility(page)
    expect(page.get_by_text("ended_by_transfer").first).to_be_visible()
