"""`beacon plans import` and `beacon plans summary --json`, as a user runs them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from beacon.core.models import AuditEvent
from beacon.inspections.models import Allocation, Finding, Inspection, ProgressUpdate
from beacon.inspections.tests.test_importer import (
    HAND_COUNT_END_2024,
    HAND_COUNT_MID_JUNE,
    SAMPLE,
    TITLE,
    table_counts,
)


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("plans", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def summary_json(as_of: str) -> dict[str, object]:
    out, _ = run("summary", "--inspection", TITLE, "--as-of", as_of, "--json")
    data = json.loads(out)
    assert (data["inspection"], data["as_of"]) == (TITLE, as_of)
    return {e.pop("portfolio"): e for e in data["portfolios"]}


@pytest.mark.django_db
def test_import_then_summary_gives_the_hand_count() -> None:
    out, err = run("import", str(SAMPLE))

    assert out.strip() == (
        "Imported 11 rows from improvement-plan-sample.csv: created 1 inspection, 8 findings, "
        "4 portfolios, 10 allocations and 11 progress updates; recorded 1 transfer."
    )
    assert err == ""
    assert summary_json("2024-12-31") == HAND_COUNT_END_2024
    assert summary_json("2024-06-15") == HAND_COUNT_MID_JUNE
    sources = set(AuditEvent.objects.values_list("source", flat=True))
    assert sources == {"command:plans import"}


@pytest.mark.django_db
def test_import_json_and_reimport() -> None:
    out, _ = run("import", str(SAMPLE), "--json")
    first = json.loads(out)
    assert first["rows"] == 11 and first["updates_created"] == 11 and first["transfers"] == 1
    before = table_counts()

    out, _ = run("import", str(SAMPLE), "--json")

    again = json.loads(out)
    assert again["rows"] == 11
    assert [again[k] for k in again if k.endswith("_created")] == [0, 0, 0, 0, 0]
    assert table_counts() == before
    out, _ = run("import", str(SAMPLE))
    assert "nothing changed" in out


@pytest.mark.django_db
def test_a_bad_file_fails_listing_every_problem_with_its_row(tmp_path: Path) -> None:
    with SAMPLE.open(newline="", encoding="utf-8") as fh:
        header, *rows = list(csv.reader(fh))
    rows[1][header.index("due_date")] = "30-Jnu-24"  # row 3
    rows[3][header.index("kind")] = "observation"  # row 5
    rows[6][header.index("transferred_to")] = "Nowhere"  # row 8
    path = tmp_path / "plan.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *rows])
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"3 problem\(s\); nothing was written"):
        call_command("plans", "import", str(path), stdout=io.StringIO(), stderr=err)

    lines = err.getvalue().splitlines()
    assert lines[0] == "error: row 3, column due_date: '30-Jnu-24' is not a date: 'Jnu' is not a month."
    assert lines[1].startswith("error: row 5, column kind: Unknown kind 'observation'")
    assert lines[2].startswith("error: row 8, column transferred_to: Transfer to unknown portfolio Nowhere")
    assert len(lines) == 3
    for model in (Inspection, Finding, Allocation, ProgressUpdate, AuditEvent):
        assert not model.objects.exists()


@pytest.mark.django_db
def test_files_the_command_cannot_import(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        run("import", str(tmp_path / "missing.csv"))

    (tmp_path / "plan.ods").write_bytes(b"PK\x03\x04")
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"1 problem\(s\)"):
        call_command("plans", "import", str(tmp_path / "plan.ods"), stdout=io.StringIO(), stderr=err)
    assert "unsupported file type '.ods' (save it as .xlsx); use a .csv or .xlsx file" in err.getvalue()


@pytest.mark.django_db
def test_summary_of_an_inspection_that_is_not_there() -> None:
    with pytest.raises(CommandError, match="No inspection titled"):
        run("summary", "--inspection", TITLE, "--json")
