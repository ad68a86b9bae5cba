"""Writes to intake's configuration: reference lists an administrator extends, and new versions of
the screening questions, grading rules and intake settings. A published version is never changed;
each change is a new version, audited, and incidents keep the version they were taken under."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from beacon.core import audit
from beacon.core.errors import Problem, ValidationFailed
from beacon.core.models import User
from beacon.incidents.models import (
    AsbCategory,
    ClosureCode,
    GradingRules,
    IncidentCategory,
    IntakeSettings,
    ResponseGrade,
    ScreeningSet,
    TypeHeading,
)
from beacon.incidents.screening import check_questions, check_rules

# The lists an administrator may extend: key → (model, label, extra field or "").
LISTS: dict[str, tuple[Any, str, str]] = {
    "asb_category": (AsbCategory, "ASB categories", ""),
    "type_heading": (TypeHeading, "ASB type headings", "suggests_crime"),
    "other_category": (IncidentCategory, "Other incident categories", "notifiable_crime"),
    "closure_code": (ClosureCode, "Closure codes", ""),
    "response_grade": (ResponseGrade, "Response grades", "target_minutes"),
}


def _json(text: str, field: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed.one(f"Not valid JSON: {exc.msg} at line {exc.lineno}.", field) from exc


@transaction.atomic
def add_reference_item(
    actor: User, list_key: str, *, label: str, code: str = "", flag: bool = False, minutes: int | None = None
) -> Any:
    if list_key not in LISTS:
        raise ValidationFailed.one("Choose a list.", "list")
    model, _title, extra = LISTS[list_key]
    label = label.strip()
    code = slugify(code or label)[:60]
    problems: list[Problem] = []
    if not label:
        problems.append(Problem("Enter the label.", "label"))
    elif model.objects.filter(code=code).exists():
        problems.append(Problem(f"The code {code} is already in this list.", "code"))
    if extra == "target_minutes" and (minutes is None or not 1 <= minutes <= 7 * 24 * 60):
        problems.append(Problem("Enter a target time from 1 minute to 7 days (10080 minutes).", "minutes"))
    if problems:
        raise ValidationFailed(problems)
    values: dict[str, Any] = {"code": code, "label": label}
    if extra == "target_minutes":
        values["target_minutes"] = minutes
    elif extra:
        values[extra] = flag
    item = model.objects.create(**values)
    audit.record_create(actor, item)
    return item


@transaction.atomic
def set_reference_active(actor: User, list_key: str, pk: int, *, active: bool) -> Any:
    model = LISTS[list_key][0]
    item = model.objects.select_for_update().get(pk=pk)
    before = audit.snapshot(item)
    item.active = active
    item.save(update_fields=["active"])
    audit.record_update(actor, item, before)
    return item


@transaction.atomic
def publish_screening(actor: User, questions_json: str, *, note: str = "") -> ScreeningSet:
    questions = _json(questions_json, "questions")
    problems = check_questions(questions)
    if problems:
        raise ValidationFailed(problems)
    latest = ScreeningSet.objects.select_for_update().order_by("-version").first()
    if latest is not None and latest.questions == questions:
        raise ValidationFailed.one("These are the questions already in use: nothing to publish.", "questions")
    made = ScreeningSet.objects.create(
        version=(latest.version if latest else 0) + 1,
        questions=questions,
        note=note.strip(),
        created_by=actor,
    )
    audit.record_create(actor, made)
    return made


@transaction.atomic
def publish_grading(actor: User, rules_json: str, *, default_grade: str) -> GradingRules:
    rules = _json(rules_json, "rules")
    grades = set(ResponseGrade.objects.filter(active=True).values_list("code", flat=True))
    screening = ScreeningSet.objects.order_by("-version").first()
    problems = check_rules(rules, grades, screening.questions if screening else [])
    if default_grade not in grades:
        problems.append(
            Problem(f"Default grade must be one of {', '.join(sorted(grades))}.", "default_grade")
        )
    if problems:
        raise ValidationFailed(problems)
    latest = GradingRules.objects.select_for_update().order_by("-version").first()
    made = GradingRules.objects.create(
        version=(latest.version if latest else 0) + 1,
        rules=rules,
        default_grade=default_grade,
        created_by=actor,
    )
    audit.record_create(actor, made)
    return made


@transaction.atomic
def publish_settings(
    actor: User, *, history_window_days: int, nearby_metres: int, acknowledge_within_hours: int
) -> IntakeSettings:
    problems: list[Problem] = []
    if not 1 <= history_window_days <= 3650:
        problems.append(Problem("Enter a number of days from 1 to 3650.", "history_window_days"))
    if not 5 <= nearby_metres <= 2000:
        problems.append(Problem("Enter a distance from 5 to 2000 metres.", "nearby_metres"))
    if not 1 <= acknowledge_within_hours <= 24 * 14:
        problems.append(Problem("Enter a number of hours from 1 to 336.", "acknowledge_within_hours"))
    if problems:
        raise ValidationFailed(problems)
    latest = IntakeSettings.objects.select_for_update().order_by("-version").first()
    made = IntakeSettings.objects.create(
        version=(latest.version if latest else 0) + 1,
        history_window_days=history_window_days,
        nearby_metres=nearby_metres,
        acknowledge_within_hours=acknowledge_within_hours,
    )
    audit.record_create(actor, made)
    return made
