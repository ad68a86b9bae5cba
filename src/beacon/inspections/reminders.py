"""Reminder emails: each owner gets one email listing their due-soon, overdue and stale items."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string

from beacon.core.models import User
from beacon.inspections import selectors
from beacon.inspections.models import Allocation


def _recipients_by_name() -> dict[str, User]:
    """Active users with an email, keyed by each name plans may use for them (ambiguous names dropped)."""
    seen: dict[str, list[User]] = defaultdict(list)
    for u in User.objects.filter(is_active=True).exclude(email=""):
        for n in u.owner_names():
            seen[n].append(u)
    return {n: us[0] for n, us in seen.items() if len(us) == 1}


def _recipient(item: selectors.PlanItem, users: dict[int, User], by_name: dict[str, User]) -> User | None:
    a = item.allocation
    if a.action_owner_user_id and a.action_owner_user_id in users:
        return users[a.action_owner_user_id]
    hit = by_name.get(a.action_owner.strip().lower())
    if hit:
        return hit
    p = a.portfolio  # fall back to the plan owner, who keeps the plan
    if p.plan_owner_user_id and p.plan_owner_user_id in users:
        return users[p.plan_owner_user_id]
    return by_name.get(p.plan_owner.strip().lower())


def send_reminders(as_of: date, *, dry_run: bool = False) -> dict[str, Any]:
    items = selectors.dashboard_items(as_of)
    users = {u.pk: u for u in User.objects.filter(is_active=True).exclude(email="")}
    by_name = _recipients_by_name()
    per_user: dict[int, list[selectors.PlanItem]] = defaultdict(list)
    unrouted: list[str] = []
    for item in items:
        r = _recipient(item, users, by_name)
        if r is None:
            a: Allocation = item.allocation
            unrouted.append(
                f"{a.finding.inspection.title} {a.finding.ref} ({a.portfolio.name}, owner “{a.action_owner}”)"
            )
        else:
            users.setdefault(r.pk, r)
            per_user[r.pk].append(item)
    messages = []
    sent_to = []
    for uid, its in per_user.items():
        user = users[uid]
        groups = [
            (label, [i for i in its if i.has(code)])
            for code, label in (
                ("overdue", "Overdue"),
                ("stale", "Stale"),
                ("due_soon", "Due within the next days"),
            )
        ]
        body = render_to_string(
            "inspections/email/reminder.txt",
            {"user": user, "groups": groups, "as_of": as_of, "site": settings.BEACON_SITE_URL},
        )
        messages.append(
            EmailMessage(
                subject=f"Beacon: {len(its)} improvement-plan item(s) need your attention",
                body=body,
                to=[user.email],
            )
        )
        sent_to.append({"user": user.get_username(), "email": user.email, "items": len(its)})
    if not dry_run and messages:
        get_connection().send_messages(messages)
    return {
        "as_of": as_of.isoformat(),
        "emails": len(messages),
        "items": sum(len(v) for v in per_user.values()),
        "recipients": sent_to,
        "unrouted": unrouted,
        "dry_run": dry_run,
    }
