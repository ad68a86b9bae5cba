"""Forms of the case pages. They check what a form can; the services check the rest and their
problems are put back on the fields they name."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from beacon.cases.models import Action, CaseContact, CaseParty, ReviewTier
from beacon.cases.reference import CLOSURE_REASONS, VICTIM_TOLD_METHODS
from beacon.core.errors import Problem
from beacon.core.forms import GovukForm
from beacon.core.models import Area, User
from beacon.core.roles import Role
from beacon.geography.models import Neighbourhood
from beacon.risk.models import RiskLevel

LEVELS = [(v, str(label)) for v, label in RiskLevel.choices]
RAG_CHOICES = [("", "Any"), ("red", "Red"), ("amber", "Amber"), ("green", "Green")]


def form_problems(form: GovukForm) -> list[Problem]:
    """The form's problems for the error summary (the first radio of a set, so the link lands)."""
    out = []
    for p in form.problems():
        name = "" if p.field == "__all__" else p.field
        if name in form.fields and isinstance(form.fields[name].widget, forms.RadioSelect):
            name += "_0"
        out.append(Problem(p.message, f"{form.prefix}-{name}" if form.prefix and name else name))
    return out


def staff_in_area(area_id: int, roles: tuple[str, ...] = (Role.OFFICER, Role.SUPERVISOR)) -> QuerySet[User]:
    """Active officers and supervisors who work in the area (or force-wide)."""
    return (
        User.objects.filter(is_active=True, role__in=roles)
        .filter(Q(all_areas=True) | Q(areas__id=area_id))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.get_role_display()})"


class CaseFilterForm(GovukForm):
    status = forms.ChoiceField(
        label="Status", choices=[("open", "Open"), ("closed", "Closed"), ("", "Any")], required=False
    )
    risk_level = forms.ChoiceField(label="Risk level", choices=[("", "Any"), *LEVELS], required=False)
    area = forms.ModelChoiceField(
        label="Area", queryset=Area.objects.none(), required=False, empty_label="Any"
    )
    neighbourhood = forms.ModelChoiceField(
        label="Neighbourhood", queryset=Neighbourhood.objects.none(), required=False, empty_label="Any"
    )
    q = forms.CharField(
        label="Reference, title or victim's name",
        required=False,
        max_length=100,
        help_text="A victim's name as given (part of it is enough), a case reference or part of a title.",
    )
    mine = forms.BooleanField(label="Only cases I lead or supervise", required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = Area.objects.all() if user.all_areas else Area.objects.filter(pk__in=user.area_ids())
        self.set_queryset("area", areas)
        self.set_queryset("neighbourhood", Neighbourhood.objects.filter(area__in=areas))


class SupervisorFilterForm(GovukForm):
    area = forms.ModelChoiceField(
        label="Area", queryset=Area.objects.none(), required=False, empty_label="All my areas"
    )
    neighbourhood = forms.ModelChoiceField(
        label="Neighbourhood", queryset=Neighbourhood.objects.none(), required=False, empty_label="Any"
    )
    rag = forms.ChoiceField(label="RAG", choices=RAG_CHOICES, required=False)
    kind = forms.ChoiceField(
        label="Show",
        choices=[("", "Cases and incidents"), ("case", "Cases"), ("incident", "Incidents")],
        required=False,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = Area.objects.all() if user.all_areas else Area.objects.filter(pk__in=user.area_ids())
        self.set_queryset("area", areas)
        nbhds = Neighbourhood.objects.filter(area__in=areas).select_related("area")
        self.set_queryset("neighbourhood", nbhds)


class OpenCaseForm(GovukForm):
    risk_level = forms.ChoiceField(
        label="Risk level",
        choices=LEVELS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the risk level."},
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        required=False,
        help_text="Leave blank to name it after the risk level and incident.",
    )
    summary = forms.CharField(label="Summary", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    victim = forms.IntegerField(
        label="Victim (person number)",
        required=False,
        help_text="The number on the person's page in the person index.",
    )
    incident = forms.CharField(label="Incident reference", max_length=30, required=False)
    area = forms.ModelChoiceField(
        label="Area",
        queryset=Area.objects.none(),
        required=False,
        empty_label="From the incident",
        help_text="Needed when there is no incident.",
    )
    reason = forms.CharField(label="Why open a case", max_length=500, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_queryset(
            "area", Area.objects.all() if user.all_areas else Area.objects.filter(pk__in=user.area_ids())
        )
        self.fields["victim"].widget.attrs["class"] += " govuk-input--width-10"
        self.fields["incident"].widget.attrs["class"] += " govuk-input--width-20"

    def clean_incident(self) -> int | None:
        """The incident's id for its reference (blank: none)."""
        from beacon.incidents.models import Incident

        ref = self.cleaned_data["incident"].strip()
        if not ref:
            return None
        found = Incident.objects.filter(reference__iexact=ref).values_list("pk", flat=True).first()
        if found is None:
            raise forms.ValidationError(f"No incident has reference {ref}.")
        return found


class CaseEditForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Give the case a title."}
    )
    summary = forms.CharField(label="Summary", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    spoc = UserChoice(label="Single point of contact", queryset=User.objects.none(), empty_label=None)
    supervisor = UserChoice(
        label="Supervising officer", queryset=User.objects.none(), required=False, empty_label="None yet"
    )
    neighbourhood = forms.ModelChoiceField(
        label="Neighbourhood", queryset=Neighbourhood.objects.none(), required=False, empty_label="Not set"
    )

    def __init__(self, *args: Any, area_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_queryset("spoc", staff_in_area(area_id))
        self.set_queryset("supervisor", staff_in_area(area_id, (Role.SUPERVISOR,)))
        self.set_queryset("neighbourhood", Neighbourhood.objects.filter(area_id=area_id))


class LevelForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    risk_level = forms.ChoiceField(label="New risk level", choices=LEVELS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Why the level changes",
        max_length=500,
        error_messages={"required": "Say why the risk level changes."},
    )


class PartyForm(GovukForm):
    person = forms.IntegerField(
        label="Person number", help_text="From the person index, or pick someone from the incidents below."
    )
    role = forms.ChoiceField(label="Part", choices=CaseParty.Role.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="Note", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].widget.attrs["class"] += " govuk-input--width-10"


class VictimContactForm(GovukForm):
    """Whether it is safe to phone a victim, and how to contact them safely."""

    safe_to_call = forms.ChoiceField(
        label="Is it safe to phone them?",
        choices=CaseParty.SafeToCall.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="For example, not if the person causing the harm shares their phone or home.",
    )
    contact_note = forms.CharField(
        label="How to contact them safely (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: text first; not after 6pm; no voicemail; ask for her by first name.",
    )


class PeopleSearchForm(GovukForm):
    forename = forms.CharField(label="First name", max_length=100, required=False)
    surname = forms.CharField(label="Last name", max_length=100, required=False)
    dob = forms.CharField(
        label="Date of birth", max_length=40, required=False, help_text="For example, 27/03/1985"
    )
    postcode = forms.CharField(label="Postcode", max_length=20, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})


class IncidentLinkForm(GovukForm):
    incident = forms.CharField(label="Incident reference", max_length=30)


class LocationForm(GovukForm):
    address = forms.CharField(label="Address or place", max_length=300, required=False)
    postcode = forms.CharField(label="Postcode", max_length=20, required=False)
    note = forms.CharField(label="Note", max_length=300, required=False)


class ActionForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what the action is."},
    )
    owner = UserChoice(
        label="Owner",
        queryset=User.objects.none(),
        required=False,
        empty_label="Someone outside the force (name them)",
    )
    owner_label = forms.CharField(
        label="Owner outside the force",
        max_length=200,
        required=False,
        help_text="For example, a housing officer.",
    )
    due_on = forms.DateField(label="Due by", required=False)
    status = forms.ChoiceField(label="Status", choices=Action.Status.choices, required=False)
    outcome = forms.CharField(label="Outcome", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, area_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_queryset("owner", staff_in_area(area_id))


class ContactForm(GovukForm):
    method = forms.ChoiceField(
        label="How",
        choices=CaseContact.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the contact was made."},
    )
    on = forms.DateField(label="Date", required=False, help_text="Leave blank for now.")
    at_time = forms.TimeField(label="Time", required=False, help_text="For example, 14:30")
    person = forms.ChoiceField(label="Who was contacted", choices=(), required=False)
    summary = forms.CharField(
        label="What was said",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Record what was said."},
    )

    def __init__(self, *args: Any, victims: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("person", [(str(pk), label) for pk, label in victims])
        self.fields["at_time"].widget.input_type = "time"
        self.fields["at_time"].widget.attrs["class"] = "govuk-input govuk-input--width-5"

    def when(self) -> dt.datetime | None:
        day, time = self.cleaned_data.get("on"), self.cleaned_data.get("at_time")
        if day is None and time is None:
            return None
        day = day or timezone.localdate()
        time = time or timezone.localtime().time().replace(second=0, microsecond=0)
        return timezone.make_aware(dt.datetime.combine(day, time))


class ReviewForm(GovukForm):
    tier = forms.ChoiceField(
        label="Review tier",
        choices=ReviewTier.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the tier."},
    )
    decision = forms.CharField(
        label="What was reviewed and decided",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Record what was reviewed and decided."},
    )


class CloseForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        label="Why the case is closing", choices=CLOSURE_REASONS, widget=forms.RadioSelect, required=False
    )
    victim_told_on = forms.DateField(label="Date the victim was told", required=False)
    victim_told_how = forms.ChoiceField(
        label="How the victim was told", choices=[("", "Choose"), *VICTIM_TOLD_METHODS], required=False
    )
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    sign_off = forms.BooleanField(
        label="I have reviewed this case and sign off its closure",
        required=True,
        error_messages={"required": "Confirm that you sign off the closure."},
    )


class ReopenForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why reopen the case",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the case is reopened."},
    )


STANDARD_FIELDS = ("first_contact_days", "update_days", "sergeant", "inspector", "chief_inspector")
STANDARD_LABELS = {
    "first_contact_days": "First contact within (days)",
    "update_days": "Update contact at least every (days)",
    "sergeant": "Sergeant review every (days)",
    "inspector": "Inspector review every (days)",
    "chief_inspector": "Chief inspector review every (days)",
}
WEIGHT_FIELDS = {
    "risk_standard": "Points for Standard risk",
    "risk_medium": "Points for Medium risk",
    "risk_high": "Points for High risk",
    "repeat": "Points for a repeat victim",
    "vulnerable": "Points for a vulnerable victim",
    "per_day_overdue": "Points per day a standard is overdue",
    "due_soon_days": "Due soon: within (days)",
    "amber_at": "Amber at or above (points)",
    "red_at": "Red at or above (points)",
}


class StandardsForm(GovukForm):
    """Every level's standards (blank review days: no review at that tier) and the weights."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for level, label in LEVELS:
            for name in STANDARD_FIELDS:
                required = name in ("first_contact_days", "update_days")
                field = forms.IntegerField(
                    label=f"{label}: {STANDARD_LABELS[name][0].lower()}{STANDARD_LABELS[name][1:]}",
                    min_value=1,
                    required=required,
                    error_messages={
                        "required": "Give a number of days.",
                        "min_value": "Give at least 1 day.",
                    },
                )
                field.widget.attrs["class"] = "govuk-input govuk-input--width-3"
                self.fields[f"{level}__{name}"] = field
        for name, label in WEIGHT_FIELDS.items():
            field = forms.IntegerField(
                label=label, min_value=0, error_messages={"required": "Give a number."}
            )
            field.widget.attrs["class"] = "govuk-input govuk-input--width-4"
            self.fields[f"w__{name}"] = field

    @staticmethod
    def initial_from(policy_levels: dict[str, Any], w: dict[str, Any], version: int) -> dict[str, Any]:
        init: dict[str, Any] = {"version": version}
        for level, _ in LEVELS:
            rules = policy_levels.get(level, {})
            init[f"{level}__first_contact_days"] = rules.get("first_contact_days")
            init[f"{level}__update_days"] = rules.get("update_days")
            for tier in ("sergeant", "inspector", "chief_inspector"):
                init[f"{level}__{tier}"] = (rules.get("reviews") or {}).get(tier)
        for name in WEIGHT_FIELDS:
            init[f"w__{name}"] = w["risk"][name[5:]] if name.startswith("risk_") else w.get(name)
        return init

    def levels(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            level: {
                "first_contact_days": d[f"{level}__first_contact_days"],
                "update_days": d[f"{level}__update_days"],
                "reviews": {
                    tier: d[f"{level}__{tier}"]
                    for tier in ("sergeant", "inspector", "chief_inspector")
                    if d.get(f"{level}__{tier}")
                },
            }
            for level, _ in LEVELS
        }

    def weights(self, current: dict[str, Any]) -> dict[str, Any]:
        d = self.cleaned_data
        out = {**current}
        out["risk"] = {level: d[f"w__risk_{level}"] for level, _ in LEVELS}
        for name in WEIGHT_FIELDS:
            if not name.startswith("risk_"):
                out[name] = d[f"w__{name}"]
        return out


def edit_form_for(action: Action, area_id: int) -> ActionForm:
    """The form to edit one action of a plan, holding what is saved now (and its version)."""
    return ActionForm(
        prefix=f"a{action.pk}",
        area_id=area_id,
        initial={
            "version": action.version,
            "text": action.text,
            "owner": action.owner_id,
            "owner_label": action.owner_label,
            "due_on": action.due_on,
            "status": action.status,
            "outcome": action.outcome,
        },
    )
