"""The configuration a report is taken under, read in one query.

Taking a report needs the reference items its codes name (ASB category, type heading, force
category, chosen response grade), every response grade (the rules' suggestion names one by code),
the screening question set (the newest, or the version the client names) and the newest grading
rules. Through the ORM that is six queries, each compiled afresh on every report, which costs far
more than running them. Here it is one plain `UNION ALL` over those small tables, on SQLite and
PostgreSQL alike, and nothing is cached between requests: an administrator's change (a new item, an
item retired, a new version published) applies to the very next report in every server process.

Items come back as model instances (`core.plainsql`; screening sets and grading rules with only
the fields intake reads, the rest loading on first use).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Model

from beacon.core.plainsql import instance
from beacon.incidents.models import (
    AsbCategory,
    GradingRules,
    IncidentCategory,
    ResponseGrade,
    ScreeningSet,
    TypeHeading,
)

# The lists a report names items of by code: key → (model, the model's own extra column or "").
LISTS: dict[str, tuple[type[Model], str]] = {
    "asb_category": (AsbCategory, ""),
    "type_heading": (TypeHeading, "suggests_crime"),
    "other_category": (IncidentCategory, "notifiable_crime"),
    "response_grade": (ResponseGrade, "target_minutes"),
}
ALL_GRADES = "all_grades"  # every response grade, whatever the codes asked for


@dataclass
class Configuration:
    """What `read` found: items by (list key, code), all response grades by code, the question set
    and grading rules (None when there are none)."""

    items: dict[tuple[str, str], Any] = field(default_factory=dict)
    grades: dict[str, ResponseGrade] = field(default_factory=dict)
    screening: ScreeningSet | None = None
    rules: GradingRules | None = None

    def item(self, key: str, code: str, *, historic: bool) -> Any:
        """The item of that list with that code; None when there is none, or when it is retired
        (inactive) and the report is not a historic import."""
        found = self.grades.get(code) if key == "response_grade" else self.items.get((key, code))
        if found is None or not (historic or found.active):
            return None
        return found


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _bool(column: str) -> str:
    return f"CASE WHEN {column} THEN 1 ELSE 0 END"


def read(codes: dict[str, str], *, screening_version: int | None = None) -> Configuration:
    """One query for the configuration a report needs. `codes` maps list keys (see LISTS) to the
    codes the report gives; blank codes are not looked up."""
    qn = connection.ops.quote_name
    # Every branch gives: kind, id, code, label, active, order, extra (a number), doc (JSON text).
    item = f"id, code, label, {_bool('active')}, {qn('order')}"
    parts: list[str] = []
    params: list[Any] = []
    for key, (model, extra) in LISTS.items():
        code = codes.get(key) or ""
        if key == "response_grade" or not code:
            continue  # every grade is read below
        value = _bool(qn(extra)) if extra else "NULL"
        parts.append(f"SELECT %s, {item}, {value}, NULL FROM {_table(model)} WHERE code = %s")  # noqa: S608
        params += [key, code]
    parts.append(f"SELECT %s, {item}, target_minutes, NULL FROM {_table(ResponseGrade)}")  # noqa: S608
    params.append(ALL_GRADES)
    screening, rules = _table(ScreeningSet), _table(GradingRules)
    if screening_version:
        which, params_which = "%s", [screening_version]
    else:
        which, params_which = f"(SELECT MAX(version) FROM {screening})", []  # noqa: S608
    parts.append(
        f"SELECT %s, id, NULL, NULL, NULL, version, NULL, CAST(questions AS TEXT) "  # noqa: S608
        f"FROM {screening} WHERE version = {which}"
    )
    params += ["screening", *params_which]
    parts.append(
        f"SELECT %s, id, default_grade, NULL, NULL, version, NULL, CAST(rules AS TEXT) "  # noqa: S608
        f"FROM {rules} WHERE version = (SELECT MAX(version) FROM {rules})"
    )
    params.append("grading")
    with connection.cursor() as cur:
        # Table and column names are the models' own; every value is a bound parameter.
        cur.execute(" UNION ALL ".join(parts), params)
        rows = cur.fetchall()
    found = Configuration()
    for kind, pk, code, label, active, order, extra, doc in rows:
        if kind == "screening":
            found.screening = instance(ScreeningSet, {"id": pk, "version": order, "questions": doc})
        elif kind == "grading":
            found.rules = instance(
                GradingRules, {"id": pk, "version": order, "default_grade": code, "rules": doc}
            )
        else:
            model, extra_name = LISTS["response_grade" if kind == ALL_GRADES else kind]
            values = {"id": pk, "code": code, "label": label, "active": bool(active), "order": order}
            if extra_name:
                values[extra_name] = extra if extra_name == "target_minutes" else bool(extra)
            if kind == ALL_GRADES:
                found.grades[code] = instance(ResponseGrade, values)
            else:
                found.items[(kind, code)] = instance(model, values)
    return found
