"""Helpers shared by the partnership pages."""

from __future__ import annotations

import datetime as dt

from django.urls import NoReverseMatch, reverse

from beacon.core.errors import Problem
from beacon.core.forms import GovukForm
from beacon.core.models import Area, User
from beacon.core.permissions import AuthedRequest


def is_htmx(request: AuthedRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def form_problems(*forms: GovukForm | None) -> list[Problem]:
    """The bound forms' problems; a problem with the whole form names no field (so links nowhere)."""
    out = []
    for form in forms:
        if form is None or not form.is_bound:
            continue
        prefix = f"{form.prefix}-" if form.prefix else ""
        out += [Problem(p.message, "" if p.field == "__all__" else prefix + p.field) for p in form.problems()]
    return out


def area_choices(user: User) -> list[tuple[str, str]]:
    qs = Area.objects.all() if user.all_areas else Area.objects.filter(pk__in=user.area_ids())
    return [(str(a.pk), a.name) for a in qs.order_by("name")]


def int_or_none(raw: object) -> int | None:
    try:
        return int(str(raw))
    except (TypeError, ValueError):
        return None


def case_url(case_id: int | None) -> str:
    """The case page, once the cases domain has one ('' before)."""
    if case_id is None:
        return ""
    try:
        return reverse("cases:detail", args=[case_id])
    except NoReverseMatch:
        return ""


def person_url(person_id: int | None) -> str:
    if person_id is None:
        return ""
    try:
        return reverse("people:person", args=[person_id])
    except NoReverseMatch:
        return ""


def parse_day(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError:
        return None
