"""Reads of core data that pages and other apps need."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone

from beacon.core import audit
from beacon.core.models import AuditEvent, User

# Apps whose records hold personal data (people, and what is recorded about them), and core's users:
# their values in the audit trail are personal data too. Named by label: core imports no later app.
PERSONAL_DATA_APPS = frozenset({"people", "incidents", "risk", "cases", "partnership"})
PERSONAL_DATA_MODELS = frozenset({("core", "user")})


def holds_personal_data(app_label: str, model: str) -> bool:
    return app_label in PERSONAL_DATA_APPS or (app_label, model) in PERSONAL_DATA_MODELS


def audit_events(
    *,
    app_label: str = "",
    model: str = "",
    object_pk: str = "",
    actor: str = "",
    action: str = "",
    q: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Audit entries, newest first, narrowed by any of: the record (app, type, key), the user, the
    action, a reference or record key (`q`: part of what the entry names), and the days from and to
    (inclusive, London time)."""
    qs = AuditEvent.objects.select_related("actor")
    if q.strip():
        qs = qs.filter(Q(object_repr__icontains=q.strip()) | Q(object_pk=q.strip()))
    tz = timezone.get_default_timezone()
    if since is not None:
        qs = qs.filter(at__gte=timezone.make_aware(dt.datetime.combine(since, dt.time()), tz))
    if until is not None:
        day_after = dt.datetime.combine(until + dt.timedelta(days=1), dt.time())
        qs = qs.filter(at__lt=timezone.make_aware(day_after, tz))
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


def _fields_shown(events: list[AuditEvent]) -> set[str]:
    """The fields whose values the entries show (a read's entry names fields, shows no values)."""
    return {
        k
        for e in events
        if e.action != AuditEvent.Action.READ and isinstance(e.changes, dict)
        for k in e.changes
    }


def log_history_view(
    user: User, app_label: str, model: str, object_pk: str, events: list[AuditEvent], *, reason: str
) -> None:
    """A record's history shows its values at every change: for a record holding personal data,
    logged as one read of the record, with the fields shown and the purpose."""
    if not holds_personal_data(app_label, model):
        return
    audit.record_read_of(
        user,
        app_label=app_label,
        model=model,
        object_pk=object_pk,
        object_repr=next((e.object_repr for e in events if e.object_repr), ""),
        reason=f"audit history: {reason}",
        fields=_fields_shown(events),
    )


def log_audit_view(user: User, events: list[AuditEvent], *, reason: str) -> None:
    """One page of the audit trail: one read for each record holding personal data whose values
    the page shows (an entry for the same record twice on the page is one read)."""
    shown: dict[tuple[str, str, str], list[AuditEvent]] = {}
    for e in events:
        if holds_personal_data(e.app_label, e.model) and e.action != AuditEvent.Action.READ and e.changes:
            shown.setdefault((e.app_label, e.model, e.object_pk), []).append(e)
    if not shown:
        return
    with audit.batched():
        for (app_label, model, object_pk), evs in shown.items():
            audit.record_read_of(
                user,
                app_label=app_label,
                model=model,
                object_pk=object_pk,
                object_repr=evs[0].object_repr,
                reason=f"audit trail: {reason}",
                fields=_fields_shown(evs),
            )
