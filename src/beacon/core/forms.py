from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator

from beacon.core.errors import Problem
from beacon.core.widgets import GovukDateInput


def _label(field: forms.Field) -> str:
    text = str(field.label or "").strip().rstrip("?:")
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) == 1 else text


def _name_the_field(field: forms.Field) -> None:
    """GOV.UK error messages that name the field ("Enter the date of the update", "Choose the ASB
    category", "Enter a whole number for version") instead of Django's "This field is required."
    and "Enter a valid date." (a form's own messages are kept)."""
    label = _label(field)
    if not label:
        return
    defaults = forms.Field.default_error_messages | type(field).default_error_messages
    own = field.error_messages
    choose = isinstance(field, forms.ChoiceField | forms.ModelChoiceField | forms.BooleanField)
    the = f"the {label}"
    if isinstance(field, forms.DateField):
        invalid: str | None = f"Enter {the} as a real date"
    elif isinstance(field, forms.IntegerField):
        invalid = f"Enter a whole number for {the}"
    elif isinstance(field, forms.FloatField | forms.DecimalField):
        invalid = f"Enter a number for {the}"
    else:
        invalid = None
    wanted = {
        "required": f"Choose {the}" if choose else f"Enter {the}",
        "invalid": invalid,
        "invalid_choice": f"Choose {the} from the list",
    }
    too_long = f"{label[:1].upper()}{label[1:]} must be %(limit_value)d characters or fewer"
    field.validators = [
        MaxLengthValidator(v.limit_value, message=too_long)
        if isinstance(v, MaxLengthValidator) and v.message == MaxLengthValidator.message
        else v
        for v in field.validators
    ]
    for key, message in wanted.items():
        if message is None or key not in own:
            continue
        if str(own[key]) == str(defaults.get(key, "")):
            own[key] = message


class GovukForm(forms.Form):
    """A Django form whose widgets carry GOV.UK Frontend classes and hint/error descriptions."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            w = field.widget
            classes: dict[type[forms.Widget], str] = {
                forms.Textarea: "govuk-textarea",
                forms.Select: "govuk-select",
                forms.CheckboxInput: "govuk-checkboxes__input",
                forms.ClearableFileInput: "govuk-file-upload",
                forms.FileInput: "govuk-file-upload",
                forms.CheckboxSelectMultiple: "govuk-checkboxes__input",
                forms.HiddenInput: "",
            }
            cls = classes.get(type(w), "govuk-input")
            if isinstance(field, forms.DateField) and isinstance(w, forms.DateInput):
                # One way to enter a date: GOV.UK's day, month and year boxes.
                field.widget = w = GovukDateInput(attrs={k: v for k, v in w.attrs.items() if k != "class"})
                cls = ""
            w.attrs.setdefault("class", cls)
            if field.help_text:
                w.attrs["aria-describedby"] = f"id_{name}-hint"
            _name_the_field(field)

    def full_clean(self) -> None:
        """Validate, then mark the fields in error (not in __init__: a view may still set a field's
        choices or queryset after constructing the form, and validation must see them)."""
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            w = self.fields[name].widget
            cls = w.attrs.get("class", "")
            if "--error" not in cls:
                suffix = {"govuk-textarea": " govuk-textarea--error", "govuk-select": " govuk-select--error"}
                w.attrs["class"] = cls + suffix.get(cls, " govuk-input--error")
            described = [d for d in (w.attrs.get("aria-describedby", ""), f"id_{name}-error") if d]
            w.attrs["aria-describedby"] = " ".join(described)

    def problems(self) -> list[Problem]:
        return [Problem(message=str(e), field=name) for name, errs in self.errors.items() for e in errs]

    def set_choices(self, name: str, choices: Any) -> None:
        """Give a choice field the choices this page offers (a form built per user or record)."""
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField), name
        field.choices = choices

    def set_queryset(self, name: str, queryset: Any) -> None:
        """Narrow a model choice field to the records this user or record may choose."""
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField), name
        field.queryset = queryset

    def as_query(self) -> dict[str, str]:
        """A valid search form's filters as they go in an address (a date as one ISO value, not
        its three boxes), for the links to its pages and downloads."""
        out = {}
        for name in self.fields:
            value = self.cleaned_data.get(name)
            if value in (None, "", [], False):
                continue
            out[name] = value.isoformat() if isinstance(value, dt.date) else str(value)
        return out

    def add_problems(self, problems: list[Problem]) -> None:
        for p in problems:
            self.add_error(p.field if p.field in self.fields else None, p.message)
