"""`beacon risk score`: the JSON contract, versions, location weights, and every problem listed."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from beacon.core.models import User
from beacon.core.roles import Role
from beacon.geography.models import PostcodeLocation
from beacon.risk import services
from beacon.risk.models import Assessment, Instrument
from beacon.risk.tests.factories import HIGH, MEDIUM, STANDARD

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("risk", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def answers_file(tmp_path: Path, answers: Any, name: str = "answers.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(answers))
    return str(path)


def test_score_prints_exactly_the_contract(tmp_path: Path) -> None:
    out, _ = run(
        "score", "--instrument", "asb-vulnerability", "--answers", answers_file(tmp_path, HIGH), "--json"
    )
    result = json.loads(out)
    assert list(result) == ["instrument", "version", "score", "level", "contributions"]
    assert result["instrument"] == "asb-vulnerability" and result["version"] == 1
    assert result["score"] == 24 and result["level"] == "High"
    assert result["contributions"][0] == {"question": "incidents_recent", "answer": 7, "points": 4}
    assert all(list(c) == ["question", "answer", "points"] for c in result["contributions"])
    assert sum(c["points"] for c in result["contributions"]) == 24
    assert {c["question"] for c in result["contributions"]} == set(HIGH)
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(("answers", "level"), [(STANDARD, "Standard"), (MEDIUM, "Medium")])
def test_the_level_is_the_display_label(tmp_path: Path, answers: dict[str, Any], level: str) -> None:
    out, _ = run(
        "score", "--instrument", "asb-vulnerability", "--answers", answers_file(tmp_path, answers), "--json"
    )
    assert json.loads(out)["level"] == level


def test_a_named_version_is_used_and_without_one_the_published_version(
    tmp_path: Path, make_user: Any
) -> None:
    admin: User = make_user(Role.ADMIN)
    draft = services.new_draft(admin, Instrument.objects.get(name="asb-vulnerability"))
    services.save_draft(
        admin,
        draft,
        questions=draft.questions,
        location_weights=draft.location_weights,
        thresholds={"medium": 5, "high": 10},
    )
    path = answers_file(tmp_path, MEDIUM)
    published, _ = run("score", "--instrument", "asb-vulnerability", "--answers", path, "--json")
    drafted, _ = run("score", "--instrument", "asb-vulnerability@2", "--answers", path, "--json")
    assert (json.loads(published)["version"], json.loads(published)["level"]) == (1, "Medium")
    assert (json.loads(drafted)["version"], json.loads(drafted)["level"]) == (2, "High")
    services.publish(admin, draft)
    now, _ = run("score", "--instrument", "asb-vulnerability", "--answers", path, "--json")
    old, _ = run("score", "--instrument", "asb-vulnerability@1", "--answers", path, "--json")
    assert json.loads(now)["version"] == 2 and json.loads(old)["level"] == "Medium"


def test_a_neighbourhood_or_postcode_adds_the_location_weights(tmp_path: Path, town: dict[str, Any]) -> None:
    path = answers_file(tmp_path, STANDARD)
    out, _ = run(
        "score", "--instrument", "asb-vulnerability", "--answers", path, "--neighbourhood", "TN1", "--json"
    )
    result = json.loads(out)
    assert result["score"] == 2
    assert result["contributions"][-1] == {
        "question": "location:neighbourhood_grade:priority",
        "answer": "Priority neighbourhood: Market (TN1), graded priority",
        "points": 2,
    }
    out, _ = run(
        "score", "--instrument", "asb-vulnerability", "--answers", path, "--neighbourhood", "TS1", "--json"
    )
    assert json.loads(out)["score"] == 0
    PostcodeLocation.objects.create(postcode="LE1 6LP", lat=52.6151, lon=-1.1051)  # inside Operation Lantern
    out, _ = run(
        "score", "--instrument", "asb-vulnerability", "--answers", path, "--postcode", "le16lp", "--json"
    )
    assert json.loads(out)["score"] == 3


def test_the_text_output_lists_each_answers_points(tmp_path: Path) -> None:
    out, _ = run("score", "--instrument", "asb-vulnerability@1", "--answers", answers_file(tmp_path, HIGH))
    assert out.splitlines()[0] == "asb-vulnerability@1: 24 points, High"
    assert "    4  hate: yes" in out


def test_bad_answers_exit_non_zero_listing_every_problem_with_its_question(tmp_path: Path) -> None:
    bad = {**STANDARD, "hate": "perhaps", "age": 70, "incidents_recent": -2, "colour": "red"}
    del bad["afraid"]
    err = StringIO()
    with pytest.raises(CommandError, match="5 problem") as exc:
        call_command(
            "risk",
            "score",
            "--instrument",
            "asb-vulnerability",
            "--answers",
            answers_file(tmp_path, bad),
            stdout=StringIO(),
            stderr=err,
        )
    assert exc.value.returncode == 1
    lines = err.getvalue().splitlines()
    assert [line.split(":", 2)[1].strip() for line in lines] == [
        "colour",
        "incidents_recent",
        "hate",
        "age",
        "afraid",
    ]


@pytest.mark.parametrize(
    ("instrument", "message"),
    [
        ("no-such-form", "no instrument named 'no-such-form'"),
        ("asb-vulnerability@7", "has no version 7"),
        ("asb-vulnerability@x", "is not a version number"),
    ],
)
def test_an_unknown_instrument_or_version_is_refused(tmp_path: Path, instrument: str, message: str) -> None:
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "risk",
            "score",
            "--instrument",
            instrument,
            "--answers",
            answers_file(tmp_path, STANDARD),
            stderr=err,
        )
    assert message in err.getvalue()


def test_a_file_that_is_not_json_or_an_unknown_neighbourhood_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("risk", "score", "--instrument", "asb-vulnerability", "--answers", str(path), stderr=err)
    assert "broken.json is not valid JSON" in err.getvalue()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "risk",
            "score",
            "--instrument",
            "asb-vulnerability",
            "--answers",
            answers_file(tmp_path, STANDARD),
            "--neighbourhood",
            "ZZ9",
            stderr=err,
        )
    assert "no neighbourhood with code 'ZZ9'" in err.getvalue()
