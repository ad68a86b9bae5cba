"""Optimistic locking shared by every domain: refuse a save when the record changed since the editor
loaded it, naming who changed what (from the audit trail)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst

from beacon.core.errors import EditConflict
from beacon.core.models import AuditEvent

# Kept by the system on every save: not what the other person changed.
BOOKKEEPING = {"version", "updated_at", "revision"}


def check_version(obj: models.Model, expected: int | None, label: str) -> None:
    """Raise EditConflict unless `obj.version` is still `expected` (None skips the check). The
    conflict lists every change saved since the editor's version — each field by its label, with
    the value the editor saw and the value now saved — and who saved them. Derived updates that do
    not move the version (a contact recorded on a case refreshes its due dates) are left out."""
    current: Any = getattr(obj, "version")  # noqa: B009 - every locked model has it
    if expected is None or current == expected:
        return
    events = AuditEvent.objects.filter(
        app_label=obj._meta.app_label,
        model=obj._meta.model_name,
        object_pk=str(obj.pk),
        action="update",
        changes__has_key="version",  # saves of the record, not derived updates
    ).order_by("at", "id")
    merged: dict[str, list[Any]] = {}
    who: list[str] = []
    for ev in events:
        moved = (ev.changes or {}).get("version")
        if not moved or not isinstance(moved[1], int) or moved[1] <= expected:
            continue
        if ev.actor_label not in who:
            who.append(ev.actor_label)
        for name, (before, after) in ev.changes.items():
            if name in BOOKKEEPING:
                continue
            merged[name] = [merged[name][0] if name in merged else before, after]
    changes = {k: v for k, v in merged.items() if v[0] != v[1]}
    raise EditConflict(
        record=label,
        changed_by=", ".join(who) or "someone",
        changes=changes,
        shown=readable(obj, changes),
    )


def readable(obj: models.Model, changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The changes by field label, values as a person reads them: a choice by its label, a related
    record by its name, a date and time in local time."""
    out: dict[str, list[Any]] = {}
    for name, pair in changes.items():
        try:
            field = obj._meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name)
        except FieldDoesNotExist:
            out[name.replace("_", " ").capitalize()] = pair
            continue
        out[str(capfirst(getattr(field, "verbose_name", name)))] = [_shown(field, v) for v in pair]
    return out


def _shown(field: Any, value: Any) -> Any:
    if value is None or value == "":
        return value
    if getattr(field, "is_relation", False) and getattr(field, "related_model", None) is not None:
        found = field.related_model._default_manager.filter(pk=value).first()
        return str(found) if found is not None else value
    if getattr(field, "choices", None):
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        try:
            return timezone.localtime(dt.datetime.fromisoformat(value)).strftime("%-d %B %Y %H:%M")
        except ValueError:
            return value
    return value
