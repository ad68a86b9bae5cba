"""Extract a draft inspection (grades, recommendations, areas for improvement) from a report.

Reports arrive as plain text or PDF. The draft is reviewed by a person and then fed to
`services.create_inspection_from_draft`; nothing here writes to the database.

How a report is read:

1. The text is split into normalised lines; page breaks (form feeds from PDFs) become cut markers.
2. Page headers and footers are found (short lines that repeat, stand apart from the prose and are not
   part of the report's structure) and replaced by cut markers too.
3. The summary tables (national and force summary of judgements) are read line by line.
4. The remaining lines become blocks: paragraphs (consecutive prose lines) and structural lines
   (headings, "GRADE x", "RECOMMENDATION n", distribution tables). A paragraph split by a cut is
   joined up again when the first part stops mid-sentence.
5. Sections start at the title above each "GRADE x" line; recommendations and areas for improvement
   are read from the blocks.
"""

from __future__ import annotations

import io
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from beacon.core.errors import Problem, ValidationFailed

Draft = dict[str, list[dict[str, Any]]]

CUT = "\f"  # a page break or a removed header/footer: a paragraph may continue across it
TERMINAL = (".", "?", "!", ":", ";")
MAX_DEBRIS_LEN = 80

_GRADES_2007 = ("Excellent", "Good", "Fair", "Poor")
_GRADES_PEEL = ("Outstanding", "Good", "Adequate", "Requires improvement", "Inadequate")
_GRADE_NAMES = (*_GRADES_PEEL, *_GRADES_2007)
_CANONICAL_GRADE = {g.casefold(): g for g in _GRADE_NAMES}
_GRADE = "(?:" + "|".join(g.casefold().replace(" ", r"\s+") for g in _GRADE_NAMES) + ")"

_RULE_RE = re.compile(r"^[-_=\u2013\u2014\s]+$")
_GRADE_LINE_RE = re.compile(rf"^grade\s*:?\s*({_GRADE})$", re.I)
_REC_RE = re.compile(r"^recommendation\s+(\d+)(?:\s*[:.\u2013\u2014-]\s*(.*))?$", re.I)
_DIST_HEADER_RE = re.compile(rf"^{_GRADE}(?:\s+{_GRADE})+$", re.I)
_NUM_ROW_RE = re.compile(r"^(?:(.*?\D)\s+)?(\d+(?:\s+\d+)+)$")
_SUMMARY_ROW_RE = re.compile(rf"^(.+?)\s+({_GRADE})$", re.I)
_CATEGORY_ROW_RE = re.compile(r"^(?:.+?\s+)?grade$", re.I)
_BULLET_RE = re.compile(r"^[•▪◦●·*]\s*")
_HEADING_RE = re.compile(
    r"^(?:(?P<afi>areas?\s+for\s+improvement)"
    r"|(?P<recs>(?:summary\s+of\s+)?recommendations)"
    r"|(?P<distribution>national\s+grade\s+distribution)"
    r"|(?P<national>national\s+summary\s+of\s+judge?ments)"
    r"|(?P<force>force\s+summary\s+of\s+judge?ments)"
    r"|(?P<other>contextual\s+factors|strengths|work\s+in\s+progress|contents|introduction|findings"
    r"|(?:good|notable|innovative|promising)\s+practice|causes?\s+of\s+concern"
    r"|(?:appendix|annex|glossary)\b.*))\s*:?$",
    re.I,
)


@dataclass
class Block:
    """A paragraph (kind "para") or one structural line of the report."""

    kind: str  # para | heading | grade | rec | dist | numrow
    text: str
    detail: str = ""  # heading name, grade, or recommendation number
    cut_before: bool = False
    title: bool = False  # a section title (the paragraph just above "GRADE x")


@dataclass
class Section:
    title: str
    area: str
    start: int
    end: int
    grade: str


def extract_file(path: Path) -> Draft:
    """Extract a draft from a .txt or .pdf report; anything else is refused with ValidationFailed."""
    suffix = path.suffix.lower()
    if suffix not in (".txt", ".pdf"):
        kind = f"{suffix} files" if suffix else "Files without an extension"
        raise ValidationFailed.one(
            f"{kind} cannot be read: give the report as a .txt or .pdf file.", path.name
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationFailed.one(f"The file could not be read ({exc.strerror or exc}).", path.name) from exc
    try:
        text = pdf_to_text(data) if suffix == ".pdf" else _decode_text(data)
    except ValidationFailed as exc:
        raise ValidationFailed([Problem(p.message, path.name) for p in exc.problems]) from exc
    return extract_text(text)


def pdf_to_text(data: bytes) -> str:
    """The text of a PDF, page by page (pages separated by form feeds), laid out as on the page."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationFailed.one(
                "The PDF is password-protected; save an unprotected copy and try again."
            )
        pages = [_page_text(page) for page in reader.pages]
    except ValidationFailed:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on damaged files
        raise ValidationFailed.one(f"The file is not a readable PDF ({exc}).") from exc
    text = CUT.join(pages)
    if not text.strip():
        raise ValidationFailed.one(
            "The PDF contains no text (is it a scanned image?); run it through OCR or supply a text version."
        )
    return text


def extract_text(text: str) -> Draft:
    """Extract {"grades", "recommendations", "areas_for_improvement"} from a report's text."""
    lines = _normalise_lines(text)
    candidates = _debris_candidates(lines)
    summary = _force_summary(lines, candidates)
    national = _national_table(lines, candidates)
    areas = [area for area, _ in summary]
    debris = candidates - _protected_keys(lines, areas)
    blocks = _merge_cut_paragraphs(_blocks([CUT if _key(line) in debris else line for line in lines]))
    _mark_titles(blocks)
    closing = _closing_start(blocks)
    end = len(blocks) if closing is None else closing
    sections = _sections(blocks, areas, end)
    return {
        "grades": _grades(summary, national, blocks, sections),
        "recommendations": _recommendations(blocks, sections, areas or [s.area for s in sections], closing),
        "areas_for_improvement": _areas_for_improvement(blocks, sections),
    }


def _page_text(page: Any) -> str:
    try:
        return str(page.extract_text(extraction_mode="layout"))
    except Exception:  # layout mode fails on some fonts; plain mode still gives the words
        return str(page.extract_text())


def _decode_text(data: bytes) -> str:
    if b"\x00" in data:
        raise ValidationFailed.one("The file is not plain text; give the report as a .txt or .pdf file.")
    for encoding in ("utf-8-sig", "cp1252"):  # UTF-8, else the Windows encoding many forces save in
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed.one("The text file is in an unknown encoding; save it as UTF-8.")


def _normalise_lines(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "").replace("\u200b", "")
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        for n, piece in enumerate(raw.split(CUT)):
            if n:
                lines.append(CUT)
            lines.append(" ".join(piece.split()))
    return lines


def _key(line: str) -> str:
    """Lines that differ only in numbers (page numbers, dates) share a key."""
    return re.sub(r"\d+", "#", line).casefold()


def _fold(text: str) -> str:
    text = re.sub(r"[\u2013\u2014-]", " ", text.casefold()).replace("&", " and ")
    return " ".join(text.split())


def _classify(line: str) -> tuple[str, str]:
    """(kind, detail) of one non-blank line; kind "para" for prose."""
    if _RULE_RE.match(line):
        return "rule", ""
    if m := _GRADE_LINE_RE.match(line):
        return "grade", _canonical_grade(m[1])
    if m := _REC_RE.match(line):
        return "rec", m[1]
    if len(line) < MAX_DEBRIS_LEN and (m := _HEADING_RE.match(line)):
        return "heading", str(m.lastgroup)
    if _DIST_HEADER_RE.match(line):
        return "dist", ""
    if len(line) <= 120 and _NUM_ROW_RE.match(line):
        return "numrow", ""
    return "para", ""


def _canonical_grade(text: str) -> str:
    return _CANONICAL_GRADE[" ".join(text.split()).casefold()]


def _debris_candidates(lines: list[str]) -> set[str]:
    """Keys of lines that look like page furniture.

    A run is a group of lines between blank lines or page breaks. A run is furniture when every line
    in it is short, has no closing punctuation, is not structural, and recurs (give or take numbers)
    in at least two runs. With page breaks (PDF text) only the first and last run of each page are
    looked at, so a wrapped sentence that the report repeats is not taken for a header.
    """
    runs = _runs(lines)
    counts = Counter(key for run in runs for key in {_key(line) for line in run if _debris_shape(line)})
    repeated = {key for key, n in counts.items() if n >= 2}
    return {_key(line) for run in runs if all(_key(x) in repeated for x in run) for line in run}


def _runs(lines: list[str]) -> list[list[str]]:
    """Runs of non-blank lines; when the text has page breaks, only the first and last run of a page."""
    pages: list[list[list[str]]] = [[]]
    run: list[str] = []
    for line in [*lines, ""]:
        if line and line != CUT:
            run.append(line)
            continue
        if run:
            pages[-1].append(run)
            run = []
        if line == CUT:
            pages.append([])
    if len(pages) == 1:
        return pages[0]
    return [run for page in pages for run in page[:1] + page[1:][-1:]]


def _debris_shape(line: str) -> bool:
    return len(line) < MAX_DEBRIS_LEN and not line.endswith((*TERMINAL, ",")) and _classify(line)[0] == "para"


def _protected_keys(lines: list[str], areas: list[str]) -> set[str]:
    """Repeated lines that are the report's own: graded-area names and titles naming them. Without a
    summary table, the line just above each "GRADE x" (the section title) is kept."""
    folded = [f" {_fold(area)} " for area in areas]
    keep = {_key(line) for line in lines if any(a in f" {_fold(line)} " for a in folded)}
    if not areas:
        previous = ""
        for line in lines:
            if line and line != CUT:
                if _GRADE_LINE_RE.match(line) and previous:
                    keep.add(_key(previous))
                if not _RULE_RE.match(line):
                    previous = line
    return keep


def _following(lines: list[str], start: int, skip: set[str]) -> Iterator[tuple[int, str]]:
    """Non-blank lines after `start` (with their indexes), passing over rules and page furniture."""
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if line and line != CUT and not _RULE_RE.match(line) and _key(line) not in skip:
            yield i, line


def _table_rows(lines: list[str], start: int, skip: set[str], is_row: Callable[[str], bool]) -> Iterator[str]:
    """Rows of a table after lines[start]; a label wrapped over up to two lines is joined to its row."""
    pending: list[str] = []
    for _, line in _following(lines, start, skip):
        if is_row(line):
            yield " ".join([*pending, line])
            pending = []
        elif len(pending) < 2 and len(line) < 60 and _classify(line)[0] == "para":
            pending.append(line)
        else:
            return


def _heading(line: str) -> str:
    kind, detail = _classify(line) if line and line != CUT else ("", "")
    return detail if kind == "heading" else ""


def _distribution_headers(line: str) -> list[str] | None:
    if not _DIST_HEADER_RE.match(line):
        return None
    return [_canonical_grade(g) for g in re.findall(_GRADE, line, re.I)]


def _numbers_row(line: str, headers: list[str]) -> tuple[str, dict[str, int]] | None:
    m = _NUM_ROW_RE.match(line)
    if not m:
        return None
    numbers = [int(n) for n in m[2].split()]
    if len(numbers) != len(headers):
        return None
    return (m[1] or "").strip(), dict(zip(headers, numbers, strict=True))


def _national_table(lines: list[str], skip: set[str]) -> dict[str, dict[str, int]]:
    """{area as written: {grade: count}} from the "National summary of judgements" table."""
    for i, line in enumerate(lines):
        if _heading(line) != "national":
            continue
        first = next(_following(lines, i, skip), None)
        headers = _distribution_headers(first[1]) if first else None
        if first is None or headers is None:
            continue
        rows: dict[str, dict[str, int]] = {}
        for row_line in _table_rows(lines, first[0], skip, lambda x: _NUM_ROW_RE.match(x) is not None):
            row = _numbers_row(row_line, headers)
            if row is None or not row[0]:
                break
            rows[row[0]] = row[1]
        if rows:
            return rows
    return {}


def _is_summary_row(line: str) -> bool:
    if len(line) > 120 or _GRADE_LINE_RE.match(line):
        return False
    return bool(_CATEGORY_ROW_RE.match(line) or _SUMMARY_ROW_RE.match(line))


def _force_summary(lines: list[str], skip: set[str]) -> list[tuple[str, str]]:
    """[(area, grade)] from the "Force summary of judgements" table (category rows are passed over)."""
    for i, line in enumerate(lines):
        if _heading(line) != "force":
            continue
        rows: list[tuple[str, str]] = []
        for row_line in _table_rows(lines, i, skip, _is_summary_row):
            if m := _SUMMARY_ROW_RE.match(row_line):
                rows.append((m[1].strip(), _canonical_grade(m[2])))
        if rows:
            return rows
    return []


def _blocks(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    para: list[str] = []
    cut = False
    for line in [*lines, ""]:
        kind, detail = _classify(line) if line and line != CUT else ("", "")
        if kind == "para":
            para.append(line)
            continue
        if para:
            blocks.append(Block("para", _join_lines(para), cut_before=cut))
            para, cut = [], False
        if line == CUT:
            cut = True
        elif kind and kind != "rule":
            blocks.append(Block(kind, line, detail, cut_before=cut))
            cut = False
    return blocks


def _join_lines(parts: list[str]) -> str:
    text = ""
    for part in parts:
        if text and re.search(r"[a-z]-$", text) and part[:1].islower():
            text += part  # a word hyphenated at the end of a line
        else:
            text = f"{text} {part}" if text else part
    return text


def _merge_cut_paragraphs(blocks: list[Block]) -> list[Block]:
    """Join a paragraph to the one before when a page break or header/footer cut it in two."""
    merged: list[Block] = []
    for block in blocks:
        if merged and _continues(merged[-1], block):
            merged[-1].text = _join_lines([merged[-1].text, block.text])
        else:
            merged.append(block)
    return merged


def _continues(prev: Block, block: Block) -> bool:
    """Whether `block` is the rest of paragraph `prev`, cut by a page break or header/footer."""
    before, after = prev.text, block.text
    if not block.cut_before or prev.kind != "para" or block.kind != "para" or before.endswith(TERMINAL):
        return False
    if after[:1].islower() or after[:1].isdigit() or after[:1] in ",;:)\u2013-":
        return True
    return len(before.split()) >= 6 and not _heading_like(after)


def _heading_like(text: str) -> bool:
    return len(text) <= 70 and text[:1].isupper() and not text.endswith((*TERMINAL, ","))


def _mark_titles(blocks: list[Block]) -> None:
    for prev, block in itertools.pairwise(blocks):
        if block.kind == "grade" and prev.kind == "para" and _heading_like(prev.text):
            prev.title = True


def _closing_start(blocks: list[Block]) -> int | None:
    """Index of the "Recommendations" heading that opens the closing list, if the report has one."""
    for i in range(len(blocks) - 1, -1, -1):
        is_heading = blocks[i].kind == "heading" and blocks[i].detail == "recs"
        if is_heading and any(b.kind == "rec" for b in blocks[i + 1 : i + 4]):
            return i
    return None


def _map_area(name: str, areas: list[str]) -> str | None:
    """The graded area `name` refers to: equal, or one contains the other (ignoring case)."""
    folded = f" {_fold(name)} "
    for area in areas:
        if _fold(area) == folded.strip():
            return area
    hits = [a for a in areas if f" {_fold(a)} " in folded or folded in f" {_fold(a)} "]
    return max(hits, key=len) if hits else None


def _sections(blocks: list[Block], areas: list[str], end: int) -> list[Section]:
    starts = [i for i in range(end) if blocks[i].title]
    if not starts:  # no "GRADE x" lines: titles are short lines naming a graded area above a heading
        for i in range(end - 1):
            b = blocks[i]
            before_heading = blocks[i + 1].kind in ("heading", "grade", "dist")
            if b.kind == "para" and before_heading and _heading_like(b.text) and _map_area(b.text, areas):
                b.title = True
                starts.append(i)
    sections = []
    for n, start in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else end
        title = blocks[start].text
        grade = blocks[start + 1].detail if blocks[start + 1].kind == "grade" else ""
        sections.append(Section(title, _map_area(title, areas) or title, start, stop, grade))
    return sections


def _section_at(sections: list[Section], index: int) -> Section | None:
    return next((s for s in sections if s.start <= index < s.end), None)


def _section_distribution(blocks: list[Block], section: Section) -> dict[str, int]:
    for i in range(section.start, section.end - 1):
        headers = _distribution_headers(blocks[i].text) if blocks[i].kind == "dist" else None
        if headers and blocks[i + 1].kind == "numrow":
            row = _numbers_row(blocks[i + 1].text, headers)
            if row and not row[0]:
                return row[1]
    return {}


def _grades(
    summary: list[tuple[str, str]],
    national: dict[str, dict[str, int]],
    blocks: list[Block],
    sections: list[Section],
) -> list[dict[str, Any]]:
    if not summary:
        summary = [(s.title, s.grade) for s in sections if s.grade]
    grades = []
    for area, grade in summary:
        label = _map_area(area, list(national))
        distribution = national[label] if label else {}
        if not distribution:
            section = next((s for s in sections if s.area == area), None)
            distribution = _section_distribution(blocks, section) if section else {}
        grades.append({"area": area, "grade": grade, "national_distribution": distribution})
    return grades


def _recommendation_text(blocks: list[Block], i: int) -> tuple[str, int]:
    """The text of the recommendation headed at blocks[i], and the index after it."""
    rest = _REC_RE.match(blocks[i].text)
    parts = [rest[2].strip()] if rest and rest[2] and rest[2].strip() else []
    j = i + 1
    if (not parts or not parts[0].endswith(TERMINAL)) and _is_text(blocks, j):
        parts.append(blocks[j].text)
        j += 1
    while parts and _is_text(blocks, j) and _list_continues(parts[-1], blocks[j].text):
        parts.append(blocks[j].text)
        j += 1
    return _clean(" ".join(parts)), j


def _is_text(blocks: list[Block], j: int) -> bool:
    return j < len(blocks) and blocks[j].kind == "para" and not blocks[j].title


def _list_continues(before: str, after: str) -> bool:
    if before.endswith((":", ";")):
        return True
    return not before.endswith((".", "?", "!")) and (after[:1].islower() or bool(_BULLET_RE.match(after)))


def _clean(text: str) -> str:
    return " ".join(_BULLET_RE.sub("", text.strip()).split())


def _recommendations(
    blocks: list[Block], sections: list[Section], areas: list[str], closing: int | None
) -> list[dict[str, Any]]:
    end = len(blocks) if closing is None else closing
    found: dict[int, dict[str, Any]] = {}
    for i in range(end):
        if blocks[i].kind == "rec":
            text, _ = _recommendation_text(blocks, i)
            section = _section_at(sections, i)
            if text:
                found[int(blocks[i].detail)] = _rec(blocks[i].detail, text, section.area if section else "")
    if closing is not None:
        for number, rec in _closing_list(blocks, closing, areas).items():
            heading = rec.pop("heading")
            rec["area"] = rec["area"] or found.get(number, {}).get("area") or heading
            found[number] = rec
    return [found[n] for n in sorted(found)]


def _rec(number: str, text: str, area: str) -> dict[str, Any]:
    return {"number": int(number), "text": text, "area": area}


def _closing_list(blocks: list[Block], start: int, areas: list[str]) -> dict[int, dict[str, Any]]:
    """Recommendations in the closing list, each under the area heading above it. The list ends at the
    first block that is neither (an introductory paragraph before the first one is passed over)."""
    found: dict[int, dict[str, Any]] = {}
    area = heading = ""
    i = start + 1
    while i < len(blocks):
        block = blocks[i]
        if block.kind == "rec":
            text, i = _recommendation_text(blocks, i)
            if text:
                found[int(block.detail)] = {**_rec(block.detail, text, area), "heading": heading}
            continue
        if block.kind != "para" or (found and not _is_list_heading(blocks, i)):
            break
        if _is_list_heading(blocks, i):
            area, heading = _map_area(block.text, areas) or "", block.text
        i += 1
    return found


def _is_list_heading(blocks: list[Block], i: int) -> bool:
    """An area heading in the closing list: a short line with no full stop, just above a recommendation."""
    text = blocks[i].text
    return (
        len(text) <= 120
        and not text.endswith(TERMINAL)
        and i + 1 < len(blocks)
        and blocks[i + 1].kind == "rec"
    )


def _areas_for_improvement(blocks: list[Block], sections: list[Section]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for section in sections:
        i = section.start + 1
        while i < section.end:
            if blocks[i].kind == "heading" and blocks[i].detail == "afi":
                i = _collect_afis(blocks, i + 1, section, found)
            else:
                i += 1
    return found


def _collect_afis(blocks: list[Block], i: int, section: Section, found: list[dict[str, Any]]) -> int:
    """Paragraphs from blocks[i] to the next heading, passing over inline recommendations."""
    while i < section.end:
        block = blocks[i]
        if block.kind == "rec":
            _, i = _recommendation_text(blocks, i)
            continue
        if block.kind != "para" or block.title:
            break
        if text := _clean(block.text):
            found.append({"area": section.area, "text": text})
        i += 1
    return i
