"""Forms of the incident pages.

The intake form checks only what a form can (a channel chosen, a description, the crime question
when a crime is disclosed, numbers that are numbers); the service checks the rest and its problems
are put back on the fields they name (`people[0].phone` on the caller's phone, `answers.KEY` on the
question)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone

from beacon.core.api_input import DATE_MAX, DATE_MIN
from beacon.core.errors import Problem
from beacon.core.forms import GovukForm
from beacon.incidents.models import (
    FLAG_FIELDS,
    AsbCategory,
    Channel,
    ClosureCode,
    IncidentCategory,
    IncidentPerson,
    ResponseGrade,
    ScreeningSet,
    TypeHeading,
)
from beacon.incidents.screening import answer_flags, clean_answers
from beacon.incidents.services import IncidentInput, PersonInput
from beacon.people.features import RAW_FIELDS

# The people a report can name: the caller (or person reporting) and one more, e.g. the person
# causing it. Their fields are prefixed p0_, p1_.
PEOPLE = ("p0", "p1")
PERSON_DEFAULT_ROLE = {"p0": IncidentPerson.Role.CALLER, "p1": IncidentPerson.Role.SUBJECT}
PERSON_LABELS = {
    "forename": "First name",
    "surname": "Last name",
    "dob": "Date of birth",
    "phone": "Phone number",
    "email": "Email address",
    "address": "Address",
    "postcode": "Postcode",
}
PERSON_HINTS = {"dob": "For example, 27/03/1985", "phone": "UK numbers only"}

CALL_CHANNELS = [
    (c.value, str(c.label))
    for c in Channel
    if c not in (Channel.FRONT_COUNTER, Channel.PATROL, Channel.HISTORIC, Channel.PARTNER)
]
REPORT_CHANNELS = [(c.value, str(c.label)) for c in (Channel.FRONT_COUNTER, Channel.PATROL)]

YES_NO = [("yes", "Yes"), ("no", "No")]
CRIME_CHOICES = [
    ("yes", "Yes, a crime has been recorded"),
    ("no", "No, a crime will not be recorded"),
    ("later", "Not decided yet: the officer dealing with it will decide"),
]
FLAG_CHOICES = [("", "Any")] + [(f, f.replace("_", " ").capitalize()) for f in FLAG_FIELDS]


def coordinate_field(label: str, example: str, *, hint: bool = False) -> forms.FloatField:
    """A latitude or longitude typed or filled from the map (checked to be on the Earth by the
    service, which names the field)."""
    return forms.FloatField(
        label=label,
        required=False,
        help_text=f"Optional: from the map, for example {example}" if hint else "",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"invalid": f"Enter the {label.lower()} as a number, for example {example}."},
    )


def answer_field(key: str) -> str:
    return f"answer_{key}"


def _private(widget: forms.Widget) -> forms.Widget:
    """Someone else's details: the browser must not offer the user's own (or a previous caller's)."""
    widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
    return widget


def _question_field(q: Mapping[str, Any]) -> forms.Field | None:
    label = str(q.get("text") or q.get("key"))
    kind = q.get("kind")
    if kind == "yes_no":
        return forms.ChoiceField(label=label, choices=YES_NO, required=False, widget=forms.RadioSelect)
    if kind == "choice":
        choices = [(str(c), str(c)) for c in q.get("choices") or ()]
        return forms.ChoiceField(label=label, choices=choices, required=False, widget=forms.RadioSelect)
    if kind == "text":
        return forms.CharField(label=label, required=False, max_length=2000)
    return None


def crime_hints(
    questions: list[dict[str, Any]],
    answers: Mapping[str, str],
    *,
    is_asb: bool,
    type_heading: TypeHeading | None,
    other_category: IncidentCategory | None,
) -> list[str]:
    """Why a crime may have been disclosed (empty when nothing suggests one): as the service flags it."""
    hints = []
    raised = answer_flags(questions, answers)
    if "crime_disclosed" in raised:
        hints.append(raised["crime_disclosed"])
    kind = type_heading if is_asb else other_category
    if is_asb and type_heading is not None and type_heading.suggests_crime:
        hints.append(f"{kind} is usually a notifiable crime")
    if not is_asb and other_category is not None and other_category.notifiable_crime:
        hints.append(f"{kind} is usually a notifiable crime")
    return hints


@dataclass
class Intake:
    """What the form gives the service, and which form prefix each PersonInput came from."""

    data: IncidentInput
    person_prefixes: list[str]


class IntakeForm(GovukForm):
    """Taking a report: the call-taking page and the front-counter / patrol page share it."""

    channel = forms.ChoiceField(
        label="How was it reported?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how it was reported.",
            "invalid_choice": "Choose one of the ways of reporting listed.",
        },
    )
    caller_person = forms.CharField(required=False, widget=forms.HiddenInput)
    postcode = forms.CharField(label="Postcode", max_length=20, required=False)
    address = forms.CharField(label="Address or place", max_length=300, required=False)
    lat = coordinate_field("Latitude", "52.6151", hint=True)
    lon = coordinate_field("Longitude", "-1.1051", hint=True)
    is_asb = forms.ChoiceField(
        label="Is it anti-social behaviour?", choices=YES_NO, initial="yes", widget=forms.RadioSelect
    )
    asb_category = forms.ModelChoiceField(
        label="ASB category",
        queryset=AsbCategory.objects.filter(active=True),
        to_field_name="code",
        required=False,
        empty_label="Choose a category",
        help_text=(
            "Who it harms: personal (a person or group), nuisance (the community) or environmental "
            "(public spaces, buildings). The category and the type below are chosen separately: "
            "in national recording any type can fall in any category."
        ),
    )
    type_heading = forms.ModelChoiceField(
        label="Type of ASB",
        queryset=TypeHeading.objects.filter(active=True),
        to_field_name="code",
        required=False,
        empty_label="Choose a type",
    )
    other_category = forms.ModelChoiceField(
        label="What kind of incident is it?",
        queryset=IncidentCategory.objects.filter(active=True),
        to_field_name="code",
        required=False,
        empty_label="Choose a category",
    )
    description = forms.CharField(
        label="What happened?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10_000,
        error_messages={"required": "Describe what happened."},
    )
    response_grade = forms.ModelChoiceField(
        label="Response grade",
        queryset=ResponseGrade.objects.filter(active=True),
        to_field_name="code",
        required=False,
        empty_label="Use the suggested grade",
    )
    grade_override_reason = forms.CharField(
        label="Why a different grade?",
        max_length=500,
        required=False,
        help_text="Needed only if you choose a grade other than the one suggested.",
    )
    crime_recorded = forms.ChoiceField(
        label="Has a crime been recorded?", choices=CRIME_CHOICES, required=False, widget=forms.RadioSelect
    )
    crime_reference = forms.CharField(label="Crime reference", max_length=50, required=False)
    no_crime_reason = forms.CharField(
        label="Why will a crime not be recorded?",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    screening_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        channels: list[tuple[str, str]],
        screening: ScreeningSet | None,
        **kwargs: Any,
    ) -> None:
        self.channels = channels
        self.screening = screening
        self.questions: list[dict[str, Any]] = list(screening.questions) if screening else []
        super().__init__(*args, **kwargs)
        for prefix in PEOPLE:
            for name in RAW_FIELDS:
                _private(self.fields[f"{prefix}_{name}"].widget)
            self.fields[f"{prefix}_dob"].widget.attrs["class"] += " govuk-input--width-10"
            self.fields[f"{prefix}_postcode"].widget.attrs["class"] += " govuk-input--width-10"
            self.fields[f"{prefix}_phone"].widget.attrs["class"] += " govuk-input--width-20"
            self.fields[f"{prefix}_phone"].widget.input_type = "tel"
        self.fields["postcode"].widget.attrs["class"] += " govuk-input--width-10"
        for name in ("lat", "lon"):
            self.fields[name].widget.attrs["class"] += " govuk-input--width-10"
        self.fields["crime_reference"].widget.attrs["class"] += " govuk-input--width-20"
        if screening is not None and not self.is_bound:
            self.initial["screening_version"] = screening.version
        self.initial.setdefault("channel", channels[0][0] if len(channels) == 1 else None)

    def order_fields(self, field_order: Iterable[str] | None) -> None:
        # Django calls this as soon as it has copied the declared fields and before GovukForm styles
        # them: the fields that depend on the page (channels, people, questions) go in here.
        super().order_fields(field_order)
        channel = self.fields["channel"]
        assert isinstance(channel, forms.ChoiceField)
        channel.choices = self.channels
        for prefix in PEOPLE:
            self.fields[f"{prefix}_role"] = forms.ChoiceField(
                label="Their part in it",
                choices=IncidentPerson.Role.choices,
                initial=PERSON_DEFAULT_ROLE[prefix],
                required=False,
            )
            for name in RAW_FIELDS:
                self.fields[f"{prefix}_{name}"] = forms.CharField(
                    label=PERSON_LABELS[name],
                    max_length=300 if name == "address" else 254 if name == "email" else 100,
                    required=False,
                    help_text=PERSON_HINTS.get(name, ""),
                )
        for q in self.questions:
            made = _question_field(q)
            if made is not None:
                self.fields[answer_field(str(q["key"]))] = made

    # -- what the page shows around the fields

    def person_fields(self, prefix: str) -> list[forms.BoundField]:
        return [self[f"{prefix}_{name}"] for name in RAW_FIELDS]

    @property
    def caller_fields(self) -> list[forms.BoundField]:
        return self.person_fields("p0")

    @property
    def other_fields(self) -> list[forms.BoundField]:
        return self.person_fields("p1")

    def question_fields(self) -> list[tuple[dict[str, Any], forms.BoundField]]:
        return [
            (q, self[answer_field(str(q["key"]))])
            for q in self.questions
            if answer_field(str(q["key"])) in self.fields
        ]

    def raw(self, name: str) -> str:
        """A value as typed (bound forms), for the live check, which runs on half-filled forms."""
        return str(self.data.get(name, "") or "").strip() if self.is_bound else ""

    def raw_answers(self) -> dict[str, str]:
        return {
            str(q["key"]): self.raw(answer_field(str(q["key"])))
            for q in self.questions
            if self.raw(answer_field(str(q["key"])))
        }

    def person_details(self, prefix: str) -> dict[str, str]:
        return {name: self.raw(f"{prefix}_{name}") for name in RAW_FIELDS if self.raw(f"{prefix}_{name}")}

    # -- validation

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        answers, _ = clean_answers(
            self.questions,
            {str(q["key"]): data.get(answer_field(str(q["key"]))) or "" for q in self.questions},
        )
        hints = crime_hints(
            self.questions,
            answers,
            is_asb=data.get("is_asb") != "no",
            type_heading=data.get("type_heading"),
            other_category=data.get("other_category"),
        )
        choice = data.get("crime_recorded") or ""
        if hints and not choice:
            self.add_error(
                "crime_recorded",
                f"A crime may have been disclosed ({'; '.join(hints)}): "
                "say whether a crime has been recorded.",
            )
        if choice == "yes" and not data.get("crime_reference", "").strip():
            self.add_error("crime_reference", "Give the crime reference.")
        if choice == "no" and not data.get("no_crime_reason", "").strip():
            self.add_error("no_crime_reason", "Say why a crime will not be recorded.")
        return data

    def to_intake(self) -> Intake:
        """The service's input from a valid form."""
        d = self.cleaned_data
        people: list[PersonInput] = []
        prefixes: list[str] = []
        for prefix in PEOPLE:
            details = {name: d.get(f"{prefix}_{name}", "").strip() for name in RAW_FIELDS}
            details = {k: v for k, v in details.items() if v}
            person_id = _person_id(d.get("caller_person", "")) if prefix == "p0" else None
            if not details and person_id is None:
                continue
            people.append(
                PersonInput(
                    role=d.get(f"{prefix}_role") or PERSON_DEFAULT_ROLE[prefix],
                    details=details,
                    person_id=person_id,
                )
            )
            prefixes.append(prefix)
        is_asb = d.get("is_asb") != "no"
        choice = d.get("crime_recorded") or ""
        code = _code
        data = IncidentInput(
            channel=d["channel"],
            description=d.get("description", ""),
            postcode=d.get("postcode", ""),
            address=d.get("address", ""),
            lat=d.get("lat"),
            lon=d.get("lon"),
            is_asb=is_asb,
            asb_category=code(d.get("asb_category")) if is_asb else "",
            type_heading=code(d.get("type_heading")) if is_asb else "",
            other_category="" if is_asb else code(d.get("other_category")),
            answers={
                str(q["key"]): d.get(answer_field(str(q["key"])))
                for q in self.questions
                if d.get(answer_field(str(q["key"])))
            },
            screening_version=self.screening.version if self.screening else None,
            people=people,
            response_grade=code(d.get("response_grade")),
            grade_override_reason=d.get("grade_override_reason", ""),
            crime_reference=d.get("crime_reference", "") if choice == "yes" else "",
            no_crime_reason=d.get("no_crime_reason", "") if choice == "no" else "",
        )
        return Intake(data, prefixes)

    def field_for(self, problem_field: str, person_prefixes: list[str]) -> str | None:
        """The form field a service problem belongs on (None: the form as a whole)."""
        f = problem_field
        if f.startswith("answers."):
            name = answer_field(f.removeprefix("answers."))
            return name if name in self.fields else None
        if f.startswith("people["):
            index_text, _, rest = f.removeprefix("people[").partition("]")
            if not index_text.isdigit() or int(index_text) >= len(person_prefixes):
                return None
            prefix = person_prefixes[int(index_text)]
            sub = rest.removeprefix(".")
            if sub == "person_id":
                return "caller_person" if prefix == "p0" else None
            name = f"{prefix}_{sub or 'forename'}"
            return name if name in self.fields else None
        return f if f in self.fields else None

    def add_service_problems(self, problems: Iterable[Problem], person_prefixes: list[str]) -> None:
        for p in problems:
            self.add_error(self.field_for(p.field, person_prefixes), p.message)


def _code(item: Any) -> str:
    return str(getattr(item, "code", "") or "")


def _person_id(raw: str) -> int | None:
    raw = str(raw or "").strip()
    return int(raw) if raw.isdigit() else None


class CrimeDecisionForm(GovukForm):
    crime_reference = forms.CharField(label="Crime reference", max_length=50, required=False)
    no_crime_reason = forms.CharField(
        label="Or, why no crime was recorded",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["crime_reference"].widget.attrs["class"] += " govuk-input--width-20"


def _refuse_outside_years(form: forms.Form, data: dict[str, Any], name: str) -> None:
    """A date outside the years Beacon accepts everywhere (those of the API's dates) is refused."""
    day = data.get(name)
    if day is not None and not DATE_MIN.year <= day.year <= DATE_MAX.year:
        form.add_error(name, f"Enter a date between {DATE_MIN.year} and {DATE_MAX.year}.")


class AttendanceForm(GovukForm):
    """When officers attended: a date in GOV.UK's day, month and year boxes and a time, in London
    time. The service checks the rest (not before the call, not in the future) and names
    `attended_at`, which is put on the date."""

    attended_on = forms.DateField(label="Date attended", help_text="For example, 6 12 2026")
    attended_time = forms.TimeField(
        label="Time attended",
        help_text="Use the 24-hour clock, for example, 14:30",
        widget=forms.TimeInput(format="%H:%M"),
        error_messages={"invalid": "Enter the time attended as a time on the 24-hour clock, such as 14:30"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        time = self.fields["attended_time"].widget
        time.input_type = "time"
        time.attrs["class"] = "govuk-input govuk-input--width-5"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _refuse_outside_years(self, data, "attended_on")
        return data

    def attended_at(self) -> dt.datetime:
        """The time attended from a valid form, in London time."""
        day, time = self.cleaned_data["attended_on"], self.cleaned_data["attended_time"]
        return timezone.make_aware(dt.datetime.combine(day, time.replace(second=0, microsecond=0)))

    def add_problems(self, problems: list[Problem]) -> None:
        super().add_problems([Problem(p.message, _on_the_date(p.field), p.row) for p in problems])


def _on_the_date(problem_field: str) -> str:
    return "attended_on" if problem_field == "attended_at" else problem_field


def attendance_initial(attended_at: dt.datetime | None, version: int) -> dict[str, Any]:
    """What the attendance form shows: the time already recorded, if any, in London time."""
    initial: dict[str, Any] = {"version": version}
    if attended_at is not None:
        local = timezone.localtime(attended_at)
        initial.update(attended_on=local.date(), attended_time=local.time().replace(second=0, microsecond=0))
    return initial


class CloseForm(GovukForm):
    closure_code = forms.ModelChoiceField(
        label="Closure code",
        queryset=ClosureCode.objects.filter(active=True),
        to_field_name="code",
        empty_label="Choose a closure code",
        required=False,
    )
    closing_note = forms.CharField(
        label="Closing note", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class SupervisionForm(GovukForm):
    note = forms.CharField(
        label="Supervisory note",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
        help_text="For example, whether the grade, flags and actions are right, and what happens next.",
    )


class ListFilterForm(GovukForm):
    """Search the incident list: every field optional, all of them together narrow it."""

    q = forms.CharField(
        label="Name or reference",
        max_length=100,
        required=False,
        help_text="A person's name as given (part of it is enough), or an incident reference.",
    )
    received_from = forms.DateField(
        label="Received from", required=False, widget=forms.DateInput(), help_text="For example, 1 6 2026"
    )
    received_to = forms.DateField(label="Received to", required=False, widget=forms.DateInput())
    neighbourhood = forms.ChoiceField(label="Neighbourhood", required=False, choices=[("", "Any")])
    supervised = forms.ChoiceField(
        label="Supervised",
        choices=[("", "Any"), ("yes", "Supervised"), ("no", "Not supervised")],
        required=False,
    )
    flag = forms.ChoiceField(label="Flag", choices=FLAG_CHOICES, required=False)
    status = forms.ChoiceField(
        label="Status", choices=[("", "Any"), ("open", "Open"), ("closed", "Closed")], required=False
    )

    def __init__(self, *args: Any, neighbourhoods: Iterable[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("neighbourhood", [("", "Any"), *neighbourhoods])
        for name, label in (("received_from", "received from"), ("received_to", "received to")):
            self.fields[name].error_messages["invalid"] = f"Enter the date {label} as a real date."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", "The date received to must be on or after the date received from.")
        for name in ("received_from", "received_to"):
            _refuse_outside_years(self, data, name)
        return data


class TriagePlaceForm(GovukForm):
    """Where an incident in triage is: what the caller can now say, or what the map shows."""

    postcode = forms.CharField(label="Postcode", max_length=20, required=False)
    address = forms.CharField(label="Address or place", max_length=300, required=False)
    lat = coordinate_field("Latitude", "52.6151")
    lon = coordinate_field("Longitude", "-1.1051")
    version = forms.IntegerField(widget=forms.HiddenInput)


class TriageNoTeamForm(GovukForm):
    note = forms.CharField(
        label="Why no neighbourhood team takes it",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        required=False,
        help_text="For example, another force's area (passed to them), or dealt with by the control room.",
    )
