"""Filters for the incident pages: flag names and tag colours, an incident's kind, whether its
response met its grade's target."""

from __future__ import annotations

import datetime as dt
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


def _minutes(n: int) -> str:
    return "1 minute" if n == 1 else f"{n} minutes"


@register.filter(name="duration")
def duration_words(minutes: int) -> str:
    """A length of time as a person says it: "45 minutes", "2 hours", "1 hour 5 minutes"."""
    if minutes < 120:
        return _minutes(minutes)
    hours, rest = divmod(minutes, 60)
    return f"{hours} hours" + (f" {_minutes(rest)}" if rest else "")


def target_words(minutes: int) -> str:
    """A target as an adjective: "15-minute", "24-hour"."""
    return f"{minutes // 60}-hour" if minutes >= 60 and minutes % 60 == 0 else f"{minutes}-minute"


@register.filter
def response_words(incident: Any) -> str:
    """How the response went against the grade's target: "within the 15-minute target", "8 minutes
    over the 15-minute target" (as services._judge_response decided), or why it cannot be said."""
    if incident.attended_at is None:
        return "not attended yet"
    grade = incident.response_grade
    if grade is None or incident.response_met is None:
        return "no response grade to judge it against"
    target = target_words(grade.target_minutes)
    if incident.response_met:
        return f"within the {target} target"
    late = incident.attended_at - incident.received_at - dt.timedelta(minutes=grade.target_minutes)
    over = int(late.total_seconds() // 60)
    return f"{duration_words(over) if over >= 1 else 'less than a minute'} over the {target} target"
