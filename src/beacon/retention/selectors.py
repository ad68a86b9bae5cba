"""Reads for retention: what is due for review as at a date, the rules, the tombstones."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from beacon.core import retention as registry
from beacon.core.models import User
from beacon.retention.models import RetentionRule, ReviewDecision, Tombstone


@dataclass(frozen=True)
class DueItem:
    record_type: str
    pk: int
    reference: str
    area_id: int | None
    category: str
    tags: tuple[str, ...]
    record_date: dt.date
    review_on: dt.date
    rule: RetentionRule | None
    kept_reason: str  # the last reviewer's reason to keep it, if it was kept before

    def as_dict(self) -> dict[str, Any]:
        return {
            "record_type": self.record_type,
            "id": self.pk,
            "reference": self.reference,
            "area_id": self.area_id,
            "category": self.category,
            "tags": list(self.tags),
            "record_date": self.record_date.isoformat(),
            "review_on": self.review_on.isoformat(),
            "rule": self.rule.code if self.rule else None,
            "rule_version": self.rule.version if self.rule else None,
            "previously_kept": bool(self.kept_reason),
            "kept_reason": self.kept_reason,
        }


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def rules(record_type: str = "incident") -> list[RetentionRule]:
    return list(RetentionRule.objects.filter(record_type=record_type, active=True).order_by("order", "id"))


def rule_for(tags: frozenset[str], active: list[RetentionRule]) -> RetentionRule | None:
    return next((r for r in active if r.matches(tags)), None)


def schedule(record_type: str = "incident") -> list[DueItem]:
    """Every record still held, with its review date (soonest first)."""
    if record_type not in registry.RECORD_TYPES:
        raise KeyError(record_type)
    active = rules(record_type)
    disposed = set(Tombstone.objects.filter(record_type=record_type).values_list("object_pk", flat=True))
    kept: dict[int, ReviewDecision] = {}
    for d in ReviewDecision.objects.filter(record_type=record_type).order_by("decided_at", "id"):
        kept[d.object_pk] = d  # the latest decision wins
    items = []
    for f in registry.all_facts(record_type):
        if f.pk in disposed:
            continue
        rule = rule_for(f.tags, active)
        decision = kept.get(f.pk)
        if decision is not None:
            review_on = decision.next_review_on
        elif rule is not None:
            review_on = add_years(f.anchor, rule.review_after_years)
        else:
            continue  # no rule covers it: never due (the force's schedule says nothing of it)
        items.append(
            DueItem(
                record_type=record_type,
                pk=f.pk,
                reference=f.reference,
                area_id=f.area_id,
                category=f.category,
                tags=tuple(sorted(f.tags)),
                record_date=f.anchor,
                review_on=review_on,
                rule=rule,
                kept_reason=decision.reason if decision else "",
            )
        )
    items.sort(key=lambda i: (i.review_on, i.pk))
    return items


def due(as_of: dt.date, record_type: str = "incident", *, user: User | None = None) -> list[DueItem]:
    """Records whose review date is on or before `as_of` (a user sees their own areas' only)."""
    return [
        i
        for i in schedule(record_type)
        if i.review_on <= as_of and (user is None or user.can_see_area(i.area_id))
    ]


def tombstone_totals(record_type: str = "incident") -> dict[str, Any]:
    """Counts of what was disposed of, for statistics: by category, by area, by year of the record."""
    stones = Tombstone.objects.filter(record_type=record_type).values_list(
        "category", "area_id", "record_date"
    )
    by_category: Counter[str] = Counter()
    by_area: Counter[str] = Counter()
    by_year: Counter[str] = Counter()
    total = 0
    for category, area_id, day in stones:
        total += 1
        by_category[category] += 1
        by_area[str(area_id) if area_id else ""] += 1
        by_year[str(day.year)] += 1
    return {
        "total": total,
        "by_category": dict(by_category),
        "by_area": dict(by_area),
        "by_year": dict(by_year),
    }
