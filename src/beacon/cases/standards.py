"""Minimum standards per risk level (versioned data) and the due dates they give a case.

The newest StandardsPolicy applies. Due dates are calendar dates in Europe/London:
- first contact: opened date + first_contact_days (met once a contact is recorded);
- update contact: date of the last contact + update_days (none before the first contact, which
  has its own standard; after reopening, counted from the reopening at the earliest);
- each review tier: date of the last review of that tier (or the opened date) + that tier's days;
  a tier the level does not require has no due date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from beacon.cases.models import ReviewTier, StandardsPolicy

DEFAULT_LEVELS: dict[str, dict[str, Any]] = {
    "standard": {"first_contact_days": 7, "update_days": 28, "reviews": {}},
    "medium": {
        "first_contact_days": 3,
        "update_days": 14,
        "reviews": {"sergeant": 28, "inspector": 56},
    },
    "high": {
        "first_contact_days": 1,
        "update_days": 7,
        "reviews": {"sergeant": 14, "inspector": 28, "chief_inspector": 56},
    },
}

DEFAULT_WEIGHTS: dict[str, Any] = {
    "risk": {"standard": 10, "medium": 30, "high": 60},
    "repeat": 15,
    "vulnerable": 20,
    "per_day_overdue": 5,
    "due_soon_days": 3,
    "red_at": 100,
    "amber_at": 50,
    # Unresolved ASB incidents on the supervisor's list.
    "incident": {
        "base": 5,
        "flags": {"repeat_victim": 15, "vulnerable_victim": 20, "hate_related": 20, "local_priority": 5},
        "grade": {"immediate": 30, "urgent": 15},
        "per_day_unacknowledged": 5,
        "per_day_unassessed": 5,
    },
}

STANDARDS = ("first_contact", "update", "sergeant_review", "inspector_review", "chief_inspector_review")
STANDARD_LABELS = {
    "first_contact": "First contact",
    "update": "Update contact",
    "sergeant_review": "Sergeant review",
    "inspector_review": "Inspector review",
    "chief_inspector_review": "Chief inspector review",
}
TIER_FIELD = {
    ReviewTier.SERGEANT.value: "sergeant_review_due",
    ReviewTier.INSPECTOR.value: "inspector_review_due",
    ReviewTier.CHIEF_INSPECTOR.value: "chief_inspector_review_due",
}
DUE_FIELDS = (
    "first_contact_due",
    "update_due",
    "sergeant_review_due",
    "inspector_review_due",
    "chief_inspector_review_due",
)


def current_policy() -> StandardsPolicy:
    """The newest policy (the data migration ships version 1 with the defaults)."""
    found = StandardsPolicy.objects.order_by("-version").first()
    if found is None:
        found = StandardsPolicy.objects.create(version=1, levels=DEFAULT_LEVELS, weights=DEFAULT_WEIGHTS)
    return found


def weights(policy: StandardsPolicy) -> dict[str, Any]:
    """The policy's weights over the defaults (so a policy may leave some out)."""
    merged = {**DEFAULT_WEIGHTS, **(policy.weights or {})}
    merged["risk"] = {**DEFAULT_WEIGHTS["risk"], **(policy.weights or {}).get("risk", {})}
    inc = (policy.weights or {}).get("incident", {})
    merged["incident"] = {
        **DEFAULT_WEIGHTS["incident"],
        **inc,
        "flags": {**DEFAULT_WEIGHTS["incident"]["flags"], **inc.get("flags", {})},
        "grade": {**DEFAULT_WEIGHTS["incident"]["grade"], **inc.get("grade", {})},
    }
    return merged


def level_rules(policy: StandardsPolicy, level: str) -> dict[str, Any]:
    rules = (policy.levels or {}).get(level) or DEFAULT_LEVELS.get(level) or DEFAULT_LEVELS["standard"]
    return {
        "first_contact_days": int(rules.get("first_contact_days", 7)),
        "update_days": int(rules.get("update_days", 28)),
        "reviews": {k: int(v) for k, v in (rules.get("reviews") or {}).items() if v},
    }


def local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(value) if value is not None else None


@dataclass
class DueInputs:
    level: str
    opened_at: dt.datetime
    last_contact_at: dt.datetime | None
    last_review_at: dict[str, dt.datetime]  # tier → latest review
    reopened_at: dt.datetime | None = None  # the update and review clocks restart on reopening


def compute_dues(policy: StandardsPolicy, inputs: DueInputs) -> dict[str, dt.date | None]:
    rules = level_rules(policy, inputs.level)
    opened = timezone.localdate(inputs.opened_at)
    start = max(opened, local_date(inputs.reopened_at) or opened)
    last_contact = local_date(inputs.last_contact_at)
    out: dict[str, dt.date | None] = {
        "first_contact_due": opened + dt.timedelta(days=rules["first_contact_days"]),
        "update_due": None
        if last_contact is None
        else max(last_contact, start) + dt.timedelta(days=rules["update_days"]),
    }
    for tier, field in TIER_FIELD.items():
        days = rules["reviews"].get(tier)
        if not days:
            out[field] = None
            continue
        since = max(local_date(inputs.last_review_at.get(tier)) or start, start)
        out[field] = since + dt.timedelta(days=days)
    return out


def validate_levels(levels: Any) -> list[str]:
    """Problems with a policy's `levels` (empty when it is usable)."""
    problems: list[str] = []
    if not isinstance(levels, dict):
        return ["Give the standards for each risk level."]
    for level in ("standard", "medium", "high"):
        rules = levels.get(level)
        if not isinstance(rules, dict):
            problems.append(f"Give the standards for {level} risk.")
            continue
        for key in ("first_contact_days", "update_days"):
            v = rules.get(key)
            if not isinstance(v, int) or v < 1:
                problems.append(
                    f"{level}: {key.replace('_', ' ')} must be a whole number of days, at least 1."
                )
        for tier, v in (rules.get("reviews") or {}).items():
            if tier not in TIER_FIELD:
                problems.append(f"{level}: {tier} is not a review tier.")
            elif v is not None and (not isinstance(v, int) or v < 1):
                problems.append(f"{level}: {tier} review must be a whole number of days, at least 1.")
    return problems
