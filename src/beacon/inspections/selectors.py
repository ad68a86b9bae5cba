"""Reads of inspections and plans: status as at a date, derived flags, summaries, dashboards.

Every list here runs a fixed number of queries whatever its length (tests assert the counts).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery

from beacon.core.formatting import display_date
from beacon.core.models import User
from beacon.inspections.models import (
    CLOSED_STATUSES,
    Allocation,
    Board,
    Finding,
    Inspection,
    PlanRules,
    Portfolio,
    ProgressUpdate,
    Status,
)

SUMMARY_ROWS = [
    ("recommendations", Finding.Kind.RECOMMENDATION, "Recommendations"),
    ("areas_for_improvement", Finding.Kind.AREA_FOR_IMPROVEMENT, "Areas for improvement"),
    ("causes_of_concern", Finding.Kind.CAUSE_OF_CONCERN, "Causes of concern"),
]


ALL_PORTFOLIOS = "All portfolios"
ALL_FINDINGS = "All findings"


@dataclass(frozen=True)
class Flag:
    code: str  # overdue | stale | no_owner | due_soon
    label: str
    reason: str
    days: int | None = None  # overdue: how many days past the due date


def overdue_text(days: int) -> str:
    return f"overdue by {days} day{'' if days == 1 else 's'}"


def is_overdue(status: str, due_date: date | None, as_of: date) -> bool:
    """Past its due date on `as_of` and not closed (Complete or N/A). Callers ask it of lead
    allocations only: a supporting portfolio answers to the lead, so is never flagged or counted."""
    return status not in CLOSED_STATUSES and due_date is not None and due_date < as_of


@dataclass
class PlanItem:
    """One allocation as a plan table shows it, as at a date."""

    allocation: Allocation
    latest: ProgressUpdate | None
    flags: list[Flag] = field(default_factory=list)
    can_update: bool = False  # set by pages that offer "Add update" to the viewing user

    @property
    def finding(self) -> Finding:
        return self.allocation.finding

    @property
    def status(self) -> str:
        return self.latest.status if self.latest else ""

    @property
    def status_label(self) -> str:
        return Status(self.status).label if self.latest else "No update"

    @property
    def rag_class(self) -> str:
        """CSS modifier for the RAG cell: red, amber, green, complete, na or none."""
        return (self.latest.status if self.latest else "") or "none"

    @property
    def closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    def has(self, code: str) -> bool:
        return any(f.code == code for f in self.flags)

    @property
    def overdue_days(self) -> int | None:
        """Days past the due date where the item is overdue, else None."""
        return next((f.days for f in self.flags if f.code == "overdue"), None)

    @property
    def overdue_text(self) -> str:
        """The words "overdue by 30 days", or "" where the item is not overdue."""
        days = self.overdue_days
        return overdue_text(days) if days is not None else ""

    @property
    def rag_text(self) -> str:
        """The RAG cell in words, so that it reads without its colour: "Amber — overdue by 30 days"."""
        return f"{self.status_label} — {self.overdue_text}" if self.overdue_text else self.status_label


def latest_update_subquery(as_of: date) -> Subquery:
    return Subquery(
        ProgressUpdate.objects.filter(allocation=OuterRef("pk"), date__lte=as_of)
        .order_by("-date", "-created_at", "-id")
        .values("id")[:1]
    )


def active_on(as_of: date) -> Q:
    """Allocations in force on `as_of`: started on or before it and not ended by then."""
    return (Q(started_on__isnull=True) | Q(started_on__lte=as_of)) & (
        Q(ended_on__isnull=True) | Q(ended_on__gt=as_of)
    )


def derive_flags(item: PlanItem, as_of: date, rules: PlanRules) -> list[Flag]:
    a = item.allocation
    flags: list[Flag] = []
    if item.closed or a.role != Allocation.Role.LEAD:
        return flags
    if a.due_date and is_overdue(item.status, a.due_date, as_of):
        days = (as_of - a.due_date).days
        flags.append(
            Flag(
                "overdue",
                "Overdue",
                f"Due {display_date(a.due_date)}, {days} days ago, and not closed.",
                days=days,
            )
        )
    elif a.due_date and a.due_date <= as_of + timedelta(days=rules.due_soon_days):
        days = (a.due_date - as_of).days
        flags.append(Flag("due_soon", "Due soon", f"Due {display_date(a.due_date)}, in {days} days."))
    last = item.latest.date if item.latest else None
    if last is None:
        since = a.started_on or a.finding.inspection.published
        if since is None or (as_of - since).days > rules.stale_after_days:
            flags.append(Flag("stale", "Stale", "No update has ever been recorded."))
    elif (as_of - last).days > rules.stale_after_days:
        assert item.latest is not None
        when = display_date(last)
        if not item.latest.date_given:
            when = f"date not given (plan as at {when})"
        flags.append(
            Flag(
                "stale",
                "Stale",
                f"Last update {when}, {(as_of - last).days} days ago (limit {rules.stale_after_days}).",
            )
        )
    if not a.action_owner.strip() and a.action_owner_user_id is None:
        flags.append(Flag("no_owner", "No action owner", "Nobody is named as action owner."))
    return flags


def plan_items(
    allocations: QuerySet[Allocation], as_of: date, rules: PlanRules | None = None
) -> list[PlanItem]:
    """Allocations with their latest update as at `as_of` and their flags, in three queries."""
    rules = rules or PlanRules.current()
    allocs = list(
        allocations.select_related("finding", "finding__inspection", "portfolio").annotate(
            latest_id=latest_update_subquery(as_of)
        )
    )
    latest_ids = [a.latest_id for a in allocs if a.latest_id]
    latest = ProgressUpdate.objects.in_bulk(latest_ids) if latest_ids else {}
    items = []
    for a in allocs:
        item = PlanItem(allocation=a, latest=latest.get(a.latest_id))
        item.flags = derive_flags(item, as_of, rules)
        items.append(item)
    return items


def empty_counts() -> dict[str, int]:
    """Total = completed + green + amber + red + no_status; overdue counts those of them (never
    completed) past their due date."""
    return {"total": 0, "completed": 0, "green": 0, "amber": 0, "red": 0, "no_status": 0, "overdue": 0}


def count_status(counts: dict[str, int], status: str, *, overdue: bool = False) -> None:
    counts["total"] += 1
    if status in CLOSED_STATUSES:
        counts["completed"] += 1
    elif status in (Status.GREEN, Status.AMBER, Status.RED):
        counts[status] += 1
    else:  # no update yet, or the latest update gave no RAG status
        counts["no_status"] += 1
    if overdue:
        counts["overdue"] += 1


def inspection_summary(inspection: Inspection, as_of: date) -> list[dict[str, Any]]:
    """Board-paper summary per portfolio for each kind: Total, Completed, Green, Amber, Red, No status
    yet (no update, or no RAG status in the latest), which add up to Total; and Overdue.

    Only lead allocations in force on `as_of` count; every portfolio with any allocation in the
    inspection (supporting or transferred out included) is listed.
    """
    allocs = (
        Allocation.objects.filter(finding__inspection=inspection)
        .annotate(
            latest_status=Subquery(
                ProgressUpdate.objects.filter(allocation=OuterRef("pk"), date__lte=as_of)
                .order_by("-date", "-created_at", "-id")
                .values("status")[:1]
            ),
            is_active=ExpressionWrapper(active_on(as_of), output_field=BooleanField()),
        )
        .values_list("portfolio__name", "finding__kind", "role", "latest_status", "is_active", "due_date")
    )
    per: dict[str, dict[str, dict[str, int]]] = {}
    for portfolio, kind, role, status, active, due_date in allocs:
        counts = per.setdefault(portfolio, {key: empty_counts() for key, _, _ in SUMMARY_ROWS})
        if role != Allocation.Role.LEAD or not active:
            continue
        key = next(k for k, kd, _ in SUMMARY_ROWS if kd == kind)
        count_status(counts[key], status or "", overdue=is_overdue(status or "", due_date, as_of))
    return [{"portfolio": name, **per[name]} for name in sorted(per)]


def all_portfolios_summary(summary: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The force-wide entry: every portfolio's counts (as `inspection_summary` gives them) added up,
    kind by kind. Each finding has one lead portfolio at a time, so each is counted once."""
    entries = list(summary)
    total: dict[str, Any] = {"portfolio": ALL_PORTFOLIOS}
    for key, _, _ in SUMMARY_ROWS:
        counts = empty_counts()
        for entry in entries:
            for column, n in entry[key].items():
                counts[column] += n
        total[key] = counts
    return total


def summary_table_rows(
    summary_entry: Mapping[str, object], *, show_causes: bool, all_findings: bool = False
) -> list[dict[str, object]]:
    """The summary rows as a board paper prints them (causes of concern only where there are any);
    with `all_findings`, a last row adding up every kind."""
    rows: list[dict[str, object]] = []
    overall = empty_counts()
    for key, _kind, label in SUMMARY_ROWS:
        counts = summary_entry[key]
        assert isinstance(counts, dict)
        for column, n in counts.items():
            overall[column] += n
        if key == "causes_of_concern" and not (show_causes or counts["total"]):
            continue
        rows.append({"label": label, **counts})
    if all_findings:
        rows.append({"label": ALL_FINDINGS, **overall})
    return rows


def get_inspection_by_title(title: str) -> Inspection | None:
    return Inspection.objects.filter(title=title).first()


def inspections_with_counts() -> QuerySet[Inspection]:
    from django.db.models import Count

    return Inspection.objects.annotate(finding_count=Count("findings", distinct=True)).order_by(
        "-published", "title"
    )


def finding_tree(inspection: Inspection) -> list[tuple[Finding, list]]:
    """Findings as a tree: causes of concern → recommendations → areas for improvement.

    Returns [(finding, children)] where children has the same shape; findings without a parent
    are roots, ordered by kind then position.
    """
    findings = list(inspection.findings.all().order_by("position", "id"))
    children: dict[int | None, list[Finding]] = defaultdict(list)
    for f in findings:
        children[f.parent_id].append(f)
    kind_order: dict[str, int] = {
        Finding.Kind.CAUSE_OF_CONCERN: 0,
        Finding.Kind.RECOMMENDATION: 1,
        Finding.Kind.AREA_FOR_IMPROVEMENT: 2,
    }

    def build(parent_id: int | None) -> list[tuple[Finding, list]]:
        kids = sorted(
            children.get(parent_id, []), key=lambda f: (kind_order.get(f.kind, 9), f.position, f.id)
        )
        return [(f, build(f.id)) for f in kids]

    return build(None)


def portfolio_plan(portfolio: Portfolio, inspection: Inspection | None, as_of: date) -> list[PlanItem]:
    qs = Allocation.objects.filter(portfolio=portfolio).filter(active_on(as_of))
    if inspection is not None:
        qs = qs.filter(finding__inspection=inspection)
    return plan_items(qs.order_by("finding__inspection__title", "finding__position", "finding_id"), as_of)


def finding_timeline(finding: Finding) -> list[dict[str, object]]:
    """Every update and transfer of a finding across its allocations, oldest first."""
    events: list[dict[str, object]] = []
    allocs = list(finding.allocations.select_related("portfolio", "transferred_to"))
    updates = ProgressUpdate.objects.filter(allocation__finding=finding).select_related(
        "author", "allocation"
    )
    by_alloc = {a.id: a for a in allocs}
    for u in updates:
        events.append(
            {"kind": "update", "date": u.date, "update": u, "allocation": by_alloc[u.allocation_id]}
        )
    for a in allocs:
        if a.started_on:
            events.append({"kind": "start", "date": a.started_on, "allocation": a})
        if a.ended_by_transfer and a.ended_on:
            events.append({"kind": "transfer", "date": a.ended_on, "allocation": a})
    order = {"transfer": 0, "start": 1, "update": 2}
    events.sort(key=lambda e: (e["date"], order[str(e["kind"])]))
    return events


def owner_filter(user: User) -> Q:
    """Allocations this user owns: named as action owner (account or name/job title) or as plan owner."""
    names = list(user.owner_names())
    q = Q(action_owner_user=user) | Q(portfolio__plan_owner_user=user)
    for n in names:
        q |= Q(action_owner__iexact=n) | Q(portfolio__plan_owner__iexact=n)
    return q


def dashboard_items(
    as_of: date,
    *,
    portfolio: Portfolio | None = None,
    owner: str = "",
    board: Board | None = None,
    user: User | None = None,
) -> list[PlanItem]:
    """Lead items in force on `as_of` that are overdue, stale or due soon, across all plans."""
    qs = Allocation.objects.filter(active_on(as_of), role=Allocation.Role.LEAD)
    if portfolio is not None:
        qs = qs.filter(portfolio=portfolio)
    if owner:
        qs = qs.filter(action_owner__iexact=owner)
    if board is not None:
        qs = qs.filter(finding__inspection__boards=board)
    if user is not None:
        qs = qs.filter(owner_filter(user))
    items = plan_items(qs.distinct().order_by("due_date", "finding__ref"), as_of)
    return [i for i in items if i.flags and any(f.code in ("overdue", "stale", "due_soon") for f in i.flags)]


def my_items(user: User, as_of: date) -> list[PlanItem]:
    qs = Allocation.objects.filter(active_on(as_of)).filter(owner_filter(user)).distinct()
    return plan_items(qs.order_by("due_date", "finding__ref"), as_of)


def action_owners() -> list[str]:
    return sorted(
        {o for o in Allocation.objects.exclude(action_owner="").values_list("action_owner", flat=True)}
    )


def can_add_update(user: User, allocation: Allocation) -> bool:
    """Only the action owner, the portfolio's plan owner, or the performance team add updates."""
    from beacon.core.roles import Role

    if not user.can("plans.update"):
        return False
    if user.role == Role.PERFORMANCE:
        return True
    names = user.owner_names()
    if allocation.action_owner_user_id == user.pk or allocation.action_owner.strip().lower() in names:
        return True
    p = allocation.portfolio
    return p.plan_owner_user_id == user.pk or p.plan_owner.strip().lower() in names


def owners_for(items: Iterable[PlanItem]) -> set[str]:
    return {i.allocation.action_owner for i in items if i.allocation.action_owner}
