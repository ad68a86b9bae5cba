from django import template

from beacon.core import formatting

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
