"""The board-paper appendix: content, colours and queries of the PDF, DOCX and XLSX exports."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader
from pytest_django import DjangoAssertNumQueries

from beacon.inspections import exports
from beacon.inspections.models import Allocation, Finding, Inspection, PlanRules, Portfolio, Status
from beacon.inspections.tests.factories import (
    AllocationFactory,
    FindingFactory,
    InspectionFactory,
    PortfolioFactory,
    ProgressUpdateFactory,
)

AS_OF = dt.date(2024, 9, 30)
TITLE = "Force inspection: crime & response 2024"

CC, REC, AFI = Finding.Kind.CAUSE_OF_CONCERN, Finding.Kind.RECOMMENDATION, Finding.Kind.AREA_FOR_IMPROVEMENT


@dataclass
class Plan:
    inspection: Inspection
    crime: Portfolio
    local: Portfolio


@pytest.fixture
def plan(db: None) -> Plan:
    """Two portfolios with plans; a third that only supports.

    Crime and Justice: CC.1 red, R.1 green (a later amber update is after AS_OF), AFI.1 amber;
    R.2 was Crime's until it was transferred to Local Policing on 1 August 2024.
    Local Policing: R.2 complete, AFI.2 N/A, AFI.3 an update without a status, AFI.4 no update,
    and supports AFI.1. Corporate Services only supports AFI.2, so has no section.
    """
    insp = InspectionFactory.create(title=TITLE)
    crime = PortfolioFactory.create(
        name="Crime and Justice", holder="ACC Crime", plan_owner="Det Ch Supt Crime"
    )
    local = PortfolioFactory.create(
        name="Local Policing", holder="ACC Local", plan_owner="Ch Supt Neighbourhoods"
    )
    corporate = PortfolioFactory.create(name="Corporate Services", holder="Director of Resources")

    def finding(ref: str, kind: str, pos: int) -> Finding:
        return FindingFactory.create(
            inspection=insp, ref=ref, kind=kind, position=pos, text=f"Finding text {ref}"
        )

    cc1, r1, r2 = finding("CC.1", CC, 1), finding("R.1", REC, 2), finding("R.2", REC, 3)
    afi1, afi2, afi3, afi4 = (finding(f"AFI.{n}", AFI, 3 + n) for n in range(1, 5))

    def alloc(f: Finding, p: Portfolio, owner: str, due: dt.date | None, **kw: object) -> Allocation:
        return AllocationFactory.create(finding=f, portfolio=p, action_owner=owner, due_date=due, **kw)

    def update(a: Allocation, d: dt.date, status: str, text: str) -> None:
        ProgressUpdateFactory.create(allocation=a, date=d, status=status, text=text)

    update(
        alloc(cc1, crime, "DCI Safeguarding", dt.date(2024, 9, 30)),
        dt.date(2024, 7, 1),
        Status.RED,
        "Red text",
    )
    a = alloc(r1, crime, "Supt Investigations", dt.date(2025, 3, 31))
    update(a, dt.date(2024, 8, 15), Status.GREEN, "Green text")
    update(a, dt.date(2024, 10, 15), Status.AMBER, "Future text")
    a = alloc(
        r2,
        crime,
        "DI Old Owner",
        dt.date(2024, 11, 1),
        ended_on=dt.date(2024, 8, 1),
        ended_by_transfer=True,
        transferred_to=local,
    )
    update(a, dt.date(2024, 7, 10), Status.AMBER, "Before transfer text")
    a = alloc(r2, local, "Supt Response", dt.date(2024, 11, 1), started_on=dt.date(2024, 8, 1))
    update(a, dt.date(2024, 9, 1), Status.COMPLETE, "Complete text")
    update(alloc(afi1, crime, "DI Cyber", None), dt.date(2024, 9, 10), Status.AMBER, "Amber text")
    alloc(afi1, local, "Insp Support", None, role=Allocation.Role.SUPPORTING)
    update(
        alloc(afi2, local, "Ch Insp Partnerships", dt.date(2024, 6, 30)),
        dt.date(2024, 6, 1),
        Status.NA,
        "NA text",
    )
    alloc(afi2, corporate, "Head of Estates", None, role=Allocation.Role.SUPPORTING)
    update(
        alloc(afi3, local, "Insp Neighbourhoods", dt.date(2025, 1, 15)), dt.date(2024, 6, 5), "", "Blank text"
    )
    alloc(afi4, local, "", dt.date(2025, 2, 28))
    return Plan(insp, crime, local)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# --- the data ----------------------------------------------------------------------------------------


def test_appendix_data(plan: Plan) -> None:
    data = exports.appendix_data(plan.inspection, AS_OF)
    assert data.title == f"Improvement plan: {TITLE}"
    assert data.position_text == "Position as at 30 September 2024"
    assert [s.name for s in data.sections] == ["Crime and Justice", "Local Policing"]
    crime, local = data.sections
    assert (crime.holder, crime.plan_owner) == ("ACC Crime", "Det Ch Supt Crime")
    assert [r.ref_label for r in crime.rows] == ["CC.1", "R.1", "AFI.1"]
    assert [r.ref_label for r in local.rows] == ["R.2", "AFI.2", "AFI.3", "AFI.4", "AFI.1 (supporting)"]
    assert [r.rag_label for r in crime.rows] == ["Red", "Green", "Amber"]
    assert [r.rag_label for r in local.rows] == ["Complete", "N/A", "", "", ""]
    assert crime.rows[1].latest_update == "Green text"  # the later amber update is after AS_OF
    assert [
        (r["label"], r["total"], r["completed"], r["green"], r["amber"], r["red"]) for r in crime.summary
    ] == [
        ("Recommendations", 1, 0, 1, 0, 0),
        ("Areas for improvement", 1, 0, 0, 1, 0),
        ("Causes of concern", 1, 0, 0, 0, 1),
    ]
    assert [(r["label"], r["total"], r["completed"]) for r in local.summary] == [
        ("Recommendations", 1, 1),
        ("Areas for improvement", 3, 1),
        ("Causes of concern", 0, 0),  # shown: the inspection has a cause of concern
    ]


def test_before_the_transfer_the_finding_is_in_the_old_portfolio(plan: Plan) -> None:
    data = exports.appendix_data(plan.inspection, dt.date(2024, 7, 31))
    crime, local = data.sections
    r2 = next(r for r in crime.rows if r.ref == "R.2")
    assert (r2.action_owner, r2.latest_update, r2.rag_label) == (
        "DI Old Owner",
        "Before transfer text",
        "Amber",
    )
    assert "R.2" not in [r.ref for r in local.rows]
    assert crime.rows[1].latest_update == "" and crime.rows[1].rag_label == ""  # R.1: no update yet


def test_no_sections_when_nothing_is_allocated(db: None) -> None:
    insp = InspectionFactory.create(title="Empty inspection")
    FindingFactory.create(inspection=insp)
    assert exports.appendix_data(insp, AS_OF).sections == []
    for fmt in ("pdf", "docx", "xlsx"):
        assert exports.render_appendix(insp, AS_OF, fmt)


@pytest.mark.parametrize("findings", [5, 50])
def test_appendix_data_queries_do_not_grow_with_findings(
    db: None, findings: int, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    """Six queries: causes of concern?, the summary, plan rules, allocations, latest updates, and the
    KPIs linked to the findings as live evidence (none here; beacon.core.evidence)."""
    PlanRules.current()
    insp = InspectionFactory.create(title="Big inspection")
    portfolios = [PortfolioFactory.create(name=f"Portfolio {n}") for n in range(3)]
    for n in range(findings):
        a = AllocationFactory.create(
            finding=FindingFactory.create(inspection=insp, ref=f"AFI.{n}"), portfolio=portfolios[n % 3]
        )
        ProgressUpdateFactory.create(allocation=a, status=Status.GREEN)
        AllocationFactory.create(
            finding=a.finding, portfolio=portfolios[(n + 1) % 3], role=Allocation.Role.SUPPORTING
        )
    with django_assert_max_num_queries(6):
        data = exports.appendix_data(insp, AS_OF)
        rows = [(r.ref, r.action_owner, r.latest_update, r.rag_label) for s in data.sections for r in s.rows]
    assert len(rows) == 2 * findings


# --- PDF ---------------------------------------------------------------------------------------------


def test_pdf(plan: Plan) -> None:
    data = exports.render_appendix(plan.inspection, AS_OF, "pdf")
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    pages = [squash(p.extract_text()) for p in reader.pages]
    text = " ".join(pages)
    assert f"Improvement plan: {TITLE}" in text
    assert "Position as at 30 September 2024" in text
    assert f"Page 1 of {len(pages)}" in pages[0]
    crime = next(p for p in pages if "Portfolio holder: ACC Crime" in p)
    local = next(p for p in pages if "Portfolio holder: ACC Local" in p)
    assert crime != local  # each portfolio starts a page
    assert "Improvement plan owner: Det Ch Supt Crime" in crime
    assert "Improvement plan owner: Ch Supt Neighbourhoods" in local
    for heading in ("Total Completed Green Amber Red", "Ref Finding Due date Action owner Latest update"):
        assert heading in crime and heading in local
    assert "Recommendations 1 0 1 0 0" in crime
    assert "Areas for improvement 1 0 0 1 0" in crime
    assert "Causes of concern 1 0 0 0 1" in crime
    assert "Areas for improvement 3 1 0 0 0" in local
    for expected in (
        "CC.1",
        "DCI Safeguarding",
        "Red text",
        "1 July 2024",
        "30 September 2024",
        "Green text",
        "DI Cyber",
    ):
        assert expected in crime
    for expected in (
        "Supt Response",
        "Complete text",
        "1 September 2024",
        "N/A",
        "Blank text",
        "AFI.1 (supporting)",
    ):
        assert expected in local
    # R.2 was transferred out of Crime and Justice before AS_OF: it shows in Local Policing only.
    assert "R.2" not in crime and "DI Old Owner" not in crime and "Before transfer text" not in crime
    assert "R.2" in local
    # An update after AS_OF is not shown; nor is a portfolio that only supports.
    assert "Future text" not in text
    assert "Corporate Services" not in text


def test_pdf_as_of_shows_the_updates_of_that_date(plan: Plan) -> None:
    data = exports.render_appendix(plan.inspection, dt.date(2024, 10, 31), "pdf")
    text = squash(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))
    assert "Future text" in text and "15 October 2024" in text
    assert "Position as at 31 October 2024" in text


def test_pdf_prints_markup_in_updates_as_text(plan: Plan) -> None:
    a = Allocation.objects.get(finding__ref="AFI.4")
    text = "<b>Bold</b> & <img src='file:///etc/hostname'>"
    ProgressUpdateFactory.create(allocation=a, date=dt.date(2024, 9, 1), status=Status.RED, text=text)
    data = exports.render_appendix(plan.inspection, AS_OF, "pdf")
    assert "<b>Bold</b> &" in squash(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


# --- DOCX --------------------------------------------------------------------------------------------


def cell_fill(cell: object) -> str | None:
    shd = cell._tc.tcPr.find(qn("w:shd"))  # type: ignore[attr-defined]  # python-docx's private XML element
    return None if shd is None else shd.get(qn("w:fill"))


def test_docx(plan: Plan) -> None:
    doc = Document(io.BytesIO(exports.render_appendix(plan.inspection, AS_OF, "docx")))
    headings = [
        (str(p.style.name), p.text)
        for p in doc.paragraphs
        if p.style is not None and str(p.style.name).startswith(("Title", "Heading"))
    ]
    assert headings == [
        ("Title", f"Improvement plan: {TITLE}"),
        ("Heading 1", "All portfolios (force-wide)"),
        ("Heading 1", "Crime and Justice"),
        ("Heading 1", "Local Policing"),
    ]
    texts = [p.text for p in doc.paragraphs]
    assert "Position as at 30 September 2024" in texts
    assert (
        "Portfolio holder: ACC Crime" in texts and "Improvement plan owner: Ch Supt Neighbourhoods" in texts
    )
    assert doc.sections[0].header.paragraphs[0].text == TITLE

    all_summary, crime_summary, crime_plan, local_summary, local_plan = doc.tables
    heading = ["", "Total", "Completed", "Green", "Amber", "Red", "No status yet", "Overdue"]
    assert [[c.text for c in row.cells] for row in crime_summary.rows] == [
        heading,
        ["Recommendations", "1", "0", "1", "0", "0", "0", "0"],
        ["Areas for improvement", "1", "0", "0", "1", "0", "0", "0"],
        ["Causes of concern", "1", "0", "0", "0", "1", "0", "0"],
    ]
    assert [c.text for c in local_summary.rows[2].cells] == [
        "Areas for improvement", "3", "1", "0", "0", "0", "2", "0"
    ]  # fmt: skip
    assert [[c.text for c in row.cells] for row in all_summary.rows] == [
        heading,
        ["Recommendations", "2", "1", "1", "0", "0", "0", "0"],
        ["Areas for improvement", "4", "1", "0", "1", "0", "2", "0"],
        ["Causes of concern", "1", "0", "0", "0", "1", "0", "0"],
        ["All findings", "7", "2", "1", "1", "1", "2", "0"],
    ]
    crime_rows = [[c.text for c in row.cells] for row in crime_plan.rows]
    assert crime_rows[0] == exports.PLAN_HEADINGS
    assert crime_rows[1] == [
        "CC.1",
        "Finding text CC.1",
        "30 September 2024",
        "DCI Safeguarding",
        "Red text",
        "1 July 2024",
        "Red",
    ]
    assert crime_rows[3] == [
        "AFI.1",
        "Finding text AFI.1",
        "",
        "DI Cyber",
        "Amber text",
        "10 September 2024",
        "Amber",
    ]
    assert [r[0] for r in crime_rows[1:]] == ["CC.1", "R.1", "AFI.1"]  # R.2 went to Local Policing
    local_rows = [[c.text for c in row.cells] for row in local_plan.rows]
    assert [r[0] for r in local_rows[1:]] == ["R.2", "AFI.2", "AFI.3", "AFI.4", "AFI.1 (supporting)"]
    assert [r[-1] for r in local_rows[1:]] == ["Complete", "N/A", "", "", ""]

    assert crime_plan.rows[0]._tr.xpath("./w:trPr/w:tblHeader")  # heading row repeats
    red = crime_plan.rows[1].cells[-1]
    assert cell_fill(red) == "D4351C"
    assert str(red.paragraphs[0].runs[0].font.color.rgb) == "FFFFFF"
    amber = crime_plan.rows[3].cells[-1]
    assert cell_fill(amber) == "FFDD00"
    assert str(amber.paragraphs[0].runs[0].font.color.rgb) == "000000"
    heading_red = crime_summary.rows[0].cells[5]
    assert cell_fill(heading_red) == "D4351C" and len(heading_red._tc.xpath("./w:tcPr/w:shd")) == 1
    assert cell_fill(crime_summary.rows[0].cells[1]) == "F3F2F1"  # plain headings are light grey
    assert [cell_fill(r.cells[-1]) for r in local_plan.rows[1:]] == ["1D70B8", "505A5F", None, None, None]


# --- XLSX --------------------------------------------------------------------------------------------


def test_xlsx(plan: Plan) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(exports.render_appendix(plan.inspection, AS_OF, "xlsx")))
    assert wb.sheetnames == ["Summary", "Crime and Justice", "Local Policing"]
    summary = wb["Summary"]
    assert summary["A1"].value == f"Improvement plan: {TITLE}"
    assert summary["A2"].value == "Position as at 30 September 2024"
    rows = [list(r) for r in summary.iter_rows(min_row=4, values_only=True)]
    everyone = "All portfolios (force-wide)"
    assert rows == [
        [
            "Portfolio",
            "Finding type",
            "Total",
            "Completed",
            "Green",
            "Amber",
            "Red",
            "No status yet",
            "Overdue",
        ],
        [everyone, "Recommendations", 2, 1, 1, 0, 0, 0, 0],
        [everyone, "Areas for improvement", 4, 1, 0, 1, 0, 2, 0],
        [everyone, "Causes of concern", 1, 0, 0, 0, 1, 0, 0],
        [everyone, "All findings", 7, 2, 1, 1, 1, 2, 0],
        ["Crime and Justice", "Recommendations", 1, 0, 1, 0, 0, 0, 0],
        ["Crime and Justice", "Areas for improvement", 1, 0, 0, 1, 0, 0, 0],
        ["Crime and Justice", "Causes of concern", 1, 0, 0, 0, 1, 0, 0],
        ["Local Policing", "Recommendations", 1, 1, 0, 0, 0, 0, 0],
        ["Local Policing", "Areas for improvement", 3, 1, 0, 0, 0, 2, 0],
        ["Local Policing", "Causes of concern", 0, 0, 0, 0, 0, 0, 0],
    ]
    assert summary["C4"].font.bold

    crime = wb["Crime and Justice"]
    assert [crime.cell(r, 1).value for r in (1, 2, 3)] == [
        "Crime and Justice",
        "Portfolio holder: ACC Crime",
        "Improvement plan owner: Det Ch Supt Crime",
    ]
    plan_rows = [list(r) for r in crime.iter_rows(min_row=5, values_only=True)]
    assert plan_rows[0] == exports.PLAN_HEADINGS
    assert all(crime.cell(5, c).font.bold for c in range(1, 8))
    assert plan_rows[1] == [
        "CC.1",
        "Finding text CC.1",
        dt.datetime(2024, 9, 30),
        "DCI Safeguarding",
        "Red text",
        dt.datetime(2024, 7, 1),
        "Red",
    ]
    assert [r[0] for r in plan_rows[1:]] == ["CC.1", "R.1", "AFI.1"]
    assert crime["C6"].number_format == "d mmm yyyy"
    assert crime["B6"].alignment.wrap_text and crime["E6"].alignment.wrap_text
    assert crime.column_dimensions["B"].width > crime.column_dimensions["A"].width
    red, green = crime["G6"], crime["G7"]
    assert red.fill.fgColor.rgb.endswith("D4351C") and red.font.color.rgb.endswith("FFFFFF")
    assert green.fill.fgColor.rgb.endswith("00703C") and green.font.color.rgb.endswith("FFFFFF")

    local = wb["Local Policing"]
    local_rows = [list(r) for r in local.iter_rows(min_row=6, values_only=True)]
    assert [r[0] for r in local_rows] == ["R.2", "AFI.2", "AFI.3", "AFI.4", "AFI.1 (supporting)"]
    assert [r[6] for r in local_rows] == ["Complete", "N/A", None, None, None]
    assert local["G6"].fill.fgColor.rgb.endswith("1D70B8")
    assert local["G8"].fill.fill_type is None


def test_xlsx_text_is_never_a_formula(plan: Plan) -> None:
    a = Allocation.objects.get(finding__ref="AFI.4")
    ProgressUpdateFactory.create(
        allocation=a, date=dt.date(2024, 9, 1), status=Status.RED, text='=HYPERLINK("x")'
    )
    wb = openpyxl.load_workbook(io.BytesIO(exports.render_appendix(plan.inspection, AS_OF, "xlsx")))
    cell = wb["Local Policing"]["E9"]
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s"


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["Crime and Justice"], ["Crime and Justice"]),
        (["Finance: [Estates]/Fleet*?"], ["Finance- -Estates--Fleet--"]),
        (["Summary"], ["Summary (2)"]),
        (["A" * 40, "A" * 35], ["A" * 31, "A" * 27 + " (2)"]),
        (["History", "'quoted'", "???"], ["History (2)", "quoted", "---"]),
    ],
)
def test_sheet_titles(names: list[str], expected: list[str]) -> None:
    used = {"summary"}
    titles = [exports.sheet_title(n, used) for n in names]
    assert titles == expected
    assert all(len(t) <= 31 for t in titles)


# --- helpers, the command, errors ----------------------------------------------------------------------


def test_command_writes_a_pdf(plan: Plan, tmp_path: Path) -> None:
    out = tmp_path / "a.pdf"
    call_command(
        "plans",
        "export",
        "--inspection",
        TITLE,
        "--format",
        "pdf",
        "--out",
        str(out),
        "--as-of",
        "2024-09-30",
    )
    reader = PdfReader(out)
    assert "All portfolios (force-wide)" in reader.pages[0].extract_text()
    assert "Crime and Justice" in reader.pages[1].extract_text()


def test_command_without_as_of(plan: Plan, tmp_path: Path) -> None:
    out = tmp_path / "a.xlsx"
    call_command("plans", "export", "--inspection", TITLE, "--format", "xlsx", "--out", str(out))
    assert openpyxl.load_workbook(out).sheetnames[0] == "Summary"


def test_unknown_format(plan: Plan) -> None:
    with pytest.raises(ValueError, match="csv"):
        exports.render_appendix(plan.inspection, AS_OF, "csv")
    with pytest.raises(ValueError):
        exports.content_type("html")
    with pytest.raises(ValueError):
        exports.filename(plan.inspection, "txt")


def test_content_type_and_filename(plan: Plan) -> None:
    assert exports.content_type("pdf") == "application/pdf"
    assert exports.content_type("xlsx").endswith("spreadsheetml.sheet")
    assert exports.content_type("docx").endswith("wordprocessingml.document")
    assert (
        exports.filename(plan.inspection, "docx")
        == "force-inspection-crime-response-2024-improvement-plan.docx"
    )


def test_dates_show_in_one_style_day_month_in_full_year() -> None:
    from beacon.core.formatting import display_date

    assert display_date(dt.date(2024, 9, 30)) == "30 September 2024"
    assert display_date(dt.date(2024, 10, 1)) == "1 October 2024"
    assert display_date(None) == ""
