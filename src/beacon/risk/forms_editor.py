"""The structured editor of a draft instrument version: its questions, location weights and
thresholds as form inputs an administrator fills in, instead of JSON.

The editor only converts. It reads the posted inputs (keeping them as typed, to show again), turns
them into the definition `services.save_draft` takes (the format `scoring` describes), and puts
each problem that `scoring.check_definition` names (`questions[2].points`, `thresholds.high`) back
on the input that holds it. The one thing it refuses itself is what it cannot convert: a number
box that does not hold a whole number.

Inputs are named by position, counting from 1 as problems do: `q-2-key`, `q-2-yes`, `q-2-c-3-label`
(question 2's third answer), `w-1-when` (the first location weight), `thresholds-medium`. Buttons
named `action` add, remove and move questions, answers and weights, showing the form again with
everything typed kept (nothing is saved until "Save the draft").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from beacon.core.errors import Problem
from beacon.geography.models import Grade
from beacon.risk import scoring
from beacon.risk.models import InstrumentVersion

KIND_OPTIONS = (
    ("yes_no", "Yes/No"),
    ("choice", "Choice"),
    ("number", "Number"),
    ("text", "Free text"),
)
KIND_HINTS = {
    "choice": "The officer chooses one of the answers you list.",
    "number": "The officer enters a whole number.",
    "text": "The officer answers in words. Free text is never scored.",
}
NEIGHBOURHOOD = "neighbourhood"
WHEN_OPTIONS = (
    ("neighbourhood_grade:priority", "Priority neighbourhood grade"),
    ("local_priority", "Inside an active local priority"),
    (NEIGHBOURHOOD, "A named neighbourhood"),
    *(
        (f"neighbourhood_grade:{g.value}", f"{g.label} neighbourhood grade")
        for g in Grade
        if g.value != "priority"
    ),
)
MAX_ROWS = 200  # questions, answers of one question, or location weights: more are not read
SHOWN_BLANK_ANSWERS = 2  # answer rows offered under "Choice" when a question has none yet

_INDEX = r"(\d{1,4})"
_QUESTION = re.compile(rf"^q-{_INDEX}-")
_ANSWER = re.compile(rf"^q-{_INDEX}-c-{_INDEX}-")
_WEIGHT = re.compile(rf"^w-{_INDEX}-")
_WHOLE = re.compile(r"^[+-]?[0-9]+$")
_PATH = re.compile(
    r"^(?P<part>questions|location_weights)\[(?P<i>\d+)\]"
    r"(?:\.(?P<name>\w+)(?:\[(?P<j>\d+)\](?:\.(?P<sub>\w+))?)?)?"
)


# ---------------------------------------------------------------------------------------------
# What was typed


@dataclass
class AnswerRow:
    """One answer of a choice question, as typed."""

    value: str = ""
    label: str = ""
    points: str = ""

    def is_blank(self) -> bool:
        return not (self.value or self.label or self.points)


@dataclass
class QuestionRow:
    """One question, as typed. Every kind's settings are kept, so changing the kind back loses nothing;
    only the chosen kind's are converted."""

    key: str = ""
    text: str = ""
    help: str = ""
    kind: str = "yes_no"
    required: bool = True
    yes: str = ""
    no: str = ""
    answers: list[AnswerRow] = field(default_factory=list)
    points_per_unit: str = ""
    max_points: str = ""
    min: str = ""
    max: str = ""

    def filled_answers(self) -> list[int]:
        """The row numbers (from 1) of the answers that are converted: blank rows are left out."""
        return [j for j, a in enumerate(self.answers, start=1) if not a.is_blank()]


@dataclass
class WeightRow:
    """One location weight, as typed: `when` is an option of WHEN_OPTIONS, `code` the neighbourhood's."""

    when: str = WHEN_OPTIONS[0][0]
    code: str = ""
    points: str = ""
    label: str = ""


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _question_row(q: Mapping[str, Any]) -> QuestionRow:
    points: dict[str, Any] = q["points"] if isinstance(q.get("points"), dict) else {}
    row = QuestionRow(
        key=_text(q.get("key")),
        text=_text(q.get("text")),
        help=_text(q.get("help")),
        kind=_text(q.get("kind")),
        required=scoring.is_required(q),
        points_per_unit=_text(q.get("points_per_unit")),
        max_points=_text(q.get("max_points")),
        min=_text(q.get("min")),
        max=_text(q.get("max")),
    )
    if row.kind == "yes_no":
        row.yes, row.no = _text(points.get("yes")), _text(points.get("no"))
    for c in q.get("choices") or []:
        if isinstance(c, dict):
            value = _text(c.get("value"))
            row.answers.append(AnswerRow(value, _text(c.get("label")), _text(points.get(value))))
    return row


def _weight_row(w: Mapping[str, Any]) -> WeightRow:
    when = _text(w.get("when"))
    kind, _, code = when.partition(":")
    if kind == NEIGHBOURHOOD:
        when = NEIGHBOURHOOD
    else:
        code = ""
    return WeightRow(when=when, code=code, points=_text(w.get("points")), label=_text(w.get("label")))


def _indexes(data: Mapping[str, Any], pattern: re.Pattern[str]) -> list[int]:
    """The row numbers posted (`q-3-key` is question 3's): in order, gaps closed up."""
    found = {int(m.group(1)) for name in data if (m := pattern.match(name))}
    return sorted(found)[:MAX_ROWS]


def _answer_indexes(data: Mapping[str, Any], question: int) -> list[int]:
    matches = (_ANSWER.match(name) for name in data)
    found = {int(m.group(2)) for m in matches if m and int(m.group(1)) == question}
    return sorted(found)[:MAX_ROWS]


# ---------------------------------------------------------------------------------------------
# What the template shows


@dataclass
class Input:
    """One text box of the editor, with what is in it and its error."""

    name: str
    label: str
    value: str = ""
    error: str = ""
    hint: str = ""
    width: str = ""  # a govuk-input--width-N class; none for full width
    numeric: bool = False
    rows: int = 0  # a textarea of this many rows; 0 for a one-line input
    spellcheck: bool = True

    @property
    def id(self) -> str:
        return f"id_{self.name}"

    @property
    def described_by(self) -> str:
        return " ".join([f"{self.id}-hint"] * bool(self.hint) + [f"{self.id}-error"] * bool(self.error))


@dataclass
class Option:
    value: str
    label: str
    selected: bool
    id: str = ""
    hint: str = ""
    conditional: str = ""  # the id of what choosing it reveals


@dataclass
class AnswerView:
    number: int
    value: Input
    label: Input
    points: Input


@dataclass
class QuestionView:
    number: int
    count: int
    key: Input
    text: Input
    help: Input
    kind_name: str
    kind_error: str
    kinds: list[Option]
    required: bool
    required_error: str
    yes: Input
    no: Input
    answers: list[AnswerView]
    points_per_unit: Input
    max_points: Input
    min: Input
    max: Input

    @property
    def prefix(self) -> str:
        return f"q-{self.number}"

    @property
    def kind_id(self) -> str:
        return f"id_{self.prefix}-kind"

    @property
    def required_id(self) -> str:
        return f"id_{self.prefix}-required"

    @property
    def removed_anchor(self) -> str:
        """Where the page shows itself after this question is removed: the one that takes its place."""
        if self.number < self.count:
            return f"question-{self.number}"
        return f"question-{self.number - 1}" if self.number > 1 else "edit-questions"


@dataclass
class WeightView:
    number: int
    when_name: str
    when_error: str
    when: list[Option]
    code: Input
    points: Input
    label: Input

    @property
    def when_id(self) -> str:
        return f"id_{self.when_name}"


@dataclass
class Definition:
    """The definition the inputs convert to, in the shape `services.save_draft` takes."""

    questions: list[dict[str, Any]]
    location_weights: list[dict[str, Any]]
    thresholds: dict[str, int]
    revision: int | None


# ---------------------------------------------------------------------------------------------
# The editor


class DraftEditor:
    """A draft's definition as form inputs: built from the version or from what was posted, changed
    by the add/remove/move buttons, converted to a definition, and marked with its problems."""

    def __init__(
        self,
        questions: list[QuestionRow],
        weights: list[WeightRow],
        *,
        medium: str = "",
        high: str = "",
        note: str = "",
        revision: str = "",
    ) -> None:
        self.questions = questions
        self.weights = weights
        self.medium = medium
        self.high = high
        self.note = note
        self.revision = revision
        self.errors: dict[str, str] = {}  # input name -> its (first) problem
        self.unplaced: list[str] = []  # problems that are at no input
        self.unsaved = False  # shown again after a button: what is typed is not saved yet

    # -- building -----------------------------------------------------------------------------

    @classmethod
    def for_version(cls, version: InstrumentVersion) -> DraftEditor:
        thresholds = version.thresholds if isinstance(version.thresholds, dict) else {}
        return cls(
            [_question_row(q) for q in version.questions or [] if isinstance(q, dict)],
            [_weight_row(w) for w in version.location_weights or [] if isinstance(w, dict)],
            medium=_text(thresholds.get("medium")),
            high=_text(thresholds.get("high")),
            note=version.note,
            revision=str(version.revision),
        )

    @classmethod
    def from_post(cls, data: Mapping[str, Any]) -> DraftEditor:
        def get(name: str) -> str:
            return _text(data.get(name)).strip()

        questions = []
        for i in _indexes(data, _QUESTION):
            p = f"q-{i}-"
            answers = [
                AnswerRow(get(f"{p}c-{j}-value"), get(f"{p}c-{j}-label"), get(f"{p}c-{j}-points"))
                for j in _answer_indexes(data, i)
            ]
            questions.append(
                QuestionRow(
                    key=get(p + "key"),
                    text=get(p + "text"),
                    help=get(p + "help"),
                    kind=get(p + "kind"),
                    required=bool(data.get(p + "required")),
                    yes=get(p + "yes"),
                    no=get(p + "no"),
                    answers=answers,
                    points_per_unit=get(p + "points_per_unit"),
                    max_points=get(p + "max_points"),
                    min=get(p + "min"),
                    max=get(p + "max"),
                )
            )
        weights = [
            WeightRow(
                when=get(f"w-{k}-when"),
                code=get(f"w-{k}-code"),
                points=get(f"w-{k}-points"),
                label=get(f"w-{k}-label"),
            )
            for k in _indexes(data, _WEIGHT)
        ]
        return cls(
            questions,
            weights,
            medium=get("thresholds-medium"),
            high=get("thresholds-high"),
            note=_text(data.get("note")),
            revision=get("revision"),
        )

    # -- the buttons ----------------------------------------------------------------------------

    def apply(self, action: str) -> bool:
        """Do what a button asks (`add-question`, `remove-question:2`, `up:2`, `down:2`,
        `add-answer:2`, `remove-answer:2:3`, `add-weight`, `remove-weight:1`); False if it is not
        one of those, or names no row."""
        verb, _, rest = action.partition(":")
        args = [int(a) for a in rest.split(":") if a.isdigit()] if rest else []
        qs, n = self.questions, len(self.questions)
        done = True
        if verb == "add-question" and n < MAX_ROWS:
            qs.append(QuestionRow(answers=[]))
        elif verb == "remove-question" and len(args) == 1 and 1 <= args[0] <= n:
            del qs[args[0] - 1]
        elif verb == "up" and len(args) == 1 and 2 <= args[0] <= n:
            i = args[0] - 1
            qs[i - 1], qs[i] = qs[i], qs[i - 1]
        elif verb == "down" and len(args) == 1 and 1 <= args[0] < n:
            i = args[0] - 1
            qs[i], qs[i + 1] = qs[i + 1], qs[i]
        elif verb == "add-answer" and len(args) == 1 and 1 <= args[0] <= n:
            answers = qs[args[0] - 1].answers
            if not answers:  # the blank rows shown were not posted as rows of a non-choice question
                answers.extend(AnswerRow() for _ in range(SHOWN_BLANK_ANSWERS - 1))
            if len(answers) < MAX_ROWS:
                answers.append(AnswerRow())
        elif verb == "remove-answer" and len(args) == 2 and 1 <= args[0] <= n:
            answers = qs[args[0] - 1].answers
            done = 1 <= args[1] <= len(answers)
            if done:
                del answers[args[1] - 1]
        elif verb == "add-weight" and len(self.weights) < MAX_ROWS:
            self.weights.append(WeightRow())
        elif verb == "remove-weight" and len(args) == 1 and 1 <= args[0] <= len(self.weights):
            del self.weights[args[0] - 1]
        else:
            done = False
        self.unsaved = True
        return done

    # -- converting -----------------------------------------------------------------------------

    def _whole(self, raw: str, name: str, what: str, where: str = "") -> int | None:
        """A whole number from a box; None if blank, or (with an error on the box) if not one."""
        if not raw:
            return None
        if _WHOLE.match(raw):
            return int(raw)
        self._add(name, f"Enter {what} as a whole number, like 2.", where)
        return None

    def _convert_question(self, i: int, q: QuestionRow) -> dict[str, Any]:
        p, where = f"q-{i}-", f"Question {i}"
        out: dict[str, Any] = {"key": q.key, "text": q.text, "kind": q.kind}
        if q.kind == "text" or not q.required:
            out["required"] = q.required  # scored questions are required unless they say not
        if q.help:
            out["help"] = q.help
        if q.kind == "yes_no":
            points = {}
            for answer, raw in (("yes", q.yes), ("no", q.no)):
                n = self._whole(raw, p + answer, f"the points for {answer.title()}", where)
                if n is not None:
                    points[answer] = n
            out["points"] = points
        elif q.kind == "choice":
            choices, points = [], {}
            for j in q.filled_answers():
                a = q.answers[j - 1]
                choices.append({"value": a.value, "label": a.label})
                n = self._whole(a.points, f"{p}c-{j}-points", "the points", f"{where}, answer {j}")
                if n is not None and a.value and a.value not in points:
                    points[a.value] = n
            out["choices"] = choices
            out["points"] = points
        elif q.kind == "number":
            for name, what in (
                ("points_per_unit", "the points per unit"),
                ("max_points", "the most points"),
                ("min", "the lowest answer"),
                ("max", "the highest answer"),
            ):
                n = self._whole(getattr(q, name), p + name, what, where)
                if n is not None:
                    out[name] = n
        return out

    def _convert_weight(self, k: int, w: WeightRow) -> dict[str, Any]:
        when = f"{NEIGHBOURHOOD}:{w.code}" if w.when == NEIGHBOURHOOD else w.when
        out: dict[str, Any] = {"when": when}
        n = self._whole(w.points, f"w-{k}-points", "the points", f"Location weight {k}")
        if n is not None:
            out["points"] = n
        if w.label:
            out["label"] = w.label
        return out

    def definition(self) -> Definition:
        """The definition the inputs hold. A box that is not a whole number is left out of it, with
        its error on the box (see `converted`); the checks of what is left are `scoring`'s."""
        thresholds = {}
        for name, raw in (("medium", self.medium), ("high", self.high)):
            n = self._whole(raw, f"thresholds-{name}", f"the {name} threshold")
            if n is not None:
                thresholds[name] = n
        revision = int(self.revision) if self.revision.isdigit() else None
        if revision is None:
            self._add("", "This page did not say which revision of the draft it edits: open the draft again.")
        return Definition(
            questions=[self._convert_question(i, q) for i, q in enumerate(self.questions, start=1)],
            location_weights=[self._convert_weight(k, w) for k, w in enumerate(self.weights, start=1)],
            thresholds=thresholds,
            revision=revision,
        )

    @property
    def converted(self) -> bool:
        """Whether everything typed converted (call after `definition`)."""
        return not self.errors and not self.unplaced

    # -- problems -------------------------------------------------------------------------------

    def _add(self, name: str, message: str, where: str = "") -> None:
        text = f"{where}: {message}" if where else message
        if not name:
            if text not in self.unplaced:
                self.unplaced.append(text)
        else:
            self.errors.setdefault(name, text)  # one message on an input: the first

    def _answer_input(self, i: int, j: int, sub: str) -> tuple[str, str]:
        rows = self.questions[i - 1].filled_answers()
        if not 1 <= j <= len(rows):
            return f"q-{i}-key", f"Question {i}"
        r = rows[j - 1]
        return f"q-{i}-c-{r}-{'label' if sub == 'label' else 'value'}", f"Question {i}, answer {r}"

    def _question_input(self, i: int, name: str, j: str | None, sub: str) -> tuple[str, str]:
        q, p, where = self.questions[i - 1], f"q-{i}-", f"Question {i}"
        if name in ("key", "text", "help", "kind", "required", "points_per_unit", "max_points", "min", "max"):
            return p + name, where
        if name == "choices" and j is not None:
            return self._answer_input(i, int(j), sub)
        if name == "choices" or (name == "points" and q.kind == "choice"):
            rows = q.filled_answers()
            part = "points" if name == "points" and rows else "value"
            return f"{p}c-{rows[0] if rows else 1}-{part}", where
        if name == "points" and q.kind == "yes_no":
            return p + "yes", where
        return p + "key", where

    def input_for(self, path: str) -> tuple[str, str]:
        """The input a definition problem's field (`questions[2].choices[1].value`) is at, and the
        words that say where it is (`Question 2, answer 1`); ("", "") if it is at no input."""
        if path in ("thresholds", "thresholds.medium"):
            return "thresholds-medium", ""
        if path == "thresholds.high":
            return "thresholds-high", ""
        if path in ("questions", "location_weights", "note"):
            return path, ""
        m = _PATH.match(path)
        if m is None:
            return "", ""
        i, name = int(m["i"]), m["name"] or ""
        if m["part"] == "questions":
            if not 1 <= i <= len(self.questions):
                return "questions", ""
            return self._question_input(i, name, m["j"], m["sub"] or "")
        if not 1 <= i <= len(self.weights):
            return "location_weights", ""
        w, where = self.weights[i - 1], f"Location weight {i}"
        if name == "when" and w.when == NEIGHBOURHOOD:
            return f"w-{i}-code", where
        return f"w-{i}-{name if name in ('points', 'label') else 'when'}", where

    def add_problems(self, problems: list[Problem]) -> None:
        """Put each problem the services found on the input that holds it."""
        for p in problems:
            name, where = self.input_for(p.field)
            self._add(name, p.message, where)

    def _page_order(self) -> list[str]:
        names = []
        for i, q in enumerate(self.questions, start=1):
            p = f"q-{i}-"
            names += [p + n for n in ("key", "text", "help", "kind", "yes", "no")]
            for j in range(1, max(len(q.answers), SHOWN_BLANK_ANSWERS) + 1):
                names += [f"{p}c-{j}-{n}" for n in ("value", "label", "points")]
            names += [p + n for n in ("points_per_unit", "max_points", "min", "max", "required")]
        names.append("questions")
        for k in range(1, len(self.weights) + 1):
            names += [f"w-{k}-{n}" for n in ("when", "code", "points", "label")]
        return [*names, "location_weights", "thresholds-medium", "thresholds-high", "note"]

    def problems(self) -> list[Problem]:
        """Every problem for the error summary, in the order of the page, each linking to its input."""
        order = {name: n for n, name in enumerate(self._page_order())}
        placed = sorted(self.errors.items(), key=lambda item: order.get(item[0], len(order)))
        return [Problem(m) for m in self.unplaced] + [Problem(m, name) for name, m in placed]

    # -- what the template shows ---------------------------------------------------------------

    def _input(self, name: str, label: str, value: str, **kwargs: Any) -> Input:
        return Input(name=name, label=label, value=value, error=self.errors.get(name, ""), **kwargs)

    def _points(self, name: str, label: str, value: str, hint: str = "") -> Input:
        return self._input(
            name, label, value, hint=hint, width="govuk-input--width-4", numeric=True, spellcheck=False
        )

    def _question_view(self, i: int, q: QuestionRow) -> QuestionView:
        p = f"q-{i}-"
        answers = q.answers or [AnswerRow() for _ in range(SHOWN_BLANK_ANSWERS)]
        kinds = [
            Option(
                value,
                label,
                q.kind == value,
                id=f"id_{p}kind" + (f"_{n}" if n > 1 else ""),
                hint=KIND_HINTS.get(value, ""),
                conditional=f"conditional-{p}kind-{value}" if value != "text" else "",
            )
            for n, (value, label) in enumerate(KIND_OPTIONS, start=1)
        ]
        return QuestionView(
            number=i,
            count=len(self.questions),
            key=self._input(
                p + "key",
                "Key",
                q.key,
                hint="Letters, digits and underscores, like afraid_to_go_out. Answers are kept under it.",
                width="govuk-input--width-20",
                spellcheck=False,
            ),
            text=self._input(p + "text", "Question", q.text, rows=2),
            help=self._input(p + "help", "Help for the officer (optional)", q.help, rows=2),
            kind_name=p + "kind",
            kind_error=self.errors.get(p + "kind", ""),
            kinds=kinds,
            required=q.required,
            required_error=self.errors.get(p + "required", ""),
            yes=self._points(p + "yes", "Points for Yes", q.yes),
            no=self._points(p + "no", "Points for No", q.no),
            answers=[
                AnswerView(
                    number=j,
                    value=self._input(f"{p}c-{j}-value", "Value", a.value, spellcheck=False),
                    label=self._input(f"{p}c-{j}-label", "Label", a.label),
                    points=self._points(f"{p}c-{j}-points", "Points", a.points),
                )
                for j, a in enumerate(answers, start=1)
            ],
            points_per_unit=self._points(
                p + "points_per_unit", "Points per unit", q.points_per_unit, hint="For each 1 in the answer."
            ),
            max_points=self._points(p + "max_points", "Most points it gives (optional)", q.max_points),
            min=self._points(p + "min", "Lowest answer allowed (optional)", q.min, hint="0 if not given."),
            max=self._points(p + "max", "Highest answer allowed (optional)", q.max),
        )

    @property
    def question_views(self) -> list[QuestionView]:
        return [self._question_view(i, q) for i, q in enumerate(self.questions, start=1)]

    @property
    def weight_views(self) -> list[WeightView]:
        out = []
        for k, w in enumerate(self.weights, start=1):
            p = f"w-{k}-"
            options = [Option(v, label, w.when == v) for v, label in WHEN_OPTIONS]
            if w.when not in {v for v, _ in WHEN_OPTIONS}:
                options.append(Option(w.when, w.when or "Choose when it applies", True))
            out.append(
                WeightView(
                    number=k,
                    when_name=p + "when",
                    when_error=self.errors.get(p + "when", ""),
                    when=options,
                    code=self._input(
                        p + "code",
                        "Neighbourhood code",
                        w.code,
                        hint="Only for a named neighbourhood, like TN1.",
                        width="govuk-input--width-10",
                        spellcheck=False,
                    ),
                    points=self._points(p + "points", "Points", w.points),
                    label=self._input(p + "label", "Label (optional)", w.label, hint="What officers see."),
                )
            )
        return out

    @property
    def medium_input(self) -> Input:
        return self._points("thresholds-medium", "Medium at or above", self.medium)

    @property
    def high_input(self) -> Input:
        return self._points("thresholds-high", "High at or above", self.high)

    @property
    def note_input(self) -> Input:
        return self._input("note", "What changed in this version", self.note)

    @property
    def new_question_anchor(self) -> str:
        return f"question-{len(self.questions) + 1}"
