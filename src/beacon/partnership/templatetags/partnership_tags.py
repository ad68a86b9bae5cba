from django import template

from beacon.partnership.views_common import case_url as _case_url
from beacon.partnership.views_common import person_url as _person_url

register = template.Library()


@register.simple_tag
def case_url(case_id: int | None) -> str:
    """{% case_url case.pk as url %} – the case page's address ('' until the cases pages exist)."""
    return _case_url(case_id)


@register.simple_tag
def person_url(person_id: int | None) -> str:
    return _person_url(person_id)


@register.filter
def overdue_on(review: object, today: object) -> bool:
    checker = getattr(review, "overdue", None)
    return bool(checker and checker(today))


@register.filter
def in_force_on(power: object, today: object) -> bool:
    checker = getattr(power, "in_force", None)
    return bool(checker and checker(today))
