"""End-to-end: an analyst finds hot spots on the map and opens a hot cell's incidents; a performance
officer links a KPI to an area for improvement, sees its series on the finding page, and the
board paper quotes the figure."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.apps import apps
from playwright.sync_api import expect
from pypdf import PdfReader

from beacon.browser_tests.conftest import check_accessibility, login
from beacon.core.models import Force
from beacon.demo.data import ASB, DEMO_PASSWORD, FORCE, load
from beacon.demo.geography import load_demo_geography
from beacon.geography.models import Neighbourhood
from beacon.inspections.models import Finding
from beacon.performance.compute import compute
from beacon.performance.examples import install as install_example_kpis
from beacon.performance.selectors import add_months
from beacon.performance.tests.factories import at, incidents

pytestmark = pytest.mark.django_db(transaction=True)


def _demo_with_history() -> tuple[Neighbourhood, dt.date]:
    """The demo's people, plans and neighbourhoods, with 24 months of ASB incidents: a cluster in
    Town Centre (the hot spot) over incidents spread through the town, and more repeat victims
    identified in the latest 12 months than in the 12 before."""
    install_example_kpis(apps, None)  # an earlier transactional test flushed the migration's rows
    load()
    load_demo_geography(Force.objects.get(code=FORCE[1]))
    centre = Neighbourhood.objects.get(code="N02")
    this_month = dt.date.today().replace(day=1)
    months = [add_months(this_month, -i) for i in range(24, 0, -1)]
    hoods = list(Neighbourhood.objects.order_by("code"))
    for i, m in enumerate(months):
        for j, hood in enumerate(hoods):
            lat = hood.min_lat + (hood.max_lat - hood.min_lat) * ((i * 7 + j * 3) % 10) / 10
            lon = hood.min_lon + (hood.max_lon - hood.min_lon) * ((i * 3 + j * 7) % 10) / 10
            incidents(2, at(m.year, m.month, 10), hood, lat=lat, lon=lon)
        incidents(8, at(m.year, m.month, 12), centre, repeat_victim=i >= 12 or i % 3 == 0)
    compute([*months, this_month])
    return centre, months[-1]


def test_an_analyst_opens_a_hot_cell_and_a_performance_officer_evidences_a_finding(page: Any) -> None:
    centre, last = _demo_with_history()
    login(page, "analyst", DEMO_PASSWORD)
    page.get_by_role("link", name="Performance").first.click()
    check_accessibility(page)
    page.get_by_role("link", name="Repeat victims identified at first contact").first.click()
    expect(page.get_by_test_id("chart-summary")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Patterns").first.click()
    expect(page.get_by_test_id("hour-day")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Hot spots").first.click()
    page.get_by_label("From").fill((last - dt.timedelta(days=365)).isoformat())
    page.get_by_label("To").fill((add_months(last, 1) - dt.timedelta(days=1)).isoformat())
    page.get_by_label("Place").select_option(label=f"Area: {centre.area.name}")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("hotspot-summary")).to_contain_text("hot")
    # the map draws the neighbourhoods and the hot cells over them
    expect(page.locator("[data-hotspot-map] path[data-class^='hot']").first).to_be_attached()
    check_accessibility(page)
    table = page.get_by_test_id("hotspot-table")
    first_hot = table.locator("tbody tr", has=page.get_by_text("Hot spot (99% confidence)")).first
    count = int(first_hot.locator("td").nth(1).inner_text())
    first_hot.get_by_role("link").click()
    expect(page.get_by_role("heading", name=re.compile("Incidents in cell"))).to_be_visible()
    expect(page.locator("#cell-caption")).to_have_text(f"{count} incidents")
    check_accessibility(page)
    page.get_by_role("button", name="Sign out").click()

    login(page, "performance", DEMO_PASSWORD)
    afi5 = Finding.objects.get(inspection__title=ASB, ref="AFI.5")
    page.goto(f"/plans/findings/{afi5.pk}/")
    form = page.get_by_test_id("link-evidence")
    form.get_by_label("KPI").select_option("asb-repeat-victims")
    form.get_by_label("Baseline month").fill(add_months(last, -12).strftime("%Y-%m"))
    form.get_by_role("button", name="Link the KPI").click()
    evidence = page.get_by_test_id("evidence-text")
    expect(evidence).to_contain_text("Repeat victims identified at first contact: 96 in the 12 months to")
    expect(evidence).to_contain_text("32 the year before (+200%, significant)")
    expect(page.get_by_test_id("evidence").locator("svg[role='img']")).to_be_visible()
    check_accessibility(page)
    inspection = afi5.inspection
    page.goto(f"/plans/inspections/{inspection.pk}/")
    with page.expect_download() as got:
        page.get_by_role("link", name="Download board appendix (PDF)").click()
    pdf = PdfReader(io.BytesIO(got.value.path().read_bytes()))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages))
    assert "Repeat victims identified at first contact: 96 in the 12 months to" in text
