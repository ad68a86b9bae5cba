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
from beacon.risk.prefill import Prefilled
from beacon.risk.scoring import is_required

ANSWER_PREFIX = "answer_"
PREFILLED_FIELD = "prefilled"  # hidden inputs: the keys of the questions the form prefilled
CONFIRM_FIELD = "confirm_prefilled"  # the officer's confirmation of the prefilled answers


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
    prefilled: Prefilled | None = None  # where a prefilled answer came from, to confirm
    name: str = field(init=False)

    def __post_init__(self) -> None:
        self.name = ANSWER_PREFIX + self.key

    @property
    def id(self) -> str:
        return f"id_{self.name}"

    @property
    def describedby(self) -> str:
        """The ids of its hint, where its answer came from, and its error (those it shows)."""
        ids = [
            f"{self.id}-hint" if self.help else "",
            f"{self.id}-source" if self.prefilled else "",
            f"{self.id}-error" if self.error else "",
        ]
        return " ".join(i for i in ids if i)


def question_fields(
    version: InstrumentVersion,
    data: Mapping[str, Any] | None = None,
    problems: list[Problem] | None = None,
    prefilled: Mapping[str, Prefilled] | None = None,
) -> list[QuestionField]:
    """The version's questions with the answers in `data` (as posted), each problem on its
    question, and `prefilled`: the questions marked with where their answer came from."""
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
                prefilled=(prefilled or {}).get(q["key"]),
            )
        )
    return out


def prefilled_data(prefilled: Mapping[str, Prefilled]) -> dict[str, str]:
    """Prefilled answers as the form would post them."""
    return {ANSWER_PREFIX + key: p.value for key, p in prefilled.items()}


def posted_prefilled(version: InstrumentVersion, data: Mapping[str, Any]) -> list[str]:
    """The keys of the version's questions the form says it prefilled, in question order."""
    getlist = getattr(data, "getlist", None)
    posted = set(getlist(PREFILLED_FIELD) if getlist else [])
    return [q["key"] for q in version.questions if q["key"] in posted]


def posted_answers(version: InstrumentVersion, data: Mapping[str, Any]) -> dict[str, str]:
    """The answers a form posted, keyed by question (blank ones included: scoring drops them)."""
    return {q["key"]: str(data.get(ANSWER_PREFIX + q["key"], "")) for q in version.questions}


def page_problems(problems: list[Problem], keys: set[str]) -> list[Problem]:
    """Problems as the error summary links them: a question's to its first input."""
    return [Problem(p.message, ANSWER_PREFIX + p.field if p.field in keys else p.field) for p in problems]


class OfficerNoteForm(GovukForm):
    """What the officer adds to the answers: in what capacity they complete it (checked by the
    service, with the answers, so every problem is reported at once) and their note."""

    completed_as = forms.ChoiceField(
        label="You are completing this as",
        choices=[("attending", "The attending officer"), ("investigating", "The investigating officer")],
        required=False,
        widget=forms.RadioSelect,
    )
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


DEFINITION_PARTS = ("questions", "location_weights", "thresholds")
# What the API's version (GET /api/v1/risk/instruments/NAME/versions/N) also says: ignored when pasted.
VERSION_DETAILS = ("instrument", "version", "status", "note", "created_at", "published_at")


def definition_json(version: InstrumentVersion) -> str:
    """A version's definition as one JSON document: what "Edit as JSON" takes, to copy between systems."""
    return _pretty(
        {
            "questions": version.questions,
            "location_weights": version.location_weights or [],
            "thresholds": version.thresholds,
        }
    )


class DraftForm(GovukForm):
    """A draft version's definition as one JSON document (the alternative to the structured editor,
    to paste a definition from another system); problems name where in it they are."""

    definition = forms.CharField(
        label="Definition (JSON)",
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
        help_text=(
            '{"questions": [...], "location_weights": [...], "thresholds": {"medium": n, "high": n}}: '
            "what the version page shows under “Definition as JSON”, or the API gives for a version."
        ),
    )
    note = forms.CharField(label="What changed in this version", max_length=300, required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def for_version(cls, version: InstrumentVersion) -> DraftForm:
        return cls(
            initial={
                "definition": definition_json(version),
                "note": version.note,
                "revision": version.revision,
            }
        )

    def parsed(self) -> dict[str, Any] | None:
        """The document's three parts (a part left out is None, for the checks to name); None, with
        an error on the box, if it is not JSON or not an object of those parts."""
        text = self.cleaned_data.get("definition") or ""
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            where = f"line {exc.lineno}, column {exc.colno}"
            self.add_error("definition", f"Not valid JSON: {exc.msg} at {where}.")
            return None
        if not isinstance(document, dict):
            self.add_error("definition", 'Give an object: {"questions": ..., "location_weights": ..., ...}.')
            return None
        unknown = sorted(set(document) - set(DEFINITION_PARTS) - set(VERSION_DETAILS))
        if unknown:
            self.add_error("definition", f"Unknown part {', '.join(unknown)}.")
            return None
        return {part: document.get(part) for part in DEFINITION_PARTS}

    def add_definition_problems(self, problems: list[Problem]) -> None:
        """Problems inside the document (`questions[2].kind`) go on the box, saying where they are."""
        for p in problems:
            part = p.field.split("[", 1)[0].split(".", 1)[0]
            if part in DEFINITION_PARTS:
                self.add_error("definition", f"{p.field}: {p.message}")
            elif part in self.fields:
                self.add_error(part, p.message)
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
