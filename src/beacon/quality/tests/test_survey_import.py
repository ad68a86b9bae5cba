"""Importing earlier survey results: a good file is written whole, a bad one reports every problem
with its row and column and writes nothing, and importing the same file again changes nothing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from beacon.core.errors import ValidationFailed
from beacon.quality import survey_import
from beacon.quality.survey_models import SurveyAnswer, SurveyResponse
from beacon.quality.tests.factories import area
from beacon.quality.tests.survey_factories import COLUMNS, SCALE, write_csv

pytestmark = pytest.mark.django_db
S = "asb-callback"


@pytest.fixture
def places() -> dict[str, Any]:
    return {"north": area("North", "N"), "south": area("South", "S")}


def _row(rid: str, **over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "response_id": rid,
        "month": "2024-03",
        "area": "N",
        "ethnicity": "W1",
        "age_band": "35-44",
        "disability": "no",
        **{q: 4 for q in SCALE},
        "comments": "",
    }
    return {**base, **over}


GOOD = [
    _row("R1"),
    _row("R2", area="S", ethnicity="Indian", age_band="65+", disability="Yes", whole_experience=1),
    _row(
        "R3", ethnicity="", age_band="", disability="", kept_informed="", comments="  They never rang back. "
    ),
    _row("R4", ethnicity="NS", month="2024-04", treatment=5, ease_of_contact=2),
    _row("R5", ethnicity="roma", age_band="16-24"),
]


def test_a_good_file_is_imported_whole(places: dict[str, Any], tmp_path: Path, capsys: Any) -> None:
    path = write_csv(tmp_path / "survey.csv", GOOD)
    call_command("surveys", "import", str(path), "--survey", S, "--json")
    out = json.loads(capsys.readouterr().out)
    assert out == {"survey": S, "version": 1, "file": "survey.csv", "rows": 5, "imported": 5, "unchanged": 0}
    assert SurveyResponse.objects.count() == 5
    r2 = SurveyResponse.objects.get(response_id="R2")
    assert (r2.area, r2.month, r2.ethnicity, r2.age_band, r2.disability) == (
        places["south"],
        dt.date(2024, 3, 1),
        "A1",
        "65+",
        "yes",
    )
    assert r2.source == "import" and r2.version.version == 1
    assert dict(r2.answers.values_list("question", "value")) == {
        **{q: 4 for q in SCALE},
        "whole_experience": 1,
    }
    r3 = SurveyResponse.objects.get(response_id="R3")
    assert (r3.ethnicity, r3.age_band, r3.disability) == ("", "", "")
    assert not r3.answers.filter(question="kept_informed").exists()  # blank: not answered, no row
    assert r3.answers.get(question="comments").text == "They never rang back."
    assert SurveyResponse.objects.get(response_id="R4").ethnicity == ""  # NS: not stated
    assert SurveyResponse.objects.get(response_id="R5").ethnicity == "W4"  # Roma, by name in any case
    assert SurveyAnswer.objects.filter(value__isnull=False).count() == 5 * 5 - 1


def test_the_free_text_column_may_be_left_out(places: dict[str, Any], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", GOOD[:2], columns=[c for c in COLUMNS if c != "comments"])
    result = survey_import.import_responses(None, path, S)
    assert result.imported == 2


def test_every_problem_is_reported_with_its_row_and_column_and_nothing_is_written(
    places: dict[str, Any], tmp_path: Path, capsys: Any
) -> None:
    rows = [
        _row("A1"),  # row 2: fine
        _row("A2", area="X9"),  # row 3: unknown area
        _row("A3", month="2024-13"),  # row 4: no month 13
        _row("A4", month="March 2024", kept_informed=6),  # row 5: two problems
        _row("A1"),  # row 6: repeats row 2's id
        _row("A6", ethnicity="Martian", age_band="40-50", disability="maybe"),  # row 7: three
        _row("A7", treatment="x", whole_experience="4.5"),  # row 8
        _row("A8", **{q: "" for q in SCALE}),  # row 9: answers nothing
        _row("", area=""),  # row 10: no id, no area
    ]
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(ValidationFailed) as e:
        survey_import.import_responses(None, path, S)
    found = [(p.row, p.field) for p in e.value.problems]
    assert found == [
        (3, "area"),
        (4, "month"),
        (5, "month"),
        (5, "kept_informed"),
        (6, "response_id"),
        (7, "ethnicity"),
        (7, "age_band"),
        (7, "disability"),
        (8, "treatment"),
        (8, "whole_experience"),
        (9, "ease_of_contact"),
        (10, "response_id"),
        (10, "area"),
    ]
    messages = {(p.row, p.field): p.message for p in e.value.problems}
    assert "also on row 2" in messages[6, "response_id"]
    assert (
        "6" in messages[5, "kept_informed"] and "1 (very dissatisfied) to 5" in messages[5, "kept_informed"]
    )
    assert "X9" in messages[3, "area"]
    assert not SurveyResponse.objects.exists() and not SurveyAnswer.objects.exists()
    # the command lists every problem, says nothing was written and exits non-zero
    with pytest.raises(CommandError) as c:
        call_command("surveys", "import", str(path), "--survey", S)
    assert c.value.returncode == 1 and "nothing was written" in str(c.value)
    err = capsys.readouterr().err
    assert "row 3, column area: There is no area 'X9'." in err
    assert err.count("error: ") == len(found)


def test_missing_and_unknown_columns_are_problems_on_the_header(
    places: dict[str, Any], tmp_path: Path
) -> None:
    columns = [c for c in COLUMNS if c not in ("area", "treatment")] + ["kept_informd"]
    path = write_csv(tmp_path / "cols.csv", [_row("C1", kept_informed=9)], columns=columns)
    with pytest.raises(ValidationFailed) as e:
        survey_import.import_responses(None, path, S)
    found = [(p.row, p.field) for p in e.value.problems]
    assert (1, "area") in found and (1, "treatment") in found and (1, "kept_informd") in found
    assert (2, "kept_informed") in found  # the rows are still checked for the columns there
    assert not SurveyResponse.objects.exists()


def test_an_unknown_survey_a_missing_file_and_a_ragged_line(places: dict[str, Any], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", GOOD[:1])
    with pytest.raises(ValidationFailed) as e:
        survey_import.import_responses(None, path, "no-such-survey")
    assert [p.field for p in e.value.problems] == ["survey"]
    with pytest.raises(ValidationFailed) as e:
        survey_import.import_responses(None, tmp_path / "missing.csv", S)
    assert [p.field for p in e.value.problems] == ["file"]
    with path.open("a", encoding="utf-8") as fh:
        fh.write("R9,2024-03,N\n")
    with pytest.raises(ValidationFailed) as e:
        survey_import.import_responses(None, path, S)
    assert [(p.row, p.field) for p in e.value.problems] == [(3, "")]


def test_importing_the_same_file_again_changes_nothing(
    places: dict[str, Any], tmp_path: Path, capsys: Any
) -> None:
    path = write_csv(tmp_path / "survey.csv", GOOD)
    first = survey_import.import_responses(None, path, S)
    ids = sorted(SurveyResponse.objects.values_list("pk", flat=True))
    answers = SurveyAnswer.objects.count()
    call_command("surveys", "import", str(path), "--survey", S)
    assert "imported 0, unchanged 5" in capsys.readouterr().out
    assert sorted(SurveyResponse.objects.values_list("pk", flat=True)) == ids
    assert SurveyAnswer.objects.count() == answers and first.imported == 5
    # a longer file: the new rows are imported, the old ones skipped
    more = write_csv(tmp_path / "more.csv", [*GOOD, _row("R6")])
    again = survey_import.import_responses(None, more, S)
    assert (again.imported, again.unchanged) == (1, 5)


def test_a_response_imported_before_with_different_content_is_a_problem(
    places: dict[str, Any], tmp_path: Path
) -> None:
    survey_import.import_responses(None, write_csv(tmp_path / "a.csv", GOOD), S)
    changed = [*GOOD[:2], _row("R3", whole_experience=2), _row("R7")]
    with pytest.raises(ValidationFailed) as e:
        survey_import.import_responses(None, write_csv(tmp_path / "b.csv", changed), S)
    assert [(p.row, p.field) for p in e.value.problems] == [(4, "response_id")]
    assert "R3" in e.value.problems[0].message
    assert not SurveyResponse.objects.filter(response_id="R7").exists()  # nothing written
    assert SurveyResponse.objects.get(response_id="R3").answers.get(question="whole_experience").value == 4
