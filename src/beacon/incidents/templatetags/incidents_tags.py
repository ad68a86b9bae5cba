"""Filters for the incident pages: flag names and tag colours, an incident's kind."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

FLAG_LABELS = {
    "repeat_victim": "Repeat victim",
    "vulnerable_victim": "Vulnerable victim",
    "local_priority": "Local priority",
    "crime_disclosed": "Crime disclosed",
    "hate_related": "Hate related",
}
# GOV.UK tag colours (each meets WCAG AA contrast with its text).
FLAG_CLASSES = {
    "repeat_victim": "govuk-tag--red",
    "vulnerable_victim": "govuk-tag--purple",
    "local_priority": "govuk-tag--blue",
    "crime_disclosed": "govuk-tag--orange",
    "hate_related": "govuk-tag--pink",
}


@register.filter
def flag_label(flag: str) -> str:
    return FLAG_LABELS.get(flag, flag.replace("_", " ").capitalize())


@register.filter
def flag_class(flag: str) -> str:
    return FLAG_CLASSES.get(flag, "govuk-tag--grey")


@register.filter
def incident_kind(incident: Any) -> str:
    """What an incident is: its ASB type heading, or the force category of a non-ASB incident."""
    if incident.is_asb:
        return str(incident.type_heading or incident.asb_category or "ASB")
    return str(incident.other_category or "Incident")
