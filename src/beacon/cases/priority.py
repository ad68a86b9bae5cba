"""Priority points and RAG for open cases and unresolved ASB incidents (docs/adr/0008).

The same rules twice, kept in step by the tests: as SQL expressions (so the supervisor's list is
ordered, filtered and counted in the database, on SQLite and PostgreSQL) and in Python (for the
reasons shown beside each row and for `beacon cases due`).

Cases
- score = base_score (risk level + repeat victim + vulnerable victim weights, kept on the case)
  + per_day_overdue * the days each minimum standard is overdue, summed over the standards.
- Red: any standard overdue; or High risk with no first contact yet; or score ≥ red_at.
- Amber: any standard due within due_soon_days (today included); or Medium or High risk; or
  score ≥ amber_at.
- Green: otherwise.

Incidents (open ASB incidents not already covered by an open case in the list's areas; scored
here in Python over one lean row each — an area has thousands of them, not hundreds of thousands)
- score = base + a weight per flag (repeat, vulnerable, hate, local priority) + a weight for an
  Immediate or Urgent grade + per_day_unacknowledged * days in the team's inbox past the
  acknowledgement time + per_day_unassessed * days a repeat or vulnerable victim's incident has
  waited for a risk assessment past the assessment time.
- Red: acknowledgement or assessment overdue; Amber: flagged repeat, vulnerable or hate, graded
  Immediate or Urgent, or waiting in the inbox; Green: otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case as When_,
)
from django.db.models import (
    DateField,
    Expression,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from beacon.cases.standards import STANDARD_LABELS

RED, AMBER, GREEN = 2, 1, 0
RAG_NAMES = {RED: "red", AMBER: "amber", GREEN: "green"}
RAG_LABELS = {RED: "Red", AMBER: "Amber", GREEN: "Green"}
RAG_BY_NAME = {v: k for k, v in RAG_NAMES.items()}

# The standards as the case stores them: (standard, due field, applies only while not yet met).
CASE_STANDARDS = (
    ("first_contact", "first_contact_due"),
    ("update", "update_due"),
    ("sergeant_review", "sergeant_review_due"),
    ("inspector_review", "inspector_review_due"),
    ("chief_inspector_review", "chief_inspector_review_due"),
)
TIER_OF = {
    "sergeant_review": "sergeant",
    "inspector_review": "inspector",
    "chief_inspector_review": "chief_inspector",
}


class DaysBefore(Func):
    """Whole days from the date `expression` to `day` (positive when the expression is earlier),
    on SQLite (julianday) and PostgreSQL (date subtraction)."""

    output_field = IntegerField()

    def __init__(self, expression: Any, day: dt.date) -> None:
        super().__init__(expression, Value(day, output_field=DateField()))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        expr, day = self.get_source_expressions()
        a_sql, a_params = compiler.compile(expr)
        b_sql, b_params = compiler.compile(day)
        if connection.vendor == "postgresql":
            return f"(({b_sql})::date - ({a_sql})::date)", [*b_params, *a_params]
        return f"CAST(julianday({b_sql}) - julianday({a_sql}) AS INTEGER)", [*b_params, *a_params]


def _int(v: int) -> Value:
    return Value(int(v), output_field=IntegerField())


# ---------------------------------------------------------------------------------------------
# Cases in SQL


def no_first_contact(today: dt.date) -> Q:
    """No first contact by the end of `today` (one recorded later had not been made yet)."""
    tomorrow = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min))
    return Q(first_contact_at__isnull=True) | Q(first_contact_at__gte=tomorrow)


def _pending(standard: str, due_field: str, today: dt.date) -> Q:
    """The standard still has to be met (first contact: until one is made)."""
    q = Q(**{f"{due_field}__isnull": False})
    if standard == "first_contact":
        q &= no_first_contact(today)
    return q


def annotate_cases(qs: QuerySet[Any], today: dt.date, w: dict[str, Any]) -> QuerySet[Any]:
    """Add `overdue_days`, `score` and `rag` (2 red, 1 amber, 0 green) to open cases."""
    soon = today + dt.timedelta(days=int(w["due_soon_days"]))
    overdue_terms: list[Expression] = []
    any_overdue = Q(pk__in=[])
    any_soon = Q(pk__in=[])
    for standard, due in CASE_STANDARDS:
        pending = _pending(standard, due, today)
        late = pending & Q(**{f"{due}__lt": today})
        overdue_terms.append(
            When_(When(late, then=DaysBefore(F(due), today)), default=_int(0), output_field=IntegerField())
        )
        any_overdue |= late
        any_soon |= pending & Q(**{f"{due}__lte": soon})
    total: Any = overdue_terms[0]
    for term in overdue_terms[1:]:
        total = total + term
    qs = qs.annotate(overdue_days=total)
    qs = qs.annotate(score=F("base_score") + _int(w["per_day_overdue"]) * F("overdue_days"))
    # Without anything overdue the score is the base score, so the thresholds compare that (the
    # same result as comparing the score, without repeating its expression).
    return qs.annotate(
        rag=When_(
            When(
                any_overdue
                | (Q(risk_level="high") & no_first_contact(today))
                | Q(base_score__gte=int(w["red_at"])),
                then=_int(RED),
            ),
            When(
                any_soon | Q(risk_level__in=("medium", "high")) | Q(base_score__gte=int(w["amber_at"])),
                then=_int(AMBER),
            ),
            default=_int(GREEN),
            output_field=IntegerField(),
        )
    )


# ---------------------------------------------------------------------------------------------
# Cases in Python


@dataclass
class StandardState:
    standard: str
    due: dt.date | None
    state: str  # met | overdue | due_soon | not_due
    days: int = 0  # overdue by (overdue) or due in (due_soon / not_due)

    @property
    def label(self) -> str:
        return STANDARD_LABELS[self.standard]

    def as_dict(self) -> dict[str, Any]:
        return {
            "standard": self.standard,
            "due": self.due.isoformat() if self.due else None,
            "state": self.state,
        }


@dataclass
class Evaluation:
    standards: list[StandardState]
    overdue_days: int
    score: int
    rag: int
    reasons: list[str] = field(default_factory=list)

    @property
    def rag_name(self) -> str:
        return RAG_NAMES[self.rag]

    @property
    def rag_label(self) -> str:
        return RAG_LABELS[self.rag]


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def evaluate_case(
    c: Any, today: dt.date, w: dict[str, Any], reviewed_tiers: set[str] | None = None
) -> Evaluation:
    """Each standard's state, the score, the RAG and the reasons for one case (a Case or any object
    with its fields). `reviewed_tiers`: tiers reviewed at least once (for "met"); None: unknown."""
    soon_days = int(w["due_soon_days"])
    states: list[StandardState] = []
    reasons: list[str] = []
    overdue = 0
    any_soon = False
    # A contact recorded after `today` (a report as at an earlier date) had not been made yet.
    made_first = c.first_contact_at is not None and timezone.localdate(c.first_contact_at) <= today
    for standard, due_field in CASE_STANDARDS:
        due: dt.date | None = getattr(c, due_field)
        if standard in TIER_OF and due is None:
            continue  # the level needs no review at this tier
        label = STANDARD_LABELS[standard]
        if standard == "first_contact" and made_first:
            states.append(StandardState(standard, due, "met"))
            continue
        if due is None:  # update contact before the first contact
            states.append(StandardState(standard, None, "not_due"))
            continue
        delta = (due - today).days
        if delta < 0:
            states.append(StandardState(standard, due, "overdue", -delta))
            overdue += -delta
            reasons.append(f"{label} overdue by {_days(-delta)}")
        elif delta <= soon_days:
            states.append(StandardState(standard, due, "due_soon", delta))
            any_soon = True
            reasons.append(f"{label} due {'today' if delta == 0 else 'in ' + _days(delta)}")
        else:
            done = standard == "update" or (
                reviewed_tiers is not None and TIER_OF.get(standard, "") in reviewed_tiers
            )
            states.append(StandardState(standard, due, "met" if done else "not_due", delta))
    score = int(c.base_score) + int(w["per_day_overdue"]) * overdue
    level = c.risk_level
    no_first = level == "high" and not made_first
    if level == "high":
        reasons.insert(0, "High risk" + (" with no first contact yet" if no_first else ""))
    elif level == "medium":
        reasons.insert(0, "Medium risk")
    if getattr(c, "vulnerable_victim", False):
        reasons.append("Vulnerable victim")
    if getattr(c, "repeat_victim", False):
        reasons.append("Repeat victim")
    if overdue or no_first or score >= int(w["red_at"]):
        rag = RED
        if score >= int(w["red_at"]) and not (overdue or no_first):
            reasons.append(f"Score {score} at or above {w['red_at']}")
    elif any_soon or level in ("medium", "high") or score >= int(w["amber_at"]):
        rag = AMBER
        if score >= int(w["amber_at"]) and not any_soon and level not in ("medium", "high"):
            reasons.append(f"Score {score} at or above {w['amber_at']}")
    else:
        rag = GREEN
    if not reasons:
        reasons.append("All minimum standards met")
    return Evaluation(states, overdue, score, rag, reasons)


# ---------------------------------------------------------------------------------------------
# Incidents


@dataclass
class IncidentRules:
    """What scoring an incident needs besides its own fields."""

    grade_points: dict[int, int]  # response grade id → points
    grade_labels: dict[int, str]
    w: dict[str, Any]


@dataclass(slots=True)
class IncidentFacts:
    """An unresolved incident as the list scores it: one lean row each, the day counts worked out
    in the database (`selectors.INCIDENT_FACTS`)."""

    id: int
    days_past_assessment_due: int  # whole days since its risk assessment was due (received + hours)
    repeat_victim: bool
    vulnerable_victim: bool
    hate_related: bool
    local_priority: bool
    response_grade_id: int | None
    waiting: bool  # in the team's inbox, not acknowledged
    unack_days: int  # days in the inbox past the acknowledgement time (0: not overdue)
    covered: bool = False  # an open case in the list's areas covers it (listed only while Red)
    assessment_overdue: bool = False  # the risk domain's rule (assessment due but not done)


@dataclass(slots=True)
class IncidentScore:
    facts: IncidentFacts
    score: int
    rag: int


def score_incident(x: IncidentFacts, rules: IncidentRules) -> IncidentScore:
    """The score and RAG (called for every unresolved incident in scope: kept lean)."""
    iw = rules.w["incident"]
    unassessed = max(x.days_past_assessment_due, 1) if x.assessment_overdue else 0
    score = int(iw["base"]) + rules.grade_points.get(x.response_grade_id or 0, 0)
    flags = iw["flags"]
    if x.repeat_victim:
        score += int(flags.get("repeat_victim", 0))
    if x.vulnerable_victim:
        score += int(flags.get("vulnerable_victim", 0))
    if x.hate_related:
        score += int(flags.get("hate_related", 0))
    if x.local_priority:
        score += int(flags.get("local_priority", 0))
    score += int(iw["per_day_unacknowledged"]) * x.unack_days + int(iw["per_day_unassessed"]) * unassessed
    if x.unack_days or unassessed:
        rag = RED
    elif (
        x.repeat_victim
        or x.vulnerable_victim
        or x.hate_related
        or x.waiting
        or (x.response_grade_id or 0) in rules.grade_points
    ):
        rag = AMBER
    else:
        rag = GREEN
    return IncidentScore(x, score, rag)


def incident_reasons(x: IncidentFacts, rules: IncidentRules) -> list[str]:
    """Why an incident has its RAG and score (for the rows shown)."""
    reasons: list[str] = []
    if x.unack_days:
        reasons.append(f"Not acknowledged by the team: overdue by {_days(x.unack_days)}")
    elif x.waiting:
        reasons.append("Waiting in the team's inbox")
    if x.assessment_overdue:
        reasons.append(f"Risk assessment overdue by {_days(max(x.days_past_assessment_due, 1))}")
    if x.vulnerable_victim:
        reasons.append("Vulnerable victim")
    if x.repeat_victim:
        reasons.append("Repeat victim")
    if x.hate_related:
        reasons.append("Hate related")
    if x.local_priority:
        reasons.append("Local priority")
    if (x.response_grade_id or 0) in rules.grade_points:
        reasons.append(f"Graded {rules.grade_labels.get(x.response_grade_id or 0, 'urgent')}")
    if x.covered:
        reasons.append("Part of an open case: listed here too until this is put right")
    return reasons or ["Unresolved ASB incident"]
