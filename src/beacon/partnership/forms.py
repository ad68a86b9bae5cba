"""Forms of the partnership pages. They check what a form can (required fields, dates that are
dates); the services check the rest, and their problems are put back on the fields they name."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from beacon.core.forms import GovukForm
from beacon.partnership.models import (
    ActionGroup,
    LegalBasis,
    PartnerAgency,
    PowerKind,
    Referral,
    SharedItem,
)

POLICE = ("", "Police")


def agency_choices(*, blank: str | None = None, police: bool = False) -> list[tuple[str, str]]:
    rows = [(a.code, a.name) for a in PartnerAgency.objects.filter(active=True)]
    head = [("", blank)] if blank is not None else []
    return head + ([POLICE] if police else []) + rows


def _date(label: str, *, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, help_text=help_text, widget=forms.DateInput)


class ReferralForm(GovukForm):
    agency = forms.ChoiceField(label="Partner agency", choices=())
    person_id = forms.ChoiceField(
        label="Person referred",
        required=False,
        choices=(),
        help_text="Leave as the whole case, or choose one person on it.",
    )
    area_id = forms.ChoiceField(label="Area referring", required=False, choices=())
    reason = forms.CharField(
        label="Why are you referring, and what do you ask of the partner?",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    shared_items = forms.MultipleChoiceField(
        label="What is shared", required=False, choices=(), widget=forms.CheckboxSelectMultiple
    )
    shared_information = forms.CharField(
        label="Anything else shared (in words)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    consent_by = forms.CharField(
        label="Consent given by",
        required=False,
        max_length=200,
        help_text="Name, and relation to the person.",
    )
    consent_on = _date("Date consent was given")
    legal_basis = forms.ChoiceField(
        label="Or: legal basis for sharing without consent",
        required=False,
        choices=[("", "No legal basis: consent given"), *list(LegalBasis.choices)],
    )
    legal_basis_detail = forms.CharField(
        label="Why sharing is necessary under that basis",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        people: list[tuple[str, str]] | None = None,
        areas: list[tuple[str, str]] | None = None,
        for_case: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("agency", agency_choices(blank="Choose an agency"))
        self.set_choices("person_id", [("", "The whole case")] + (people or []))
        self.set_choices("area_id", [("", "Choose an area")] + (areas or []))
        items = [(v, label) for v, label in SharedItem.choices if for_case or v == SharedItem.PERSON]
        self.set_choices("shared_items", items)
        if not for_case:
            del self.fields["person_id"]
        if not areas:
            del self.fields["area_id"]


STATUS_FILTERS = [("", "All"), ("open", "Awaiting an outcome"), *Referral.Status.choices]


class ReferralFilterForm(GovukForm):
    """Search the referral list: by status and the days it was made from and to."""

    status = forms.ChoiceField(label="Status", choices=STATUS_FILTERS, required=False)
    referred_from = _date("Made from", help_text="For example, 1 6 2026")
    referred_to = _date("Made to")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("referred_from"), data.get("referred_to")
        if start and end and start > end:
            self.add_error("referred_to", "The date made to must be on or after the date made from.")
        return data


class ResponseForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    response = forms.ChoiceField(
        label="Partner's response", choices=Referral.Response.choices, widget=forms.RadioSelect
    )
    responded_on = _date("Date of the response", required=True)
    response_note = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class OutcomeForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.CharField(label="Outcome", widget=forms.Textarea(attrs={"rows": 3}))
    outcome_on = _date("Date of the outcome", required=True)


# ---------------------------------------------------------------------------------------------
# Action groups


class GroupForm(GovukForm):
    name = forms.CharField(label="Name", max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=ActionGroup.Kind.choices)
    area_id = forms.ChoiceField(label="Area", choices=())
    neighbourhood_id = forms.ChoiceField(
        label="Neighbourhood", required=False, choices=(), help_text="Leave blank for the whole area."
    )
    agencies = forms.MultipleChoiceField(
        label="Agencies that attend", required=False, choices=(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self, *args: Any, areas: list[tuple[str, str]], neighbourhoods: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("area_id", [("", "Choose an area"), *areas])
        self.set_choices("neighbourhood_id", [("", "The whole area"), *neighbourhoods])
        self.set_choices("agencies", agency_choices())


class MeetingForm(GovukForm):
    date = _date("Date", required=True)
    time = forms.TimeField(label="Time", widget=forms.TimeInput(format="%H:%M"))
    venue = forms.CharField(label="Venue", required=False, max_length=200)
    chair = forms.CharField(label="Chair", required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time"].widget.input_type = "time"
        self.fields["time"].widget.attrs["class"] = "govuk-input govuk-input--width-5"

    def scheduled_for(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"]))


class MinutesForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    minutes = forms.CharField(label="Minutes", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, item_id: int, **kwargs: Any) -> None:
        super().__init__(*args, prefix=f"i{item_id}", **kwargs)


class TaskForm(GovukForm):
    text = forms.CharField(label="Task", widget=forms.Textarea(attrs={"rows": 2}))
    owner_id = forms.ChoiceField(label="Police owner", required=False, choices=())
    agency = forms.ChoiceField(label="Or agency", required=False, choices=())
    owner_label = forms.CharField(label="Named person", required=False, max_length=200)
    due_on = _date("Due by", required=True)

    def __init__(
        self,
        *args: Any,
        item_id: int,
        owners: list[tuple[str, str]],
        agencies: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, prefix=f"t{item_id}", **kwargs)
        self.set_choices("owner_id", [("", "None"), *owners])
        self.set_choices("agency", agencies if agencies is not None else agency_choices(blank="None"))


class NotesForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    notes = forms.CharField(
        label="General minutes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Apologies, matters arising, anything not about one case.",
    )


class VersionForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


# ---------------------------------------------------------------------------------------------
# Tools and powers


class PowerForm(GovukForm):
    kind = forms.ChoiceField(label="Tool or power", choices=())
    subject_id = forms.ChoiceField(label="Given to", required=False, choices=())
    premises = forms.CharField(
        label="Premises", required=False, max_length=300, help_text="For a closure notice or order."
    )
    issued_on = _date("Date issued", required=True)
    expires_on = _date("Date it expires", help_text="Leave blank if it has no end date.")
    issuing_agency = forms.ChoiceField(label="Issued by", required=False, choices=())
    officer_label = forms.CharField(
        label="Issuing officer", required=False, max_length=200, help_text="Leave blank if it was you."
    )
    terms = forms.CharField(
        label="Terms, conditions or requirements", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, subjects: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [(k.code, k.label) for k in PowerKind.objects.filter(active=True)]
        self.set_choices("kind", [("", "Choose"), *kinds])
        self.set_choices("subject_id", [("", "Choose a perpetrator"), *subjects])
        self.set_choices("issuing_agency", agency_choices(police=True))


class PowerOutcomeForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    expires_on = _date("Date it expires", help_text="Change it for an extension or a variation.")
    outcome = forms.CharField(label="Outcome", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    outcome_on = _date("Date of the outcome")


class BreachForm(GovukForm):
    occurred_on = _date("Date of the breach", required=True)
    description = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 3}))
    action_taken = forms.CharField(
        label="Action taken", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


# ---------------------------------------------------------------------------------------------
# ASB case reviews


class CaseReviewForm(GovukForm):
    route = forms.ChoiceField(
        label="How did the review come about?",
        choices=[
            ("application", "An application by or for a victim"),
            ("threshold", "The threshold was met (raised by the police)"),
        ],
        widget=forms.RadioSelect,
    )
    applicant_id = forms.IntegerField(
        label="Victim's person number", required=False, help_text="From the person index, if known."
    )
    applicant_name = forms.CharField(
        label="Applicant's name",
        required=False,
        max_length=200,
        help_text="As given, if applying for someone else.",
    )
    case_id = forms.IntegerField(label="Case number", required=False, widget=forms.HiddenInput)
    area_id = forms.ChoiceField(label="Area", required=False, choices=())
    location_address = forms.CharField(label="Location (address)", required=False, max_length=300)
    received_on = _date("Date received", required=True)
    summary = forms.CharField(label="Summary", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("area_id", [("", "Choose an area"), *areas])


class DecisionForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    threshold_met = forms.ChoiceField(
        label="Is the threshold met?", choices=[("yes", "Yes"), ("no", "No")], widget=forms.RadioSelect
    )
    decision_on = _date("Date of the decision", required=True)
    decision_note = forms.CharField(
        label="Decision and what the applicant was told", widget=forms.Textarea(attrs={"rows": 3})
    )


class ReviewOutcomeForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    review_held_on = _date("Date the review was held", required=True)
    outcome = forms.CharField(label="Outcome", widget=forms.Textarea(attrs={"rows": 3}))
    recommendations = forms.CharField(
        label="Recommendations", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    response_sent_on = _date(
        "Date the response was sent to the applicant", help_text="Leave blank until it is sent."
    )


class PolicyForm(GovukForm):
    victim_incidents = forms.IntegerField(label="Incidents by one victim", min_value=1)
    victim_window_months = forms.IntegerField(label="… within months", min_value=1)
    location_incidents = forms.IntegerField(
        label="Incidents about one place from different people", min_value=1
    )
    location_window_months = forms.IntegerField(label="… within months", min_value=1)
    location_radius_m = forms.IntegerField(label="One place: within metres", min_value=1)
    decision_working_days = forms.IntegerField(label="Threshold decision within working days", min_value=1)
    response_working_days = forms.IntegerField(
        label="Response within working days of the decision", min_value=1
    )
    holidays = forms.CharField(
        label="Bank holidays",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One date a line, e.g. 2026-12-25.",
    )
    note = forms.CharField(label="Why this change", required=False, max_length=300)


class AgencyForm(GovukForm):
    code = forms.SlugField(label="Code", max_length=60, help_text="Partner users' accounts name this code.")
    name = forms.CharField(label="Name", max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=PartnerAgency.Kind.choices)


class PowerKindForm(GovukForm):
    code = forms.SlugField(label="Code", max_length=60)
    label = forms.CharField(label="Name", max_length=200)
    about_premises = forms.BooleanField(label="Used on premises", required=False)
