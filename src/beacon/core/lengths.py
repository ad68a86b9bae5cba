"""The last line before the database: a text longer than its column is refused with the field
named, on every save, whichever page, API call, command or feed made it.

SQLite keeps any length; PostgreSQL refuses an over-long ``varchar`` with an error that would reach
the user as a fault (and roll back only what the caller's transaction covers). Forms and API schemas
should still say the limit where they can; this makes sure that where one does not, the answer is
a clear refusal (422 in the API, a message on a page), never a 500.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import pre_save

from beacon.core.errors import Problem, ValidationFailed


def too_long(instance: models.Model) -> list[Problem]:
    """Each text field of ``instance`` whose value is longer than its column holds."""
    problems = []
    for f in instance._meta.concrete_fields:
        if not isinstance(f, models.CharField) or not f.max_length:
            continue
        value = getattr(instance, f.attname, None)
        if isinstance(value, str) and len(value) > f.max_length:
            problems.append(
                Problem(
                    f"{str(f.verbose_name).capitalize()} is too long: at most {f.max_length:,} "
                    f"characters (this is {len(value):,}).",
                    f.name,
                )
            )
    return problems


def _refuse_too_long(sender: type[models.Model], instance: models.Model, raw: bool = False, **_: Any) -> None:
    if raw:  # loaddata: fixtures are the project's own
        return
    problems = too_long(instance)
    if problems:
        raise ValidationFailed(problems)


def connect() -> None:
    pre_save.connect(_refuse_too_long, dispatch_uid="beacon.core.lengths")
