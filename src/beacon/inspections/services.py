"""Every write to inspections and plans: in a transaction, audited, refusing conflicting edits."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from beacon.core import audit
from beacon.core.concurrency import check_version
from beacon.core.errors import EditConflict, PermissionRefused, Problem, ValidationFailed
from beacon.core.models import User
from beacon.inspections.models import (
    Allocation,
    Board,
    BoardMeeting,
    Finding,
    GradedArea,
    Inspection,
    PlanRules,
    Portfolio,
    ProgressUpdate,
    Status,
    update_date_problem,
)
from beacon.inspections.selectors import can_add_update


def _latest_update(allocation: Allocation) -> ProgressUpdate | None:
    return allocation.updates.order_by("-date", "-created_at", "-id").first()


@transaction.atomic
def add_update(
    actor: User,
    allocation: Allocation,
    *,
    status: str,
    text: str,
    on: date | None = None,
    based_on_update_id: int | None = None,
    corrects: ProgressUpdate | None = None,
) -> ProgressUpdate:
    """Append a progress update, dated `on` (default today): not in the future, and not before the
    inspection was published.

    `based_on_update_id` is the latest update the author saw when they opened the form; if someone
    else has added one since, the new update is refused (EditConflict) so that nobody sets a RAG
    without seeing the other person's update.
    """
    allocation = Allocation.objects.select_for_update().select_related("portfolio").get(pk=allocation.pk)
    if not can_add_update(actor, allocation):
        raise PermissionRefused(
            "Only the action owner, the plan owner or the performance team may add updates."
        )
    problems: list[Problem] = []
    today = timezone.localdate()
    on = on or today
    if status not in Status.values or status == Status.BLANK:
        problems.append(Problem("Choose a status: Red, Amber, Green, Complete or N/A.", "status"))
    if not text.strip():
        problems.append(Problem("Enter the update.", "text"))
    published = (
        Finding.objects.filter(pk=allocation.finding_id).values_list("inspection__published", flat=True).get()
    )
    if (date_problem := update_date_problem(on, published=published, today=today)) is not None:
        problems.append(Problem(date_problem, "date"))
    if allocation.ended_on is not None:
        problems.append(Problem("This allocation has ended; add the update to the current one.", ""))
    if corrects is not None and corrects.allocation_id != allocation.pk:
        problems.append(Problem("A correction must be to an update on the same item.", "corrects"))
    if problems:
        raise ValidationFailed(problems)
    latest = _latest_update(allocation)
    if based_on_update_id is not None and latest is not None and latest.pk != based_on_update_id:
        raise EditConflict(
            record=f"{allocation.finding.ref} in {allocation.portfolio.name}",
            changed_by=latest.author_name or (latest.author.get_username() if latest.author else "someone"),
            changes={
                "status": ["", latest.get_status_display()],
                "update": ["", latest.text],
                "date": ["", latest.date.isoformat()],
            },
        )
    update = ProgressUpdate(
        allocation=allocation,
        date=on,
        status=status,
        text=text.strip(),
        author=actor,
        author_name=actor.display_name,
        corrects=corrects,
    )
    try:
        with transaction.atomic():
            update.save()
    except IntegrityError as exc:
        raise ValidationFailed.one("This exact update has already been recorded.", "text") from exc
    audit.record_create(actor, update)
    return update


@transaction.atomic
def edit_allocation(
    actor: User,
    allocation: Allocation,
    *,
    expected_version: int | None,
    action_owner: str | None = None,
    due_date: date | None = None,
    clear_due_date: bool = False,
) -> Allocation:
    allocation = (
        Allocation.objects.select_for_update().select_related("portfolio", "finding").get(pk=allocation.pk)
    )
    if not (actor.can("plans.manage") or can_add_update(actor, allocation)):
        raise PermissionRefused("You may not edit this item.")
    before = audit.snapshot(allocation)
    check_version(allocation, expected_version, f"{allocation.finding.ref} in {allocation.portfolio.name}")
    if action_owner is not None:
        allocation.action_owner = action_owner.strip()
        allocation.action_owner_user = match_user(allocation.action_owner)
    if due_date is not None or clear_due_date:
        allocation.due_date = due_date
    allocation.version += 1
    allocation.save()
    audit.record_update(actor, allocation, before)
    return allocation


@transaction.atomic
def transfer(
    actor: User,
    allocation: Allocation,
    *,
    to: Portfolio,
    on: date,
    action_owner: str = "",
    note: str = "",
) -> Allocation:
    """End an allocation by transfer and open one in the receiving portfolio from the same date."""
    if not actor.can("plans.manage"):
        raise PermissionRefused("Only the performance team may transfer items between portfolios.")
    allocation = (
        Allocation.objects.select_for_update().select_related("finding", "portfolio").get(pk=allocation.pk)
    )
    problems = []
    if allocation.ended_on is not None:
        problems.append(Problem("This allocation has already ended.", ""))
    if to.pk == allocation.portfolio_id:
        problems.append(Problem("Choose a different portfolio.", "to"))
    if allocation.started_on and on < allocation.started_on:
        problems.append(Problem("The transfer date is before the allocation started.", "on"))
    if Allocation.objects.filter(finding=allocation.finding, portfolio=to, ended_on__isnull=True).exists():
        problems.append(Problem(f"{to.name} already holds {allocation.finding.ref}.", "to"))
    if problems:
        raise ValidationFailed(problems)
    before = audit.snapshot(allocation)
    allocation.ended_on = on
    allocation.ended_by_transfer = True
    allocation.transferred_to = to
    allocation.version += 1
    allocation.save()
    audit.record_update(actor, allocation, before, reason=note)
    owner = action_owner.strip()
    new = Allocation.objects.create(
        finding=allocation.finding,
        portfolio=to,
        role=allocation.role,
        action_owner=owner,
        action_owner_user=match_user(owner),
        due_date=allocation.due_date,
        started_on=on,
    )
    audit.record_create(actor, new, reason=note)
    if note.strip():
        u = ProgressUpdate(
            allocation=allocation,
            date=on,
            status="",
            text=note.strip(),
            author=actor,
            author_name=actor.display_name,
        )
        u.save()
        audit.record_create(actor, u)
    return new


def match_user(name: str) -> User | None:
    """The active user whose full name or job title is `name`, when exactly one is."""
    n = name.strip()
    if not n:
        return None
    from django.db.models import Q, Value
    from django.db.models.functions import Concat

    qs = User.objects.filter(is_active=True).annotate(full=Concat("first_name", Value(" "), "last_name"))
    hits = list(qs.filter(Q(job_title__iexact=n) | Q(full__iexact=n))[:2])
    return hits[0] if len(hits) == 1 else None


@transaction.atomic
def update_rules(
    actor: User, *, stale_after_days: int, due_soon_days: int, expected_version: int | None
) -> PlanRules:
    if not actor.can("plans.manage"):
        raise PermissionRefused("Only the performance team may change plan rules.")
    rules = PlanRules.current()
    rules = PlanRules.objects.select_for_update().get(pk=rules.pk)
    before = audit.snapshot(rules)
    check_version(rules, expected_version, "Plan rules")
    problems = []
    if not 1 <= stale_after_days <= 366:
        problems.append(Problem("Enter a number of days from 1 to 366.", "stale_after_days"))
    if not 0 <= due_soon_days <= 366:
        problems.append(Problem("Enter a number of days from 0 to 366.", "due_soon_days"))
    if problems:
        raise ValidationFailed(problems)
    rules.stale_after_days = stale_after_days
    rules.due_soon_days = due_soon_days
    rules.version += 1
    rules.save()
    audit.record_update(actor, rules, before)
    return rules


@transaction.atomic
def create_inspection_from_draft(actor: User, draft: dict[str, Any]) -> Inspection:
    """Create an inspection, its graded areas and findings from a reviewed extraction draft.

    `draft` = {"title", "inspectorate", "kind", "published", "fieldwork_start", "fieldwork_end",
    "revisit_date", "grades": [{"area", "grade", "national_distribution"}],
    "recommendations": [{"number", "text", "area"}], "areas_for_improvement": [{"area", "text"}]}.
    """
    if not actor.can("plans.manage"):
        raise PermissionRefused("Only the performance team may create inspections.")
    problems: list[Problem] = []
    title = str(draft.get("title") or "").strip()
    if not title:
        problems.append(Problem("Enter the inspection's title.", "title"))
    elif Inspection.objects.filter(title=title).exists():
        problems.append(Problem("An inspection with this title already exists.", "title"))
    kind = draft.get("kind") or Inspection.Kind.FORCE
    if kind not in Inspection.Kind.values:
        problems.append(Problem("Kind must be force or thematic.", "kind"))
    for i, g in enumerate(draft.get("grades", []), start=1):
        if not str(g.get("area", "")).strip() or not str(g.get("grade", "")).strip():
            problems.append(Problem("Each graded area needs a name and a grade.", f"grades.{i}"))
    for i, r in enumerate(draft.get("recommendations", []), start=1):
        if not str(r.get("text", "")).strip():
            problems.append(Problem("A recommendation has no text.", f"recommendations.{i}"))
    for i, a in enumerate(draft.get("areas_for_improvement", []), start=1):
        if not str(a.get("text", "")).strip():
            problems.append(Problem("An area for improvement has no text.", f"areas_for_improvement.{i}"))
    if problems:
        raise ValidationFailed(problems)
    inspection = Inspection.objects.create(
        title=title,
        inspectorate=str(draft.get("inspectorate") or "HMICFRS"),
        kind=kind,
        published=draft.get("published") or None,
        fieldwork_start=draft.get("fieldwork_start") or None,
        fieldwork_end=draft.get("fieldwork_end") or None,
        revisit_date=draft.get("revisit_date") or None,
    )
    audit.record_create(actor, inspection)
    created: list[Any] = []
    for pos, g in enumerate(draft.get("grades", [])):
        created.append(
            GradedArea.objects.create(
                inspection=inspection,
                name=g["area"].strip(),
                grade=g["grade"].strip(),
                national_distribution=g.get("national_distribution") or {},
                position=pos,
            )
        )
    pos = 0
    for r in draft.get("recommendations", []):
        pos += 1
        created.append(
            Finding.objects.create(
                inspection=inspection,
                ref=f"R.{r.get('number') or pos}",
                kind=Finding.Kind.RECOMMENDATION,
                category=str(r.get("area") or ""),
                text=r["text"].strip(),
                position=pos,
            )
        )
    for n, a in enumerate(draft.get("areas_for_improvement", []), start=1):
        pos += 1
        created.append(
            Finding.objects.create(
                inspection=inspection,
                ref=f"AFI.{n}",
                kind=Finding.Kind.AREA_FOR_IMPROVEMENT,
                category=str(a.get("area") or ""),
                text=a["text"].strip(),
                position=pos,
            )
        )
    audit.record_creates(actor, created)
    return inspection


@transaction.atomic
def save_board(
    actor: User,
    *,
    name: str,
    chair: str = "",
    inspections: list[Inspection] | None = None,
    meeting_dates: list[date] | None = None,
) -> Board:
    if not actor.can("plans.manage"):
        raise PermissionRefused("Only the performance team may manage boards.")
    if not name.strip():
        raise ValidationFailed.one("Enter the board's name.", "name")
    board, created = Board.objects.get_or_create(name=name.strip(), defaults={"chair": chair.strip()})
    before = audit.snapshot(board)
    if created:
        audit.record_create(actor, board)
    elif chair.strip() and board.chair != chair.strip():
        board.chair = chair.strip()
        board.save()
        audit.record_update(actor, board, before)
    if inspections:
        board.inspections.add(*inspections)
    for d in meeting_dates or []:
        m, made = BoardMeeting.objects.get_or_create(board=board, date=d)
        if made:
            audit.record_create(actor, m)
    return board
