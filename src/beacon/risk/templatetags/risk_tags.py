from django import template

from beacon.risk.models import RiskLevel

register = template.Library()

TAG_CLASSES = {"high": "govuk-tag--red", "medium": "govuk-tag--orange", "standard": "govuk-tag--green"}


@register.filter
def risk_label(level: str) -> str:
    """'high' → 'High'."""
    try:
        return str(RiskLevel(level).label)
    except ValueError:
        return level or "–"


@register.filter
def risk_tag(level: str) -> str:
    """The GOV.UK tag class for a level."""
    return TAG_CLASSES.get(level, "govuk-tag--grey")
