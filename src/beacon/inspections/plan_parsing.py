"""Improvement-plan files on their own: reading them (CSV or XLSX), parsing their cells (dates, kinds,
roles, statuses) and checking their rows against each other (PlanFile).

Nothing here touches the database; the importer compares the result with what Beacon holds. Every
problem is reported in words a plan owner can act on, with its row and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from django.db import models
from django.utils import timezone

from beacon.core.errors import Problem, ValidationFailed
from beacon.core.formatting import MONTH_NUMBERS, display_date
from beacon.inspections.models import Allocation, Finding, Inspection, Portfolio, Status

COLUMNS: tuple[str, ...] = (
    "inspection",
    "ref",
    "kind",
    "parent_ref",
    "category",
    "text",
    "pages",
    "portfolio",
    "portfolio_holder",
    "plan_owner",
    "role",
    "action_owner",
    "due_date",
    "status",
    "update_date",
    "update",
    "transferred_to",
    "transferred_on",
)
COLUMN_ORDER = {c: i for i, c in enumerate(COLUMNS)}

Table = tuple[list[str], list[list[object]]]
_T = TypeVar("_T")


# --- files -------------------------------------------------------------------------------------


def read_plan_file(path: Path, name: str = "") -> Table:
    """The header and data rows of a plan file, read by its extension. Empty rows are kept so that
    row numbers stay as a spreadsheet shows them (data row i is row i + 2). `name` is the file's name
    as the user knows it (an upload is saved under a temporary one), for messages."""
    suffix = path.suffix.lower()
    name = name or path.name
    if suffix == ".csv":
        return _read_csv(path, name)
    if suffix == ".xlsx":
        return _read_xlsx(path, name)
    hint = " (save it as .xlsx)" if suffix in (".xls", ".xlsm", ".ods") else ""
    raise ValidationFailed(
        [Problem(f"{name}: unsupported file type '{suffix or 'none'}'{hint}; use a .csv or .xlsx file.")]
    )


def _read_csv(path: Path, name: str) -> Table:
    data = path.read_bytes()
    if b"\x00" in data:
        raise ValidationFailed([Problem(f"{name} is not a text CSV file (it contains binary data).")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(_encoding_problems(name, data)) from exc
    try:
        records: list[list[object]] = [[*r] for r in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise ValidationFailed([Problem(f"{name} could not be read as CSV: {exc}.")]) from exc
    return _split(name, records)


def _encoding_problems(name: str, data: bytes) -> list[Problem]:
    """Where the bytes that are not UTF-8 are: one problem per row and column."""
    hint = "save the file as 'CSV UTF-8' and import it again"
    text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "surrogateescape")
    problems = []
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        records = []
    header = [c.strip().lower() for c in records[0]] if records else []
    for n, record in enumerate(records, start=1):
        for i, cell in enumerate(record):
            bad = next((ch for ch in cell if "\udc80" <= ch <= "\udcff"), None)
            if bad is not None:
                column = header[i] if i < len(header) and n > 1 else ""
                problems.append(
                    Problem(f"Byte 0x{ord(bad) - 0xDC00:02x} is not UTF-8 text: {hint}.", column, n)
                )
                break
    return problems or [Problem(f"{name} is not UTF-8 text: {hint}.")]


def _read_xlsx(path: Path, name: str) -> Table:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ValidationFailed([Problem(f"{name} is not a readable .xlsx workbook.")]) from exc
    try:
        if not wb.worksheets:
            return _split(name, [])
        records = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()
    return _split(name, records)


def _split(name: str, records: list[list[object]]) -> Table:
    if not records or not any(cell_text(c) for c in records[0]):
        raise ValidationFailed(
            [Problem(f"{name} is empty: row 1 must be the header ({', '.join(COLUMNS)}).", row=1)]
        )
    return [cell_text(c) for c in records[0]], records[1:]


def map_header(header: list[str]) -> tuple[dict[str, int], list[Problem]]:
    """Column name → index (case-insensitive, spaces trimmed); a problem per missing or doubled column.
    Columns Beacon does not know are ignored."""
    index: dict[str, int] = {}
    problems = []
    for i, name in enumerate(header):
        key = cell_text(name).lower()
        if key not in COLUMNS:
            continue
        if key in index:
            problems.append(
                Problem(f"Column {key} appears twice (columns {index[key] + 1} and {i + 1}).", key, 1)
            )
        else:
            index[key] = i
    for col in COLUMNS:
        if col not in index:
            problems.append(Problem(f"The header has no {col} column.", col, 1))
    return index, problems


# --- cells -------------------------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A cell as trimmed text: blank for None, whole numbers without '.0', dates as YYYY-MM-DD."""
    if type(value) is str:
        s = value.strip()
        return s.replace("\r\n", "\n").replace("\r", "\n") if "\r" in s else s
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_NAMED = re.compile(r"(\d{1,2})[- ]([A-Za-z]{3,9})\.?[- ](\d{2}|\d{4})")
_NUMERIC = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})")
DATE_FORMS = "2024-09-30, 30-Sep-24, 30-Sep-2024 or 30/09/2024"


def parse_date(value: object) -> dt.date | None:
    """A date cell: blank → None; a date or datetime cell as it is; text in ISO, board-paper
    (30-Jun-11, 30-Jun-2011) or UK (30/06/2024) form. Two-digit years are 20yy. Raises ValueError."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(f"{cell_text(value)} is a number, not a date: use {DATE_FORMS}.")
    return _parse_date_text(cell_text(value))


@lru_cache(maxsize=8192)
def _parse_date_text(s: str) -> dt.date | None:
    if not s:
        return None
    y = m = d = 0
    if match := _ISO.fullmatch(s):
        y, m, d = (int(g) for g in match.groups())
    elif match := _NAMED.fullmatch(s):
        month = MONTH_NUMBERS.get(match.group(2).lower())
        if month is None:
            raise ValueError(f"'{s}' is not a date: '{match.group(2)}' is not a month.")
        d, m, y = int(match.group(1)), month, int(match.group(3))
    elif match := _NUMERIC.fullmatch(s):
        d, m, y = (int(g) for g in match.groups())
    else:
        raise ValueError(f"'{s}' is not a date: use {DATE_FORMS}.")
    if y < 100:
        y += 2000
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise ValueError(f"'{s}' is not a real date.") from None


def loose_key(s: str) -> str:
    """Text with case, spacing and punctuation taken out: two cells with the same key say the same
    words ("Value for Money: Staffing and costs" and "Value for money – staffing and  Costs"). A mark
    between two digits is kept: "1.5%" and "15%", or "31/3/25" and "3/13/25", say different things."""
    t = unicodedata.normalize("NFKC", s).casefold()
    last = len(t) - 1

    def kept(i: int, ch: str) -> bool:
        if ch.isalnum():
            return True
        return ch in _NUMBER_MARKS and 0 < i < last and t[i - 1].isdigit() and t[i + 1].isdigit()

    return "".join(ch for i, ch in enumerate(t) if kept(i, ch))


_NUMBER_MARKS = frozenset(".,:/-")


def same_words(a: str, b: str) -> bool:
    """True where a and b differ at most in case, spacing (line breaks included) or punctuation."""
    return a == b or loose_key(a) == loose_key(b)


def rows_text(rows: list[int]) -> str:
    return ("row " if len(rows) == 1 else "rows ") + join_words([str(n) for n in rows])


def _norm(s: str) -> str:
    return " ".join(s.lower().replace("_", " ").replace("-", " ").split())


_KINDS = {
    "cause of concern": Finding.Kind.CAUSE_OF_CONCERN,
    "causes of concern": Finding.Kind.CAUSE_OF_CONCERN,
    "recommendation": Finding.Kind.RECOMMENDATION,
    "recommendations": Finding.Kind.RECOMMENDATION,
    "area for improvement": Finding.Kind.AREA_FOR_IMPROVEMENT,
    "areas for improvement": Finding.Kind.AREA_FOR_IMPROVEMENT,
    "afi": Finding.Kind.AREA_FOR_IMPROVEMENT,
}
_ROLES = {"": Allocation.Role.LEAD, "lead": Allocation.Role.LEAD, "supporting": Allocation.Role.SUPPORTING}
_STATUSES = {
    "": Status.BLANK,
    "red": Status.RED,
    "amber": Status.AMBER,
    "green": Status.GREEN,
    "complete": Status.COMPLETE,
    "completed": Status.COMPLETE,
    "n/a": Status.NA,
    "na": Status.NA,
    "not applicable": Status.NA,
}


@lru_cache(maxsize=256)
def parse_kind(s: str) -> str:
    try:
        return str(_KINDS[_norm(s)])
    except KeyError:
        raise ValueError(
            f"Unknown kind '{s}': use cause_of_concern, recommendation or area_for_improvement."
        ) from None


@lru_cache(maxsize=256)
def parse_role(s: str) -> str:
    try:
        return str(_ROLES[_norm(s)])
    except KeyError:
        raise ValueError(f"Unknown role '{s}': use lead or supporting (blank means lead).") from None


@lru_cache(maxsize=256)
def parse_status(s: str) -> str:
    try:
        return str(_STATUSES[_norm(s)])
    except KeyError:
        raise ValueError(
            f"Unknown status '{s}': use RED, AMBER, GREEN, COMPLETE, N/A or leave it blank."
        ) from None


# --- rows --------------------------------------------------------------------------------------


def join_words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(slots=True)
class Row:
    """One non-empty row, each cell parsed (None where it could not be)."""

    n: int
    inspection: str
    ref: str
    kind: str | None
    parent_ref: str
    category: str
    text: str
    pages: str
    portfolio: str
    holder: str
    plan_owner: str
    role: str | None
    action_owner: str
    due_date: dt.date | None
    status: str | None
    update_date: dt.date | None
    update: str
    transferred_to: str
    transferred_on: dt.date | None
    bad: set[str]  # columns whose value could not be read
    update_date_given: bool = True  # False: the row has an update but no update_date


@dataclass(slots=True)
class PortfolioSpec:
    name: str
    row: int
    holder: str = ""
    holder_row: int = 0
    plan_owner: str = ""
    plan_owner_row: int = 0


@dataclass(slots=True)
class AllocSpec:
    key: tuple[str, str, str]  # inspection, ref, portfolio
    row: int  # its first row (for a transfer target without rows: the transfer's row)
    first: Row | None  # None: created by a transfer into a portfolio with no rows for the finding
    role: str
    action_owner: str
    due_date: dt.date | None
    transfer_to: str = ""
    transfer_on: dt.date | None = None
    transfer_row: int = 0
    leaves: bool = False  # some row transfers it out (even if that row is faulty)
    started_on: dt.date | None = None
    started_row: int = 0
    updates: list[Update] = field(default_factory=list)


@dataclass(slots=True, frozen=True)
class Update:
    row: int
    date: dt.date  # the plan's as-at date where the row gave none
    status: str
    text: str
    date_given: bool = True


# (attribute of Row, column) compared between the rows of one finding / one allocation
_FINDING_FIELDS = (
    ("kind", "kind"),
    ("parent_ref", "parent_ref"),
    ("category", "category"),
    ("text", "text"),
    ("pages", "pages"),
)
_ALLOC_FIELDS = (("role", "role"), ("action_owner", "action_owner"), ("due_date", "due_date"))
# finding columns whose spellings may differ between rows in case, spacing or punctuation only
_LOOSE_FIELDS = frozenset({"category", "text"})
_REQUIRED = {
    "inspection": "Give the inspection's title.",
    "ref": "Give the finding's ref, e.g. AFI.3.",
    "kind": "Give the kind: cause_of_concern, recommendation or area_for_improvement.",
    "text": "Give the finding's text.",
    "portfolio": "Give the portfolio.",
}


def _differing(column: str, first: str, other: str) -> str:
    """A short account of how two spellings differ, for the message (texts can be long)."""
    if column == "text":
        return ""
    return f" ('{first}' and '{other}')" if first and other else ""


def _max_length(model: type[models.Model], name: str) -> int:
    return int(getattr(model._meta.get_field(name), "max_length", 0) or 0)


# column → the longest text its database field holds
_MAX_LENGTHS = {
    column: _max_length(model, name)
    for column, model, name in (
        ("inspection", Inspection, "title"),
        ("ref", Finding, "ref"),
        ("category", Finding, "category"),
        ("pages", Finding, "pages"),
        ("portfolio", Portfolio, "name"),
        ("portfolio_holder", Portfolio, "holder"),
        ("plan_owner", Portfolio, "plan_owner"),
        ("action_owner", Allocation, "action_owner"),
        ("transferred_to", Portfolio, "name"),
    )
}


class PlanFile:
    """A plan's rows grouped into findings, portfolios and allocations and checked against each other
    (not against the database): `problems` lists everything wrong with the file on its own, `notes`
    what was accepted but is worth knowing (spellings that differ only in case, spacing or
    punctuation, updates given without a date).

    An update without an update_date is taken as given on `as_at`, the date the plan is as at
    (default: today)."""

    def __init__(self, as_at: dt.date | None = None) -> None:
        self.as_at = as_at or timezone.localdate()
        self.problems: list[Problem] = []
        self.notes: list[Problem] = []
        self.undated_rows: list[int] = []
        # (inspection, ref, column, spelling) → the rows that print that variant of the first spelling
        self.variants: dict[tuple[str, str, str, str], list[int]] = {}
        self.rows = 0
        self.inspections: dict[str, int] = {}  # title → first row
        self.findings: dict[tuple[str, str], Row] = {}  # (inspection, ref) → first row
        self.portfolios: dict[str, PortfolioSpec] = {}
        self.allocs: dict[tuple[str, str, str], AllocSpec] = {}

    def problem(self, message: str, column: str = "", row: int | None = None) -> None:
        self.problems.append(Problem(message, field=column, row=row))

    def read(self, header: list[str], rows: list[list[object]]) -> None:
        columns, problems = map_header([cell_text(h) for h in header])
        if problems:
            raise ValidationFailed(problems)
        index = [columns[c] for c in COLUMNS]
        for n, raw in enumerate(rows, start=2):
            width = len(raw)
            row = self._parse(n, [raw[i] if i < width else None for i in index])
            if row is not None:
                self.rows += 1
                self._collect(row)
        self._link_transfers()
        self._note_variants()
        if self.undated_rows:
            self.notes.append(
                Problem(
                    f"No date of update in {rows_text(self.undated_rows)}: taken as given on "
                    f"{display_date(self.as_at)}, the date the plan is as at, and shown as "
                    '"date not given".',
                    "update_date",
                    self.undated_rows[0],
                )
            )
        self.notes.sort(key=lambda p: p.row or 0)

    def _note_variants(self) -> None:
        for (inspection, ref, column, spelling), rows in self.variants.items():
            first = self.findings[(inspection, ref)]
            also = f" (rows {join_words([str(n) for n in rows])})" if len(rows) > 1 else ""
            if column == "text":
                message = (
                    f"The text of {ref}{also} differs from row {first.n}'s only in case, spacing or "
                    f"punctuation: the same finding, so row {first.n}'s text is kept."
                )
            else:
                message = (
                    f"{column.capitalize()} '{spelling}' for {ref}{also} differs from row {first.n}'s "
                    f"'{getattr(first, column)}' only in case, spacing or punctuation: the same finding, so "
                    f"row {first.n}'s spelling is kept."
                )
            self.notes.append(Problem(message, column, rows[0]))

    def _try(
        self, n: int, column: str, parse: Callable[[Any], _T], value: object, bad: set[str]
    ) -> _T | None:
        try:
            return parse(value)
        except ValueError as exc:
            self.problem(str(exc), column, n)
            bad.add(column)
            return None

    def _parse(self, n: int, values: list[object]) -> Row | None:
        texts = [v.strip() if type(v) is str and "\r" not in v else cell_text(v) for v in values]
        if not any(texts):
            return None
        (
            inspection,
            ref,
            kind,
            parent_ref,
            category,
            text,
            pages,
            portfolio,
            holder,
            plan_owner,
            role,
            action_owner,
            _,
            status,
            _,
            update,
            transferred_to,
            _,
        ) = texts
        bad: set[str] = set()
        for column, message in _REQUIRED.items():
            if not texts[COLUMN_ORDER[column]]:
                self.problem(message, column, n)
                bad.add(column)
        for column, limit in _MAX_LENGTHS.items():
            length = len(texts[COLUMN_ORDER[column]])
            if length > limit:
                self.problem(f"Too long: {length} characters, where at most {limit} fit.", column, n)
                bad.add(column)
        row = Row(
            n=n,
            inspection=inspection,
            ref=ref,
            kind=self._try(n, "kind", parse_kind, kind, bad) if kind else None,
            parent_ref=parent_ref,
            category=category,
            text=text,
            pages=pages,
            portfolio=portfolio,
            holder=holder,
            plan_owner=plan_owner,
            role=self._try(n, "role", parse_role, role, bad),
            action_owner=action_owner,
            due_date=self._try(n, "due_date", parse_date, values[12], bad) if texts[12] else None,
            status=self._try(n, "status", parse_status, status, bad),
            update_date=self._try(n, "update_date", parse_date, values[14], bad) if texts[14] else None,
            update=update,
            transferred_to=transferred_to,
            transferred_on=self._try(n, "transferred_on", parse_date, values[17], bad) if texts[17] else None,
            bad=bad,
        )
        if row.update_date is None and "update_date" not in bad and (update or status):
            # A management response printed without a date of update: given as at the plan's date.
            row.update_date, row.update_date_given = self.as_at, False
        if transferred_to and row.transferred_on is None and "transferred_on" not in bad:
            self.problem(
                f"transferred_to is {transferred_to} but transferred_on is blank.", "transferred_on", n
            )
        if row.transferred_on is not None and not transferred_to:
            self.problem("transferred_on is given but transferred_to is blank.", "transferred_to", n)
        if transferred_to and transferred_to == portfolio:
            self.problem("An item cannot be transferred to the portfolio it is in.", "transferred_to", n)
            bad.add("transferred_to")
        return row

    def _differs(self, first: Row, row: Row, fields: tuple[tuple[str, str], ...]) -> list[str]:
        """The columns among `fields` ((attribute, column) pairs) where two rows disagree."""
        if all(getattr(first, attr) == getattr(row, attr) for attr, _ in fields):
            return []
        return [
            column
            for attr, column in fields
            if column not in first.bad
            and column not in row.bad
            and getattr(first, attr) != getattr(row, attr)
        ]

    def _collect(self, row: Row) -> None:
        if not (row.inspection and row.ref):
            return
        self.inspections.setdefault(row.inspection, row.n)
        first = self.findings.setdefault((row.inspection, row.ref), row)
        for column in self._differs(first, row, _FINDING_FIELDS) if first is not row else ():
            if column in _LOOSE_FIELDS and same_words(getattr(first, column), getattr(row, column)):
                variant = (row.inspection, row.ref, column, getattr(row, column))
                self.variants.setdefault(variant, []).append(row.n)
                continue
            self.problem(
                f"Row {row.n} and row {first.n} give different {column} for {row.ref}"
                f"{_differing(column, getattr(first, column), getattr(row, column))}.",
                column,
                row.n,
            )
        if not row.portfolio:
            return
        self._collect_portfolio(row)
        key = (row.inspection, row.ref, row.portfolio)
        spec = self.allocs.get(key)
        if spec is None:
            spec = AllocSpec(key, row.n, row, row.role or "", row.action_owner, row.due_date)
            self.allocs[key] = spec
        else:
            assert spec.first is not None
            for column in self._differs(spec.first, row, _ALLOC_FIELDS):
                self.problem(
                    f"Row {row.n} and row {spec.row} give different {column} for {row.ref} "
                    f"in {row.portfolio}.",
                    column,
                    row.n,
                )
        spec.leaves = spec.leaves or bool(
            row.transferred_to or row.transferred_on or "transferred_on" in row.bad
        )
        if row.transferred_to and row.transferred_on and "transferred_to" not in row.bad:
            if not spec.transfer_to:
                spec.transfer_to, spec.transfer_on, spec.transfer_row = (
                    row.transferred_to,
                    row.transferred_on,
                    row.n,
                )
            elif (spec.transfer_to, spec.transfer_on) != (row.transferred_to, row.transferred_on):
                self.problem(
                    f"Row {row.n} and row {spec.transfer_row} give different transfers for {row.ref} "
                    f"in {row.portfolio}.",
                    "transferred_to",
                    row.n,
                )
        if row.update_date is not None and row.status is not None:
            spec.updates.append(Update(row.n, row.update_date, row.status, row.update, row.update_date_given))
            if not row.update_date_given:
                self.undated_rows.append(row.n)

    def _collect_portfolio(self, row: Row) -> None:
        spec = self.portfolios.setdefault(row.portfolio, PortfolioSpec(row.portfolio, row.n))
        for attr, column, value in (
            ("holder", "portfolio_holder", row.holder),
            ("plan_owner", "plan_owner", row.plan_owner),
        ):
            if not value:
                continue
            have, have_row = getattr(spec, attr), getattr(spec, f"{attr}_row")
            if not have:
                setattr(spec, attr, value)
                setattr(spec, f"{attr}_row", row.n)
            elif have != value:
                self.problem(
                    f"Row {row.n} and row {have_row} give different {column} for {row.portfolio}.",
                    column,
                    row.n,
                )

    def _link_transfers(self) -> None:
        """Each transfer starts the finding's allocation in the receiving portfolio on the transfer date,
        creating that allocation (lead, same due date, no action owner) when the file has no rows for it."""
        for spec in list(self.allocs.values()):
            if not spec.transfer_to or spec.transfer_on is None:
                continue
            inspection, ref, _ = spec.key
            key = (inspection, ref, spec.transfer_to)
            target = self.allocs.get(key)
            if target is None:
                target = AllocSpec(key, spec.transfer_row, None, Allocation.Role.LEAD, "", spec.due_date)
                self.allocs[key] = target
            if target.started_on is None:
                target.started_on, target.started_row = spec.transfer_on, spec.transfer_row
            elif target.started_on != spec.transfer_on:
                self.problem(
                    f"Row {spec.transfer_row} and row {target.started_row} give different dates for {ref} "
                    f"moving to {spec.transfer_to}.",
                    "transferred_on",
                    spec.transfer_row,
                )
        for spec in self.allocs.values():
            if spec.transfer_on and spec.started_on and spec.transfer_on < spec.started_on:
                self.problem(
                    f"{spec.key[1]} leaves {spec.key[2]} on {display_date(spec.transfer_on)}, before it "
                    f"moved there on {display_date(spec.started_on)}.",
                    "transferred_on",
                    spec.transfer_row,
                )

    def check_leads(self, known_portfolios: set[str]) -> None:
        """At most one lead allocation of a finding is open (transferred-out ones have ended).
        Allocations in portfolios that exist nowhere are left out: they are reported as unknown."""
        leads: dict[tuple[str, str], list[AllocSpec]] = defaultdict(list)
        for spec in self.allocs.values():
            if spec.role == Allocation.Role.LEAD and not spec.leaves and spec.key[2] in known_portfolios:
                leads[spec.key[:2]].append(spec)
        for (_, ref), specs in leads.items():
            if len(specs) > 1:
                names = join_words([f"{s.key[2]} (row {s.row})" for s in specs])
                self.problem(
                    f"{ref} has more than one lead portfolio at once: {names}.", "role", specs[1].row
                )
