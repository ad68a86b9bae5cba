"""Optimistic locking shared by every domain: refuse a save when the record changed since the editor
loaded it, naming who changed what (from the audit trail)."""

from __future__ import annotations

from typing import Any

from django.db import models

from beacon.core.errors import EditConflict
from beacon.core.models import AuditEvent


def check_version(obj: models.Model, expected: int | None, label: str) -> None:
    """Raise EditConflict unless `obj.version` is still `expected` (None skips the check)."""
    current: Any = getattr(obj, "version")  # noqa: B009 - every locked model has it
    if expected is None or current == expected:
        return
    last = (
        AuditEvent.objects.filter(
            app_label=obj._meta.app_label, model=obj._meta.model_name, object_pk=str(obj.pk), action="update"
        )
        .order_by("-at", "-id")
        .first()
    )
    raise EditConflict(
        record=label,
        changed_by=last.actor_label if last else "someone",
        changes=last.changes if last else {},
    )
