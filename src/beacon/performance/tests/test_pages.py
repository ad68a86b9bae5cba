"""The performance pages: who may see what, the dashboard's reads, the records behind a figure (with
the access log), downloads, and a finding's live evidence on its page and in the board papers."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.inspections import exports
from beacon.inspections.tests.factories import AllocationFactory, FindingFactory, ProgressUpdateFactory
from beacon.performance import places, services
from beacon.performance.compute import compute
from beacon.performance.models import FindingEvidence, Kpi
from beacon.performance.selectors import add_months
from beacon.performance.tests.factories import at, incidents, town

pytestmark = pytest.mark.django_db

FIRST, LAST = dt.date(2023, 4, 1), dt.date(2025, 3, 1)


def _months() -> list[dt.date]:
    out, m = [], FIRST
    while m <= LAST:
        out.append(m)
        m = add_months(m, 1)
    return out


@pytest.fixture
def figures() -> dict[str, Any]:
    t = town()
    for i, m in enumerate(_months()):
        # repeat victims identified: 10 a month in the first year, 16 in the second
        n = 10 if m < dt.date(2024, 4, 1) else 16
        incidents(n, at(m.year, m.month, 3), t["market"], repeat_victim=True)
        incidents(5 + i % 3, at(m.year, m.month, 20), t["docks"])
    compute(_months())
    return t


def test_the_dashboard_shows_every_kpi_with_its_change_and_reads_a_bounded_number_of_times(
    figures: dict[str, Any], client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    c = client_for(make_user(Role.PERFORMANCE, all_areas=True))
    with CaptureQueriesContext(connection) as few:
        r = c.get(reverse("performance:dashboard"), {"place": "force", "month": "2025-03"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "Repeat victims identified at first contact" in html
    # 12 months of 16 against 12 months of 10: 192 against 120
    assert "192" in html and "120" in html
    assert "+60%, significant" in html
    assert html.count("<svg") >= Kpi.objects.filter(active=True).count() - 4  # a chart per KPI shown
    # more data does not mean more queries
    incidents(50, at(2025, 3, 9), figures["market"])
    compute([LAST])
    with CaptureQueriesContext(connection) as more:
        c.get(reverse("performance:dashboard"), {"place": "force", "month": "2025-03"})
    assert len(more) == len(few)
    csv = c.get(reverse("performance:dashboard"), {"place": "force", "month": "2025-03", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert "asb-repeat-victims" in csv.content.decode()


def test_an_area_user_sees_their_areas_only_and_a_partner_sees_nothing(
    figures: dict[str, Any], client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    officer = make_user(Role.OFFICER)
    officer.areas.add(figures["north"])
    c = client_for(officer)
    page = c.get(reverse("performance:dashboard"))
    assert page.status_code == 200
    assert "North" in page.content.decode()
    south = places.area_key(figures["south"].pk)
    assert c.get(reverse("performance:dashboard"), {"place": south}).status_code == 403
    assert c.get(reverse("performance:dashboard"), {"place": "force"}).status_code == 403
    partner = client_for(make_user(Role.PARTNER, all_areas=True))
    assert partner.get(reverse("performance:dashboard")).status_code == 403
    assert partner.get(reverse("performance:hotspots")).status_code == 403
    # officers see figures, not the records behind them
    url = reverse("performance:records", args=["asb-repeat-victims"])
    assert c.get(url, {"place": places.area_key(figures["north"].pk), "month": "2025-03"}).status_code == 403


def test_the_records_behind_a_number_are_the_ones_counted_and_their_view_is_logged(
    figures: dict[str, Any], client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    analyst = make_user(Role.ANALYST, all_areas=True)
    c = client_for(analyst)
    url = reverse("performance:records", args=["asb-repeat-victims"])
    r = c.get(url, {"place": "force", "month": "2025-03"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "16 records" in html
    logged = AuditEvent.objects.filter(actor=analyst, action="read", model="incident")
    assert logged.count() == 16
    assert "the records behind a figure" in logged.first().reason
    # a KPI page links each month's count to its records
    page = c.get(reverse("performance:kpi", args=["asb-repeat-victims"]), {"place": "force"}).content.decode()
    assert "records/?place=force&amp;month=2025-03" in page
    assert c.get(url, {"place": "force", "month": "2025-13"}).status_code == 400
    assert c.get(reverse("performance:kpi", args=["no-such-kpi"])).status_code == 404


def test_commentary_is_added_never_overwritten(
    figures: dict[str, Any], client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    c = client_for(make_user(Role.PERFORMANCE, all_areas=True))
    url = reverse("performance:kpi", args=["asb-repeat-victims"]) + "?place=force"
    c.post(url, {"month": "2025-03", "text": "Rising since the live check went live."})
    c.post(url, {"month": "2025-03", "text": "Still rising."})
    html = c.get(url).content.decode()
    assert "Rising since the live check went live." in html and "Still rising." in html
    blank = c.post(url, {"month": "2025-03", "text": "  "})
    assert "Write the commentary." in blank.content.decode()


def test_a_kpi_linked_to_a_finding_shows_on_its_page_and_in_the_board_paper(
    figures: dict[str, Any], client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    perf = make_user(Role.PERFORMANCE, all_areas=True)
    c = client_for(perf)
    allocation = AllocationFactory.create(
        finding=FindingFactory.create(text="Repeat victims are not identified.")
    )
    ProgressUpdateFactory.create(
        allocation=allocation, text="The live check is in use.", date=dt.date(2025, 4, 2)
    )
    finding = allocation.finding
    r = c.post(
        reverse("performance:link_evidence", args=[finding.pk]),
        {"kpi": "asb-repeat-victims", "place": "force", "baseline": "2024-03"},
    )
    assert r.status_code == 302
    assert FindingEvidence.objects.filter(finding=finding).count() == 1
    page = c.get(reverse("inspections:finding", args=[finding.pk])).content.decode()
    expected = (
        "Repeat victims identified at first contact: 192 in the 12 months to 31 March 2025, "
        "120 the year before (+60%, significant)"
    )
    assert expected in page
    assert "Right way" in page
    # linking it twice is refused, saying why
    again = c.post(
        reverse("performance:link_evidence", args=[finding.pk]),
        {"kpi": "asb-repeat-victims", "place": "force", "baseline": "2024-03"},
        follow=True,
    )
    assert "already evidences" in again.content.decode()
    pdf = PdfReader(io.BytesIO(exports.render_appendix(finding.inspection, dt.date(2025, 4, 30), "pdf")))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages))
    assert "Live evidence: " + expected in text
    plan = c.get(reverse("inspections:portfolio", args=[allocation.portfolio_id]), {"as_of": "2025-04-30"})
    assert "1 with figures moving the right way" in plan.content.decode()


def test_targets_give_a_rag_and_a_bad_target_is_refused(figures: dict[str, Any]) -> None:
    from beacon.performance.selectors import summary

    kpi = Kpi.objects.get(code="asb-repeat-victims")
    services.set_target(
        None, kpi, places.FORCE_PLACE, period="rolling_12", value=200, from_month=dt.date(2024, 4, 1)
    )
    s = summary(kpi, kpi.versions.get(version=1), places.FORCE_PLACE, LAST, list(kpi.targets.all()))
    assert s.target_value == 192
    assert s.rag == "amber"  # 192 is 96% of 200: below Green (100%), above Red (95%)
    services.set_target(
        None, kpi, places.FORCE_PLACE, period="rolling_12", value=180, from_month=dt.date(2025, 1, 1)
    )
    s = summary(
        kpi, kpi.versions.get(version=1), places.FORCE_PLACE, LAST, list(kpi.targets.order_by("-from_month"))
    )
    assert s.rag == "green"


def test_a_pack_quotes_each_kpi_in_pdf_and_docx(
    figures: dict[str, Any], client_for: Callable[..., Client], make_user: Callable[..., User], tmp_path: Any
) -> None:
    from io import StringIO

    from django.core.management import call_command
    from docx import Document

    perf = make_user(Role.PERFORMANCE, all_areas=True)
    services.add_commentary(
        perf, Kpi.objects.get(code="asb-repeat-victims"), places.FORCE_PLACE, LAST, "Up after the live check."
    )
    out = tmp_path / "pack.pdf"
    call_command(
        "performance", "pack", "--month", "2025-03", "--format", "pdf", "--out", str(out), stdout=StringIO()
    )
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(str(out)).pages))
    assert "Performance pack: Whole force, March 2025" in text
    assert "Repeat victims identified at first contact" in text
    assert "+60%, significant" in text
    assert "Up after the live check." in text
    docx = client_for(perf).get(
        reverse("performance:pack"), {"place": "force", "month": "2025-03", "format": "docx"}
    )
    assert docx.status_code == 200
    doc = Document(io.BytesIO(docx.content))
    body = " ".join(p.text for p in doc.paragraphs)
    assert "Up after the live check." in body
    assert "+60%, significant" in body
    area = tmp_path / "north.docx"
    call_command(
        "performance",
        "pack",
        "--area",
        "TN",
        "--month",
        "2025-03",
        "--format",
        "docx",
        "--out",
        str(area),
        stdout=StringIO(),
    )
    assert "Performance pack: North, March 2025" in " ".join(p.text for p in Document(str(area)).paragraphs)


def test_the_performance_team_sets_a_target_on_the_kpi_page(
    figures: dict[str, Any], client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    c = client_for(make_user(Role.PERFORMANCE, all_areas=True))
    url = reverse("performance:set_target", args=["asb-repeat-victims"]) + "?place=force"
    bad = c.post(
        url,
        {"period": "rolling_12", "value": "200", "from_month": "2024-04", "green_pct": "90", "red_pct": "95"},
        follow=True,
    )
    assert "worse than Red" in bad.content.decode()
    assert not Kpi.objects.get(code="asb-repeat-victims").targets.exists()
    c.post(url, {"period": "rolling_12", "value": "200", "from_month": "2024-04"})
    page = c.get(
        reverse("performance:kpi", args=["asb-repeat-victims"]), {"place": "force", "month": "2025-03"}
    )
    html = page.content.decode()
    assert "Amber" in html  # 192 against 200: 96%
    officer = make_user(Role.OFFICER, all_areas=True)
    assert (
        client_for(officer)
        .post(url, {"period": "rolling_12", "value": "1", "from_month": "2024-04"})
        .status_code
        == 403
    )
