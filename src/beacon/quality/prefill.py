"""What Beacon already knows about a sampled record: each fact answers one audit question yes, no or
not applicable, shown to the auditor as "From the record" to confirm or correct.

A template question names its fact in `prefill`; a fact the record type does not know leaves the
question for the auditor to answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from beacon.cases.models import Case
from beacon.incidents.models import Incident


@dataclass(frozen=True)
class Fact:
    key: str
    record_type: str
    label: str  # what Beacon looked at, in words (shown beside the pre-filled answer)
    read: Callable[[Any], str]  # "yes" | "no" | "na"


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _category(inc: Incident) -> str:
    if not inc.is_asb:
        return "na"
    return _yes(inc.asb_category_id is not None)


def _screening(inc: Incident) -> str:
    questions = (inc.screening_set.questions if inc.screening_set_id and inc.screening_set else None) or []
    if not questions:
        return "no"
    answers = inc.answers or {}
    return _yes(all(str(answers.get(q.get("key"), "")).strip() for q in questions))


def _repeat_question(inc: Incident) -> str:
    questions = (inc.screening_set.questions if inc.screening_set_id and inc.screening_set else None) or []
    keys = [
        q.get("key")
        for q in questions
        if any("repeat_victim" in flags for flags in (q.get("flags") or {}).values())
    ]
    if not keys:
        return "no"
    answers = inc.answers or {}
    return _yes(any(str(answers.get(k, "")).strip() for k in keys))


def _repeat_check(inc: Incident) -> str:
    # Beacon runs the live check (earlier contacts, repeat and vulnerable flags) on every caller or
    # victim entered on the report: shown when one of them was recorded.
    return _yes(any(p.role in ("caller", "victim") for p in inc.people.all()))


def _inbox(inc: Incident) -> Any:
    try:
        return inc.inbox_item
    except Incident.inbox_item.RelatedObjectDoesNotExist:
        return None


def _team_told(inc: Incident) -> str:
    if not inc.is_asb:
        return "na"
    return _yes(inc.notified_team_id is not None or _inbox(inc) is not None)


def _team_acknowledged(inc: Incident) -> str:
    item = _inbox(inc)
    if item is None:
        return "na"
    return _yes(item.acknowledged_at is not None)


def _crime_recorded(inc: Incident) -> str:
    if not inc.crime_disclosed:
        return "na"
    return _yes(bool(inc.crime_reference) or inc.crime_recorded is True)


def _supervised(inc: Incident) -> str:
    return _yes(inc.last_supervised_at is not None)


def _today() -> dt.date:
    return timezone.localdate()


def _first_contact(case: Case) -> str:
    if case.first_contact_due is None:
        return "na"
    if case.first_contact_at is None:
        return "na" if case.first_contact_due >= _today() else "no"
    return _yes(timezone.localdate(case.first_contact_at) <= case.first_contact_due)


def _reviews(case: Case) -> str:
    dues = [case.sergeant_review_due, case.inspector_review_due, case.chief_inspector_review_due]
    dues_known = [d for d in dues if d is not None]
    if not dues_known:
        return "na"
    return _yes(all(d >= _today() for d in dues_known))


FACTS: dict[str, Fact] = {
    f.key: f
    for f in (
        Fact(
            "category_recorded",
            "incident",
            "ASB category recorded as Personal, Nuisance or Environmental",
            _category,
        ),
        Fact("screening_answered", "incident", "every screening question has an answer", _screening),
        Fact(
            "repeat_question_asked",
            "incident",
            "the repeat-victim screening question was answered",
            _repeat_question,
        ),
        Fact(
            "repeat_check_shown",
            "incident",
            "a caller or victim was entered, so the repeat check ran",
            _repeat_check,
        ),
        Fact("team_told", "incident", "the neighbourhood team was told (placed in its inbox)", _team_told),
        Fact("team_acknowledged", "incident", "the team acknowledged it in its inbox", _team_acknowledged),
        Fact("crime_recorded", "incident", "a crime was disclosed and a crime was recorded", _crime_recorded),
        Fact("supervised", "incident", "a supervisor reviewed the incident", _supervised),
        Fact(
            "first_contact_in_standard", "case", "first contact by the day the standard set", _first_contact
        ),
        Fact("reviews_in_standard", "case", "no supervisory review is overdue", _reviews),
    )
}


def facts_for(record: Incident | Case, keys: list[str]) -> dict[str, str]:
    """The pre-filled answer of each fact in `keys` that this record's type knows."""
    kind = "case" if isinstance(record, Case) else "incident"
    out: dict[str, str] = {}
    for key in keys:
        fact = FACTS.get(key)
        if fact is not None and fact.record_type == kind:
            out[key] = fact.read(record)
    return out
