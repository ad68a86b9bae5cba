"""Screening answers and grading rules: validation, the flags answers raise, the grade rules suggest.

Pure functions over the versioned configuration, so the same code checks a published set, scores
the call-taking form, and previews a draft version.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from beacon.core.errors import Problem
from beacon.incidents.models import FLAG_FIELDS

YES_NO = ("yes", "no")
KINDS = ("yes_no", "choice", "text")


def check_questions(questions: Any) -> list[Problem]:
    """Problems with a question set an administrator wants to publish."""
    problems: list[Problem] = []
    if not isinstance(questions, list) or not questions:
        return [Problem("A question set is a non-empty list of questions.", "questions")]
    seen: set[str] = set()
    for i, q in enumerate(questions, start=1):
        where = f"questions[{i}]"
        if not isinstance(q, dict):
            problems.append(Problem("Each question is an object.", where))
            continue
        key = str(q.get("key") or "")
        if not key.isidentifier():
            problems.append(Problem("Give a key of letters, digits and underscores.", f"{where}.key"))
        elif key in seen:
            problems.append(Problem(f"Key {key} is used twice.", f"{where}.key"))
        seen.add(key)
        if not str(q.get("text") or "").strip():
            problems.append(Problem("Give the question's text.", f"{where}.text"))
        kind = q.get("kind")
        if kind not in KINDS:
            problems.append(Problem(f"Kind must be one of {', '.join(KINDS)}.", f"{where}.kind"))
        allowed = _allowed(q)
        for answer, flags in (q.get("flags") or {}).items():
            if allowed is not None and answer not in allowed:
                problems.append(
                    Problem(f"Flags are set for {answer!r}, not a possible answer.", f"{where}.flags")
                )
            for flag in flags:
                if flag not in FLAG_FIELDS:
                    problems.append(Problem(f"Unknown flag {flag!r}.", f"{where}.flags"))
    return problems


def _allowed(q: Mapping[str, Any]) -> tuple[str, ...] | None:
    if q.get("kind") == "yes_no":
        return YES_NO
    if q.get("kind") == "choice":
        return tuple(q.get("choices") or ())
    return None


def clean_answers(
    questions: list[dict[str, Any]], raw: Mapping[str, Any]
) -> tuple[dict[str, str], list[Problem]]:
    """Answers keyed by question, blank ones dropped; every unknown key or impossible answer reported
    with the field `answers.KEY`. Questions may go unanswered (a caller can decline)."""
    by_key = {q["key"]: q for q in questions}
    answers: dict[str, str] = {}
    problems: list[Problem] = []
    for key, value in raw.items():
        text = str(value if value is not None else "").strip()
        if key not in by_key:
            problems.append(Problem(f"{key} is not a question in this set.", f"answers.{key}"))
            continue
        if not text:
            continue
        allowed = _allowed(by_key[key])
        if allowed is not None:
            match = next((a for a in allowed if a.lower() == text.lower()), None)
            if match is None:
                problems.append(Problem(f"Answer one of: {', '.join(allowed)}.", f"answers.{key}"))
                continue
            text = match
        answers[key] = text[:2000]
    return answers, problems


def answer_flags(questions: list[dict[str, Any]], answers: Mapping[str, str]) -> dict[str, str]:
    """{flag: reason} for the flags the answers raise."""
    out: dict[str, str] = {}
    for q in questions:
        given = answers.get(q["key"])
        if given is None:
            continue
        for flag in (q.get("flags") or {}).get(given, []):
            out.setdefault(flag, f"answered {given!r} to: {q['text']}")
    return out


@dataclass(frozen=True)
class GradeSuggestion:
    grade: str
    because: str


def suggest_grade(
    rules: Iterable[Mapping[str, Any]],
    default: str,
    *,
    answers: Mapping[str, str],
    flags: Iterable[str],
    channel: str = "",
) -> GradeSuggestion:
    """The first rule with a condition that holds gives the grade; otherwise the default."""
    raised = set(flags)
    for rule in rules:
        for cond in rule.get("when_any", []):
            kind, _, rest = str(cond).partition(":")
            if kind == "flag" and rest in raised:
                return GradeSuggestion(rule["grade"], f"flag {rest.replace('_', ' ')}")
            if kind == "channel" and rest == channel:
                return GradeSuggestion(rule["grade"], f"channel {rest}")
            if kind == "answer":
                key, _, want = rest.partition("=")
                if answers.get(key, "").lower() == want.lower():
                    return GradeSuggestion(rule["grade"], f"answer {key} = {want}")
    return GradeSuggestion(default, "no rule applied")


def check_rules(rules: Any, grades: set[str], questions: list[dict[str, Any]]) -> list[Problem]:
    problems: list[Problem] = []
    if not isinstance(rules, list):
        return [Problem("Rules are a list.", "rules")]
    keys = {q["key"] for q in questions}
    for i, rule in enumerate(rules, start=1):
        where = f"rules[{i}]"
        if not isinstance(rule, dict) or rule.get("grade") not in grades:
            problems.append(Problem(f"Grade must be one of {', '.join(sorted(grades))}.", f"{where}.grade"))
            continue
        for cond in rule.get("when_any", []):
            kind, _, rest = str(cond).partition(":")
            ok = (
                (kind == "flag" and rest in FLAG_FIELDS)
                or (kind == "channel" and bool(rest))
                or (kind == "answer" and rest.partition("=")[0] in keys)
            )
            if not ok:
                problems.append(Problem(f"Cannot read condition {cond!r}.", f"{where}.when_any"))
    return problems
