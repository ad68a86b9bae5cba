from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from beacon.core.forms import GovukForm
from beacon.inspections.models import Board, Inspection, Portfolio, Status, long_date

STATUS_CHOICES = [("", "Choose a status")] + [(s.value, s.label) for s in Status if s != Status.BLANK]


class UpdateForm(GovukForm):
    status = forms.ChoiceField(label="RAG status", choices=STATUS_CHOICES)
    text = forms.CharField(
        label="Progress update",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What has been done since the last update, and what happens next.",
    )
    date = forms.DateField(
        label="Date of update", widget=forms.DateInput(), required=False, help_text="Leave blank for today."
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput(), required=False)

    def __init__(self, *args: Any, published: dt.date | None = None, **kwargs: Any) -> None:
        """`published`: the day the finding's inspection was published, which the hint names (the
        service refuses an update dated before it)."""
        super().__init__(*args, **kwargs)
        if published is not None:
            self.fields["date"].help_text = (
                f"Leave blank for today. The date must be on or after {long_date(published)}, when the "
                "inspection was published."
            )


class AllocationForm(GovukForm):
    action_owner = forms.CharField(label="Action owner", max_length=200, required=False)
    due_date = forms.DateField(label="Due date", widget=forms.DateInput(), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput())


class TransferForm(GovukForm):
    to = forms.ModelChoiceField(
        label="Transfer to portfolio", queryset=Portfolio.objects.all(), empty_label="Choose a portfolio"
    )
    on = forms.DateField(label="Date of transfer", widget=forms.DateInput())
    action_owner = forms.CharField(label="New action owner", max_length=200, required=False)
    note = forms.CharField(
        label="Reason for the transfer", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class UploadForm(GovukForm):
    file = forms.FileField(label="File")


class PlanImportForm(UploadForm):
    as_at = forms.DateField(
        label="Plan as at (optional)",
        widget=forms.DateInput(),
        required=False,
        help_text="The date the plan is as at, as YYYY-MM-DD. Updates printed without a date of update "
        'are taken as given on this date and shown as "date not given". Leave blank for today.',
    )


class RulesForm(GovukForm):
    stale_after_days = forms.IntegerField(
        label="Stale after (days without an update)", min_value=1, max_value=366
    )
    due_soon_days = forms.IntegerField(
        label="Due soon (days before the due date)", min_value=0, max_value=366
    )
    version = forms.IntegerField(widget=forms.HiddenInput())


class DashboardFilterForm(GovukForm):
    portfolio = forms.ModelChoiceField(queryset=Portfolio.objects.all(), required=False, empty_label="All")
    owner = forms.ChoiceField(label="Action owner", required=False)
    board = forms.ModelChoiceField(queryset=Board.objects.all(), required=False, empty_label="All")
    as_of = forms.DateField(label="As at", widget=forms.DateInput(), required=False)


class BoardForm(GovukForm):
    name = forms.CharField(label="Board name", max_length=200)
    chair = forms.CharField(label="Chair", max_length=200, required=False)
    inspections = forms.ModelMultipleChoiceField(
        label="Plans it monitors",
        queryset=Inspection.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    meeting_dates = forms.CharField(
        label="Meeting dates",
        required=False,
        help_text="One per line, as YYYY-MM-DD.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
