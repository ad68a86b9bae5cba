"""The improvement-plan importer: the sample comes out as a person counts it by hand, importing the
same file again changes nothing, and a broken file is refused with every problem named (row and
column) and nothing written."""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from beacon.core.errors import Problem, ValidationFailed
from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.inspections import plan_parsing, selectors
from beacon.inspections.importer import ImportResult, import_plan, import_rows
from beacon.inspections.models import Allocation, Finding, Inspection, Portfolio, ProgressUpdate, Status
from beacon.inspections.tests.factories import FindingFactory, InspectionFactory, PortfolioFactory

SAMPLE = Path(__file__).resolve().parents[4] / "testdata/improvement-plan-sample.csv"
TITLE = "Wessex Constabulary ASB Inspection 2024"
END_2024 = dt.date(2024, 12, 31)
MID_JUNE = dt.date(2024, 6, 15)


def counts(
    total: int = 0,
    completed: int = 0,
    green: int = 0,
    amber: int = 0,
    red: int = 0,
    no_status: int | None = None,
    overdue: int = 0,
) -> dict[str, int]:
    """A summary row. Every item counted in Total is in exactly one of Completed, Green, Amber, Red and
    No status yet, so no_status is, unless given, what the others leave of Total."""
    if no_status is None:
        no_status = total - completed - green - amber - red
    return {
        "total": total,
        "completed": completed,
        "green": green,
        "amber": amber,
        "red": red,
        "no_status": no_status,
        "overdue": overdue,
    }


def entry(
    cc: dict[str, int] | None = None, rec: dict[str, int] | None = None, afi: dict[str, int] | None = None
):
    return {
        "causes_of_concern": cc or counts(),
        "recommendations": rec or counts(),
        "areas_for_improvement": afi or counts(),
    }


# Counted by hand from the sample. Only lead allocations in force on the date count; AFI.5 in Local
# Policing is supporting; AFI.4 left Crime for Performance & Insight on 10 May 2024. Overdue on 31 Dec:
# CC.1 (due 30 Sep, GREEN), AFI.2 (due 31 Oct, AMBER), AFI.4 and AFI.5 (due 30 Sep, AMBER and GREEN);
# R.1 and AFI.1 are due on 31 Dec itself, AFI.3 and AFI.6 are closed.
HAND_COUNT_END_2024 = {
    "Contact Management": entry(
        cc=counts(1, green=1, overdue=1), rec=counts(1, green=1), afi=counts(1, red=1)
    ),
    "Crime": entry(),
    "Local Policing": entry(afi=counts(3, completed=2, amber=1, overdue=1)),
    "Performance & Insight": entry(afi=counts(2, green=1, amber=1, overdue=2)),
}
# On 15 June 2024 only CC.1 (AMBER on 2 June) and AFI.6 (N/A on 1 May) had a status; nothing was due yet.
HAND_COUNT_MID_JUNE = {
    "Contact Management": entry(cc=counts(1, amber=1), rec=counts(1), afi=counts(1)),
    "Crime": entry(),
    "Local Policing": entry(afi=counts(3, completed=1)),
    "Performance & Insight": entry(afi=counts(2)),
}


def summary(as_of: dt.date, title: str = TITLE) -> dict[str, dict[str, object]]:
    inspection = Inspection.objects.get(title=title)
    return {
        e["portfolio"]: {k: v for k, v in e.items() if k != "portfolio"}
        for e in selectors.inspection_summary(inspection, as_of)
    }


def table_counts() -> dict[str, int]:
    """Rows in every table of every app (audit trail included)."""
    return {m._meta.label: m._default_manager.count() for m in apps.get_models(include_auto_created=True)}


def sample() -> tuple[list[str], list[list[str]]]:
    with SAMPLE.open(newline="", encoding="utf-8") as fh:
        records = list(csv.reader(fh))
    return records[0], records[1:]


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as fh:
        csv.writer(fh).writerows([header, *rows])
    return path


def set_cell(rows: list[list[str]], row_number: int, column: str, value: str) -> None:
    """Set a cell by spreadsheet row number (data starts at row 2) and column name."""
    rows[row_number - 2][plan_parsing.COLUMNS.index(column)] = value


def variant(tmp_path: Path, **cells: str) -> Path:
    """The sample with cells changed, given as column__row=value (e.g. due_date__3='x')."""
    header, rows = sample()
    for key, value in cells.items():
        column, row = key.rsplit("__", 1)
        set_cell(rows, int(row), column, value)
    return write_csv(tmp_path / "plan.csv", header, rows)


def refused(path: Path) -> list[Problem]:
    """Import `path` expecting refusal; check nothing at all was written; return the problems."""
    before = table_counts()
    with pytest.raises(ValidationFailed) as exc:
        import_plan(path, actor=None)
    assert table_counts() == before
    assert exc.value.problems
    return exc.value.problems


def where(problems: list[Problem]) -> list[tuple[int | None, str]]:
    return [(p.row, p.field) for p in problems]


def alloc(ref: str, portfolio: str) -> Allocation:
    return Allocation.objects.select_related("transferred_to").get(
        finding__inspection__title=TITLE, finding__ref=ref, portfolio__name=portfolio
    )


# --- the sample ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sample_gives_the_hand_count() -> None:
    result = import_plan(SAMPLE, actor=None)

    assert result == ImportResult(
        rows=11,
        inspections_created=1,
        findings_created=8,
        portfolios_created=4,
        allocations_created=10,
        updates_created=11,
        transfers=1,
        source_name="improvement-plan-sample.csv",
    )
    assert summary(END_2024) == HAND_COUNT_END_2024
    assert summary(MID_JUNE) == HAND_COUNT_MID_JUNE
    assert "created 1 inspection, 8 findings, 4 portfolios, 10 allocations and 11 progress updates" in (
        result.describe()
    )


@pytest.mark.django_db
def test_sample_transfer_and_histories() -> None:
    import_plan(SAMPLE, actor=None)

    crime = alloc("AFI.4", "Crime")
    assert (crime.ended_on, crime.ended_by_transfer) == (dt.date(2024, 5, 10), True)
    assert crime.transferred_to is not None and crime.transferred_to.name == "Performance & Insight"
    assert [(u.date, u.status) for u in crime.updates.all()] == [(dt.date(2024, 5, 10), Status.BLANK)]
    moved = alloc("AFI.4", "Performance & Insight")
    assert (moved.started_on, moved.ended_on, moved.role) == (
        dt.date(2024, 5, 10),
        None,
        Allocation.Role.LEAD,
    )
    assert moved.action_owner == "Head of Audit"

    cc1 = alloc("CC.1", "Contact Management")
    assert [(u.date, u.status) for u in cc1.updates.all()] == [
        (dt.date(2024, 6, 2), Status.AMBER),
        (dt.date(2024, 8, 15), Status.GREEN),
    ]
    assert cc1.due_date == dt.date(2024, 9, 30) and cc1.started_on is None
    assert alloc("AFI.5", "Local Policing").role == Allocation.Role.SUPPORTING
    assert alloc("AFI.6", "Local Policing").updates.get().status == Status.NA
    assert alloc("AFI.3", "Local Policing").updates.get().status == Status.COMPLETE

    findings = {f.ref: f for f in Finding.objects.filter(inspection__title=TITLE).select_related("parent")}
    assert [f.ref for f in sorted(findings.values(), key=lambda f: f.position)] == [
        "CC.1", "R.1", "AFI.1", "AFI.2", "AFI.3", "AFI.4", "AFI.5", "AFI.6",
    ]  # fmt: skip
    assert findings["R.1"].parent == findings["CC.1"]
    assert findings["AFI.1"].parent == findings["R.1"] and findings["AFI.2"].parent == findings["R.1"]
    assert findings["AFI.3"].parent is None
    assert findings["R.1"].kind == Finding.Kind.RECOMMENDATION and findings["R.1"].pages == "4, 12"
    assert findings["CC.1"].category == "Identifying vulnerability"
    contact = Portfolio.objects.get(name="Contact Management")
    assert (contact.holder, contact.plan_owner) == ("Director of Contact", "Head of Contact Centre")


@pytest.mark.django_db
def test_every_created_record_is_audited(make_user: Callable[..., User]) -> None:
    actor = make_user(Role.PERFORMANCE, username="importer")
    result = import_plan(SAMPLE, actor=actor)

    events = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE)
    created = (
        result.inspections_created + result.findings_created + result.portfolios_created
        + result.allocations_created + result.updates_created
    )  # fmt: skip
    assert events.count() == created == 34
    assert set(events.values_list("actor_label", flat=True)) == {"importer"}
    assert set(events.values_list("reason", flat=True)) == {"Imported from improvement-plan-sample.csv"}
    r1 = Finding.objects.get(ref="R.1")
    audited = events.get(model="finding", object_pk=str(r1.pk))
    assert audited.changes["parent_id"] == [None, Finding.objects.get(ref="CC.1").pk]
    for model in (Inspection, Finding, Portfolio, Allocation, ProgressUpdate):
        pks = {str(pk) for pk in model.objects.values_list("pk", flat=True)}
        assert set(events.filter(model=model._meta.model_name).values_list("object_pk", flat=True)) == pks


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing() -> None:
    import_plan(SAMPLE, actor=None)
    before = table_counts()
    assert before["core.AuditEvent"] == 34

    again = import_plan(SAMPLE, actor=None)

    assert table_counts() == before
    assert again.as_dict() == {
        **ImportResult(rows=11).as_dict(),
        "source_name": "improvement-plan-sample.csv",
        "as_at": timezone.localdate().isoformat(),  # no --as-at given: the plan is as at today
    }
    assert "nothing changed" in again.describe()
    assert summary(END_2024) == HAND_COUNT_END_2024


@pytest.mark.django_db
def test_reimport_of_an_extended_file_adds_only_what_is_new(tmp_path: Path) -> None:
    """First the plan before AFI.4 moved; then the full sample, which ends Crime's allocation by transfer."""
    header, rows = sample()
    set_cell(rows, 8, "transferred_to", "")
    set_cell(rows, 8, "transferred_on", "")
    del rows[9 - 2]  # AFI.4 in Performance & Insight
    import_plan(write_csv(tmp_path / "before.csv", header, rows), actor=None)
    assert alloc("AFI.4", "Crime").ended_on is None
    crime_pk = alloc("AFI.4", "Crime").pk

    result = import_plan(SAMPLE, actor=None)

    assert (result.allocations_created, result.updates_created, result.transfers) == (1, 1, 1)
    assert (result.findings_created, result.portfolios_created, result.records_updated) == (0, 0, 1)
    crime = alloc("AFI.4", "Crime")
    assert crime.pk == crime_pk and crime.ended_on == dt.date(2024, 5, 10) and crime.ended_by_transfer
    assert crime.version == 2
    change = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert (change.model, change.object_pk) == ("allocation", str(crime_pk))
    assert change.changes["ended_on"] == [None, "2024-05-10"]
    assert summary(END_2024) == HAND_COUNT_END_2024
    before = table_counts()
    import_plan(SAMPLE, actor=None)
    assert table_counts() == before


@pytest.mark.django_db
def test_transfer_into_a_portfolio_without_rows_creates_its_allocation(tmp_path: Path) -> None:
    header, rows = sample()
    del rows[9 - 2]  # no rows for AFI.4 in Performance & Insight
    import_plan(write_csv(tmp_path / "plan.csv", header, rows), actor=None)

    moved = alloc("AFI.4", "Performance & Insight")
    assert (moved.role, moved.started_on, moved.ended_on) == (
        Allocation.Role.LEAD,
        dt.date(2024, 5, 10),
        None,
    )
    assert (moved.due_date, moved.action_owner) == (dt.date(2024, 9, 30), "")
    assert not moved.updates.exists()


@pytest.mark.django_db
def test_transfer_to_a_portfolio_already_in_beacon(tmp_path: Path) -> None:
    PortfolioFactory.create(name="Serious Organised Crime", holder="ACC Crime")
    header, rows = sample()
    set_cell(rows, 8, "transferred_to", "Serious Organised Crime")
    del rows[9 - 2]
    import_plan(write_csv(tmp_path / "plan.csv", header, rows), actor=None)

    assert alloc("AFI.4", "Crime").transferred_to.name == "Serious Organised Crime"  # type: ignore[union-attr]
    assert alloc("AFI.4", "Serious Organised Crime").started_on == dt.date(2024, 5, 10)


@pytest.mark.django_db
def test_owners_are_matched_to_users_with_one_query(
    make_user: Callable[..., User], django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    head = make_user(job_title="Head of Contact Centre")
    supt = make_user(first_name="Supt", last_name="Neighbourhoods", job_title="")
    make_user(job_title="Head of Performance")
    make_user(job_title="Head of Performance")  # two users with this title: nobody is matched
    make_user(job_title="Head of Audit", is_active=False)

    with django_assert_max_num_queries(30):
        import_plan(SAMPLE, actor=None)

    assert alloc("CC.1", "Contact Management").action_owner_user == head
    assert alloc("AFI.2", "Local Policing").action_owner_user == supt
    assert alloc("AFI.5", "Performance & Insight").action_owner_user is None
    assert alloc("AFI.4", "Performance & Insight").action_owner_user is None
    contact = Portfolio.objects.get(name="Contact Management")
    assert contact.plan_owner_user == head and contact.holder_user is None
    assert alloc("CC.1", "Contact Management").action_owner == "Head of Contact Centre"


def big_plan(path: Path, findings: int) -> Path:
    header, rows = sample()
    template = rows[0]
    out = []
    for i in range(findings):
        for month in (3, 6, 9):
            row = list(template)
            set_cell([row], 2, "ref", f"AFI.{i + 1}")
            set_cell([row], 2, "kind", "AFI")
            set_cell([row], 2, "parent_ref", "AFI.1" if i else "")
            set_cell([row], 2, "text", f"Finding {i + 1}")
            set_cell([row], 2, "update_date", f"2024-{month:02d}-01")
            set_cell([row], 2, "update", f"Update in month {month}")
            out.append(row)
    return write_csv(path, header, out)


@pytest.mark.django_db
def test_writes_are_batched_and_reads_do_not_grow_with_rows(
    tmp_path: Path, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    with CaptureQueriesContext(connection) as queries:
        result = import_plan(big_plan(tmp_path / "big.csv", 400), actor=None)
    assert (result.findings_created, result.updates_created) == (400, 1200)
    created = 2 + result.findings_created + result.allocations_created + result.updates_created
    # Each record and its audit entry are inserted in batches (SQLite takes 999 parameters a
    # statement: about 90 rows), never one by one.
    assert len(queries) <= 12 + 2 * math.ceil(created / 80) < created / 10
    with django_assert_max_num_queries(10):
        import_plan(tmp_path / "big.csv", actor=None)


@pytest.mark.django_db
def test_ids_are_looked_up_where_the_database_does_not_return_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
    import_plan(SAMPLE, actor=None)

    assert summary(END_2024) == HAND_COUNT_END_2024
    assert alloc("CC.1", "Contact Management").updates.count() == 2
    assert Finding.objects.get(ref="AFI.1").parent == Finding.objects.get(ref="R.1")
    assert AuditEvent.objects.filter(object_pk="None").count() == 0


# --- other shapes of file -----------------------------------------------------------------------


@pytest.mark.django_db
def test_xlsx_with_date_cells_gives_the_same_summary(tmp_path: Path) -> None:
    header, rows = sample()
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append([h.upper() for h in header])  # header case does not matter
    for row in rows:
        cells: list[object] = list(row)
        for column in ("due_date", "update_date"):
            i = plan_parsing.COLUMNS.index(column)
            cells[i] = dt.date.fromisoformat(row[i]) if row[i] else None
        pages = plan_parsing.COLUMNS.index("pages")
        cells[pages] = int(row[pages]) if row[pages].isdigit() else row[pages]
        moved = plan_parsing.COLUMNS.index("transferred_on")
        cells[moved] = "10-May-24" if row[moved] else None
        ws.append(cells)
    ws.append([None] * len(header))  # an empty row at the end
    wb.save(tmp_path / "plan.xlsx")

    result = import_plan(tmp_path / "plan.xlsx", actor=None)

    assert result.rows == 11 and result.updates_created == 11
    assert summary(END_2024) == HAND_COUNT_END_2024
    assert summary(MID_JUNE) == HAND_COUNT_MID_JUNE
    assert Finding.objects.get(ref="AFI.1").pages == "12"
    before = table_counts()
    import_plan(SAMPLE, actor=None)  # the CSV of the same plan is the same plan
    assert table_counts() == before


@pytest.mark.django_db
def test_bom_header_case_spaces_extra_columns_and_empty_rows(tmp_path: Path) -> None:
    header, rows = sample()
    header = [f"  {h.title()} " for h in header] + ["Notes"]
    rows = [[*r, "ignored"] for r in rows]
    rows.insert(3, [""] * len(header))  # an empty row 5
    set_cell(rows, 12, "status", "not a status")  # was row 11, now row 12
    path = write_csv(tmp_path / "plan.csv", header, rows, encoding="utf-8-sig")

    problems = refused(path)

    assert where(problems) == [(12, "status")]
    set_cell(rows, 12, "status", "")
    assert import_plan(write_csv(path, header, rows, encoding="utf-8-sig"), actor=None).rows == 11
    assert summary(END_2024) == HAND_COUNT_END_2024


@pytest.mark.django_db
def test_import_rows_is_the_format_independent_core() -> None:
    header, rows = sample()
    wide: list[list[object]] = [list(r) for r in rows]
    wide[0][plan_parsing.COLUMNS.index("due_date")] = dt.datetime(2024, 9, 30, 0, 0)
    result = import_rows(header, wide, actor=None, source_name="")
    assert result.rows == 11
    assert result.describe().startswith("Imported 11 rows: created 1 inspection")
    assert summary(END_2024) == HAND_COUNT_END_2024


@pytest.mark.django_db
def test_board_paper_dates_and_human_kinds(tmp_path: Path) -> None:
    path = variant(
        tmp_path,
        due_date__2="30-Jun-11",
        due_date__3="30-Jun-11",
        kind__2="Cause of concern",
        kind__3="CAUSE_OF_CONCERN",
        kind__4="Recommendation",
        kind__5="AFI",
        kind__6="Area for improvement",
        role__6="",
        status__6="Amber",
        status__12="Not applicable",
        update_date__5="15/08/2024",
        transferred_on__8="10-May-2024",
    )
    import_plan(path, actor=None)

    assert alloc("CC.1", "Contact Management").due_date == dt.date(2011, 6, 30)
    assert alloc("AFI.2", "Local Policing").role == Allocation.Role.LEAD
    assert alloc("AFI.1", "Contact Management").updates.get().date == dt.date(2024, 8, 15)
    assert alloc("AFI.4", "Crime").ended_on == dt.date(2024, 5, 10)
    assert summary(END_2024)["Contact Management"] == HAND_COUNT_END_2024["Contact Management"]
    kinds = dict(Finding.objects.values_list("ref", "kind"))
    assert kinds["CC.1"] == "cause_of_concern" and kinds["AFI.1"] == kinds["AFI.2"] == "area_for_improvement"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("30-Jun-11", dt.date(2011, 6, 30)),
        ("30-jun-2011", dt.date(2011, 6, 30)),
        ("1-Sept-24", dt.date(2024, 9, 1)),
        ("30/06/2024", dt.date(2024, 6, 30)),
        ("01/02/24", dt.date(2024, 2, 1)),
        ("2024-09-30", dt.date(2024, 9, 30)),
        ("2024-09-30 00:00:00", dt.date(2024, 9, 30)),
        ("", None),
        (dt.datetime(2024, 9, 30, 0, 0), dt.date(2024, 9, 30)),
        (dt.date(2024, 9, 30), dt.date(2024, 9, 30)),
        (None, None),
    ],
)
def test_date_forms(text: object, expected: dt.date | None) -> None:
    assert plan_parsing.parse_date(text) == expected


@pytest.mark.parametrize("text", ["31-Feb-24", "30-Jum-24", "2024-13-01", "next week", "30.06.2024", 45000])
def test_dates_that_are_refused(text: object) -> None:
    with pytest.raises(ValueError, match=r"not a|number"):
        plan_parsing.parse_date(text)


def test_kinds_roles_and_statuses() -> None:
    assert plan_parsing.parse_kind("Causes of Concern") == Finding.Kind.CAUSE_OF_CONCERN
    assert plan_parsing.parse_kind("afi") == Finding.Kind.AREA_FOR_IMPROVEMENT
    assert plan_parsing.parse_kind("area_for_improvement") == Finding.Kind.AREA_FOR_IMPROVEMENT
    assert plan_parsing.parse_role("") == plan_parsing.parse_role("LEAD") == Allocation.Role.LEAD
    assert plan_parsing.parse_role(" Supporting ") == Allocation.Role.SUPPORTING
    expected = {
        "RED": "red", "amber": "amber", "Green": "green", "Completed": "complete", "COMPLETE": "complete",
        "N/A": "na", "NA": "na", "not applicable": "na", "": "",
    }  # fmt: skip
    assert {s: plan_parsing.parse_status(s) for s in expected} == expected


# --- broken files -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cells, row, column, words",
    [
        ({"due_date__3": "next Tuesday"}, 3, "due_date", "'next Tuesday' is not a date"),
        ({"update_date__6": "31/02/2024"}, 6, "update_date", "not a real date"),
        ({"kind__4": "observation"}, 4, "kind", "Unknown kind 'observation'"),
        ({"role__11": "co-lead"}, 11, "role", "Unknown role 'co-lead'"),
        ({"status__2": "PURPLE"}, 2, "status", "Unknown status 'PURPLE'"),
        ({"text__9": "Crimes are recorded."}, 9, "text", "Row 9 and row 8 give different text for AFI.4"),
        ({"pages__3": "5"}, 3, "pages", "Row 3 and row 2 give different pages for CC.1"),
        ({"transferred_to__8": "Serious Crime"}, 8, "transferred_to", "unknown portfolio Serious Crime"),
        ({"transferred_on__8": ""}, 8, "transferred_on", "transferred_on is blank"),
        ({"transferred_to__8": ""}, 8, "transferred_to", "transferred_to is blank"),
        (
            {"transferred_to__8": "Crime"},
            8,
            "transferred_to",
            "cannot be transferred to the portfolio it is in",
        ),
        ({"parent_ref__5": "R.9"}, 5, "parent_ref", "parent_ref R.9 is not a finding of"),
        ({"parent_ref__7": "AFI.3"}, 7, "parent_ref", "AFI.3 cannot be its own parent"),
        (
            {"parent_ref__2": "AFI.1", "parent_ref__3": "AFI.1"},
            2,
            "parent_ref",
            "loop: CC.1 → AFI.1 → R.1 → CC.1",
        ),
        ({"portfolio_holder__11": "ACC Crime"}, 11, "portfolio_holder", "Row 11 and row 6 give different"),
        ({"due_date__3": "2024-10-31"}, 3, "due_date", "different due_date for CC.1 in Contact Management"),
        ({"action_owner__3": "Someone"}, 3, "action_owner", "different action_owner for CC.1"),
        ({"role__11": "lead"}, 11, "role", "AFI.5 has more than one lead portfolio"),
        ({"text__12": ""}, 12, "text", "Give the finding's text"),
        ({"portfolio__12": " "}, 12, "portfolio", "Give the portfolio"),
        (
            {"ref__12": "AFI.6-with-a-very-long-ref"},
            12,
            "ref",
            "Too long: 26 characters, where at most 20 fit",
        ),
    ],
)
def test_a_broken_row_is_named_and_nothing_is_written(
    tmp_path: Path, cells: dict[str, str], row: int, column: str, words: str
) -> None:
    problems = refused(variant(tmp_path, **cells))

    assert where(problems) == [(row, column)], problems
    assert words in problems[0].message
    assert str(problems[0]).startswith(f"row {row}, column {column}: ")


@pytest.mark.django_db
def test_every_problem_is_reported_in_row_order(tmp_path: Path) -> None:
    path = variant(
        tmp_path,
        text__9="Different text",
        status__2="PURPLE",
        due_date__3="99-Jun-24",
        kind__4="observation",
        transferred_to__8="Nowhere",
    )
    problems = refused(path)

    assert where(problems) == [
        (2, "status"),
        (3, "due_date"),
        (4, "kind"),
        (8, "transferred_to"),
        (9, "text"),
    ]


@pytest.mark.django_db
def test_missing_columns_are_each_named(tmp_path: Path) -> None:
    header, rows = sample()
    keep = [i for i, h in enumerate(header) if h not in ("due_date", "role")]
    path = write_csv(tmp_path / "plan.csv", [header[i] for i in keep], [[r[i] for i in keep] for r in rows])

    problems = refused(path)

    assert where(problems) == [(1, "role"), (1, "due_date")]
    assert problems[0].message == "The header has no role column."


@pytest.mark.django_db
def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    header, rows = sample()
    set_cell(rows, 6, "update", "Risk matrix piloted; cost £2,000.")
    problems = refused(write_csv(tmp_path / "plan.csv", header, rows, encoding="cp1252"))

    assert where(problems) == [(6, "update")]
    assert "0xa3 is not UTF-8" in problems[0].message and "CSV UTF-8" in problems[0].message


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, content, words",
    [
        ("plan.csv", b"", "is empty"),
        ("plan.csv", b"\xef\xbb\xbf\r\n\r\n", "is empty"),
        ("plan.csv", bytes(range(256)) * 4, "binary data"),
        ("plan.xlsx", b"inspection,ref\nnot,a workbook\n", "not a readable .xlsx workbook"),
        ("plan.txt", b"inspection,ref\n", "unsupported file type '.txt'"),
        ("plan.xls", b"\xd0\xcf\x11\xe0", "save it as .xlsx"),
        ("plan", b"inspection,ref\n", "unsupported file type 'none'"),
    ],
)
def test_files_that_are_not_plans(tmp_path: Path, name: str, content: bytes, words: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    problems = refused(path)
    assert len(problems) == 1 and words in problems[0].message


@pytest.mark.django_db
def test_messages_name_the_file_as_the_user_knows_it(tmp_path: Path) -> None:
    path = tmp_path / "tmp8a7b6c.csv"  # an upload saved under a temporary name
    path.write_bytes(b"")
    with pytest.raises(ValidationFailed) as exc:
        import_plan(path, actor=None, source_name="ASB plan.csv")
    assert exc.value.problems[0].message.startswith("ASB plan.csv is empty")


@pytest.mark.django_db
def test_text_that_is_not_a_plan_names_every_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("Dear colleagues,\nplease find the plan attached.\n", encoding="utf-8")
    problems = refused(path)
    assert where(problems) == [(1, c) for c in plan_parsing.COLUMNS]


@pytest.mark.django_db
def test_empty_xlsx(tmp_path: Path) -> None:
    openpyxl.Workbook().save(tmp_path / "plan.xlsx")
    assert "is empty" in refused(tmp_path / "plan.xlsx")[0].message


# --- against what Beacon already holds -------------------------------------------------------


@pytest.mark.django_db
def test_conflicts_with_records_already_in_beacon(tmp_path: Path) -> None:
    import_plan(SAMPLE, actor=None)

    problems = refused(variant(tmp_path, text__5="Something else.", portfolio_holder__6="ACC Crime",
                               portfolio_holder__7="ACC Crime", portfolio_holder__11="ACC Crime",
                               portfolio_holder__12="ACC Crime", due_date__10="2025-01-31"))  # fmt: skip

    assert where(problems) == [(5, "text"), (6, "portfolio_holder"), (10, "due_date")]
    assert "different text for AFI.1 from the text already in Beacon" in problems[0].message
    assert "'ACC Crime' for Local Policing but Beacon has 'ACC Local Policing'" in problems[1].message


@pytest.mark.django_db
def test_blanks_in_beacon_are_filled_and_audited(tmp_path: Path) -> None:
    inspection = InspectionFactory.create(title=TITLE)
    FindingFactory.create(
        inspection=inspection, ref="AFI.1", text="The command and control system does not show call handlers "
        "that a caller has reported ASB before.", category="", position=7
    )  # fmt: skip
    PortfolioFactory.create(name="Crime", holder="", plan_owner="Det Ch Supt Crime")
    before = AuditEvent.objects.count()

    result = import_plan(SAMPLE, actor=None)

    assert (result.inspections_created, result.findings_created, result.records_updated) == (0, 7, 2)
    afi1 = Finding.objects.get(ref="AFI.1")
    assert (afi1.category, afi1.parent, afi1.version) == (
        "Identifying vulnerability",
        Finding.objects.get(ref="R.1"),
        2,
    )
    assert Finding.objects.get(ref="CC.1").position == 8  # new findings follow the ones already there
    assert Portfolio.objects.get(name="Crime").holder == "ACC Crime"
    updates = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE)
    assert sorted(updates.values_list("model", flat=True)) == ["finding", "portfolio"]
    assert AuditEvent.objects.count() - before == 2 + result.findings_created + 3 + 10 + 11


@pytest.mark.django_db
def test_transfer_that_contradicts_beacon(tmp_path: Path) -> None:
    import_plan(SAMPLE, actor=None)
    problems = refused(variant(tmp_path, transferred_on__8="2024-05-20", update_date__8="2024-05-20"))
    assert ("Beacon records AFI.4 in Crime as ended on 10 May 2024") in problems[0].message
    assert where(problems)[0] == (8, "transferred_on")


@pytest.mark.django_db
def test_parent_ref_may_name_a_finding_already_in_beacon(tmp_path: Path) -> None:
    inspection = InspectionFactory.create(title=TITLE)
    FindingFactory.create(inspection=inspection, ref="R.9", kind=Finding.Kind.RECOMMENDATION, text="Earlier.")
    import_plan(variant(tmp_path, parent_ref__5="R.9"), actor=None)
    assert Finding.objects.get(ref="AFI.1").parent == Finding.objects.get(ref="R.9")


@pytest.mark.django_db
def test_multi_line_text_matches_the_same_text_typed_into_beacon(tmp_path: Path) -> None:
    inspection = InspectionFactory.create(title=TITLE)
    FindingFactory.create(inspection=inspection, ref="AFI.3", text="Problem solving plans:\r\nkept locally. ")
    path = variant(tmp_path, text__7="Problem solving plans:\nkept locally.")
    assert import_plan(path, actor=None).findings_created == 7


@pytest.mark.django_db
def test_a_repeated_row_is_one_update(tmp_path: Path) -> None:
    header, rows = sample()
    rows.append(list(rows[0]))
    result = import_plan(write_csv(tmp_path / "plan.csv", header, rows), actor=None)
    assert (result.rows, result.updates_created) == (12, 11)
