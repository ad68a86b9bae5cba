"""Reads of core data that pages and other apps need."""

from __future__ import annotations

from django.apps import apps
from django.db.models import QuerySet

from beacon.core.models import AuditEvent


def audit_events(
    *, app_label: str = "", model: str = "", object_pk: str = "", actor: str = "", action: str = ""
) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.select_related("actor")
    if app_label:
        qs = qs.filter(app_label=app_label)
    if model:
        qs = qs.filter(model=model)
    if object_pk:
        qs = qs.filter(object_pk=object_pk)
    if actor:
        qs = qs.filter(actor_label=actor)
    if action:
        qs = qs.filter(action=action)
    return qs.order_by("-at", "-id")


def record_history(app_label: str, model: str, object_pk: str) -> QuerySet[AuditEvent]:
    return audit_events(app_label=app_label, model=model, object_pk=object_pk)


def model_verbose_name(app_label: str, model: str) -> str:
    try:
        return str(apps.get_model(app_label, model)._meta.verbose_name)
    except LookupError:
        return model
