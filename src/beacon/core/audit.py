"""The audit trail: one mechanism for writes (create / update / delete with before and after) and for
reads of personal data (who looked at what, when and why).

Services call these inside the same transaction as the write they record, so an audit entry exists
exactly when the change does.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import json
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, models
from django.utils import timezone

from beacon.core.models import AuditEvent, User

_source: contextvars.ContextVar[str] = contextvars.ContextVar("beacon_audit_source", default="")
# Entries held back by `batched()` until the end of its block.
_held: contextvars.ContextVar[list[AuditEvent] | None] = contextvars.ContextVar(
    "beacon_audit_held", default=None
)


@contextmanager
def audit_source(source: str) -> Iterator[None]:
    """Label every audit entry written inside the block (e.g. 'web', 'api', 'command:plans import')."""
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)


def current_source() -> str:
    return _source.get()


# Who is acting when no Beacon user is (a command run from a shell): entries name them instead of
# "system".
_operator: contextvars.ContextVar[str] = contextvars.ContextVar("beacon_audit_operator", default="")


def os_user_label() -> str:
    """The operating-system account running this process, as the audit trail names it."""
    import getpass
    import os

    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no login name and no password entry (a bare container)
        name = f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"
    return f"os:{name}"[:150]


@contextmanager
def acting_operator(label: str) -> Iterator[None]:
    """Name `label` (e.g. `os_user_label()`) on the entries written inside the block without a user."""
    token = _operator.set(label)
    try:
        yield
    finally:
        _operator.reset(token)


@contextmanager
def batched() -> Iterator[None]:
    """Hold back the single entries recorded inside the block (creates, updates, deletes, reads,
    exports) and write them together, in order, in one insert as the block ends without an error.

    For a service that writes several records in one transaction (taking a report adds the incident,
    each person's contact record, maybe a flag): use it inside that `transaction.atomic`, so the
    entries still commit or roll back with the change. Each entry keeps its own time and source; the
    AuditEvent a `record_*` call returns inside the block is not saved yet (no id). Nested blocks
    write with the outermost one."""
    if _held.get() is not None:
        yield
        return
    held: list[AuditEvent] = []
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
    _insert(held)


def _write_held() -> None:
    """Write what `batched()` holds now (before entries inserted another way, to keep the order)."""
    held = _held.get()
    if held:
        _insert(held)
        held.clear()


def _insert(events: list[AuditEvent]) -> None:
    """One plain multi-row INSERT of unsaved entries (their ids are not read back)."""
    if not events:
        return
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column or f.attname) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO {qn(AuditEvent._meta.db_table)} ({columns}) "  # noqa: S608 - our names, values bound
        f"VALUES {', '.join([row] * len(events))}"
    )
    params = [f.get_db_prep_save(f.pre_save(ev, True), connection) for ev in events for f in fields]
    with connection.cursor() as cur:
        cur.execute(sql, params)


def _save(ev: AuditEvent) -> AuditEvent:
    held = _held.get()
    if held is None:
        ev.save()
    else:
        held.append(ev)
    return ev


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return str(value)


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The record's own field values (foreign keys as ids), ready to store as JSON."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key:
            continue
        data[field.attname] = _jsonable(getattr(obj, field.attname))
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def _label(actor: User | None) -> str:
    if actor is None:
        return _operator.get() or "system"
    return actor.get_username()


def _event(
    actor: User | None,
    action: str,
    obj: models.Model,
    changes: dict[str, Any],
    reason: str = "",
    source: str | None = None,
) -> AuditEvent:
    return AuditEvent(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=_label(actor),
        action=action,
        app_label=obj._meta.app_label,
        model=obj._meta.model_name or "",
        object_pk=str(obj.pk),
        object_repr=str(obj)[:300],
        changes=changes,
        reason=reason[:500],
        source=(source if source is not None else current_source())[:100],
    )


def record_create(actor: User | None, obj: models.Model, *, reason: str = "") -> AuditEvent:
    after = snapshot(obj)
    ev = _event(actor, AuditEvent.Action.CREATE, obj, {k: [None, v] for k, v in after.items()}, reason)
    return _save(ev)


def _bulk_insert(events: list[dict[str, Any]]) -> None:
    """Insert many audit entries straight through the driver.

    Imports write tens of thousands of entries; building and compiling a model instance per entry
    (bulk_create) costs about 70 µs each, most of an import's time. PostgreSQL takes them by COPY;
    SQLite by one prepared statement run many times.
    """
    if not events:
        return
    _write_held()
    qn = connection.ops.quote_name
    cols = list(events[0])
    table = qn(AuditEvent._meta.db_table)
    collist = ", ".join(qn(c) for c in cols)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({collist}) FROM STDIN") as copy:
                for e in events:
                    copy.write_row(tuple(e[c] for c in cols))
            return
        sql = f"INSERT INTO {table} ({collist}) VALUES ({', '.join(['%s'] * len(cols))})"  # noqa: S608 - names are our model's, values bound
        for i in range(0, len(events), 5000):
            cur.executemany(sql, [tuple(e[c] for c in cols) for e in events[i : i + 5000]])


def _bulk_events(
    actor: User | None, action: str, objs: Iterable[models.Model], reason: str, with_values: bool
) -> list[dict[str, Any]]:
    now = timezone.now()
    postgres = connection.vendor == "postgresql"
    at = now if postgres else connection.ops.adapt_datetimefield_value(now)
    common = {
        "at": at,
        "actor_id": actor.pk if actor is not None and actor.pk else None,
        "actor_label": _label(actor),
        "action": action,
        "reason": reason[:500],
        "source": current_source()[:100],
    }
    per_model: dict[type[models.Model], tuple[str, str, list[str]]] = {}
    events = []
    for o in objs:
        info = per_model.get(type(o))
        if info is None:
            meta = o._meta
            attnames = [f.attname for f in meta.concrete_fields if not f.primary_key]
            info = per_model[type(o)] = (meta.app_label, meta.model_name or "", attnames)
        app_label, model, attnames = info
        changes = {a: [None, _jsonable(getattr(o, a))] for a in attnames} if with_values else {}
        events.append(
            {
                **common,
                "app_label": app_label,
                "model": model,
                "object_pk": str(o.pk),
                "object_repr": str(o)[:300],
                "changes": json.dumps(changes)
                if postgres
                else connection.ops.adapt_json_value(changes, None),
            }
        )
    return events


def record_creates(actor: User | None, objs: Iterable[models.Model], *, reason: str = "") -> int:
    """Audit many new records at once (imports), each with its values."""
    events = _bulk_events(actor, AuditEvent.Action.CREATE, objs, reason, with_values=True)
    _bulk_insert(events)
    return len(events)


def record_update(
    actor: User | None, obj: models.Model, before: dict[str, Any], *, reason: str = ""
) -> AuditEvent | None:
    """Audit an update given the snapshot taken before it; nothing is written when nothing changed."""
    changes = diff(before, snapshot(obj))
    if not changes:
        return None
    ev = _event(actor, AuditEvent.Action.UPDATE, obj, changes, reason)
    return _save(ev)


def record_delete(actor: User | None, obj: models.Model, *, reason: str = "") -> AuditEvent:
    before = snapshot(obj)
    ev = _event(actor, AuditEvent.Action.DELETE, obj, {k: [v, None] for k, v in before.items()}, reason)
    return _save(ev)


def record_read(
    actor: User | None, obj: models.Model, *, reason: str, fields: Iterable[str] = ()
) -> AuditEvent:
    """Log a consultation of personal data. `reason` is the purpose (e.g. 'call taking')."""
    ev = _event(actor, AuditEvent.Action.READ, obj, {"fields": sorted(fields)} if fields else {}, reason)
    return _save(ev)


def record_reads(actor: User | None, objs: Iterable[models.Model], *, reason: str) -> int:
    """Log a consultation of many records at once (a list or search result)."""
    events = _bulk_events(actor, AuditEvent.Action.READ, objs, reason, with_values=False)
    _bulk_insert(events)
    return len(events)


def record_exports(actor: User | None, objs: Iterable[models.Model], *, reason: str) -> int:
    """Log a download of many records at once (a list downloaded as CSV or XLSX)."""
    events = _bulk_events(actor, AuditEvent.Action.EXPORT, objs, reason, with_values=False)
    _bulk_insert(events)
    return len(events)


def record_export(actor: User | None, obj: models.Model, *, reason: str) -> AuditEvent:
    ev = _event(actor, AuditEvent.Action.EXPORT, obj, {}, reason)
    return _save(ev)


def record_read_of(
    actor: User | None,
    *,
    app_label: str,
    model: str,
    object_pk: str,
    object_repr: str = "",
    reason: str,
    fields: Iterable[str] = (),
) -> AuditEvent:
    """Log a consultation of a record named by its key, without loading it (the audit history of a
    record, which may since have been deleted)."""
    ev = AuditEvent(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=_label(actor),
        action=AuditEvent.Action.READ,
        app_label=app_label[:50],
        model=model[:50],
        object_pk=object_pk[:64],
        object_repr=object_repr[:300],
        changes={"fields": sorted(set(fields))} if fields else {},
        reason=reason[:500],
        source=current_source()[:100],
    )
    return _save(ev)


def record_refused(
    actor: User | None,
    *,
    what: str,
    reason: str,
    app_label: str = "",
    model: str = "",
    object_pk: str = "",
) -> AuditEvent:
    """Log an attempt that was refused (a page the role does not open, a record outside the user's
    areas): `what` is what was asked for (method and path), `reason` why it was refused. Written at
    once, never held back by `batched()`."""
    ev = AuditEvent(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=_label(actor),
        action=AuditEvent.Action.REFUSED,
        app_label=app_label[:50],
        model=model[:50],
        object_pk=object_pk[:64],
        object_repr=what[:300],
        changes={},
        reason=reason[:500],
        source=current_source()[:100],
    )
    ev.save()
    return ev
