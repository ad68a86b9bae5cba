"""The retention registry (Management of Police Information): what each domain tells the retention
app about its records, and how each domain disposes of the personal data in its own tables.

Plain Python, no models. Domains register in their `AppConfig.ready`:

- `register_record_type(code, label, facts)`: a kind of record reviewed on a schedule (the
  incident, today). `facts()` yields one `RecordFacts` per record still held: its id, reference,
  area, category and the date its review period runs from, with tags it knows itself.
- `register_tagger(record_type, fn)`: a later domain adds tags to an earlier domain's records
  (cases: "case", "high_risk"; partnership: "safeguarding_referral"), without that domain
  importing it. `fn(ids)` answers {id: {tag, …}}.
- `register_collector(fn)`: widens a disposal's scope with the rows that hang off the records
  being disposed of (an incident's contact records, the cases that cover only disposed incidents).
- `register_disposer(name, fn)`: removes the personal data in one domain's tables for everything in
  the scope, answering {what: count} for the tombstone. A disposer must not swallow its errors: the
  retention service runs every disposer in one transaction, so one failure writes nothing.

`scrub_audit` removes personal values from the earlier audit entries of disposed rows, which would
otherwise keep what the disposal removed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

DISPOSED = "[disposed]"


@dataclass(frozen=True)
class RecordFacts:
    """What retention knows of one record: no personal data."""

    pk: int
    reference: str
    area_id: int | None
    category: str
    anchor: dt.date  # the review period runs from this date
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RecordType:
    code: str
    label: str
    facts: Callable[[], Iterable[RecordFacts]]
    tags: dict[str, str] = field(default_factory=dict)  # tag: what it means


@dataclass
class DisposalScope:
    """The rows a disposal covers, by model label ('incidents.incident': {ids})."""

    record_type: str
    ids: dict[str, set[int]] = field(default_factory=dict)

    def get(self, label: str) -> set[int]:
        return self.ids.setdefault(label, set())

    def add(self, label: str, ids: Iterable[int]) -> None:
        self.get(label).update(ids)


Tagger = Callable[[list[int]], dict[int, set[str]]]
Collector = Callable[[DisposalScope], None]
Disposer = Callable[[DisposalScope], dict[str, int]]

RECORD_TYPES: dict[str, RecordType] = {}
TAGGERS: dict[str, list[Tagger]] = {}
TAG_LABELS: dict[str, str] = {}
COLLECTORS: list[Collector] = []
DISPOSERS: dict[str, Disposer] = {}


def register_record_type(
    code: str, label: str, facts: Callable[[], Iterable[RecordFacts]], tags: dict[str, str] | None = None
) -> None:
    RECORD_TYPES[code] = RecordType(code, label, facts, dict(tags or {}))
    TAG_LABELS.update(tags or {})


def register_tagger(record_type: str, fn: Tagger, tags: dict[str, str] | None = None) -> None:
    entries = TAGGERS.setdefault(record_type, [])
    if fn not in entries:
        entries.append(fn)
    TAG_LABELS.update(tags or {})


def register_collector(fn: Collector) -> None:
    if fn not in COLLECTORS:
        COLLECTORS.append(fn)


def register_disposer(name: str, fn: Disposer) -> None:
    """One disposer per name (registering again replaces it; `ready` may run more than once)."""
    DISPOSERS[name] = fn


def unregister_disposer(name: str) -> None:
    DISPOSERS.pop(name, None)


def all_facts(record_type: str) -> list[RecordFacts]:
    """Every record of the type with the tags every domain gives it."""
    rt = RECORD_TYPES[record_type]
    found = list(rt.facts())
    ids = [f.pk for f in found]
    extra: dict[int, set[str]] = {}
    for tagger in TAGGERS.get(record_type, []):
        for pk, tags in tagger(ids).items():
            extra.setdefault(pk, set()).update(tags)
    if not extra:
        return found
    return [
        RecordFacts(
            f.pk, f.reference, f.area_id, f.category, f.anchor, f.tags | frozenset(extra.get(f.pk, ()))
        )
        for f in found
    ]


def scrub_audit(model: type[models.Model], pks: Iterable[int], fields: Iterable[str]) -> int:
    """Replace the values of `fields` in every earlier audit entry of these rows by '[disposed]'
    (an entry's `changes` is {field: [before, after]}); entries' object names are kept only when
    they hold no personal data (they are the model's own str, e.g. 'Contact record 12'). Answers how
    many entries changed."""
    from beacon.core.models import AuditEvent

    keys = [str(pk) for pk in pks]
    if not keys:
        return 0
    names = set(fields)
    meta = model._meta
    changed = 0
    for i in range(0, len(keys), 500):
        batch = AuditEvent.objects.filter(
            app_label=meta.app_label, model=meta.model_name, object_pk__in=keys[i : i + 500]
        ).only("id", "changes")
        to_save = []
        for ev in batch:
            changes: Any = ev.changes
            if not isinstance(changes, dict):
                continue
            touched = False
            for name in names & set(changes):
                value = changes[name]
                scrubbed: Any
                if isinstance(value, list):
                    scrubbed = [v if v in (None, "", [], {}) else DISPOSED for v in value]
                else:
                    scrubbed = DISPOSED
                if scrubbed != value:
                    changes[name] = scrubbed
                    touched = True
            if touched:
                ev.changes = changes
                to_save.append(ev)
        AuditEvent.objects.bulk_update(to_save, ["changes"])
        changed += len(to_save)
    return changed


def wipe(queryset: models.QuerySet[Any], values: dict[str, Any]) -> int:
    """Set `values` on every row of `queryset` (a domain's own rows, from its own retention module)
    and scrub those fields out of the rows' earlier audit entries. Answers how many rows."""
    pks = list(queryset.values_list("pk", flat=True))
    if not pks:
        return 0
    model = queryset.model
    for i in range(0, len(pks), 500):
        model._default_manager.filter(pk__in=pks[i : i + 500]).update(**values)
    scrub_audit(model, pks, values)
    _rename_in_audit(model, pks)
    return len(pks)


def _rename_in_audit(model: type[models.Model], pks: list[int]) -> None:
    """Audit entries name their record as it was then (a location by its address): name them as
    the record is now, without the personal data."""
    from beacon.core.models import AuditEvent

    meta = model._meta
    for i in range(0, len(pks), 500):
        for obj in model._default_manager.filter(pk__in=pks[i : i + 500]):
            AuditEvent.objects.filter(
                app_label=meta.app_label, model=meta.model_name, object_pk=str(obj.pk)
            ).exclude(object_repr=str(obj)[:300]).update(object_repr=str(obj)[:300])
