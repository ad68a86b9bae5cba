"""Scoring under one version: each kind of question, location weights, threshold boundaries, and
every problem with answers or with a definition named where it is."""

from __future__ import annotations

from typing import Any

import pytest

from beacon.core.errors import ValidationFailed
from beacon.risk import scoring
from beacon.risk.examples import EXAMPLE_LOCATION_WEIGHTS, EXAMPLE_QUESTIONS, EXAMPLE_THRESHOLDS
from beacon.risk.scoring import LocationContext
from beacon.risk.tests.factories import HIGH, MEDIUM, SIMPLE_QUESTIONS, SIMPLE_WEIGHTS, STANDARD

THRESHOLDS = {"medium": 5, "high": 10}
BASE = {"repeat": "no", "impact": "low", "count": 0, "notes": ""}
MARKET = LocationContext("TN1", "Market", "priority")
DOCKS = LocationContext("TS1", "Docks", "capable")


def simple(answers: dict[str, Any], location: LocationContext = scoring.NOWHERE) -> scoring.Score:
    return scoring.score(SIMPLE_QUESTIONS, SIMPLE_WEIGHTS, THRESHOLDS, answers, location)


def points(result: scoring.Score) -> dict[str, int]:
    return {c["question"]: c["points"] for c in result.contributions}


def fields(exc: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [p.field for p in exc.value.problems]


# ---------------------------------------------------------------------------------------------
# Each kind of question


def test_yes_no_answers_score_their_points_and_accept_true_and_false() -> None:
    assert points(simple({**BASE, "repeat": "yes"}))["repeat"] == 3
    assert points(simple({**BASE, "repeat": "YES"}))["repeat"] == 3
    assert points(simple({**BASE, "repeat": True}))["repeat"] == 3
    result = simple({**BASE, "repeat": False})
    assert result.answers["repeat"] == "no" and points(result)["repeat"] == 0


def test_a_choice_scores_the_points_of_the_value_chosen() -> None:
    assert points(simple({**BASE, "impact": "high"}))["impact"] == 4
    assert points(simple({**BASE, "impact": "low"}))["impact"] == 0


def test_a_number_scores_points_per_unit_up_to_its_cap() -> None:
    assert points(simple({**BASE, "count": 2}))["count"] == 4
    assert points(simple({**BASE, "count": "3"}))["count"] == 6  # a form posts text
    assert points(simple({**BASE, "count": 40}))["count"] == 6  # capped
    assert points(simple({**BASE, "count": 2.0}))["count"] == 4


def test_free_text_scores_nothing_and_optional_questions_may_be_left_out() -> None:
    result = simple({**BASE, "notes": "  Neighbour plays loud music at night.  "})
    assert points(result)["notes"] == 0
    assert result.answers["notes"] == "Neighbour plays loud music at night."
    assert "optional_yes" not in points(result)
    assert points(simple({**BASE, "optional_yes": "yes"}))["optional_yes"] == 1


def test_contributions_follow_question_order_and_add_up_to_the_score() -> None:
    result = simple({"count": 1, "impact": "high", "repeat": "yes", "notes": "x"}, MARKET)
    assert [c["question"] for c in result.contributions] == [
        "repeat",
        "impact",
        "count",
        "notes",
        "location:neighbourhood_grade:priority",
    ]
    assert result.score == sum(c["points"] for c in result.contributions) == 3 + 4 + 2 + 2


# ---------------------------------------------------------------------------------------------
# Location weights


def test_a_priority_neighbourhood_adds_its_weight() -> None:
    result = simple(BASE, MARKET)
    assert points(result) == {
        "repeat": 0,
        "impact": 0,
        "count": 0,
        "location:neighbourhood_grade:priority": 2,
    }
    assert result.location_points == 2
    assert "Priority neighbourhood: Market (TN1)" in result.contributions[-1]["answer"]


def test_a_named_neighbourhood_adds_its_weight_and_grades_that_do_not_match_add_nothing() -> None:
    assert simple(BASE, DOCKS).location_points == 1
    assert simple(BASE, LocationContext("ts1", "Docks", "capable")).location_points == 1


def test_an_active_local_priority_adds_its_weight_and_every_weight_that_applies_counts() -> None:
    inside = LocationContext("TN1", "Market", "priority", ("Operation Lantern",))
    result = simple(BASE, inside)
    assert result.location_points == 2 + 5
    assert result.contributions[-1]["answer"] == "Local priority: Operation Lantern"


def test_a_location_that_was_not_placed_adds_nothing() -> None:
    assert simple(BASE, scoring.NOWHERE).location_points == 0
    assert (
        simple(BASE, LocationContext(problem="The location is outside the force's neighbourhoods")).score == 0
    )


# ---------------------------------------------------------------------------------------------
# Thresholds


@pytest.mark.parametrize(
    ("answers", "total", "level"),
    [
        ({**BASE, "count": 2}, 4, "standard"),  # one below medium
        ({**BASE, "count": 1, "repeat": "yes"}, 5, "medium"),  # exactly medium
        ({**BASE, "count": 3, "repeat": "yes"}, 9, "medium"),  # one below high
        ({**BASE, "count": 3, "impact": "high"}, 10, "high"),  # exactly high
    ],
)
def test_levels_start_at_their_thresholds(answers: dict[str, Any], total: int, level: str) -> None:
    result = simple(answers)
    assert (result.score, result.level) == (total, level)


def test_the_example_instrument_gives_each_level() -> None:
    def run(answers: dict[str, Any], loc: LocationContext = scoring.NOWHERE) -> tuple[int, str]:
        r = scoring.score(EXAMPLE_QUESTIONS, EXAMPLE_LOCATION_WEIGHTS, EXAMPLE_THRESHOLDS, answers, loc)
        return r.score, r.level_label

    assert run(STANDARD) == (0, "Standard")
    assert run(MEDIUM) == (10, "Medium")
    assert run(HIGH) == (24, "High")
    assert run(STANDARD, MARKET) == (2, "Standard")


# ---------------------------------------------------------------------------------------------
# Problems with answers


def test_every_problem_with_the_answers_is_reported_with_its_question() -> None:
    with pytest.raises(ValidationFailed) as exc:
        simple({"repeat": 3, "impact": "medium", "count": "lots", "notes": ["a"], "extra": "yes"})
    by_field = {p.field: p.message for p in exc.value.problems}
    assert set(by_field) == {"extra", "repeat", "impact", "count", "notes"}
    assert "no question 'extra'" in by_field["extra"]  # unknown key
    assert "not a number" in by_field["repeat"]  # wrong type
    assert "'medium' is not a choice offered" in by_field["impact"]  # choice not offered
    assert "'lots' is not a whole number" in by_field["count"]  # wrong type
    assert "not a list" in by_field["notes"]


def test_missing_required_answers_are_reported_and_blank_counts_as_missing() -> None:
    with pytest.raises(ValidationFailed) as exc:
        simple({"repeat": "  ", "impact": None})
    assert fields(exc) == ["repeat", "impact", "count"]  # notes and optional_yes are optional
    assert exc.value.problems[0].message == "Select an answer to “Happened before?”."
    assert exc.value.problems[2].message == "Enter a number for “How many incidents?”."


@pytest.mark.parametrize(("value", "ok"), [(-1, False), (0, True), (50, True), (51, False), ("2.5", False)])
def test_numbers_must_be_whole_and_in_range(value: Any, ok: bool) -> None:
    if ok:
        simple({**BASE, "count": value})
        return
    with pytest.raises(ValidationFailed) as exc:
        simple({**BASE, "count": value})
    assert fields(exc) == ["count"]
    if isinstance(value, int):
        assert "from 0 to 50" in exc.value.problems[0].message


def test_choices_must_be_text_and_yes_no_must_be_yes_or_no() -> None:
    with pytest.raises(ValidationFailed) as exc:
        simple({**BASE, "impact": 2, "repeat": "maybe"})
    messages = {p.field: p.message for p in exc.value.problems}
    assert "with one of low, high, not a number" in messages["impact"]
    assert "'maybe' is not offered" in messages["repeat"]


def test_answers_must_be_an_object() -> None:
    with pytest.raises(ValidationFailed) as exc:
        simple(["yes"])  # type: ignore[arg-type]
    assert fields(exc) == ["answers"]


# ---------------------------------------------------------------------------------------------
# Problems with a definition


def test_the_example_definition_is_valid() -> None:
    assert scoring.check_definition(EXAMPLE_QUESTIONS, EXAMPLE_LOCATION_WEIGHTS, EXAMPLE_THRESHOLDS) == []
    assert scoring.check_definition(SIMPLE_QUESTIONS, SIMPLE_WEIGHTS, THRESHOLDS) == []


def test_every_problem_in_a_definition_is_named_where_it_is() -> None:
    questions = [
        {"key": "a", "text": "A?", "kind": "yes_no", "points": {"yes": 1, "maybe": 2}},
        {"key": "a", "text": "", "kind": "scale"},
        {"key": "c", "text": "C?", "kind": "choice", "choices": [{"value": "x"}], "points": {"x": "two"}},
        {"key": "d", "text": "D?", "kind": "number", "min": 5, "max": 1, "weight": 1},
        "not a question",
    ]
    weights = [{"when": "neighbourhood_grade:golden", "points": 1}, {"when": "anywhere", "points": "1"}]
    problems = scoring.check_definition(questions, weights, {"medium": 10, "high": 10})
    where = [p.field for p in problems]
    assert where == [
        "questions[1].points",  # "maybe" is not an answer
        "questions[2].key",  # used twice
        "questions[2].text",
        "questions[2].kind",
        "questions[3].choices[1].label",
        "questions[3].points",  # not a whole number
        "questions[4]",  # unknown setting "weight"
        "questions[4].points_per_unit",
        "questions[4].max",
        "questions[5]",
        "location_weights[1].when",
        "location_weights[2].when",
        "location_weights[2].points",
        "thresholds.high",
    ]


def test_definitions_must_have_questions_and_both_thresholds() -> None:
    problems = scoring.check_definition([], "x", {"medium": 3})
    assert [p.field for p in problems] == ["questions", "location_weights", "thresholds.high"]
