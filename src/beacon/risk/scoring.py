"""Scoring a risk assessment under one instrument version: pure functions over the version's data.

The same code checks a definition an administrator wants to save or publish, scores an officer's
answers, previews a draft with sample answers, and answers `beacon risk score`. Nothing here reads
or writes the database: where it happened comes in as a `LocationContext` (see `risk.selectors`).

A definition (see `InstrumentVersion`) is
- `questions`: [{"key", "text", "kind": "yes_no" | "choice" | "number" | "text", "required", "help",
  "points": {answer: n} (yes_no, choice), "choices": [{"value", "label"}] (choice),
  "points_per_unit", "max_points", "min", "max" (number)}]. Questions are required unless
  `"required": false` (free-text questions are optional unless `"required": true`); free text scores
  nothing.
- `location_weights`: [{"when": "neighbourhood_grade:GRADE" | "neighbourhood:CODE" | "local_priority",
  "points": n, "label": str}]; every weight that applies adds its points.
- `thresholds`: {"medium": n, "high": n}: a total at or above a threshold gives that level.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from beacon.core.errors import Problem, ValidationFailed
from beacon.geography.models import Grade
from beacon.risk.models import RiskLevel

KINDS = ("yes_no", "choice", "number", "text")
YES_NO = ("yes", "no")
TEXT_MAX = 2000
QUESTION_KEYS = {
    "yes_no": {"key", "text", "kind", "required", "help", "points"},
    "choice": {"key", "text", "kind", "required", "help", "points", "choices"},
    "number": {"key", "text", "kind", "required", "help", "points_per_unit", "max_points", "min", "max"},
    "text": {"key", "text", "kind", "required", "help"},
}
WEIGHT_KEYS = {"when", "points", "label"}
GRADES = tuple(g.value for g in Grade)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_required(question: Mapping[str, Any]) -> bool:
    default = question.get("kind") != "text"
    return bool(question.get("required", default))


def level_label(level: str) -> str:
    return str(RiskLevel(level).label)


# ---------------------------------------------------------------------------------------------
# Checking a definition


def _check_points(q: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> list[Problem]:
    points = q.get("points", {})
    if not isinstance(points, dict):
        return [Problem("Points are an object of answer to whole number.", f"{where}.points")]
    problems = []
    for answer, n in points.items():
        if answer not in allowed:
            problems.append(
                Problem(f"Points are set for {answer!r}, which is not an answer.", f"{where}.points")
            )
        if not _is_int(n):
            problems.append(Problem(f"Points for {answer!r} must be a whole number.", f"{where}.points"))
    return problems


def _check_choices(q: Mapping[str, Any], where: str) -> tuple[tuple[str, ...], list[Problem]]:
    choices = q.get("choices")
    if not isinstance(choices, list) or not choices:
        return (), [Problem("A choice question needs a list of choices.", f"{where}.choices")]
    values: list[str] = []
    problems = []
    for j, c in enumerate(choices, start=1):
        at = f"{where}.choices[{j}]"
        if not isinstance(c, dict):
            problems.append(Problem('Each choice is an object with "value" and "label".', at))
            continue
        value = c.get("value")
        if not isinstance(value, str) or not value.strip():
            problems.append(Problem("Give the choice's value.", f"{at}.value"))
        elif value in values:
            problems.append(Problem(f"The value {value!r} is offered twice.", f"{at}.value"))
        else:
            values.append(value)
        if not isinstance(c.get("label"), str) or not str(c.get("label")).strip():
            problems.append(Problem("Give the choice's label.", f"{at}.label"))
        extra = set(c) - {"value", "label"}
        if extra:
            problems.append(Problem(f"Unknown setting {', '.join(sorted(extra))}.", at))
    return tuple(values), problems


def _check_number(q: Mapping[str, Any], where: str) -> list[Problem]:
    problems = []
    if not _is_int(q.get("points_per_unit")):
        problems.append(Problem("Give points_per_unit as a whole number.", f"{where}.points_per_unit"))
    for name in ("max_points", "min", "max"):
        if name in q and q[name] is not None and not _is_int(q[name]):
            problems.append(Problem(f"{name} must be a whole number.", f"{where}.{name}"))
    low, high = q.get("min", 0), q.get("max")
    if _is_int(low) and _is_int(high) and high < low:
        problems.append(Problem("max must not be below min.", f"{where}.max"))
    if _is_int(q.get("max_points")) and q["max_points"] < 0:
        problems.append(Problem("max_points must not be negative.", f"{where}.max_points"))
    return problems


def check_questions(questions: Any) -> list[Problem]:
    if not isinstance(questions, list) or not questions:
        return [Problem("Questions are a non-empty list.", "questions")]
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, q in enumerate(questions, start=1):
        where = f"questions[{i}]"
        if not isinstance(q, dict):
            problems.append(Problem("Each question is an object.", where))
            continue
        key = q.get("key")
        if not isinstance(key, str) or not key.isidentifier():
            problems.append(Problem("Give a key of letters, digits and underscores.", f"{where}.key"))
        elif key in seen:
            problems.append(Problem(f"The key {key} is used twice.", f"{where}.key"))
        else:
            seen.add(key)
        if not isinstance(q.get("text"), str) or not q["text"].strip():
            problems.append(Problem("Give the question's text.", f"{where}.text"))
        if "required" in q and not isinstance(q["required"], bool):
            problems.append(Problem("required is true or false.", f"{where}.required"))
        if "help" in q and not isinstance(q["help"], str):
            problems.append(Problem("help is text.", f"{where}.help"))
        kind = q.get("kind")
        if kind not in KINDS:
            problems.append(Problem(f"Kind must be one of {', '.join(KINDS)}.", f"{where}.kind"))
            continue
        extra = set(q) - QUESTION_KEYS[kind]
        if extra:
            problems.append(
                Problem(f"Unknown setting {', '.join(sorted(extra))} for a {kind} question.", where)
            )
        if kind == "yes_no":
            problems += _check_points(q, YES_NO, where)
        elif kind == "choice":
            values, choice_problems = _check_choices(q, where)
            problems += choice_problems
            problems += _check_points(q, values, where)
        elif kind == "number":
            problems += _check_number(q, where)
    return problems


def check_location_weights(weights: Any) -> list[Problem]:
    if weights is None:
        return []
    if not isinstance(weights, list):
        return [Problem("Location weights are a list.", "location_weights")]
    problems: list[Problem] = []
    for i, w in enumerate(weights, start=1):
        where = f"location_weights[{i}]"
        if not isinstance(w, dict):
            problems.append(Problem("Each location weight is an object.", where))
            continue
        when = w.get("when")
        kind, _, value = str(when or "").partition(":")
        if not isinstance(when, str):
            problems.append(Problem("Say when it applies.", f"{where}.when"))
        elif kind == "neighbourhood_grade":
            if value not in GRADES:
                problems.append(Problem(f"Grade must be one of {', '.join(GRADES)}.", f"{where}.when"))
        elif kind == "neighbourhood":
            if not value.strip():
                problems.append(
                    Problem("Give the neighbourhood's code after neighbourhood:.", f"{where}.when")
                )
        elif when != "local_priority":
            problems.append(
                Problem(
                    "when is neighbourhood_grade:GRADE, neighbourhood:CODE or local_priority.",
                    f"{where}.when",
                )
            )
        if not _is_int(w.get("points")):
            problems.append(Problem("Give points as a whole number.", f"{where}.points"))
        if "label" in w and not isinstance(w["label"], str):
            problems.append(Problem("label is text.", f"{where}.label"))
        extra = set(w) - WEIGHT_KEYS
        if extra:
            problems.append(Problem(f"Unknown setting {', '.join(sorted(extra))}.", where))
    return problems


def check_thresholds(thresholds: Any) -> list[Problem]:
    if not isinstance(thresholds, dict):
        return [Problem('Thresholds are an object: {"medium": n, "high": n}.', "thresholds")]
    problems = []
    for name in ("medium", "high"):
        if not _is_int(thresholds.get(name)):
            problems.append(Problem(f"Give the {name} threshold as a whole number.", f"thresholds.{name}"))
    extra = set(thresholds) - {"medium", "high"}
    if extra:
        problems.append(Problem(f"Unknown threshold {', '.join(sorted(extra))}.", "thresholds"))
    if not problems and thresholds["high"] <= thresholds["medium"]:
        problems.append(Problem("The high threshold must be above the medium one.", "thresholds.high"))
    return problems


def check_definition(questions: Any, location_weights: Any, thresholds: Any) -> list[Problem]:
    """Every problem with a version's definition, each named by where it is
    (e.g. `questions[3].points`, `location_weights[1].when`, `thresholds.high`)."""
    return (
        check_questions(questions) + check_location_weights(location_weights) + check_thresholds(thresholds)
    )


# ---------------------------------------------------------------------------------------------
# Answers


def _prompt(q: Mapping[str, Any]) -> str:
    return f"“{str(q.get('text', q['key'])).strip()}”"


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "text"


def _yes_no(q: Mapping[str, Any], value: Any) -> tuple[Any, Problem | None]:
    key = q["key"]
    if isinstance(value, bool):
        return ("yes" if value else "no"), None
    if not isinstance(value, str):
        return None, Problem(f"Answer yes or no to {_prompt(q)}, not {_kind_of(value)}.", key)
    text = value.strip().lower()
    if text not in YES_NO:
        return None, Problem(f"Answer yes or no to {_prompt(q)}: {value!r} is not offered.", key)
    return text, None


def _choice(q: Mapping[str, Any], value: Any) -> tuple[Any, Problem | None]:
    key = q["key"]
    values = [str(c["value"]) for c in q.get("choices", [])]
    if not isinstance(value, str):
        return None, Problem(
            f"Answer {_prompt(q)} with one of {', '.join(values)}, not {_kind_of(value)}.", key
        )
    match = next((v for v in values if v.lower() == value.strip().lower()), None)
    if match is None:
        return None, Problem(
            f"{value!r} is not a choice offered for {_prompt(q)}: choose {', '.join(values)}.", key
        )
    return match, None


def _range_text(low: int, high: int | None) -> str:
    return f"from {low} to {high}" if high is not None else f"of {low} or more"


def _number(q: Mapping[str, Any], value: Any) -> tuple[Any, Problem | None]:
    key = q["key"]
    low = q.get("min", 0) if q.get("min") is not None else 0
    high = q.get("max")
    number: int | None = None
    if _is_int(value):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        try:
            number = int(value.strip())
        except ValueError:
            number = None
    if number is None:
        got = (
            f"{value!r} is not a whole number" if isinstance(value, str | float) else f"not {_kind_of(value)}"
        )
        return None, Problem(f"Enter a whole number for {_prompt(q)}: {got}.", key)
    if number < low or (high is not None and number > high):
        return None, Problem(f"Enter a number {_range_text(low, high)} for {_prompt(q)}.", key)
    return number, None


def _text(q: Mapping[str, Any], value: Any) -> tuple[Any, Problem | None]:
    if not isinstance(value, str):
        return None, Problem(f"Answer {_prompt(q)} in words, not {_kind_of(value)}.", q["key"])
    if len(value) > TEXT_MAX:
        return None, Problem(f"Keep the answer to {_prompt(q)} to {TEXT_MAX} characters.", q["key"])
    return value.strip(), None


_CHECKS = {"yes_no": _yes_no, "choice": _choice, "number": _number, "text": _text}


def _missing(q: Mapping[str, Any]) -> Problem:
    verb = {"number": "Enter a number for", "text": "Answer"}.get(str(q.get("kind")), "Select an answer to")
    return Problem(f"{verb} {_prompt(q)}.", q["key"])


def check_answers(questions: list[dict[str, Any]], raw: Any) -> tuple[dict[str, Any], list[Problem]]:
    """Answers cleaned (yes/no as "yes"/"no", choices as their value, numbers as int, text stripped),
    blank ones dropped; and every problem, each named by its question's key: an unknown question,
    a required question not answered, an answer of the wrong type, a choice not offered, a number
    out of range."""
    if not isinstance(raw, dict):
        return {}, [Problem("Answers are an object of question key to answer.", "answers")]
    by_key = {q["key"]: q for q in questions}
    problems = [
        Problem(f"There is no question {key!r} in this version.", str(key))
        for key in raw
        if key not in by_key
    ]
    clean: dict[str, Any] = {}
    for q in questions:
        key = q["key"]
        value = raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if is_required(q):
                problems.append(_missing(q))
            continue
        answer, problem = _CHECKS[q["kind"]](q, value)
        if problem is not None:
            problems.append(problem)
        else:
            clean[key] = answer
    return clean, problems


# ---------------------------------------------------------------------------------------------
# Where it happened, and the score


@dataclass(frozen=True)
class LocationContext:
    """Where the incident happened, as the scoring sees it."""

    neighbourhood_code: str = ""
    neighbourhood_name: str = ""
    grade: str = ""
    priorities: tuple[str, ...] = ()
    problem: str = ""  # why it could not be placed, when it could not

    def as_dict(self) -> dict[str, Any]:
        return {
            "neighbourhood": self.neighbourhood_code or None,
            "neighbourhood_name": self.neighbourhood_name,
            "grade": self.grade,
            "priorities": list(self.priorities),
            "problem": self.problem,
        }

    def describe(self) -> str:
        if not self.neighbourhood_code:
            return self.problem or "Not placed in a neighbourhood"
        return f"{self.neighbourhood_name} ({self.neighbourhood_code})"


NOWHERE = LocationContext(problem="No location given")


def _weight_applies(when: str, loc: LocationContext) -> str | None:
    """What makes the weight apply (for the contribution's answer), or None."""
    kind, _, value = when.partition(":")
    if kind == "neighbourhood_grade" and loc.grade and loc.grade == value:
        return f"{loc.describe()}, graded {Grade(value).label.lower()}"
    if kind == "neighbourhood" and loc.neighbourhood_code and loc.neighbourhood_code.lower() == value.lower():
        return loc.describe()
    if when == "local_priority" and loc.priorities:
        return "; ".join(loc.priorities)
    return None


def level_for(total: int, thresholds: Mapping[str, int]) -> str:
    if total >= thresholds["high"]:
        return RiskLevel.HIGH.value
    if total >= thresholds["medium"]:
        return RiskLevel.MEDIUM.value
    return RiskLevel.STANDARD.value


def _points(q: Mapping[str, Any], answer: Any) -> int:
    kind = q["kind"]
    if kind in ("yes_no", "choice"):
        return int((q.get("points") or {}).get(answer, 0))
    if kind == "number":
        points = int(answer) * int(q.get("points_per_unit") or 0)
        cap = q.get("max_points")
        return min(points, int(cap)) if cap is not None else points
    return 0


@dataclass
class Score:
    score: int
    level: str  # RiskLevel value
    contributions: list[dict[str, Any]]
    answers: dict[str, Any]
    location: LocationContext = field(default=NOWHERE)

    @property
    def level_label(self) -> str:
        return level_label(self.level)

    @property
    def location_points(self) -> int:
        return sum(c["points"] for c in self.contributions if str(c["question"]).startswith("location:"))


def score(
    questions: list[dict[str, Any]],
    location_weights: list[dict[str, Any]],
    thresholds: Mapping[str, int],
    answers: Any,
    location: LocationContext = NOWHERE,
) -> Score:
    """Score answers under one version's definition: each answered question's points (in question
    order), then each location weight that applies, the total, and the level by the thresholds.
    Raises ValidationFailed with every problem in the answers (nothing is scored then)."""
    clean, problems = check_answers(questions, answers)
    if problems:
        raise ValidationFailed(problems)
    contributions: list[dict[str, Any]] = []
    for q in questions:
        if q["key"] in clean:
            answer = clean[q["key"]]
            contributions.append({"question": q["key"], "answer": answer, "points": _points(q, answer)})
    for w in location_weights or []:
        why = _weight_applies(str(w["when"]), location)
        if why is not None:
            label = str(w.get("label") or w["when"])
            contributions.append(
                {"question": f"location:{w['when']}", "answer": f"{label}: {why}", "points": int(w["points"])}
            )
    total = sum(int(c["points"]) for c in contributions)
    return Score(total, level_for(total, thresholds), contributions, clean, location)


@dataclass
class RunningScore:
    """The score of the answers given so far (`running_score`)."""

    result: Score
    unanswered: int  # questions that score and are not answered yet
    unscored: list[Problem]  # answers given that cannot be scored as they stand (a number in words)

    @property
    def score(self) -> int:
        return self.result.score

    @property
    def level(self) -> str:
        return self.result.level

    @property
    def level_label(self) -> str:
        return self.result.level_label


def running_score(
    questions: list[dict[str, Any]],
    location_weights: list[dict[str, Any]],
    thresholds: Mapping[str, int],
    answers: Mapping[str, Any],
    location: LocationContext = NOWHERE,
) -> RunningScore:
    """What `score` gives for the answers so far, while the officer is still answering: an
    unanswered question, or an answer that cannot be scored as it stands, counts 0 (instead of
    being refused); everything else, the location weights included, scores as saving scores it.
    Once every question is answered the total and level are exactly those saving would store."""
    keys = {q["key"] for q in questions}
    so_far = [{**q, "required": False} for q in questions]
    clean, problems = check_answers(so_far, {k: v for k, v in answers.items() if k in keys})
    result = score(so_far, location_weights, thresholds, clean, location)
    given = set(clean) | {p.field for p in problems}
    unanswered = sum(1 for q in questions if q["kind"] != "text" and q["key"] not in given)
    return RunningScore(result, unanswered, problems)
