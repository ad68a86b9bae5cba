"""Writes for retention: keep a record (with the reason and the next review date), dispose of
records (every domain's registered disposer, one transaction, a tombstone each, audited), and edit
the rules (a new version each time, audited)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from beacon.core import audit
from beacon.core import retention as registry
from beacon.core.errors import PermissionRefused, Problem, ValidationFailed
from beacon.core.models import AuditEvent, User
from beacon.retention import selectors
from beacon.retention.models import RetentionRule, ReviewDecision, Tombstone

CAPABILITY = "retention.review"
REASON_MAX = 500

# The examples a force starts from (MoPI groups, simplified): edit them to the force's own policy.
EXAMPLE_RULES: list[dict[str, Any]] = [
    {
        "code": "high-risk-or-safeguarding",
        "label": "Linked to a High-risk case or a safeguarding referral",
        "order": 10,
        "when_any": ["high_risk", "safeguarding_referral"],
        "when_none": [],
        "review_after_years": 10,
        "review_every_years": 5,
    },
    {
        "code": "asb-no-crime-no-case",
        "label": "ASB incident: no crime, no case, no vulnerable victim, no referral",
        "order": 20,
        "when_any": ["asb"],
        "when_none": ["crime", "case", "vulnerable_victim", "referral", "high_risk", "safeguarding_referral"],
        "review_after_years": 6,
        "review_every_years": 2,
    },
    {
        "code": "other-incidents",
        "label": "Every other incident (crime, case, vulnerable victim, referral, not ASB)",
        "order": 90,
        "when_any": [],
        "when_none": [],
        "review_after_years": 7,
        "review_every_years": 3,
    },
]


def ensure_example_rules() -> int:
    """Seed the example rules when a force has none (first use); answers how many were added."""
    if RetentionRule.objects.exists():
        return 0
    for values in EXAMPLE_RULES:
        RetentionRule.objects.create(is_example=True, **values)
    return len(EXAMPLE_RULES)


def _allowed(actor: User | None) -> None:
    # A command run from cron or by hand on the server has no user: the shell is the authority.
    if actor is not None and not actor.can(CAPABILITY):
        raise PermissionRefused("Only a records manager (an administrator) may review retention.")


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed.one("Give the reason for the decision (e.g. the review reference).", "reason")
    if len(text) > REASON_MAX:
        raise ValidationFailed.one(f"The reason is at most {REASON_MAX} characters.", "reason")
    if "\x00" in text:
        raise ValidationFailed.one("The reason contains a NUL character.", "reason")
    return text


def _due_items(
    record_type: str, pks: Iterable[int], as_of: dt.date, actor: User | None
) -> list[selectors.DueItem]:
    """The records asked for, each due for review; every one that is not is a problem (its row is
    its position in the list, from 1)."""
    wanted = list(dict.fromkeys(int(pk) for pk in pks))
    if not wanted:
        raise ValidationFailed.one("Choose at least one record.", "ids")
    if record_type not in registry.RECORD_TYPES:
        raise ValidationFailed.one(f"Unknown record type {record_type!r}.", "record_type")
    due = {i.pk: i for i in selectors.due(as_of, record_type)}
    problems = []
    for row, pk in enumerate(wanted, start=1):
        item = due.get(pk)
        if item is None:
            problems.append(Problem(f"{record_type} {pk} is not due for review on {as_of}.", "ids", row))
        elif actor is not None and not actor.can_see_area(item.area_id):
            problems.append(Problem(f"{record_type} {pk} is not in your areas.", "ids", row))
    if problems:
        raise ValidationFailed(problems)
    return [due[pk] for pk in wanted]


@transaction.atomic
def keep(
    actor: User | None,
    pks: Iterable[int],
    *,
    reason: str,
    next_review_on: dt.date | None = None,
    record_type: str = "incident",
    today: dt.date | None = None,
) -> list[ReviewDecision]:
    """Keep records past their review date: each gets the next review date given, or its rule's
    `review_every_years` from today. All or nothing."""
    _allowed(actor)
    text = _reason(reason)
    day = today or timezone.localdate()
    if next_review_on is not None and next_review_on <= day:
        raise ValidationFailed.one("The next review date must be after today.", "next_review_on")
    items = _due_items(record_type, pks, day, actor)
    decisions = []
    with audit.batched():
        for item in items:
            years = item.rule.review_every_years if item.rule else 1
            d = ReviewDecision.objects.create(
                record_type=record_type,
                object_pk=item.pk,
                decision=ReviewDecision.Decision.KEEP,
                reason=text,
                next_review_on=next_review_on or selectors.add_years(day, max(years, 1)),
                rule_code=item.rule.code if item.rule else "",
                rule_version=item.rule.version if item.rule else None,
                decided_by=actor if actor is not None and actor.pk else None,
            )
            audit.record_create(actor, d, reason=text)
            decisions.append(d)
    return decisions


def dispose(
    actor: User | None,
    pks: Iterable[int],
    *,
    reason: str,
    record_type: str = "incident",
    today: dt.date | None = None,
    progress: Callable[[Iterable[Any], int], Iterable[Any]] | None = None,
) -> list[Tombstone]:
    """Dispose of records due for review: every domain's disposer removes the personal data it
    holds on them; each record leaves a tombstone and an ERASE entry in the audit trail (no personal
    data in it), and their earlier audit entries lose the personal values. One transaction: if any
    disposer fails, nothing is written."""
    _allowed(actor)
    text = _reason(reason)
    day = today or timezone.localdate()
    try:
        return _dispose(actor, pks, text, record_type, day, progress)
    except IntegrityError as exc:  # another reviewer disposed of one of them at the same moment
        raise ValidationFailed.one(
            "One of these records was disposed of by someone else just now; nothing was written.", "ids"
        ) from exc


def _dispose(
    actor: User | None,
    pks: Iterable[int],
    text: str,
    record_type: str,
    day: dt.date,
    progress: Callable[[Iterable[Any], int], Iterable[Any]] | None,
) -> list[Tombstone]:
    with transaction.atomic():
        items = _due_items(record_type, pks, day, actor)
        label = _primary_label(record_type)
        # What hangs off each record (its counts for the tombstone), then the whole batch's scope.
        per_record: dict[int, dict[str, int]] = {}
        union = registry.DisposalScope(record_type)
        steps: Iterable[Any] = progress(items, len(items)) if progress else items
        for item in steps:
            scope = registry.DisposalScope(record_type, {label: {item.pk}})
            for collect in registry.COLLECTORS:
                collect(scope)
            per_record[item.pk] = {k: len(v) for k, v in sorted(scope.ids.items()) if v}
            for k, v in scope.ids.items():
                union.add(k, v)
        for collect in registry.COLLECTORS:  # rows that only the whole batch covers (a case's incidents)
            collect(union)
        totals: dict[str, int] = {}
        for name, disposer in list(registry.DISPOSERS.items()):
            for k, n in disposer(union).items():
                totals[f"{name}.{k}"] = totals.get(f"{name}.{k}", 0) + n
        now = timezone.now()
        stones = []
        for item in items:
            stone = Tombstone.objects.create(
                record_type=record_type,
                object_pk=item.pk,
                reference=item.reference[:80],
                area_id=item.area_id,
                category=item.category[:60],
                tags=list(item.tags),
                record_date=item.record_date,
                review_due_on=item.review_on,
                rule_code=item.rule.code if item.rule else "",
                rule_version=item.rule.version if item.rule else None,
                counts=per_record[item.pk],
                reason=text,
                disposed_at=now,
                disposed_by=actor if actor is not None and actor.pk else None,
            )
            stones.append(stone)
        app_label, model = label.split(".")
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    at=now,
                    actor=actor if actor is not None and actor.pk else None,
                    actor_label=actor.get_username() if actor is not None else "system",
                    action=AuditEvent.Action.ERASE,
                    app_label=app_label,
                    model=model,
                    object_pk=str(stone.object_pk),
                    object_repr=stone.reference[:300],
                    changes={
                        "disposed": {
                            "tombstone": stone.pk,
                            "rule": stone.rule_code,
                            "rule_version": stone.rule_version,
                            "counts": stone.counts,
                        }
                    },
                    reason=text,
                    source=audit.current_source()[:100],
                )
                for stone in stones
            ]
        )
    return stones


def _primary_label(record_type: str) -> str:
    return {"incident": "incidents.incident"}.get(record_type, record_type)


RULE_FIELDS = (
    "label",
    "order",
    "when_any",
    "when_none",
    "review_after_years",
    "review_every_years",
    "active",
)


@transaction.atomic
def save_rule(actor: User, code: str, values: dict[str, Any]) -> RetentionRule:
    """Change a rule: a new version, audited with what changed. Unknown tags are refused."""
    _allowed(actor)
    rule = RetentionRule.objects.select_for_update().filter(code=code).first()
    if rule is None:
        raise ValidationFailed.one(f"No retention rule has the code {code!r}.", "code")
    known = set(registry.TAG_LABELS)
    problems = []
    for key in ("when_any", "when_none"):
        if key in values:
            tags = values[key]
            if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
                problems.append(Problem("A list of tags.", key))
            elif unknown := sorted(set(tags) - known):
                problems.append(
                    Problem(f"Unknown tags: {', '.join(unknown)} (known: {', '.join(sorted(known))}).", key)
                )
    if "order" in values and not (isinstance(values["order"], int) and 0 <= values["order"] <= 10_000):
        problems.append(Problem("A whole number from 0 to 10000.", "order"))
    for key in ("review_after_years", "review_every_years"):
        if key in values and not (isinstance(values[key], int) and 1 <= values[key] <= 100):
            problems.append(Problem("A whole number of years from 1 to 100.", key))
    if problems:
        raise ValidationFailed(problems)
    before = audit.snapshot(rule)
    for key in RULE_FIELDS:
        if key in values:
            setattr(rule, key, values[key])
    rule.version += 1
    rule.is_example = False
    rule.updated_at = timezone.now()
    rule.updated_by = actor
    rule.save()
    audit.record_update(actor, rule, before)
    return rule
