from django import template

register = template.Library()


@register.filter
def can(user: object, capability: str) -> bool:
    """{% if user|can:"plans.manage" %} – whether the user's role gives the capability."""
    checker = getattr(user, "can", None)
    return bool(checker and checker(capability))
