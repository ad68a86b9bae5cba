"""Board papers as a board secretary reads them: items past their due date say so in words (on the
page and in every export), the summary columns add up to Total, a force-wide summary comes before the
portfolios, and the PDF is tagged for screen readers (PDF/UA-1)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from docx import Document
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from beacon.core.roles import Role
from beacon.inspections import exports, selectors
from beacon.inspections.models import Allocation, Finding, Inspection, Portfolio, Status
from beacon.inspections.tests.factories import (
    AllocationFactory,
    FindingFactory,
    InspectionFactory,
    PortfolioFactory,
    ProgressUpdateFactory,
)
from beacon.inspections.tests.test_importer import counts, entry

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2024, 9, 30)
TITLE = "Force inspection 2024"
CC, REC, AFI = Finding.Kind.CAUSE_OF_CONCERN, Finding.Kind.RECOMMENDATION, Finding.Kind.AREA_FOR_IMPROVEMENT
COLUMNS = ("completed", "green", "amber", "red", "no_status")  # what Total is made of

# Counted by hand from the fixture, as at 30 September 2024:
#   Local Policing: R.1 AMBER, due 31 Aug (overdue) → Rec 1 = 1 amber, 1 overdue
#     AFI.1 GREEN; AFI.2 Complete (due 30 Jun: closed, so not overdue); AFI.3 no update, due 29 Sep
#     (overdue); AFI.4 an update with no status; AFI.6 no update since it moved here on 1 Sep, due
#     15 Sep (overdue) → AFI 5 = 1 completed + 1 green + 3 with no status, 2 overdue
#   Crime: CC.1 RED, due today (not overdue yet); AFI.5 N/A; its support of R.1 and AFI.6 (moved out)
#     do not count → CC 1 = 1 red; AFI 1 = 1 completed
HAND_COUNT = {
    "Crime": entry(cc=counts(1, red=1), afi=counts(1, completed=1)),
    "Local Policing": entry(
        rec=counts(1, amber=1, overdue=1), afi=counts(5, completed=1, green=1, no_status=3, overdue=2)
    ),
}
ALL_PORTFOLIOS = entry(
    cc=counts(1, red=1),
    rec=counts(1, amber=1, overdue=1),
    afi=counts(6, completed=2, green=1, no_status=3, overdue=2),
)
ALL_FINDINGS = counts(8, completed=2, green=1, amber=1, red=1, no_status=3, overdue=3)


@dataclass
class Paper:
    inspection: Inspection
    local: Portfolio
    crime: Portfolio


@pytest.fixture
def paper() -> Paper:
    inspection = InspectionFactory.create(title=TITLE, published=dt.date(2024, 1, 15))
    local = PortfolioFactory.create(name="Local Policing", holder="ACC Local")
    crime = PortfolioFactory.create(name="Crime", holder="ACC Crime")
    pos = iter(range(100))

    def item(
        ref: str, kind: str, portfolio: Portfolio, due: dt.date | None, *updates: tuple[str, str], **kw: Any
    ) -> Allocation:
        finding = kw.pop("finding", None) or FindingFactory.create(
            inspection=inspection, ref=ref, kind=kind, position=next(pos), text=f"Text of {ref}"
        )
        a = AllocationFactory.create(
            finding=finding, portfolio=portfolio, due_date=due, action_owner=f"Owner of {ref}", **kw
        )
        for day, status in updates:
            ProgressUpdateFactory.create(
                allocation=a, date=dt.date.fromisoformat(day), status=status, text=f"{ref} {status or 'note'}"
            )
        return a

    r1 = item("R.1", REC, local, dt.date(2024, 8, 31), ("2024-08-01", Status.AMBER))
    item("AFI.1", AFI, local, dt.date(2024, 12, 31), ("2024-09-01", Status.GREEN))
    item("AFI.2", AFI, local, dt.date(2024, 6, 30), ("2024-06-20", Status.COMPLETE))
    item("AFI.3", AFI, local, dt.date(2024, 9, 29))
    item("AFI.4", AFI, local, None, ("2024-09-10", Status.BLANK))
    item("CC.1", CC, crime, AS_OF, ("2024-09-01", Status.RED))
    item("AFI.5", AFI, crime, dt.date(2024, 1, 31), ("2024-02-01", Status.NA))
    item("R.1", REC, crime, dt.date(2024, 8, 31), finding=r1.finding, role=Allocation.Role.SUPPORTING)
    moved = item(
        "AFI.6",
        AFI,
        crime,
        dt.date(2024, 9, 15),
        ("2024-08-10", Status.RED),
        ended_on=dt.date(2024, 9, 1),
        ended_by_transfer=True,
        transferred_to=local,
    )
    item("AFI.6", AFI, local, dt.date(2024, 9, 15), finding=moved.finding, started_on=dt.date(2024, 9, 1))
    return Paper(inspection, local, crime)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def plain(html: str) -> str:
    return squash(re.sub(r"<[^>]+>", " ", html))


def rag_cells(html: str) -> dict[str, str]:
    """Each plan-table row's RAG cell as its words, by the row's ref (supporting rows marked)."""
    cells = {}
    for row in re.findall(r'<tr class="govuk-table__row" data-ref=.*?</tr>', html, re.S):
        ref = re.search(r'data-ref="([^"]+)"', row)
        rag = re.search(r'<td class="govuk-table__cell" data-col="rag">(.*?)</td>', row, re.S)
        assert ref and rag
        key = ref.group(1) + (" (supporting)" if "(supporting)" in row else "")
        cells[key] = plain(rag.group(1))
    return cells


def summary_tables(html: str) -> Iterator[tuple[str, list[dict[str, int]]]]:
    """Each summary table on a page: its caption, and its rows as {column: number}."""
    for table in re.findall(r"<table class=\"govuk-table\"[^>]*>.*?</table>", html, re.S):
        if 'data-col="total"' not in table:
            continue
        caption = re.search(r"<caption[^>]*>(.*?)</caption>", table, re.S)
        assert caption
        rows = [
            {col: int(n) for col, n in re.findall(r'data-col="(\w+)">(\d+)</td>', row)}
            for row in re.findall(r"<tbody.*?</tbody>", table, re.S)[0].split("</tr>")
            if "data-col" in row
        ]
        yield plain(caption.group(1)), rows


# --- the numbers -------------------------------------------------------------------------------------


def test_the_summary_is_the_hand_count_with_no_status_and_overdue(paper: Paper) -> None:
    summary = selectors.inspection_summary(paper.inspection, AS_OF)
    assert {e["portfolio"]: {k: v for k, v in e.items() if k != "portfolio"} for e in summary} == HAND_COUNT

    everyone = selectors.all_portfolios_summary(summary)
    assert everyone == {"portfolio": "All portfolios", **ALL_PORTFOLIOS}
    rows = selectors.summary_table_rows(everyone, show_causes=True, all_findings=True)
    assert rows[-1] == {"label": "All findings", **ALL_FINDINGS}


@pytest.mark.parametrize("as_of", [dt.date(2024, 1, 1), dt.date(2024, 8, 15), AS_OF, dt.date(2025, 6, 1)])
def test_every_summary_row_adds_up_to_its_total(paper: Paper, as_of: dt.date) -> None:
    summary = selectors.inspection_summary(paper.inspection, as_of)
    entries = [*summary, selectors.all_portfolios_summary(summary)]
    rows = [r for e in entries for r in selectors.summary_table_rows(e, show_causes=True, all_findings=True)]
    for row in rows:
        n = {k: int(str(v)) for k, v in row.items() if k != "label"}
        assert n["total"] == sum(n[c] for c in COLUMNS), row
        assert n["overdue"] <= n["total"] - n["completed"], row
    # and the force-wide row is the portfolios' rows added up
    by_label: dict[str, int] = {}
    for e in summary:
        for r in selectors.summary_table_rows(e, show_causes=True, all_findings=True):
            by_label[str(r["label"])] = by_label.get(str(r["label"]), 0) + int(str(r["total"]))
    force = selectors.summary_table_rows(entries[-1], show_causes=True, all_findings=True)
    assert {str(r["label"]): r["total"] for r in force} == by_label


# --- the pages ---------------------------------------------------------------------------------------


def test_the_inspection_page_puts_all_portfolios_first_and_its_columns_add_up(
    paper: Paper, client_for: Callable[..., Client]
) -> None:
    c = client_for(role=Role.CHIEF_OFFICER)
    html = c.get(reverse("inspections:inspection", args=[paper.inspection.pk]), {"as_of": "2024-09-30"})
    page = html.content.decode()

    tables = list(summary_tables(page))
    assert [caption for caption, _ in tables] == [
        "Summary, all portfolios together",
        "Summary, Crime",
        "Summary, Local Policing",
    ]
    force_rows = tables[0][1]
    assert force_rows[-1] == ALL_FINDINGS  # the All findings row
    assert "All findings" in page and "No status yet" in page and "Overdue" in page
    for caption, rows in tables:
        for row in rows:
            assert row["total"] == sum(row[c] for c in COLUMNS), (caption, row)
    assert "Total is Completed + Green + Amber + Red + No status yet" in plain(page)


def test_the_portfolio_page_says_how_many_have_no_status_yet(
    paper: Paper, client_for: Callable[..., Client]
) -> None:
    c = client_for(role=Role.CHIEF_OFFICER)
    page = c.get(reverse("inspections:portfolio", args=[paper.local.pk]), {"as_of": "2024-09-30"})

    [(_, rows)] = summary_tables(page.content.decode())
    assert rows == [
        counts(1, amber=1, overdue=1),  # Recommendations
        counts(5, completed=1, green=1, no_status=3, overdue=2),  # Areas for improvement
    ]  # (no causes of concern row: this portfolio holds none)


def test_plan_tables_say_overdue_in_words_beside_the_rag(
    paper: Paper, client_for: Callable[..., Client]
) -> None:
    c = client_for(role=Role.CHIEF_OFFICER)

    local = c.get(reverse("inspections:portfolio", args=[paper.local.pk]), {"as_of": "2024-09-30"})
    assert rag_cells(local.content.decode()) == {
        "R.1": "Amber — overdue by 30 days",
        "AFI.1": "Green",
        "AFI.2": "Complete",  # past its due date, but closed
        "AFI.3": "No update — overdue by 1 day",
        "AFI.4": "No status",  # no due date
        "AFI.6": "No update — overdue by 15 days",
    }
    crime = c.get(reverse("inspections:portfolio", args=[paper.crime.pk]), {"as_of": "2024-09-30"})
    assert rag_cells(crime.content.decode()) == {
        "R.1 (supporting)": "No update",  # the lead (Local Policing) answers for it
        "CC.1": "Red",  # due today: not overdue yet
        "AFI.5": "N/A",
    }
    later = c.get(reverse("inspections:portfolio", args=[paper.crime.pk]), {"as_of": "2024-10-01"})
    assert rag_cells(later.content.decode())["CC.1"] == "Red — overdue by 1 day"


def test_the_dashboard_says_overdue_in_words_too(paper: Paper, client_for: Callable[..., Client]) -> None:
    c = client_for(role=Role.CHIEF_OFFICER)
    page = c.get(reverse("inspections:dashboard"), {"as_of": "2024-09-30"}).content.decode()
    overdue = page[page.index('id="table-overdue"') : page.index('id="table-stale"')]
    assert rag_cells(overdue) == {
        "R.1": "Amber — overdue by 30 days",
        "AFI.3": "No update — overdue by 1 day",
        "AFI.6": "No update — overdue by 15 days",
    }


# --- the exports ---------------------------------------------------------------------------------------


def test_the_pdf_has_all_portfolios_first_and_says_overdue_in_words(paper: Paper) -> None:
    data = exports.render_appendix(paper.inspection, AS_OF, "pdf")
    pages = [squash(p.extract_text()) for p in PdfReader(io.BytesIO(data)).pages]

    first = pages[0]
    assert "All portfolios (force-wide)" in first
    assert "Portfolio holder" not in first  # the portfolios start on the following pages
    assert "Finding type Total Completed Green Amber Red No status yet Overdue" in first
    assert "Recommendations 1 0 0 1 0 0 1" in first
    assert "Areas for improvement 6 2 1 0 0 3 2" in first
    assert "Causes of concern 1 0 0 0 1 0 0" in first
    assert "All findings 8 2 1 1 1 3 3" in first
    assert "Total is Completed + Green + Amber + Red + No status yet" in first

    local = next(p for p in pages if "Portfolio holder: ACC Local" in p)
    assert "Areas for improvement 5 1 1 0 0 3 2" in local
    assert "Amber — overdue by 30 days" in local
    assert "Overdue by 1 day " in local and "Overdue by 15 days" in local  # no status yet, and overdue
    crime = next(p for p in pages if "Portfolio holder: ACC Crime" in p)
    assert "overdue by" not in crime.lower()  # CC.1 is due today; R.1 there is only supported


def test_the_docx_and_xlsx_say_overdue_in_words_and_put_all_portfolios_first(paper: Paper) -> None:
    doc = Document(io.BytesIO(exports.render_appendix(paper.inspection, AS_OF, "docx")))
    force, _crime_summary, _crime_plan, _local_summary, local_plan = doc.tables
    assert [c.text for c in force.rows[0].cells][-2:] == ["No status yet", "Overdue"]
    assert [c.text for c in force.rows[-1].cells] == ["All findings", "8", "2", "1", "1", "1", "3", "3"]
    rag = {row.cells[0].text: row.cells[-1].text for row in local_plan.rows[1:]}
    assert rag == {
        "R.1": "Amber — overdue by 30 days",
        "AFI.1": "Green",
        "AFI.2": "Complete",
        "AFI.3": "Overdue by 1 day",
        "AFI.4": "",
        "AFI.6": "Overdue by 15 days",
    }

    book = openpyxl.load_workbook(io.BytesIO(exports.render_appendix(paper.inspection, AS_OF, "xlsx")))
    summary = [r for r in book["Summary"].iter_rows(min_row=5, values_only=True)]
    assert summary[0][:2] == ("All portfolios (force-wide)", "Recommendations")
    assert summary[3] == ("All portfolios (force-wide)", "All findings", 8, 2, 1, 1, 1, 3, 3)
    for row in summary:
        assert row[2] == sum(row[3:8]), row
    sheet = book["Local Policing"]
    rag_xlsx = {r[0]: r[6] for r in sheet.iter_rows(min_row=6, values_only=True)}
    assert rag_xlsx["R.1"] == "Amber — overdue by 30 days" and rag_xlsx["AFI.3"] == "Overdue by 1 day"


def test_the_api_and_the_command_give_all_portfolios_and_the_new_columns(
    paper: Paper, client_for: Callable[..., Client]
) -> None:
    c = client_for(role=Role.CHIEF_OFFICER)
    api = c.get(f"/api/v1/inspections/{paper.inspection.pk}/summary", {"as_of": "2024-09-30"}).json()
    assert api["all_portfolios"] == {"portfolio": "All portfolios", **ALL_PORTFOLIOS}
    out = io.StringIO()
    call_command("plans", "summary", "--inspection", TITLE, "--as-of", "2024-09-30", "--json", stdout=out)
    assert json.loads(out.getvalue())["all_portfolios"] == api["all_portfolios"]

    out = io.StringIO()
    call_command("plans", "summary", "--inspection", TITLE, "--as-of", "2024-09-30", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[2] == "All portfolios"  # before the portfolios
    assert lines[3].split() == [
        "Total",
        "Completed",
        "Green",
        "Amber",
        "Red",
        "No",
        "status",
        "yet",
        "Overdue",
    ]
    local = lines.index("Local Policing")
    assert lines[local + 3].split() == ["Areas", "for", "improvement", "5", "1", "1", "0", "0", "3", "2"]
    assert "All findings" in out.getvalue()


# --- the PDF is tagged (PDF/UA-1) -------------------------------------------------------------------


def dictionary(obj: Any) -> DictionaryObject:
    obj = obj.get_object()
    assert isinstance(obj, DictionaryObject)
    return obj


def struct_types(node: Any, seen: set[str]) -> set[str]:
    """Every structure type (/H1, /Table, /TH …) in a tagged PDF's structure tree."""
    node = node.get_object()
    if isinstance(node, DictionaryObject):
        if "/S" in node:
            seen.add(str(node["/S"]))
        kids = node.get("/K")
        if kids is not None:
            for kid in kids if isinstance(kids, list) else [kids]:
                if not isinstance(kid, int):
                    struct_types(kid, seen)
    return seen


def test_the_pdf_is_tagged_pdf_ua_with_its_title_and_language(paper: Paper) -> None:
    reader = PdfReader(io.BytesIO(exports.render_appendix(paper.inspection, AS_OF, "pdf")))
    catalog = reader.root_object

    assert dictionary(catalog["/MarkInfo"])["/Marked"].value is True  # a tagged PDF
    assert catalog["/Lang"] == "en-GB"
    # viewers show the document's title, not its file name
    assert dictionary(catalog["/ViewerPreferences"])["/DisplayDocTitle"].value is True
    assert reader.metadata is not None and reader.metadata.title == f"Improvement plan: {TITLE}"
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert 'pdfuaid:part="1"' in xmp
    assert f"Improvement plan: {TITLE}" in xmp  # dc:title
    tags = struct_types(catalog["/StructTreeRoot"], set())
    assert {"/H1", "/H2", "/Table", "/TR", "/TH", "/TD"} <= tags
