"""Intake configuration for administrators: extend the reference lists, publish new versions of the
screening questions, grading rules and intake settings. Thin: writes through `configuration`."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from beacon.core.errors import ValidationFailed
from beacon.core.forms import GovukForm
from beacon.core.permissions import AuthedRequest, capability_required
from beacon.incidents import configuration
from beacon.incidents.models import GradingRules, IntakeSettings, ScreeningSet


class ItemForm(GovukForm):
    list = forms.ChoiceField(label="List", choices=[(k, v[1]) for k, v in configuration.LISTS.items()])
    label = forms.CharField(label="Label", max_length=200)
    code = forms.CharField(
        label="Code (optional)", max_length=60, required=False, help_text="Made from the label if left blank."
    )
    flag = forms.BooleanField(
        label="Usually a notifiable crime (type headings and other categories)", required=False
    )
    minutes = forms.IntegerField(label="Target time in minutes (response grades)", required=False)


class ScreeningForm(GovukForm):
    questions = forms.CharField(
        label="Questions (JSON)",
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}),
        help_text='A list of {"key", "text", "kind": "yes_no" | "choice" | "text", "choices", "flags"}.',
    )
    note = forms.CharField(label="What changed", max_length=300, required=False)


class GradingForm(GovukForm):
    rules = forms.CharField(
        label="Rules (JSON)",
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text='An ordered list of {"grade": CODE, "when_any": ["answer:KEY=VALUE", "flag:NAME", ...]}.',
    )
    default_grade = forms.CharField(label="Grade when no rule applies", max_length=60)


class SettingsForm(GovukForm):
    history_window_days = forms.IntegerField(label="Show earlier contacts from the last (days)")
    nearby_metres = forms.IntegerField(label="Nearby incidents within (metres)")
    acknowledge_within_hours = forms.IntegerField(label="Teams acknowledge within (hours)")


def _initial() -> dict[str, GovukForm]:
    screening = ScreeningSet.objects.order_by("-version").first()
    grading = GradingRules.objects.order_by("-version").first()
    current = IntakeSettings.current()
    return {
        "item_form": ItemForm(),
        "screening_form": ScreeningForm(
            initial={"questions": json.dumps(screening.questions if screening else [], indent=2)}
        ),
        "grading_form": GradingForm(
            initial={
                "rules": json.dumps(grading.rules if grading else [], indent=2),
                "default_grade": grading.default_grade if grading else "",
            }
        ),
        "settings_form": SettingsForm(
            initial={
                "history_window_days": current.history_window_days,
                "nearby_metres": current.nearby_metres,
                "acknowledge_within_hours": current.acknowledge_within_hours,
            }
        ),
    }


def _publish(request: AuthedRequest, action: str) -> tuple[str, GovukForm] | None:
    """Carry out one POSTed action; the bound form back when it failed, None when it worked."""
    user = request.user
    form: GovukForm
    try:
        if action == "item":
            form = ItemForm(request.POST)
            if form.is_valid():
                d = form.cleaned_data
                item = configuration.add_reference_item(
                    user, d["list"], label=d["label"], code=d["code"], flag=d["flag"], minutes=d["minutes"]
                )
                messages.success(request, f"{item.label} added.")
                return None
            return "item_form", form
        if action == "screening":
            form = ScreeningForm(request.POST)
            if form.is_valid():
                made = configuration.publish_screening(
                    user, form.cleaned_data["questions"], note=form.cleaned_data["note"]
                )
                messages.success(request, f"Screening questions version {made.version} published.")
                return None
            return "screening_form", form
        if action == "grading":
            form = GradingForm(request.POST)
            if form.is_valid():
                d = form.cleaned_data
                made_rules = configuration.publish_grading(user, d["rules"], default_grade=d["default_grade"])
                messages.success(request, f"Grading rules version {made_rules.version} published.")
                return None
            return "grading_form", form
        form = SettingsForm(request.POST)
        if form.is_valid():
            made_settings = configuration.publish_settings(user, **form.cleaned_data)
            messages.success(request, f"Intake settings version {made_settings.version} saved.")
            return None
        return "settings_form", form
    except ValidationFailed as exc:
        # Problems inside the JSON ("questions[2].kind") belong to the text box that holds it.
        box = {ScreeningForm: "questions", GradingForm: "rules"}.get(type(form))
        for p in exc.problems:
            if p.field in form.fields:
                form.add_error(p.field, p.message)
            elif box:
                form.add_error(box, f"{p.field}: {p.message}" if p.field else p.message)
            else:
                form.add_error(None, p.message)
        return {
            ItemForm: "item_form",
            ScreeningForm: "screening_form",
            GradingForm: "grading_form",
            SettingsForm: "settings_form",
        }[type(form)], form


@capability_required("incidents.configure")
@require_http_methods(["GET", "POST"])
def configure(request: AuthedRequest) -> HttpResponse:
    context: dict[str, Any] = _initial()
    if request.method == "POST":
        toggle = request.POST.get("toggle", "")
        if toggle:
            list_key, _, pk = toggle.partition(":")
            if list_key in configuration.LISTS and pk.isdigit():
                item = configuration.set_reference_active(
                    request.user, list_key, int(pk), active=request.POST.get("active") == "1"
                )
                messages.success(request, f"{item.label} {'offered again' if item.active else 'withdrawn'}.")
            return redirect("incidents:configure")
        failed = _publish(request, request.POST.get("action", "settings"))
        if failed is None:
            return redirect("incidents:configure")
        key, form = failed
        context[key] = form
        context["problems"] = form.problems()
    context["lists"] = [
        (key, title, extra, list(model.objects.order_by("order", "label")))
        for key, (model, title, extra) in configuration.LISTS.items()
    ]
    context["screening"] = ScreeningSet.objects.order_by("-version").first()
    context["grading"] = GradingRules.objects.order_by("-version").first()
    context["settings"] = IntakeSettings.current()
    return render(request, "incidents/configure.html", context)
