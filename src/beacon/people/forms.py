"""Forms of the person-index pages. They check what a form can (required fields, that a chosen reason
belongs to the chosen kind of flag); the services and selectors check the rest (dates of birth, UK
phone numbers, …) and their problems are put back on the fields they name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone

from beacon.core.forms import GovukForm
from beacon.people.features import NAME_MAX, RAW_FIELDS
from beacon.people.models import FlagKind

PURPOSE_HELP = "For example, the incident or call reference. It is recorded in the access log."


def _private(widget: forms.Widget) -> forms.Widget:
    """Someone else's details: the browser must not offer the user's own (or a previous caller's)."""
    widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
    return widget


class LookupForm(GovukForm):
    purpose = forms.CharField(
        label="Why are you looking?",
        max_length=200,
        help_text=PURPOSE_HELP,
        error_messages={"required": "Say why you are looking (for example, the incident reference)."},
    )
    forename = forms.CharField(label="First name", max_length=NAME_MAX, required=False)
    surname = forms.CharField(label="Last name", max_length=NAME_MAX, required=False)
    dob = forms.CharField(
        label="Date of birth", max_length=40, required=False, help_text="For example, 27/03/1985"
    )
    phone = forms.CharField(label="Phone number", max_length=40, required=False, help_text="UK numbers only")
    email = forms.CharField(label="Email address", max_length=254, required=False)
    address = forms.CharField(label="Address", max_length=300, required=False)
    postcode = forms.CharField(label="Postcode", max_length=20, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in RAW_FIELDS:
            _private(self.fields[name].widget)
        self.fields["postcode"].widget.attrs["class"] += " govuk-input--width-10"
        self.fields["dob"].widget.attrs["class"] += " govuk-input--width-10"
        self.fields["phone"].widget.attrs["class"] += " govuk-input--width-20"
        self.fields["phone"].widget.input_type = "tel"

    def details(self) -> dict[str, str]:
        """The details to look for (cleaned), by the names the selectors use."""
        return {f: self.cleaned_data.get(f, "").strip() for f in RAW_FIELDS}

    def has_details(self) -> bool:
        return any(str(self.data.get(f, "")).strip() for f in RAW_FIELDS)


class FlagForm(GovukForm):
    """Add a flag by hand. Derived kinds (set by a rule) are not offered. A reason is either one the
    kind offers (chosen) or typed; the service refuses a kind that needs a reason without one."""

    kind = forms.ChoiceField(label="Kind of flag", error_messages={"required": "Choose a kind of flag."})
    reason = forms.ChoiceField(label="Reason", required=False)
    reason_other = forms.CharField(
        label="Or type the reason",
        max_length=200,
        required=False,
        help_text="If none of the reasons offered fits.",
    )
    review_on = forms.DateField(
        label="Review date", widget=forms.DateInput(), required=False, help_text="Optional."
    )
    purpose = forms.CharField(widget=forms.HiddenInput(), required=False)

    def __init__(self, *args: Any, kinds: list[FlagKind], **kwargs: Any) -> None:
        self.kinds = {k.code: k for k in kinds if not k.derived}
        super().__init__(*args, **kwargs)
        self.fields["reason_other"].widget.attrs["class"] += " govuk-!-width-two-thirds"

    def order_fields(self, field_order: Iterable[str] | None) -> None:
        # Django calls this as soon as it has copied the fields, before GovukForm validates a bound
        # form in __init__: the choices must be in place by then.
        super().order_fields(field_order)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", "Choose a kind of flag")] + [(k.code, k.label) for k in self.kinds.values()]
        reason = self.fields["reason"]
        assert isinstance(reason, forms.ChoiceField)
        grouped: list[Any] = [("", "Choose a reason")]
        for k in self.kinds.values():
            if k.reasons:
                grouped.append((k.label, [(r, r) for r in k.reasons]))
        reason.choices = grouped

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = self.kinds.get(data.get("kind", ""))
        typed = data.get("reason_other", "").strip()
        chosen = data.get("reason", "")
        if typed:
            data["final_reason"] = typed
        elif chosen:
            if kind is not None and chosen not in (kind.reasons or []):
                self.add_error("reason", f"“{chosen}” is not a reason for a {kind.label.lower()} flag.")
            data["final_reason"] = chosen
        else:
            data["final_reason"] = ""
        review_on = data.get("review_on")
        if review_on is not None and review_on < timezone.localdate():
            self.add_error("review_on", "The review date must be today or later.")
        return data


class EraseForm(GovukForm):
    reason = forms.CharField(
        label="Reason for erasure",
        max_length=500,
        help_text="For example, the erasure request reference.",
        error_messages={"required": "Give the reason for erasure."},
    )


class UndoRunForm(GovukForm):
    reason = forms.CharField(
        label="Why are you undoing this run?",
        max_length=500,
        error_messages={"required": "Give the reason for undoing the run."},
    )


class SubjectAccessForm(GovukForm):
    reason = forms.CharField(
        label="Subject access request reference",
        max_length=200,
        help_text="It is recorded in the access log.",
        error_messages={"required": "Give the subject access request reference."},
    )


class DecideForm(GovukForm):
    decision = forms.ChoiceField(choices=[("same", "Same person"), ("different", "Different people")])
    version = forms.IntegerField(widget=forms.HiddenInput())
    note = forms.CharField(max_length=500, required=False)


RULE = "rule"  # the choice "no confirmed value: the one given most often"


class KnownDetailForm(GovukForm):
    """Choose which of the values a person's records give is theirs (confirm it), or go back to the
    one given most often. The choices are the person's live records' values (record ids)."""

    choice = forms.ChoiceField(widget=forms.RadioSelect)
    note = forms.CharField(
        label="How was it confirmed? (optional)",
        max_length=300,
        required=False,
        help_text="For example, checked with her at the visit. It is kept with the confirmation.",
    )
    purpose = forms.CharField(widget=forms.HiddenInput(), required=False)

    def __init__(self, *args: Any, label: str, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["choice"].label = label
        self.fields["choice"].error_messages["required"] = f"{label}: choose one."
        self.fields["choice"].error_messages["invalid_choice"] = f"{label}: choose one of those listed."
        self.set_choices("choice", choices)
