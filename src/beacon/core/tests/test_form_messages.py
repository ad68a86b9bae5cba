"""Every form's problems name their field, GOV.UK style, all at once: never Django's "This field
is required." twice, "Enter a valid date." or "Select a valid choice."."""

from __future__ import annotations

from django import forms

from beacon.core.forms import GovukForm


class UpdateForm(GovukForm):
    date_of_update = forms.DateField(label="Date of the update")
    status = forms.ChoiceField(label="Status", choices=[("green", "Green"), ("red", "Red")])
    asb_category = forms.ChoiceField(label="ASB category", choices=[("nuisance", "Nuisance")])
    note = forms.CharField(label="Progress update", max_length=20)
    version = forms.IntegerField(label="Version")
    own = forms.CharField(label="Own message", error_messages={"required": "Say who owns it."})


def test_every_missing_field_is_named_and_reported_at_once() -> None:
    f = UpdateForm({})
    assert not f.is_valid()
    assert {p.field: p.message for p in f.problems()} == {
        "date_of_update": "Enter the date of the update",
        "status": "Choose the status",
        "asb_category": "Choose the ASB category",
        "note": "Enter the progress update",
        "version": "Enter the version",
        "own": "Say who owns it.",  # a form's own message is kept
    }


def test_wrong_values_say_what_is_wanted_of_which_field() -> None:
    f = UpdateForm(
        {
            "date_of_update": "31/02/2026",
            "status": "purple",
            "asb_category": "nuisance",
            "note": "x" * 21,
            "version": "two",
            "own": "me",
        }
    )
    assert not f.is_valid()
    assert {p.field: p.message for p in f.problems()} == {
        "date_of_update": "Enter the date of the update as a real date",
        "status": "Choose the status from the list",
        "note": "Progress update must be 20 characters or fewer",
        "version": "Enter a whole number for the version",
    }


def test_other_forms_keep_djangos_own_messages() -> None:
    class Plain(forms.Form):
        note = forms.CharField(max_length=20)

    f = Plain({"note": "x" * 21})
    assert not f.is_valid()
    assert "Ensure this value has at most 20 characters" in f.errors["note"][0]
