"""An inspection's board-paper appendix (its improvement plans as at a date) as PDF, DOCX or XLSX.

`appendix_data` gathers everything once, in a fixed number of queries whatever the number of findings
or portfolios; the three renderers only lay that data out.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils.text import slugify
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from beacon.core.evidence import evidence_for
from beacon.core.formatting import display_date
from beacon.inspections import selectors
from beacon.inspections.models import DATE_NOT_GIVEN, Allocation, Finding, Inspection, Status

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# Status → (background, text colour), as hex RGB without '#'.
RAG_COLOURS: dict[str, tuple[str, str]] = {
    Status.RED: ("D4351C", "FFFFFF"),
    Status.AMBER: ("FFDD00", "000000"),
    Status.GREEN: ("00703C", "FFFFFF"),
    Status.COMPLETE: ("1D70B8", "FFFFFF"),
    Status.NA: ("505A5F", "FFFFFF"),
}

# The summary table's columns: (heading, key in a summary row, status whose colours the heading takes).
# Total = Completed + Green + Amber + Red + No status yet; Overdue counts the open ones past their due date.
SUMMARY_COLUMNS: list[tuple[str, str, str | None]] = [
    ("", "label", None),
    ("Total", "total", None),
    ("Completed", "completed", Status.COMPLETE),
    ("Green", "green", Status.GREEN),
    ("Amber", "amber", Status.AMBER),
    ("Red", "red", Status.RED),
    ("No status yet", "no_status", None),
    ("Overdue", "overdue", None),
]
SUMMARY_KEY = (
    "In each row, Total is Completed + Green + Amber + Red + No status yet. No status yet: no update has "
    "been given, or the latest update gave no RAG status. Overdue: items not completed whose due date has "
    "passed; they are also counted in their status. Supporting portfolios and items transferred out are "
    "not counted."
)

PLAN_HEADINGS = ["Ref", "Finding", "Due date", "Action owner", "Latest update", "Date of update", "RAG"]
ALL_PORTFOLIOS_HEADING = f"{selectors.ALL_PORTFOLIOS} (force-wide)"
PDF_VARIANT = "pdf/ua-1"  # WeasyPrint's PDF/UA-1: a tagged PDF with PDF/UA identification metadata

# Characters that XML (DOCX) and XLSX cannot hold; they are dropped from every text we export.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(text: str) -> str:
    return _CONTROL_CHARS.sub("", text or "").strip()


@dataclass(frozen=True)
class PlanRow:
    ref: str
    finding: str
    due_date: date | None
    action_owner: str
    latest_update: str
    update_date: date | None
    status: str  # a Status value; "" when there is no update or the latest has no status
    supporting: bool = False
    update_date_given: bool = True  # False: the plan gave no date of update (update_date is its as-at)
    overdue_days: int | None = None  # past its due date and not closed (lead items only)
    evidence: tuple[str, ...] = ()  # live figures for the finding (beacon.core.evidence), if any

    @property
    def update_with_evidence(self) -> str:
        """The latest update, then the finding's live evidence on lines of its own."""
        if not self.evidence:
            return self.latest_update
        lines = "\n".join(f"Live evidence: {e}" for e in self.evidence)
        return f"{self.latest_update}\n\n{lines}" if self.latest_update else lines

    @property
    def ref_label(self) -> str:
        return f"{self.ref} (supporting)" if self.supporting else self.ref

    @property
    def rag_label(self) -> str:
        return Status(self.status).label if self.status in RAG_COLOURS else ""

    @property
    def rag_colours(self) -> tuple[str, str] | None:
        return RAG_COLOURS.get(self.status)

    @property
    def rag_text(self) -> str:
        """The RAG cell in words, readable without its colour: "Amber — overdue by 30 days"; an overdue
        item with no status yet is "Overdue by 30 days"."""
        if self.overdue_days is None:
            return self.rag_label
        overdue = selectors.overdue_text(self.overdue_days)
        return f"{self.rag_label} — {overdue}" if self.rag_label else overdue.capitalize()

    @property
    def due_text(self) -> str:
        return display_date(self.due_date)

    @property
    def update_date_text(self) -> str:
        return display_date(self.update_date) if self.update_date_given else DATE_NOT_GIVEN

    @property
    def update_date_cell(self) -> date | str | None:
        """The XLSX cell: a real date, or the words where the plan gave none."""
        return self.update_date if self.update_date_given else DATE_NOT_GIVEN


@dataclass(frozen=True)
class PortfolioSection:
    name: str
    holder: str
    plan_owner: str
    summary: list[dict[str, object]]  # rows of selectors.summary_table_rows
    rows: list[PlanRow]  # lead items first, then supporting ones


@dataclass(frozen=True)
class AppendixData:
    inspection_title: str
    as_of: date
    sections: list[PortfolioSection]
    # the force-wide summary (every portfolio together), with an "All findings" row; shown before the
    # portfolios where there are any
    all_portfolios: list[dict[str, object]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"Improvement plan: {self.inspection_title}"

    @property
    def position_text(self) -> str:
        return f"Position as at {display_date(self.as_of)}"


def _person(name: str, user: object | None) -> str:
    return _clean(name) or (_clean(getattr(user, "display_name", "")) if user is not None else "")


def appendix_data(inspection: Inspection, as_of: date) -> AppendixData:
    """Every portfolio with a lead allocation in force on `as_of`, by name, with its summary and plan."""
    show_causes = inspection.findings.filter(kind=Finding.Kind.CAUSE_OF_CONCERN).exists()
    summary = {str(e["portfolio"]): e for e in selectors.inspection_summary(inspection, as_of)}
    all_portfolios = selectors.summary_table_rows(
        selectors.all_portfolios_summary(summary.values()), show_causes=show_causes, all_findings=True
    )
    allocations = (
        Allocation.objects.filter(finding__inspection=inspection)
        .filter(selectors.active_on(as_of))
        .select_related("action_owner_user", "portfolio__holder_user", "portfolio__plan_owner_user")
        .order_by("portfolio__name", "portfolio_id", "finding__position", "finding_id", "id")
    )
    by_portfolio: dict[int, list[selectors.PlanItem]] = {}
    for item in selectors.plan_items(allocations, as_of):
        by_portfolio.setdefault(item.allocation.portfolio_id, []).append(item)
    evidence = {
        fid: tuple(line.text for line in lines)
        for fid, lines in evidence_for(
            [i.finding.pk for items in by_portfolio.values() for i in items], as_of
        ).items()
    }

    sections = []
    for items in by_portfolio.values():
        lead = [i for i in items if i.allocation.role == Allocation.Role.LEAD]
        if not lead:
            continue
        supporting = [i for i in items if i.allocation.role != Allocation.Role.LEAD]
        portfolio = items[0].allocation.portfolio
        entry = summary.get(portfolio.name) or {"portfolio": portfolio.name} | {
            key: selectors.empty_counts() for key, _, _ in selectors.SUMMARY_ROWS
        }
        sections.append(
            PortfolioSection(
                name=_clean(portfolio.name),
                holder=_person(portfolio.holder, portfolio.holder_user),
                plan_owner=_person(portfolio.plan_owner, portfolio.plan_owner_user),
                summary=selectors.summary_table_rows(entry, show_causes=show_causes),
                rows=[_row(i, supporting=False, evidence=evidence) for i in lead]
                + [_row(i, supporting=True, evidence=evidence) for i in supporting],
            )
        )
    return AppendixData(
        inspection_title=_clean(inspection.title),
        as_of=as_of,
        sections=sections,
        all_portfolios=all_portfolios if sections else [],
    )


def _row(item: selectors.PlanItem, *, supporting: bool, evidence: dict[int, tuple[str, ...]]) -> PlanRow:
    a, latest = item.allocation, item.latest
    return PlanRow(
        ref=_clean(item.finding.ref),
        finding=_clean(item.finding.text),
        due_date=a.due_date,
        action_owner=_person(a.action_owner, a.action_owner_user),
        latest_update=_clean(latest.text) if latest else "",
        update_date=latest.date if latest else None,
        status=latest.status if latest else "",
        supporting=supporting,
        update_date_given=latest.date_given if latest else True,
        overdue_days=item.overdue_days,
        evidence=() if supporting else evidence.get(item.finding.pk, ()),
    )


def content_type(fmt: str) -> str:
    try:
        return CONTENT_TYPES[fmt]
    except KeyError:
        raise ValueError(
            f"Unknown export format {fmt!r}; expected one of {', '.join(CONTENT_TYPES)}."
        ) from None


def filename(inspection: Inspection, fmt: str) -> str:
    content_type(fmt)  # validates fmt
    stem = slugify(inspection.title)[:80].strip("-") or "inspection"
    return f"{stem}-improvement-plan.{fmt}"


def render_appendix(inspection: Inspection, as_of: date, fmt: str) -> bytes:
    content_type(fmt)  # ValueError for an unknown format
    renderers = {"pdf": render_pdf, "docx": render_docx, "xlsx": render_xlsx}
    return renderers[fmt](appendix_data(inspection, as_of))


# --- PDF ---------------------------------------------------------------------------------------------


def render_pdf(data: AppendixData) -> bytes:
    from weasyprint import HTML  # heavy import: only when a PDF is wanted
    from weasyprint.urls import URLFetcher

    html = render_to_string(
        "inspections/appendix_pdf.html",
        {
            "data": data,
            "summary_columns": [(h, key, RAG_COLOURS.get(s or "")) for h, key, s in SUMMARY_COLUMNS],
            "plan_headings": PLAN_HEADINGS,
            "all_portfolios_heading": ALL_PORTFOLIOS_HEADING,
            "summary_key": SUMMARY_KEY,
        },
    )
    # The appendix needs no external resource: fetch none (no file:, http: or any other URL).
    # PDF/UA-1: tagged (headings, tables with their header cells, reading order), with the document's
    # title (<title>) shown as its title and its language (<html lang="en-GB">), for screen readers.
    pdf = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf(pdf_variant=PDF_VARIANT)
    assert isinstance(pdf, bytes)
    return pdf


# --- DOCX --------------------------------------------------------------------------------------------

_DOCX_PLAN_WIDTHS = [Cm(2.4), Cm(7.0), Cm(2.4), Cm(3.4), Cm(7.2), Cm(2.4), Cm(1.9)]  # 26.7cm: A4 landscape
_DOCX_SUMMARY_WIDTHS = [Cm(5.0)] + [Cm(2.2)] * 5 + [Cm(2.6), Cm(2.2)]


def render_docx(data: AppendixData) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))
    for style_name in ("Normal", "Title", "Heading 1"):
        _set_font(doc.styles[style_name], "Arial")
    doc.styles["Normal"].font.size = Pt(9)

    header = section.header.paragraphs[0]
    header.text = data.inspection_title
    footer = section.footer.paragraphs[0]
    footer.add_run("Page ")
    _add_field(footer, "PAGE")
    footer.add_run(" of ")
    _add_field(footer, "NUMPAGES")

    doc.add_heading(data.title, level=0)
    doc.add_paragraph(data.position_text)
    if not data.sections:
        doc.add_paragraph("No portfolio has a lead allocation in force on this date.")
    else:
        doc.add_heading(ALL_PORTFOLIOS_HEADING, level=1)
        _docx_summary(doc, data.all_portfolios)
        doc.add_paragraph(SUMMARY_KEY)
    for sec in data.sections:
        heading = doc.add_heading(sec.name, level=1)
        heading.paragraph_format.page_break_before = True
        doc.add_paragraph(f"Portfolio holder: {sec.holder}")
        doc.add_paragraph(f"Improvement plan owner: {sec.plan_owner}")
        _docx_summary(doc, sec.summary)
        doc.add_paragraph()

        plan = _docx_table(doc, PLAN_HEADINGS, _DOCX_PLAN_WIDTHS)
        for row in sec.rows:
            values = [row.ref_label, row.finding, row.due_text, row.action_owner]
            values += [row.update_with_evidence, row.update_date_text, row.rag_text]
            cells = _docx_row(plan, values, _DOCX_PLAN_WIDTHS)
            if row.rag_colours:
                _shade(cells[-1], *row.rag_colours)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _docx_summary(doc: Any, rows: list[dict[str, object]]) -> None:
    summary = _docx_table(doc, [h for h, _, _ in SUMMARY_COLUMNS], _DOCX_SUMMARY_WIDTHS)
    for cell, (_, _, status) in zip(summary.rows[0].cells, SUMMARY_COLUMNS, strict=True):
        if status:
            _shade(cell, *RAG_COLOURS[status])
    for srow in rows:
        cells = _docx_row(summary, [str(srow[key]) for _, key, _ in SUMMARY_COLUMNS], _DOCX_SUMMARY_WIDTHS)
        for cell in cells[1:]:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _docx_table(doc: Any, headings: list[str], widths: list[Any]) -> Any:
    table = doc.add_table(rows=0, cols=len(headings))
    table.style = "Table Grid"
    table.autofit = False
    cells = _docx_row(table, headings, widths)
    for cell in cells:
        _shade(cell, "F3F2F1", "0B0C0C")  # statuses' headings are re-shaded by the caller
    trPr = table.rows[0]._tr.get_or_add_trPr()
    trPr.append(_on_off("w:tblHeader"))  # repeat the heading row on every page
    return table


def _docx_row(table: Any, values: list[str], widths: list[Any]) -> list[Any]:
    row = table.add_row()
    row._tr.get_or_add_trPr().append(_on_off("w:cantSplit"))  # a row is not split across pages
    for cell, value, width in zip(row.cells, values, widths, strict=True):
        cell.width = width
        cell.text = value
    return list(row.cells)


def _on_off(tag: str) -> Any:
    el = OxmlElement(tag)
    el.set(qn("w:val"), "true")
    return el


def _shade(cell: Any, fill: str, colour: str) -> None:
    """Cell background `fill` and text `colour` (hex RGB)."""
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcPr = cell._tc.get_or_add_tcPr()
    for old in tcPr.findall(qn("w:shd")):
        tcPr.remove(old)
    tcPr.insert_element_before(shd, "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign")
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            run.font.color.rgb = RGBColor.from_string(colour)
            run.bold = True


def _add_field(paragraph: Any, instr: str) -> None:
    """A simple field (PAGE, NUMPAGES) that Word fills in when it lays the document out."""
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


def _set_font(style: Any, name: str) -> None:
    """Set a style's font everywhere Word looks (theme fonts would otherwise win)."""
    style.font.name = name
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), name)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        rfonts.attrib.pop(qn(attr), None)


# --- XLSX --------------------------------------------------------------------------------------------

_XLSX_PLAN_WIDTHS = [18, 60, 13, 24, 60, 14, 11]
_XLSX_SUMMARY_WIDTHS = [36, 24, 10, 12, 10, 10, 10, 15, 10]
_DATE_FORMAT = "d mmm yyyy"
_BOLD = Font(bold=True)
_TOP = Alignment(vertical="top")
_WRAP = Alignment(vertical="top", wrap_text=True)


def render_xlsx(data: AppendixData) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Summary"
    used = {"summary"}
    _put(ws, 1, 1, data.title).font = Font(bold=True, size=14)
    _put(ws, 2, 1, data.position_text)
    if data.sections:
        _put(ws, 3, 1, SUMMARY_KEY)
    headings = ["Portfolio", "Finding type"] + [h for h, _, _ in SUMMARY_COLUMNS[1:]]
    statuses = [None, None, *(s for _, _, s in SUMMARY_COLUMNS[1:])]
    _xlsx_heading(ws, 4, headings, statuses)
    r = 5
    # The force-wide rows first (each portfolio's rows add up to them), then each portfolio's.
    blocks = [(ALL_PORTFOLIOS_HEADING, data.all_portfolios)]
    blocks += [(sec.name, sec.summary) for sec in data.sections]
    for name, summary_rows in blocks:
        for srow in summary_rows:
            _put(ws, r, 1, name)
            for c, (_, key, _) in enumerate(SUMMARY_COLUMNS, start=2):
                _put(ws, r, c, srow[key])
            r += 1
    _widths(ws, _XLSX_SUMMARY_WIDTHS)
    ws.freeze_panes = "A5"

    for sec in data.sections:
        ws = wb.create_sheet(sheet_title(sec.name, used))
        _put(ws, 1, 1, sec.name).font = Font(bold=True, size=14)
        _put(ws, 2, 1, f"Portfolio holder: {sec.holder}")
        _put(ws, 3, 1, f"Improvement plan owner: {sec.plan_owner}")
        _xlsx_heading(ws, 5, PLAN_HEADINGS, [None] * len(PLAN_HEADINGS))
        for r, row in enumerate(sec.rows, start=6):
            values: list[object] = [row.ref_label, row.finding, row.due_date, row.action_owner]
            values += [row.update_with_evidence, row.update_date_cell, row.rag_text]
            for c, value in enumerate(values, start=1):
                cell = _put(ws, r, c, value)
                cell.alignment = _WRAP if c in (2, 5) else _TOP
                if isinstance(value, date):
                    cell.number_format = _DATE_FORMAT
            if row.rag_colours:
                _fill(ws.cell(r, 7), *row.rag_colours)
        _widths(ws, _XLSX_PLAN_WIDTHS)
        ws.freeze_panes = "A6"
        ws.auto_filter.ref = f"A5:G{max(5, 5 + len(sec.rows))}"
        ws.print_title_rows = "5:5"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def sheet_title(name: str, used: set[str]) -> str:
    """A worksheet name: at most 31 characters, none of []:*?/\\, unique (case-insensitively) in `used`."""
    base = re.sub(r"[\[\]:*?/\\]", "-", ILLEGAL_CHARACTERS_RE.sub("", name)).strip().strip("'").strip()
    base = base[:31].strip() or "Portfolio"
    title, n = base, 1
    while title.lower() in used or title.lower() == "history":  # "History" is reserved by Excel
        n += 1
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)].rstrip() + suffix
    used.add(title.lower())
    return title


def _put(ws: Any, row: int, col: int, value: object) -> Any:
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a formula
    return cell


def _xlsx_heading(ws: Any, row: int, headings: list[str], statuses: Sequence[str | None]) -> None:
    for c, (heading, status) in enumerate(zip(headings, statuses, strict=True), start=1):
        cell = _put(ws, row, c, heading)
        cell.font = _BOLD
        cell.alignment = _TOP
        if status:
            _fill(cell, *RAG_COLOURS[status])


def _fill(cell: Any, fill: str, colour: str) -> None:
    cell.fill = PatternFill(fill_type="solid", start_color=f"FF{fill}", end_color=f"FF{fill}")
    cell.font = Font(bold=True, color=f"FF{colour}")


def _widths(ws: Any, widths: list[int]) -> None:
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
