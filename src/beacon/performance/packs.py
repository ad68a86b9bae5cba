"""Performance packs: for a place and a month, per KPI the chart, the last 12 months as a table, the
target and RAG, rolling 12 months against the previous 12 with its significance, and the owner's
dated commentary. PDF through WeasyPrint (the chart as the pages' own SVG), DOCX through python-docx
(the chart's figures as a table and its one-line summary: Word has no place for an SVG drawing)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from beacon.core.errors import Problem, ValidationFailed
from beacon.performance import charts, selectors
from beacon.performance.definitions import format_value
from beacon.performance.figures import chart_for, chart_unit
from beacon.performance.models import Commentary
from beacon.performance.places import Place

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
RAG_WORDS = {"green": "Green", "amber": "Amber", "red": "Red", "": "No target"}


@dataclass(frozen=True)
class PackRow:
    month: str
    value: str
    rolling: str
    last_year: str
    against_last_year: str


@dataclass(frozen=True)
class PackSection:
    code: str
    name: str
    owner: str
    description: str
    chart: SafeString
    chart_summary: str
    rows: list[PackRow]
    latest: str
    rolling_words: str
    rolling_now: str
    rolling_before: str
    fytd_words: str
    target: str
    rag: str
    process: str
    commentary: list[Commentary]


@dataclass(frozen=True)
class Pack:
    place: Place
    month: dt.date
    made_at: dt.datetime
    sections: list[PackSection]

    @property
    def title(self) -> str:
        return f"Performance pack: {self.place.name}, {self.month:%B %Y}"


def _against(f: selectors.MonthFigure) -> str:
    if f.significant is None or f.p_value is None:
        return "–"
    return f"{'significant' if f.significant else 'not significant'} (p {f.p_value:.3f})"


def pack_data(place: Place, month: dt.date) -> Pack:
    if selectors.latest_month() is None:
        raise ValidationFailed(
            [Problem("No KPI values are computed yet: run beacon performance compute.", "month")]
        )
    summaries = selectors.dashboard(place, month, tested_months=12)  # the pack tables the last 12
    notes: dict[int, list[Commentary]] = {}
    for c in Commentary.objects.filter(place_key=place.key, month__lte=month).select_related("author"):
        notes.setdefault(c.kpi_id, []).append(c)
    sections = []
    for i, s in enumerate(summaries):
        unit = s.version.unit
        points = [charts.ChartPoint(selectors.month_label(f.month), f.value) for f in s.history]
        sections.append(
            PackSection(
                code=s.kpi.code,
                name=s.version.name,
                owner=s.version.owner,
                description=s.version.description,
                chart=mark_safe(chart_for(s, f"pack-{i}", width=680)),  # noqa: S308 (escaped by charts)
                chart_summary=charts.summary_line(points, chart_unit(unit)),
                rows=[
                    PackRow(
                        f"{f.month:%B %Y}",
                        format_value(unit, f.value),
                        format_value(unit, f.rolling_12),
                        format_value(unit, f.previous_year),
                        _against(f),
                    )
                    for f in s.history[-12:]
                ],
                latest=format_value(unit, s.latest.value),
                rolling_words=s.rolling.words,
                rolling_now=format_value(unit, s.rolling.now),
                rolling_before=format_value(unit, s.rolling.before),
                fytd_words=f"{format_value(unit, s.fytd.now)} against {format_value(unit, s.fytd.before)} "
                f"({s.fytd.words})",
                target=(
                    f"{format_value(unit, s.target.value)} ({s.target.get_period_display().lower()})"
                    if s.target
                    else "none set"
                ),
                rag=RAG_WORDS.get(s.rag, s.rag),
                process=s.chart.summary(),
                commentary=notes.get(s.kpi.pk, [])[:3],
            )
        )
    return Pack(place, month, timezone.now(), sections)


def render_pack(place: Place, month: dt.date, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise ValidationFailed([Problem(f"The format is one of {', '.join(FORMATS)}.", "format")])
    data = pack_data(place, month)
    return _pdf(data) if fmt == "pdf" else _docx(data)


def _pdf(pack: Pack) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string("performance/pack_pdf.html", {"pack": pack})
    pdf = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def _docx(pack: Pack) -> bytes:
    from docx import Document

    doc = Document()
    doc.core_properties.title = pack.title
    doc.add_heading(pack.title, level=0)
    doc.add_paragraph(
        f"Made {timezone.localtime(pack.made_at):%d %B %Y %H:%M} from the values Beacon stores. "
        "Changes compare the 12 months to the month with the 12 months before; significance by "
        "the exact test of two counts (two-proportion test for percentages), p below 0.05."
    )
    for s in pack.sections:
        doc.add_heading(s.name, level=1)
        doc.add_paragraph(f"{s.description} Owner: {s.owner}.")
        doc.add_paragraph(
            f"Latest month: {s.latest}. Rolling 12 months: {s.rolling_now} against {s.rolling_before} "
            f"({s.rolling_words}). Financial year to date: {s.fytd_words}. Target: {s.target}. RAG: {s.rag}."
        )
        doc.add_paragraph(f"Chart: {s.chart_summary} {s.process}")
        table = doc.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells,
            ("Month", "Value", "Rolling 12 months", "Same month last year", "Against last year"),
            strict=True,
        ):
            cell.text = text
        for r in s.rows:
            cells = table.add_row().cells
            for cell, text in zip(
                cells, (r.month, r.value, r.rolling, r.last_year, r.against_last_year), strict=True
            ):
                cell.text = text
        if s.commentary:
            doc.add_heading("Commentary", level=2)
            for c in s.commentary:
                who = c.author.get_full_name() or c.author.username
                doc.add_paragraph(
                    f"{c.month:%B %Y}, written {timezone.localtime(c.written_at):%d %B %Y} by {who}: {c.text}"
                )
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
