"""Model instances from plain SQL, for the few reads on every request's hot path.

Compiling an ORM query costs far more than running it against the small, indexed tables most
requests read (an API token, the configuration in force). Where a request makes several such reads,
they are written once as plain SQL (one UNION, say) and their rows turned back into model instances
here, with each value converted exactly as the ORM converts what it reads on this database (times
made aware, SQLite's booleans and JSON text decoded). Fields not read are deferred: they load on
first use, as with `QuerySet.only`.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.db.models.base import DEFERRED

M = TypeVar("M", bound=Model)
Converters = tuple[Any, list[Callable[..., Any]]]  # the column expression and its converters

# Per database connection (each thread has its own): (model, field) → what converts its values.
_converters: weakref.WeakKeyDictionary[BaseDatabaseWrapper, dict[tuple[type[Model], str], Converters]] = (
    weakref.WeakKeyDictionary()
)


def _for(conn: BaseDatabaseWrapper, model: type[Model], field: Any) -> Converters:
    known = _converters.setdefault(conn, {})
    found = known.get((model, field.attname))
    if found is None:
        col = field.get_col(model._meta.db_table)
        convert = [*conn.ops.get_db_converters(col), *col.get_db_converters(conn)]
        found = known[(model, field.attname)] = (col, convert)
    return found


def instance(model: type[M], values: dict[str, Any]) -> M:
    """An instance of `model` loaded with `values` (by attname, as read from the database)."""
    conn = connections[DEFAULT_DB_ALIAS]
    row: list[Any] = []
    for f in model._meta.concrete_fields:
        if f.attname not in values:
            row.append(DEFERRED)
            continue
        value = values[f.attname]
        col, convert = _for(conn, model, f)
        for c in convert:
            value = c(value, col, conn)
        row.append(value)
    return model.from_db(conn.alias, list(values), row)
