"""Every write of the performance domain: KPI versions, targets, commentary, evidence for findings.
Each is checked whole (every problem reported, naming its field), written in a transaction and
audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction

from beacon.core import audit
from beacon.core.errors import Problem, ValidationFailed
from beacon.core.models import User
from beacon.inspections.models import Finding
from beacon.performance.definitions import check_definition, check_target
from beacon.performance.models import Commentary, FindingEvidence, Kpi, KpiVersion, Target
from beacon.performance.places import Place
from beacon.performance.selectors import latest_version


def _slug_problem(code: str) -> list[Problem]:
    import re

    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,59}", code):
        return [
            Problem("The code is 2 to 60 lower-case letters, digits and hyphens, e.g. asb-incidents.", "code")
        ]
    return []


@transaction.atomic
def save_kpi(
    actor: User | None,
    code: str,
    *,
    name: str,
    description: str,
    owner: str,
    unit: str,
    measure: str,
    direction: str,
    filters: Mapping[str, Any] | None = None,
    note: str = "",
) -> KpiVersion:
    """A new KPI, or a new version of an existing one (versions are never edited)."""
    problems = _slug_problem(code)
    try:
        clean = check_definition(
            name=name,
            description=description,
            owner=owner,
            unit=unit,
            measure=measure,
            filters=filters or {},
            direction=direction,
        )
    except ValidationFailed as exc:
        problems.extend(exc.problems)
        clean = {}
    if problems:
        raise ValidationFailed(problems)
    kpi, created = Kpi.objects.select_for_update().get_or_create(code=code)
    number = 1 if created else latest_version(kpi).version + 1
    version = KpiVersion.objects.create(
        kpi=kpi,
        version=number,
        name=name.strip(),
        description=description.strip(),
        owner=owner.strip(),
        unit=unit,
        measure=measure,
        filters=clean,
        direction=direction,
        note=note.strip(),
        created_by=actor,
    )
    if created:
        audit.record_create(actor, kpi)
    audit.record_create(actor, version, reason=note)
    return version


@transaction.atomic
def set_target(
    actor: User | None,
    kpi: Kpi,
    place: Place,
    *,
    period: str,
    value: float,
    from_month: dt.date,
    to_month: dt.date | None = None,
    green_pct: float = 100.0,
    red_pct: float = 95.0,
    is_milestone: bool = False,
    note: str = "",
) -> Target:
    version = latest_version(kpi)
    problems: list[Problem] = []
    try:
        check_target(version.direction, period, value, green_pct, red_pct)
    except ValidationFailed as exc:
        problems.extend(exc.problems)
    if to_month is not None and to_month < from_month:
        problems.append(Problem("The last month is before the first.", "to_month"))
    if problems:
        raise ValidationFailed(problems)
    target = Target.objects.create(
        kpi=kpi,
        place_key=place.key,
        period=period,
        value=value,
        green_pct=green_pct,
        red_pct=red_pct,
        from_month=from_month.replace(day=1),
        to_month=to_month.replace(day=1) if to_month else None,
        is_milestone=is_milestone,
        note=note.strip(),
        created_by=actor,
    )
    audit.record_create(actor, target)
    return target


@transaction.atomic
def add_commentary(actor: User, kpi: Kpi, place: Place, month: dt.date, text: str) -> Commentary:
    if not text.strip():
        raise ValidationFailed([Problem("Write the commentary.", "text")])
    c = Commentary.objects.create(
        kpi=kpi, place_key=place.key, month=month.replace(day=1), text=text.strip(), author=actor
    )
    audit.record_create(actor, c)
    return c


@transaction.atomic
def link_evidence(
    actor: User, finding: Finding, kpi: Kpi, *, baseline_month: dt.date, place: Place, note: str = ""
) -> FindingEvidence:
    try:
        with transaction.atomic():
            ev = FindingEvidence.objects.create(
                finding=finding,
                kpi=kpi,
                place_key=place.key,
                baseline_month=baseline_month.replace(day=1),
                note=note.strip(),
                added_by=actor,
            )
    except IntegrityError:
        raise ValidationFailed(
            [Problem(f"{kpi.code} already evidences {finding.ref} for {place.name}.", "kpi")]
        ) from None
    audit.record_create(actor, ev)
    return ev


@transaction.atomic
def unlink_evidence(actor: User, evidence: FindingEvidence) -> None:
    audit.record_delete(actor, evidence)
    evidence.delete()
