from django import template

from beacon.core import formatting
from beacon.core.widgets import GovukDateInput

register = template.Library()


@register.filter
def can(user: object, capability: str) -> bool:
    """{% if user|can:"plans.manage" %} – whether the user's role gives the capability."""
    checker = getattr(user, "can", None)
    return bool(checker and checker(capability))


@register.filter
def key_label(key: str) -> str:
    """{{ key|key_label }} – "open_cases" → "Open cases"."""
    return formatting.key_label(str(key))


@register.inclusion_tag("core/widgets/date_fieldset.html")
def date_input(
    name: str, label: str, value: object = None, hint: str = "", error: str = ""
) -> dict[str, object]:
    """{% date_input "since" "From" filters.since %} – GOV.UK's day, month and year boxes for a page
    whose form is written by hand (a Django form's date fields get them from GovukForm); the page
    reads the date back with ``beacon.core.widgets.typed_date``."""
    widget = GovukDateInput(attrs={"class": "govuk-input--error" if error else ""})
    context = widget.get_context(name, value, {"id": f"id_{name}"})
    return {"name": name, "label": label, "hint": hint, "error": error, "widget": context["widget"]}
