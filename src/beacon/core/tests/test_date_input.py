"""Dates are entered one way everywhere: GOV.UK's day, month and year boxes in a fieldset. What
was typed is kept when the form comes back, and a date that is not real is named at its field."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.template.loader import render_to_string

from beacon.core.forms import GovukForm


class UpdateForm(GovukForm):
    date = forms.DateField(
        label="Date of update", widget=forms.DateInput(), required=False, help_text="Leave blank for today."
    )
    due = forms.DateField(label="Due date", widget=forms.DateInput())


def test_the_three_boxes_make_a_date_and_a_month_may_be_typed_as_a_word() -> None:
    form = UpdateForm(
        {
            "date_day": "6",
            "date_month": "12",
            "date_year": "2026",
            "due_day": "31",
            "due_month": "Jan",
            "due_year": "2027",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"date": dt.date(2026, 12, 6), "due": dt.date(2027, 1, 31)}


def test_one_iso_value_under_the_fields_name_still_works_and_blank_is_none() -> None:
    form = UpdateForm({"due": "2027-01-31"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"date": None, "due": dt.date(2027, 1, 31)}


def test_a_date_that_is_not_real_is_named_and_what_was_typed_comes_back() -> None:
    form = UpdateForm(
        {
            "date_day": "31",
            "date_month": "2",
            "date_year": "2026",
            "due_day": "",
            "due_month": "",
            "due_year": "",
        }
    )
    assert not form.is_valid()
    assert form.errors == {"date": ["Enter the date of update as a real date"], "due": ["Enter the due date"]}
    html = str(form["date"].as_widget())
    for name, value in (("date_day", "31"), ("date_month", "2"), ("date_year", "2026")):
        assert f'name="{name}" type="text" inputmode="numeric" value="{value}"' in html
    assert "govuk-input--error" in html


def test_a_two_digit_year_is_not_a_date() -> None:
    form = UpdateForm({"due_day": "1", "due_month": "2", "due_year": "27"})
    assert form.errors == {"due": ["Enter the due date as a real date"]}


def test_the_boxes_are_a_labelled_group_and_the_day_box_has_the_fields_id() -> None:
    form = UpdateForm(initial={"date": dt.date(2026, 12, 6)})
    html = render_to_string("includes/field.html", {"field": form["date"]})
    assert '<fieldset class="govuk-fieldset" role="group" aria-describedby="id_date-hint">' in html
    assert '<legend class="govuk-fieldset__legend">Date of update</legend>' in html
    assert '<label class="govuk-label govuk-date-input__label" for="id_date">Day</label>' in html
    assert 'id="id_date_month" name="date_month"' in html and 'id="id_date_year" name="date_year"' in html
    assert 'value="6"' in html and 'value="12"' in html and 'value="2026"' in html
