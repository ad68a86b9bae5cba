"""Writes to a case's plan and supervision: actions, contacts with the victim, supervisory reviews,
closure and reopening, and publishing a new standards policy. Each in a transaction, audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from beacon.cases.models import (
    Action,
    Case,
    CaseContact,
    CaseIncident,
    CaseParty,
    ReviewTier,
    StandardsPolicy,
    SupervisoryReview,
)
from beacon.cases.reference import CLOSURE_REASONS, VICTIM_TOLD_METHODS
from beacon.cases.standards import (
    DUE_FIELDS,
    TIER_FIELD,
    DueInputs,
    compute_dues,
    current_policy,
    validate_levels,
    weights,
)
from beacon.core import audit
from beacon.core.concurrency import check_version
from beacon.core.errors import PermissionRefused, Problem, ValidationFailed
from beacon.core.models import User
from beacon.core.roles import Rank, holds_rank
from beacon.incidents.models import Incident
from beacon.people.selectors import open_flags


def _services() -> Any:
    from beacon.cases import services

    return services


def _open_case(actor: User, case_id: int, *, must_be_open: bool = True) -> Case:
    s = _services()
    case: Case = s.lock(case_id)
    s._check_area(actor, case.area_id)
    if must_be_open and case.status != Case.Status.OPEN:
        raise ValidationFailed.one(f"Case {case.reference} is closed: reopen it first.", "case")
    return case


# ---------------------------------------------------------------------------------------------
# Action plan


@dataclass
class ActionInput:
    text: str | None = None
    owner_id: int | None = None
    owner_label: str | None = None
    due_on: dt.date | None = None
    status: str | None = None
    outcome: str | None = None
    source: str | None = None
    clear_owner: bool = False
    clear_due: bool = False


def _apply_action(action: Action, data: ActionInput, problems: list[Problem]) -> None:
    if data.text is not None:
        if not data.text.strip():
            problems.append(Problem("Say what the action is.", "text"))
        action.text = data.text.strip()
    if data.clear_owner:
        action.owner = None
    elif data.owner_id is not None:
        owner = User.objects.filter(pk=data.owner_id, is_active=True).first()
        if owner is None:
            problems.append(Problem(f"No active user {data.owner_id}.", "owner_id"))
        else:
            action.owner = owner
    if data.owner_label is not None:
        action.owner_label = data.owner_label.strip()[:200]
    if data.clear_due:
        action.due_on = None
    elif data.due_on is not None:
        action.due_on = data.due_on
    if data.outcome is not None:
        action.outcome = data.outcome.strip()
    if data.source is not None:
        action.source = data.source.strip()[:100]
    if data.status is not None:
        if data.status not in Action.Status.values:
            problems.append(Problem("Choose open, done or cancelled.", "status"))
        else:
            if data.status != Action.Status.OPEN and action.status == Action.Status.OPEN:
                action.completed_at = timezone.now()
            elif data.status == Action.Status.OPEN:
                action.completed_at = None
            action.status = data.status
    if action.status == Action.Status.DONE and not action.outcome:
        problems.append(Problem("Record the outcome of a completed action.", "outcome"))
    if not action.owner_id and not action.owner_label:
        problems.append(Problem("Choose who owns the action, or name them.", "owner_id"))


@transaction.atomic
def add_action(actor: User, case_id: int, data: ActionInput) -> Action:
    case = _open_case(actor, case_id)
    action = Action(case=case, text="", created_by=actor)
    problems: list[Problem] = []
    if data.text is None:
        problems.append(Problem("Say what the action is.", "text"))
    if data.owner_id is None and not data.owner_label:
        data.owner_id = actor.pk
    _apply_action(action, data, problems)
    if problems:
        raise ValidationFailed(problems)
    action.save()
    audit.record_create(actor, action)
    _services().touch(actor, case, reason="action added")
    return action


@transaction.atomic
def update_action(actor: User, action_id: int, expected_version: int | None, data: ActionInput) -> Action:
    """Edit or complete an action; refused (EditConflict) when someone saved it since it was loaded."""
    action = Action.objects.select_for_update().filter(pk=action_id).first()
    if action is None:
        raise ValidationFailed.one(f"No action {action_id}.", "action")
    case = _open_case(actor, action.case_id)
    check_version(action, expected_version, f"Action “{action.text[:40]}”")
    before = audit.snapshot(action)
    problems: list[Problem] = []
    _apply_action(action, data, problems)
    if problems:
        raise ValidationFailed(problems)
    action.version += 1
    action.save()
    audit.record_update(actor, action, before)
    _services().touch(actor, case, reason="action updated")
    return action


# ---------------------------------------------------------------------------------------------
# Contacts and reviews


def _when(at: dt.datetime | None, case: Case, field: str, problems: list[Problem]) -> dt.datetime:
    now = timezone.now()
    at = at or now
    if at > now + dt.timedelta(minutes=5):
        problems.append(Problem("This cannot be in the future.", field))
    if at < case.opened_at - dt.timedelta(days=1):
        problems.append(Problem("This cannot be before the case was opened.", field))
    return at


@transaction.atomic
def record_contact(
    actor: User,
    case_id: int,
    *,
    method: str,
    summary: str,
    at: dt.datetime | None = None,
    person_id: int | None = None,
) -> CaseContact:
    """A contact with the victim (who: the actor and the person contacted; when; how; what was said)."""
    case = _open_case(actor, case_id)
    problems: list[Problem] = []
    if method not in CaseContact.Method.values:
        problems.append(Problem("Choose how the contact was made.", "method"))
    if not summary.strip():
        problems.append(Problem("Record what was said.", "summary"))
    when = _when(at, case, "at", problems)
    victims = set(case.parties.filter(role=CaseParty.Role.VICTIM).values_list("person_id", flat=True))
    if person_id is not None and person_id not in victims:
        problems.append(Problem("Choose one of the case's victims.", "person_id"))
    if problems:
        raise ValidationFailed(problems)
    if person_id is None and len(victims) == 1:
        person_id = next(iter(victims))
    contact = CaseContact.objects.create(
        case=case, person_id=person_id, at=when, by=actor, method=method, summary=summary.strip()
    )
    audit.record_create(actor, contact)
    _services().touch(actor, case, reason="contact recorded")
    return contact


# The rank a review tier needs (a sergeant's review: any supervisor, acting sergeants included).
TIER_RANK = {
    ReviewTier.INSPECTOR.value: Rank.INSPECTOR.value,
    ReviewTier.CHIEF_INSPECTOR.value: Rank.CHIEF_INSPECTOR.value,
}


@transaction.atomic
def record_review(
    actor: User, case_id: int, *, tier: str, decision: str, at: dt.datetime | None = None
) -> SupervisoryReview:
    if not actor.can("cases.supervise"):
        raise PermissionRefused("Only a supervisor may record a supervisory review.")
    case = _open_case(actor, case_id)
    problems: list[Problem] = []
    if tier not in ReviewTier.values:
        problems.append(Problem("Choose the tier: sergeant, inspector or chief inspector.", "tier"))
    elif tier in TIER_RANK and not holds_rank(actor.rank, TIER_RANK[tier]):
        held = actor.get_rank_display() if actor.rank else "no rank recorded"
        problems.append(
            Problem(
                f"Only an officer of {ReviewTier(tier).label.lower()} rank or above records a "
                f"{ReviewTier(tier).label.lower()}'s review (your account: {held}).",
                "tier",
            )
        )
    if not decision.strip():
        problems.append(Problem("Record what was reviewed and decided.", "decision"))
    when = _when(at, case, "at", problems)
    if problems:
        raise ValidationFailed(problems)
    # The due date this review answers is the case's now, before `touch` moves it on; whether it
    # was held on time is settled here, once (None: no review of this tier was due).
    review = SupervisoryReview(
        case=case,
        tier=tier,
        at=when,
        by=actor,
        decision=decision.strip(),
        due_on=getattr(case, TIER_FIELD[tier]),
    )
    review.on_time = None if review.days_late is None else review.days_late == 0
    review.save(force_insert=True)
    audit.record_create(actor, review)
    _services().touch(actor, case, reason=f"{tier} review")
    return review


# ---------------------------------------------------------------------------------------------
# Closure and reopening


@dataclass
class ClosureInput:
    reason: str
    victim_told_on: dt.date | None
    victim_told_how: str
    note: str = ""


def closure_problems(case: Case, data: ClosureInput) -> list[Problem]:
    """Everything wrong with a closure (reason, when and how the victim was told), all at once."""
    problems: list[Problem] = []
    if data.reason not in dict(CLOSURE_REASONS):
        problems.append(Problem("Choose the reason for closing the case.", "reason"))
    if data.victim_told_on is None:
        problems.append(Problem("Give the date the victim was told the case is closing.", "victim_told_on"))
    elif data.victim_told_on > timezone.localdate():
        problems.append(Problem("The date the victim was told cannot be in the future.", "victim_told_on"))
    elif data.victim_told_on < timezone.localdate(case.opened_at):
        problems.append(Problem("The victim cannot have been told before the case opened.", "victim_told_on"))
    if data.victim_told_how not in dict(VICTIM_TOLD_METHODS):
        problems.append(Problem("Say how the victim was told.", "victim_told_how"))
    if data.reason == "other" and not data.note.strip():
        problems.append(Problem("Explain the reason in the note.", "note"))
    return problems


@transaction.atomic
def close_case(actor: User, case_id: int, expected_version: int | None, data: ClosureInput) -> Case:
    """Close with a supervisor's sign-off (the actor), a reason from the list and a record that the
    victim was told (when and how). Anything missing: refused, with every problem."""
    if not actor.can("cases.supervise"):
        raise PermissionRefused("A case closes only with a supervisor's sign-off.")
    case = _open_case(actor, case_id)
    check_version(case, expected_version, f"Case {case.reference}")
    problems = closure_problems(case, data)
    if problems:
        raise ValidationFailed(problems)
    before = audit.snapshot(case)
    case.status = Case.Status.CLOSED
    case.closed_at = timezone.now()
    case.closure_reason = data.reason
    case.closure_note = data.note.strip()
    case.closure_signed_off_by = actor
    case.victim_told_on = data.victim_told_on
    case.victim_told_how = data.victim_told_how
    _services()._save(actor, case, before, reason=f"closed: {data.reason}")
    CaseIncident.objects.filter(case=case).update(open_in_area=None)
    return case


@transaction.atomic
def reopen_case(actor: User, case_id: int, expected_version: int | None, reason: str) -> Case:
    case = _open_case(actor, case_id, must_be_open=False)
    check_version(case, expected_version, f"Case {case.reference}")
    problems = []
    if case.status != Case.Status.CLOSED:
        problems.append(Problem("The case is already open.", "case"))
    if not reason.strip():
        problems.append(Problem("Say why the case is reopened.", "reason"))
    if problems:
        raise ValidationFailed(problems)
    before = audit.snapshot(case)
    case.status = Case.Status.OPEN
    case.reopened_at = timezone.now()
    case.reopen_reason = reason.strip()
    case.closed_at = None
    case.closure_reason = ""
    case.closure_note = ""
    case.closure_signed_off_by = None
    case.victim_told_on = None
    case.victim_told_how = ""
    _services()._save(actor, case, before, reason=f"reopened: {reason.strip()}")
    CaseIncident.objects.filter(case=case).update(open_in_area=case.area_id)
    return case


# ---------------------------------------------------------------------------------------------
# Standards policy


def _weight_problems(w: Any) -> list[str]:
    if not isinstance(w, dict):
        return ["Give the priority weights."]
    problems = []
    for key in ("repeat", "vulnerable", "per_day_overdue", "due_soon_days", "red_at", "amber_at"):
        if key in w and (not isinstance(w[key], int) or w[key] < 0):
            problems.append(f"Weight {key.replace('_', ' ')} must be a whole number, 0 or more.")
    for level, v in (w.get("risk") or {}).items():
        if not isinstance(v, int) or v < 0:
            problems.append(f"Weight for {level} risk must be a whole number, 0 or more.")
    return problems


@transaction.atomic
def publish_policy(
    actor: User, levels: dict[str, Any], weights_: dict[str, Any], *, expected_version: int | None = None
) -> StandardsPolicy:
    """Publish a new version of the minimum standards and weights; every open case's due dates and
    base score are recomputed under it. `expected_version` is the version the editor started from."""
    if not actor.can("cases.configure"):
        raise PermissionRefused("Only an administrator may change the minimum standards.")
    current = StandardsPolicy.objects.select_for_update().order_by("-version").first()
    if expected_version is not None and current is not None and current.version != expected_version:
        from beacon.core.errors import EditConflict

        raise EditConflict(
            record="The minimum standards",
            changed_by=current.created_by.username if current.created_by else "someone",
            changes={"version": [expected_version, current.version]},
        )
    problems = [Problem(m, "levels") for m in validate_levels(levels)]
    problems += [Problem(m, "weights") for m in _weight_problems(weights_)]
    if problems:
        raise ValidationFailed(problems)
    policy = StandardsPolicy.objects.create(
        version=(current.version + 1) if current else 1, levels=levels, weights=weights_, created_by=actor
    )
    audit.record_create(actor, policy)
    recompute_open_cases(policy)
    return policy


def _reread_flags(cases: list[Case]) -> None:
    """The repeat and vulnerable markers of a chunk of cases from their victims' open flags and
    their incidents, as `refresh` works them out for one case (three queries a chunk)."""
    victims: dict[int, list[int]] = {}
    for case_id, person_id in CaseParty.objects.filter(
        case__in=cases, role=CaseParty.Role.VICTIM
    ).values_list("case_id", "person_id"):
        victims.setdefault(case_id, []).append(person_id)
    flags = open_flags(sorted({p for ps in victims.values() for p in ps}))
    repeat_incidents, vulnerable_incidents = set(), set()
    for case_id, repeat, vulnerable in (
        Incident.objects.filter(case_links__case__in=cases)
        .filter(Q(repeat_victim=True) | Q(vulnerable_victim=True))
        .values_list("case_links__case_id", "repeat_victim", "vulnerable_victim")
    ):
        if repeat:
            repeat_incidents.add(case_id)
        if vulnerable:
            vulnerable_incidents.add(case_id)
    for c in cases:
        views = [v for p in victims.get(c.pk, []) for v in flags.get(p, [])]
        c.repeat_victim = c.pk in repeat_incidents or any(v.kind == "repeat-victim" for v in views)
        c.vulnerable_victim = c.pk in vulnerable_incidents or any(
            v.kind.startswith("vulnerable") for v in views
        )


def recompute_open_cases(policy: StandardsPolicy | None = None, *, chunk: int = 2000) -> int:
    """Recompute every open case's due dates and base score under `policy` (the newest by default),
    in chunks; returns how many cases were updated. Derived fields only: versions stay."""
    policy = policy or current_policy()
    w = weights(policy)
    done = 0
    last_id = 0
    while True:
        cases = list(
            Case.objects.filter(status=Case.Status.OPEN, pk__gt=last_id)
            .order_by("pk")
            .only(
                "pk",
                "risk_level",
                "opened_at",
                "reopened_at",
                "last_contact_at",
                "repeat_victim",
                "vulnerable_victim",
            )[:chunk]
        )
        if not cases:
            return done
        last_id = cases[-1].pk
        reviews: dict[int, dict[str, dt.datetime]] = {}
        for row in (
            SupervisoryReview.objects.filter(case_id__in=[c.pk for c in cases])
            .values("case_id", "tier")
            .annotate(last=Max("at"))
        ):
            reviews.setdefault(row["case_id"], {})[row["tier"]] = row["last"]
        _reread_flags(cases)
        for c in cases:
            dues = compute_dues(
                policy,
                DueInputs(c.risk_level, c.opened_at, c.last_contact_at, reviews.get(c.pk, {}), c.reopened_at),
            )
            for name in DUE_FIELDS:
                setattr(c, name, dues[name])
            c.base_score = (
                int(w["risk"].get(c.risk_level, 0))
                + (int(w["repeat"]) if c.repeat_victim else 0)
                + (int(w["vulnerable"]) if c.vulnerable_victim else 0)
            )
        Case.objects.bulk_update(
            cases, [*DUE_FIELDS, "base_score", "repeat_victim", "vulnerable_victim"], batch_size=500
        )
        done += len(cases)
