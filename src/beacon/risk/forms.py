"""Forms for the risk pages. An assessment's questions come from the instrument version's data, so
they are rendered from `QuestionField`s rather than a fixed Django form."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms

from beacon.core.errors import Problem
from beacon.core.forms import GovukForm
from beacon.risk.models import Instrument, InstrumentVersion, RiskLevel
from beacon.risk.scoring import is_required

ANSWER_PREFIX = "answer_"


@dataclass
class QuestionField:
    """One question of a version as the form shows it, with what was posted and its error."""

    key: str
    text: str
    kind: str
    help: str
    required: bool
    choices: list[tuple[str, str]]
    value: str = ""
    error: str = ""
    name: str = field(init=False)

    def __post_init__(self) -> None:
        self.name = ANSWER_PREFIX + self.key

    @property
    def id(self) -> str:
        return f"id_{self.name}"


def question_fields(
    version: InstrumentVersion, data: Mapping[str, Any] | None = None, problems: list[Problem] | None = None
) -> list[QuestionField]:
    errors: dict[str, str] = {}
    for p in problems or []:
        errors.setdefault(p.field, p.message)
    out = []
    for q in version.questions:
        kind = q["kind"]
        if kind == "yes_no":
            choices = [("yes", "Yes"), ("no", "No")]
        elif kind == "choice":
            choices = [(str(c["value"]), str(c["label"])) for c in q.get("choices", [])]
        else:
            choices = []
        out.append(
            QuestionField(
                key=q["key"],
                text=q["text"],
                kind=kind,
                help=str(q.get("help", "")),
                required=is_required(q),
                choices=choices,
                value=str((data or {}).get(ANSWER_PREFIX + q["key"], "")),
                error=errors.get(q["key"], ""),
            )
        )
    return out


def posted_answers(version: InstrumentVersion, data: Mapping[str, Any]) -> dict[str, str]:
    """The answers a form posted, keyed by question (blank ones included: scoring drops them)."""
    return {q["key"]: str(data.get(ANSWER_PREFIX + q["key"], "")) for q in version.questions}


def page_problems(problems: list[Problem], keys: set[str]) -> list[Problem]:
    """Problems as the error summary links them: a question's to its first input."""
    return [Problem(p.message, ANSWER_PREFIX + p.field if p.field in keys else p.field) for p in problems]


class OfficerNoteForm(GovukForm):
    officer_note = forms.CharField(
        label="Your note (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you saw and what the victim told you that the questions do not cover.",
    )


class ReviewForm(GovukForm):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("agree", "Agree with the level"), ("change", "Change the level")],
        widget=forms.RadioSelect,
    )
    level = forms.ChoiceField(
        label="The level it should be (if you change it)",
        choices=RiskLevel.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you change the level.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class InstrumentForm(GovukForm):
    name = forms.CharField(
        label="Name",
        max_length=60,
        help_text="Lower-case letters, digits and hyphens, e.g. asb-risk. Used on the command line.",
    )
    title = forms.CharField(label="Title", max_length=200)
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


class DraftForm(GovukForm):
    """A draft version's definition as JSON, one box per part; problems name where they are."""

    questions = forms.CharField(
        label="Questions (JSON)",
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
        help_text=(
            'A list of questions: {"key", "text", "kind": "yes_no" | "choice" | "number" | "text", '
            '"help", "required", "points": {answer: n}, "choices": [{"value", "label"}], '
            '"points_per_unit", "max_points", "min", "max"}.'
        ),
    )
    location_weights = forms.CharField(
        label="Location weights (JSON)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=(
            'A list of {"when": "neighbourhood_grade:priority" | "neighbourhood:CODE" | "local_priority", '
            '"points": n, "label": "…"}. Every one that applies adds its points.'
        ),
    )
    thresholds = forms.CharField(
        label="Thresholds (JSON)",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text='{"medium": n, "high": n}: a total at or above a threshold gives that level.',
    )
    note = forms.CharField(label="What changed in this version", max_length=300, required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def for_version(cls, version: InstrumentVersion) -> DraftForm:
        return cls(
            initial={
                "questions": _pretty(version.questions),
                "location_weights": _pretty(version.location_weights or []),
                "thresholds": _pretty(version.thresholds),
                "note": version.note,
                "revision": version.revision,
            }
        )

    def parsed(self) -> dict[str, Any] | None:
        """The three JSON boxes parsed; None (with an error on each bad box) if any is not JSON."""
        out: dict[str, Any] = {}
        for name in ("questions", "location_weights", "thresholds"):
            text = self.cleaned_data.get(name) or ("[]" if name == "location_weights" else "")
            try:
                out[name] = json.loads(text)
            except json.JSONDecodeError as exc:
                self.add_error(name, f"Not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.")
        return out if len(out) == 3 else None

    def add_definition_problems(self, problems: list[Problem]) -> None:
        """Problems inside the JSON (`questions[2].kind`) go on the box that holds them."""
        for p in problems:
            box = p.field.split("[", 1)[0].split(".", 1)[0]
            if box in ("questions", "location_weights", "thresholds") and p.field != box:
                self.add_error(box, f"{p.field}: {p.message}")
            elif box in self.fields:
                self.add_error(box, p.message)
            else:
                self.add_error(None, p.message)


class SettingsForm(GovukForm):
    instrument = forms.ModelChoiceField(
        label="Instrument officers use",
        queryset=Instrument.objects.filter(versions__status=InstrumentVersion.Status.PUBLISHED).distinct(),
        empty_label=None,
        help_text="New assessments use its published version.",
    )
    assessment_due_hours = forms.IntegerField(
        label="An assessment is due within (hours)",
        min_value=1,
        help_text="After an incident flagged repeat or vulnerable is received.",
    )


class PreviewLocationForm(GovukForm):
    neighbourhood = forms.CharField(
        label="Neighbourhood code (optional)",
        required=False,
        max_length=30,
        help_text="Where it happened, to try the location weights.",
    )
    in_priority = forms.BooleanField(label="Inside an active local priority", required=False)
