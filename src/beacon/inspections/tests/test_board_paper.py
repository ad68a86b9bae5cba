"""A plan typed in as a real board paper prints it (tests/data/board-paper-plan.csv and .xlsx) imports,
and comes out as a person counts it by hand; real conflicts are still refused with both rows named.

The paper's quirks: management responses with no date of update (taken as given on the date the plan
is as at, and shown as "date not given"), a finding's category and text printed with different case,
spacing or punctuation in different portfolios' plans (the same finding: noted, not refused), and
supporting allocations with no action owner and no status.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from beacon.core.errors import Problem, ValidationFailed
from beacon.core.models import User
from beacon.core.roles import Role
from beacon.inspections import exports, plan_parsing, selectors
from beacon.inspections.importer import ImportResult, import_plan
from beacon.inspections.models import Allocation, Finding, Inspection, Portfolio, ProgressUpdate, Status
from beacon.inspections.tests.test_importer import counts, entry, table_counts, where

DATA = Path(__file__).resolve().parent / "data"
PAPER_CSV = DATA / "board-paper-plan.csv"
PAPER_XLSX = DATA / "board-paper-plan.xlsx"
TITLE = "Wessex Constabulary PEEL Inspection 2023-25"
AS_AT = dt.date(2024, 9, 30)  # the paper's "position as at" date
ALP, DCC, DOF = "ACC Local Policing", "Deputy Chief Constable", "Director of Finance"

# Counted by hand from board-paper-plan.csv, as at 30 September 2024. Only lead allocations count (the
# supporting rows 6, 9, 13 and 16 do not); an undated update counts from the as-at date.
#   ACC Local Policing: CC.1 GREEN (row 3, 2 Sep), R.1 GREEN (row 4), AFI.4 N/A (row 10, undated),
#     AFI.6 GREEN (row 14)                      → CC 1 green; Rec 1 green; AFI 2 = 1 completed + 1 green
#   Deputy Chief Constable: AFI.3 AMBER (row 8), AFI.5 Complete (row 12, undated, after AMBER of
#     12 Jul in row 11), AFI.8 no update (row 17) → AFI 3 = 1 completed + 1 amber + 1 with no status
#   Director of Finance: AFI.1 Complete (row 5, undated), AFI.2 RED (row 7), AFI.7 AMBER (row 15,
#     undated)                                  → AFI 3 = 1 completed + 1 amber + 1 red
HAND_COUNT_AS_AT = {
    ALP: entry(cc=counts(1, green=1), rec=counts(1, green=1), afi=counts(2, completed=1, green=1)),
    DCC: entry(afi=counts(3, completed=1, amber=1)),
    DOF: entry(afi=counts(3, completed=1, amber=1, red=1)),
}
# Nothing is overdue on 30 Sep: the items due before then (AFI.1, AFI.4, AFI.5) are closed.
# On 15 September 2024 the undated updates (given as at 30 Sep) and AFI.2's RED of 20 Sep are not there yet,
# so the three items due before then are open and overdue:
#   ACC Local Policing: CC.1 GREEN, R.1 GREEN, AFI.4 none (due 30 Jun), AFI.6 GREEN → AFI 2 = 1 green
#     + 1 with no status, 1 overdue
#   Deputy Chief Constable: AFI.3 AMBER (10 Sep), AFI.5 AMBER (12 Jul, due 31 Aug), AFI.8 none
#     → AFI 3 = 2 amber + 1 with no status, 1 overdue
#   Director of Finance: nothing yet, AFI.1 due 30 Jun → AFI 3, no status, 1 overdue
HAND_COUNT_15_SEP = {
    ALP: entry(cc=counts(1, green=1), rec=counts(1, green=1), afi=counts(2, green=1, overdue=1)),
    DCC: entry(afi=counts(3, amber=2, overdue=1)),
    DOF: entry(afi=counts(3, overdue=1)),
}
# (ref, portfolio) of the updates printed without a date of update: rows 5, 10, 12, 13 and 15
UNDATED = {("AFI.1", DOF), ("AFI.4", ALP), ("AFI.5", DCC), ("AFI.5", ALP), ("AFI.7", DOF)}
# The notes: every variant spelling with its row, and the rows with no date of update
NOTES = [
    (5, "update_date"),  # rows 5, 10, 12, 13 and 15 have no date of update
    (6, "category"),  # AFI.1 "Value for Money: Staffing and Costs" (row 5: "...and costs")
    (6, "text"),  # AFI.1 text wrapped onto two lines
    (9, "category"),  # AFI.3 "Leadership and Force Management"
    (9, "text"),  # AFI.3 text with a double space and a trailing space
    (13, "category"),  # AFI.5 "Recording Data About Crime"
    (13, "text"),  # AFI.5 "antisocial" for "anti-social", no full stop
    (16, "category"),  # AFI.7 "Value for Money : Staffing and costs"
]


def summary(as_of: dt.date) -> dict[str, dict[str, object]]:
    inspection = Inspection.objects.get(title=TITLE)
    return {
        e["portfolio"]: {k: v for k, v in e.items() if k != "portfolio"}
        for e in selectors.inspection_summary(inspection, as_of)
    }


def paper() -> tuple[list[str], list[list[str]]]:
    with PAPER_CSV.open(newline="", encoding="utf-8") as fh:
        header, *rows = list(csv.reader(fh))
    return header, rows


def paper_with(tmp_path: Path, changes: dict[tuple[int, str], str]) -> Path:
    """The paper with cells changed, by (spreadsheet row number, column)."""
    header, rows = paper()
    for (row, column), value in changes.items():
        rows[row - 2][header.index(column)] = value
    path = tmp_path / "plan.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *rows])
    return path


def imported() -> ImportResult:
    return import_plan(PAPER_CSV, actor=None, as_at=AS_AT)


def update_of(ref: str, portfolio: str) -> ProgressUpdate:
    return ProgressUpdate.objects.filter(
        allocation__finding__ref=ref, allocation__portfolio__name=portfolio
    ).latest("date", "created_at", "id")


# --- it imports, and counts as a person counts it --------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", [PAPER_CSV, PAPER_XLSX], ids=["csv", "xlsx"])
def test_the_board_paper_imports_and_gives_the_hand_count(path: Path) -> None:
    result = import_plan(path, actor=None, as_at=AS_AT)

    assert result == ImportResult(
        rows=16,  # rows 2 to 17
        inspections_created=1,
        findings_created=10,  # CC.1, R.1, AFI.1 to AFI.8
        portfolios_created=3,
        allocations_created=14,  # 10 leads; supporting: AFI.1, AFI.3, AFI.5 and AFI.7
        updates_created=12,  # rows 2-5, 7, 8, 10-15
        undated_updates=5,
        source_name=path.name,
        notes=result.notes,
    )
    assert result.as_at == AS_AT
    assert where(result.notes) == NOTES
    assert summary(AS_AT) == HAND_COUNT_AS_AT
    assert summary(dt.date(2024, 9, 15)) == HAND_COUNT_15_SEP
    undated = ProgressUpdate.objects.filter(date_given=False)
    assert {(u.allocation.finding.ref, u.allocation.portfolio.name) for u in undated} == UNDATED
    assert set(undated.values_list("date", flat=True)) == {AS_AT}
    assert ProgressUpdate.objects.filter(date_given=True).count() == 7
    na = update_of("AFI.4", ALP)
    assert (na.status, na.text, na.date_given) == (Status.NA, "This will no longer be applicable.", False)


@pytest.mark.django_db
def test_the_first_spelling_is_kept_and_supporting_rows_need_no_owner_or_status() -> None:
    imported()

    afi1 = Finding.objects.get(ref="AFI.1")
    assert afi1.category == "Value for Money: Staffing and costs"  # row 5, not row 6's "Costs"
    assert afi1.text == (
        "The force should make sure it understands the demand on its workforce, so it can plan the "
        "officers and staff it needs."
    )
    assert Finding.objects.get(ref="AFI.3").category == "Leadership and force management"
    assert Finding.objects.get(ref="AFI.5").text.endswith("incidents of anti-social behaviour.")
    assert Finding.objects.get(ref="AFI.7").category == "Value for Money: Staffing and costs"
    supporting = Allocation.objects.filter(role=Allocation.Role.SUPPORTING)
    assert sorted((a.finding.ref, a.portfolio.name, a.action_owner) for a in supporting) == [
        ("AFI.1", DCC, ""),
        ("AFI.3", ALP, ""),
        ("AFI.5", ALP, ""),
        ("AFI.7", ALP, ""),
    ]
    # Row 13 gives AFI.5's support an update with no status and no date: it is kept, undated.
    support = update_of("AFI.5", ALP)
    assert (support.status, support.date_given) == (Status.BLANK, False)
    assert not ProgressUpdate.objects.filter(allocation__finding__ref__in=["AFI.1", "AFI.3", "AFI.7"]).filter(
        allocation__role=Allocation.Role.SUPPORTING
    )


@pytest.mark.django_db
def test_notes_name_each_variant_and_its_rows() -> None:
    notes = {(n.row, n.field): n.message for n in imported().notes}

    assert notes[(5, "update_date")] == (
        "No date of update in rows 5, 10, 12, 13 and 15: taken as given on 30 September 2024, the date "
        'the plan is as at, and shown as "date not given".'
    )
    assert notes[(6, "category")] == (
        "Category 'Value for Money: Staffing and Costs' for AFI.1 differs from row 5's 'Value for Money: "
        "Staffing and costs' only in case, spacing or punctuation: the same finding, so row 5's spelling "
        "is kept."
    )
    assert "The text of AFI.1 differs from row 5's only in case, spacing or punctuation" in notes[(6, "text")]
    assert "'Value for Money : Staffing and costs' for AFI.7 differs from row 15's" in notes[(16, "category")]


@pytest.mark.django_db
def test_a_variant_printed_in_several_rows_is_one_note_naming_them_all(tmp_path: Path) -> None:
    header, rows = paper()
    extra = list(rows[14])  # row 16: AFI.7 in ACC Local Policing, "Value for Money : Staffing…"
    rows.append(extra)  # row 18, the same row again
    path = tmp_path / "plan.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *rows])

    notes = import_plan(path, actor=None, as_at=AS_AT).notes

    [note] = [n for n in notes if n.field == "category" and "AFI.7" in n.message]
    assert note.row == 16 and "AFI.7 (rows 16 and 18)" in note.message


@pytest.mark.django_db
def test_reimporting_with_a_later_as_at_date_adds_nothing() -> None:
    imported()
    before = table_counts()

    again = import_plan(PAPER_CSV, actor=None, as_at=dt.date(2024, 10, 31))

    assert table_counts() == before
    assert (again.updates_created, again.undated_updates, again.records_updated) == (0, 0, 0)
    assert summary(AS_AT) == HAND_COUNT_AS_AT


@pytest.mark.django_db
def test_spellings_that_differ_from_beacons_only_in_case_are_noted_and_beacons_kept(tmp_path: Path) -> None:
    imported()
    path = paper_with(
        tmp_path,
        {
            (5, "category"): "VALUE FOR MONEY - staffing and costs",
            (7, "text"): "The force should improve how it records the savings its change programme makes",
        },
    )
    before = table_counts()

    result = import_plan(path, actor=None, as_at=AS_AT)

    assert table_counts() == before
    notes = {(n.row, n.field): n.message for n in result.notes}
    assert "differs from Beacon's only in case, spacing or punctuation" in notes[(5, "category")]
    assert "Beacon's 'Value for Money: Staffing and costs' is kept" in notes[(5, "category")]
    assert "The text of AFI.2 differs from Beacon's" in notes[(7, "text")]
    assert Finding.objects.get(ref="AFI.1").category == "Value for Money: Staffing and costs"


# --- real conflicts are still refused, naming both rows ---------------------------------------


def refused(path: Path) -> list[Problem]:
    before = table_counts()
    with pytest.raises(ValidationFailed) as exc:
        import_plan(path, actor=None, as_at=AS_AT)
    assert table_counts() == before
    return exc.value.problems


@pytest.mark.django_db
def test_different_words_for_the_same_ref_are_refused_with_both_rows(tmp_path: Path) -> None:
    header, rows = paper()
    text = rows[8 - 2][header.index("text")].replace("time and support", "time and money")
    changes = {(9, "text"): text, (6, "category"): "Value for Money: Workforce"}
    problems = refused(paper_with(tmp_path, changes))

    assert where(problems) == [(6, "category"), (9, "text")]
    assert problems[0].message == (
        "Row 6 and row 5 give different category for AFI.1 ('Value for Money: Staffing and costs' and "
        "'Value for Money: Workforce')."
    )
    assert problems[1].message == "Row 9 and row 8 give different text for AFI.3."


@pytest.mark.django_db
def test_two_leads_at_once_are_refused_with_both_rows(tmp_path: Path) -> None:
    problems = refused(paper_with(tmp_path, {(6, "role"): "Lead"}))

    assert where(problems) == [(6, "role")]
    assert problems[0].message == (
        "AFI.1 has more than one lead portfolio at once: Director of Finance (row 5) and Deputy Chief "
        "Constable (row 6)."
    )


@pytest.mark.django_db
def test_a_ref_used_for_two_different_findings_is_refused_with_both_rows(tmp_path: Path) -> None:
    # Row 14 is AFI.6; typed as AFI.4 it claims AFI.4 (row 10) for a different finding.
    problems = refused(paper_with(tmp_path, {(14, "ref"): "AFI.4"}))

    assert where(problems) == [(14, "category"), (14, "text"), (14, "pages"), (14, "action_owner"),
                               (14, "due_date")]  # fmt: skip
    for p in problems:
        assert re.match(r"Row 14 and row 10 give different \w+ for AFI\.4", p.message), p.message


@pytest.mark.django_db
def test_an_as_at_date_in_the_future_is_refused() -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        import_plan(PAPER_CSV, actor=None, as_at=tomorrow)
    assert where(exc.value.problems) == [(None, "as_at")]
    assert not Inspection.objects.exists()


# --- "date not given" wherever the update's date is shown --------------------------------------


@pytest.fixture
def paper_in_beacon(db: None) -> None:
    imported()


def cells_of(html: str, ref: str) -> str:
    """The plan table row of `ref` (the whole <tr>)."""
    match = re.search(rf'<tr class="govuk-table__row" data-ref="{re.escape(ref)}">.*?</tr>', html, re.S)
    assert match, f"no row for {ref}"
    return match.group(0)


@pytest.mark.usefixtures("paper_in_beacon")
def test_pages_show_date_not_given(client_for: Callable[..., Client], make_user: Callable[..., User]) -> None:
    c = client_for(make_user(Role.PERFORMANCE))
    dof = Portfolio.objects.get(name=DOF)

    html = c.get(reverse("inspections:portfolio", args=[dof.pk]), {"as_of": "2024-09-30"}).content.decode()
    assert "date not given" in cells_of(html, "AFI.1") and "30 September 2024" not in cells_of(html, "AFI.1")
    assert "20 September 2024" in cells_of(html, "AFI.2") and "date not given" not in cells_of(html, "AFI.2")

    afi5 = Finding.objects.get(ref="AFI.5")
    html = c.get(reverse("inspections:finding", args=[afi5.pk]), {"as_of": "2024-09-30"}).content.decode()
    timeline = html[html.index('id="timeline"') :]
    assert timeline.count("Date not given") == 2  # rows 12 and 13
    assert "12 July 2024" in timeline  # row 11 was dated

    html = c.get(reverse("inspections:dashboard"), {"as_of": "2024-09-30"}).content.decode()
    # AFI.7 is due on 14 October 2024 (due soon); its update (row 15) had no date
    assert "date not given" in cells_of(html, "AFI.7")

    allocation = Allocation.objects.get(finding__ref="AFI.7", portfolio=dof)
    html = c.get(reverse("inspections:add_update", args=[allocation.pk])).content.decode()
    assert "Latest update (date not given," in html


@pytest.mark.usefixtures("paper_in_beacon")
def test_exports_show_date_not_given() -> None:
    inspection = Inspection.objects.get(title=TITLE)

    data = exports.appendix_data(inspection, AS_AT)
    dof = next(s for s in data.sections if s.name == DOF)
    assert [(r.ref, r.update_date_text) for r in dof.rows] == [
        ("AFI.1", "date not given"),
        ("AFI.2", "20 September 2024"),
        ("AFI.7", "date not given"),
    ]
    # the summary as the paper prints it: Areas for improvement 3, 1 completed, 0 green, 1 amber, 1 red
    assert [r for r in dof.summary if r["label"] == "Areas for improvement"] == [
        {"label": "Areas for improvement", **counts(3, completed=1, amber=1, red=1)}
    ]

    pdf = PdfReader(io.BytesIO(exports.render_appendix(inspection, AS_AT, "pdf")))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages))
    assert text.count("date not given") == 5  # AFI.4 and AFI.5 (supporting), AFI.5, AFI.1, AFI.7

    doc = Document(io.BytesIO(exports.render_appendix(inspection, AS_AT, "docx")))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert cells.count("date not given") == 5

    book = openpyxl.load_workbook(io.BytesIO(exports.render_appendix(inspection, AS_AT, "xlsx")))
    sheet = book[DOF]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=6, values_only=True)}
    assert rows["AFI.1"][5] == "date not given"
    assert rows["AFI.2"][5] == dt.datetime(2024, 9, 20)


@pytest.mark.usefixtures("paper_in_beacon")
def test_the_api_says_whether_the_date_was_given(
    client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    c = client_for(make_user(Role.PERFORMANCE))
    dof = Portfolio.objects.get(name=DOF)

    plan = c.get(f"/api/v1/portfolios/{dof.pk}/plan", {"as_of": "2024-09-30"}).json()

    latest = {item["finding_ref"]: item["latest_update"] for item in plan}
    assert (latest["AFI.1"]["date"], latest["AFI.1"]["date_given"]) == ("2024-09-30", False)
    assert (latest["AFI.2"]["date"], latest["AFI.2"]["date_given"]) == ("2024-09-20", True)
    schema = c.get("/api/v1/openapi.json").json()
    update_out = schema["components"]["schemas"]["UpdateOut"]
    assert "date_given" in update_out["required"]
    assert "date not given" in update_out["properties"]["date_given"]["description"]


# --- the command's --as-at and the import page's field ----------------------------------------


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("plans", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_command_as_at_dates_the_undated_updates_and_prints_the_notes() -> None:
    out = run("import", str(PAPER_CSV), "--as-at", "2024-09-30")

    lines = out.splitlines()
    assert lines[0] == (
        "Imported 16 rows from board-paper-plan.csv: created 1 inspection, 10 findings, 3 portfolios, "
        "14 allocations and 12 progress updates."
    )
    assert lines[1].startswith("Note: row 5, column update_date: No date of update in rows 5, 10, 12")
    assert lines[2].startswith("Note: row 6, column category: Category 'Value for Money: Staffing and Costs'")
    assert len(lines) == 1 + len(NOTES)
    assert set(ProgressUpdate.objects.filter(date_given=False).values_list("date", flat=True)) == {AS_AT}
    assert summary(AS_AT) == HAND_COUNT_AS_AT


@pytest.mark.django_db
def test_command_json_has_the_notes_and_the_as_at_date() -> None:
    data = json.loads(run("import", str(PAPER_XLSX), "--as-at", "2024-09-30", "--json"))

    assert data["as_at"] == "2024-09-30" and data["undated_updates"] == 5
    assert [(n["row"], n["field"]) for n in data["notes"]] == NOTES
    assert all(n["message"] for n in data["notes"])


@pytest.mark.django_db
def test_command_without_as_at_takes_today() -> None:
    run("import", str(PAPER_CSV))
    today = timezone.localdate()
    assert set(ProgressUpdate.objects.filter(date_given=False).values_list("date", flat=True)) == {today}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value, words",
    [("30/09/2024", "--as-at must be a date in the form YYYY-MM-DD"), ("2999-01-01", "1 problem")],
)
def test_command_refuses_a_bad_as_at(value: str, words: str) -> None:
    with pytest.raises(CommandError, match=words):
        run("import", str(PAPER_CSV), "--as-at", value)
    assert not Inspection.objects.exists()


def upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("board paper.csv", PAPER_CSV.read_bytes(), content_type="text/csv")


def test_import_page_as_at_field_and_notes(
    client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    c = client_for(make_user(Role.PERFORMANCE))
    page = c.get(reverse("inspections:import")).content.decode()
    assert all(f'name="as_at_{part}"' in page for part in ("day", "month", "year"))  # GOV.UK date input

    r = c.post(
        reverse("inspections:import"),
        {"file": upload(), "as_at_day": "30", "as_at_month": "9", "as_at_year": "2024"},
    )

    assert r.status_code == 200
    html = r.content.decode()
    assert "Imported 16 rows from board paper.csv" in html
    notes = html[html.index('id="import-notes"') :]
    assert notes.count("<li>") == len(NOTES)
    assert "Row 6, column category: Category &#x27;Value for Money: Staffing and Costs&#x27;" in notes
    assert set(ProgressUpdate.objects.filter(date_given=False).values_list("date", flat=True)) == {AS_AT}
    assert summary(AS_AT) == HAND_COUNT_AS_AT


@pytest.mark.parametrize("value", ["30 Septembre", "2999-01-01"])
def test_import_page_refuses_a_bad_as_at(
    client_for: Callable[..., Client], make_user: Callable[..., User], value: str
) -> None:
    c = client_for(make_user(Role.PERFORMANCE))

    r = c.post(reverse("inspections:import"), {"file": upload(), "as_at": value})

    assert r.status_code == 422
    assert [p.field for p in r.context["problems"]] == ["as_at"]
    assert not Inspection.objects.exists()


@pytest.mark.usefixtures("paper_in_beacon")
def test_a_stale_undated_update_says_its_date_was_not_given() -> None:
    items = {i.finding.ref: i for i in selectors.dashboard_items(dt.date(2024, 12, 31))}

    [stale] = [f for f in items["AFI.7"].flags if f.code == "stale"]
    assert (
        stale.reason == "Last update date not given (plan as at 30 September 2024), 92 days ago (limit 42)."
    )


def test_api_import_takes_as_at_and_returns_the_notes(
    client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    c = client_for(make_user(Role.PERFORMANCE))

    refused = c.post("/api/v1/plans/import", {"file": upload(), "as_at": "2999-01-01"})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["as_at"]
    assert not Inspection.objects.exists()

    r = c.post("/api/v1/plans/import", {"file": upload(), "as_at": "2024-09-30"})

    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["as_at"], body["undated_updates"], body["updates_created"]) == ("2024-09-30", 5, 12)
    assert [(n["row"], n["field"]) for n in body["notes"]] == NOTES
    assert summary(AS_AT) == HAND_COUNT_AS_AT


@pytest.mark.parametrize(
    "a, b",
    [
        ("Value for Money: Staffing and costs", "Value for Money: Staffing and Costs"),
        ("Value for Money: Staffing and costs", "Value for money – staffing  and costs"),
        ("Value for Money: Staffing and costs", "Value for Money : Staffing and costs"),
        ("on its\nworkforce, so it can", "on its workforce so it can"),
        ("anti-social behaviour.", "antisocial behaviour"),
        ("the force\u2019s areas", "the force's areas"),
    ],
)
def test_spellings_that_are_the_same(a: str, b: str) -> None:
    assert plan_parsing.same_words(a, b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Value for Money: Staffing and costs", "Value for Money: Workforce"),
        ("within 6 months", "within 3 months"),
        ("79% correct", "7.9% correct"),
        ("a cost of 1,500", "a cost of 15,00"),
        ("by 30/09/2024", "by 3/009/2024"),
        ("Crime", ""),
    ],
)
def test_spellings_that_differ(a: str, b: str) -> None:
    assert not plan_parsing.same_words(a, b)
