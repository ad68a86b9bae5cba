"""Every read of the quality domain. Incidents and cases are read through their own domains'
selectors (`sampling_frame`, `for_audit`); views of a sampled record are written to the access log."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Count, Q, QuerySet

from beacon.cases import selectors as case_selectors
from beacon.core import audit
from beacon.core.models import User
from beacon.incidents import selectors as incident_selectors
from beacon.quality import months
from beacon.quality.models import (
    AuditAnswer,
    AuditItem,
    AuditRound,
    AuditTemplate,
    AuditTemplateVersion,
    CorrectionTask,
    RecordType,
)
from beacon.quality.precision import wilson_interval
from beacon.quality.prefill import facts_for

ITEM_REASON = "quality: dip-sample audit of the record"


def latest_version(template: AuditTemplate) -> AuditTemplateVersion:
    found = template.versions.order_by("-version").first()
    if found is None:
        raise AuditTemplateVersion.DoesNotExist(f"{template.code} has no version")
    return found


def templates() -> list[tuple[AuditTemplate, AuditTemplateVersion]]:
    out = []
    for t in AuditTemplate.objects.prefetch_related("versions").order_by("title"):
        versions = sorted(t.versions.all(), key=lambda v: -v.version)
        if versions:
            out.append((t, versions[0]))
    return out


# --- the sampling frame ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FrameRow:
    pk: int
    area_id: int
    neighbourhood_id: int | None
    channel: str
    category: str | None
    flagged: bool
    owner_id: int | None
    reference: str
    at: dt.datetime | None  # incidents: read for the records drawn only (`record_times`)


@dataclass
class Frame:
    area_id: int
    rows: list[FrameRow]


def frames(record_type: str, month: dt.date, area_ids: Sequence[int] | None) -> dict[int, Frame]:
    """Each area's eligible records for the month, in primary-key order (one query for all areas):
    ASB incidents received in the month, or cases opened in it."""
    start, end = months.bounds(month)
    out: dict[int, Frame] = {}
    if record_type == RecordType.CASE:
        ids = list(area_ids) if area_ids is not None else None
        for pk, area, hood, level, spoc, ref, at in case_selectors.sampling_frame(start, end, area_ids=ids):
            frame = out.setdefault(area, Frame(area, []))
            frame.rows.append(FrameRow(pk, area, hood, level, None, False, spoc, ref, at))
        return out
    for pk, area, hood, channel, cat, flagged, owner, ref in incident_selectors.sampling_frame(
        start, end, area_ids=area_ids
    ):
        found = out.get(area)
        if found is None:
            found = out[area] = Frame(area, [])
        found.rows.append(FrameRow(pk, area, hood, channel, cat, flagged, owner, ref, None))
    return out


def record_times(record_type: str, rows: Iterable[FrameRow]) -> dict[int, dt.datetime]:
    """When each drawn record was received (incident) or opened (case)."""
    rows = list(rows)
    if record_type == RecordType.CASE:
        return {r.pk: r.at for r in rows if r.at is not None}
    return incident_selectors.received_times([r.pk for r in rows])


def population(template: AuditTemplate, area_id: int, month: dt.date) -> int:
    frame = frames(template.record_type, month, [area_id]).get(area_id)
    return len(frame.rows) if frame else 0


# --- rounds and items ------------------------------------------------------------------------------


def visible_rounds(user: User) -> QuerySet[AuditRound]:
    qs = AuditRound.objects.select_related("template_version__template", "area", "created_by")
    if not user.all_areas:
        qs = qs.filter(area_id__in=user.area_ids())
    return qs.annotate(
        item_count=Count("items"), done_count=Count("items", filter=Q(items__status=AuditItem.Status.DONE))
    ).order_by("-month", "-id")


def round_for(user: User, pk: int) -> AuditRound:
    """A round in the user's areas (AuditRound.DoesNotExist otherwise)."""
    return visible_rounds(user).get(pk=pk)


def round_items(rnd: AuditRound) -> QuerySet[AuditItem]:
    return rnd.items.select_related("auditor", "owner", "neighbourhood").order_by("position")


def work_list(user: User) -> QuerySet[AuditItem]:
    """The items assigned to this auditor in their areas, the ones still to do first."""
    qs = AuditItem.objects.filter(auditor=user).select_related(
        "round__template_version__template", "round__area", "neighbourhood"
    )
    if not user.all_areas:
        qs = qs.filter(area_id__in=user.area_ids())
    return qs.order_by("-status", "round__month", "round_id", "position")


def may_see_item(user: User, item: AuditItem) -> bool:
    if not user.can_see_area(item.area_id) and item.owner_id != user.pk:
        return False
    return bool(
        item.auditor_id == user.pk
        or item.owner_id == user.pk
        or user.can("quality.view")
        or user.can("quality.registrar")
    )


def item_for(user: User, pk: int) -> AuditItem:
    """An item the user may open (its auditor, its record's owner, or quality staff in its area);
    AuditItem.DoesNotExist otherwise."""
    item = (
        AuditItem.objects.select_related(
            "round__template_version__template", "round__area", "auditor", "owner"
        )
        .prefetch_related("answers", "corrections")
        .get(pk=pk)
    )
    if not may_see_item(user, item):
        raise AuditItem.DoesNotExist("not in the user's areas")
    return item


def record_of(item: AuditItem) -> Any:
    """The sampled incident or case, with what pre-filling reads (not access-logged: see `show_record`)."""
    if item.case_id is not None:
        return case_selectors.for_audit([item.case_id]).first()
    assert item.incident_id is not None
    return incident_selectors.for_audit([item.incident_id]).first()


def show_record(user: User, item: AuditItem) -> Any:
    """The sampled record for a person to see: the read is written to the access log."""
    record = record_of(item)
    if record is not None:
        audit.record_read(user, record, reason=f"{ITEM_REASON} {item.reference}")
    return record


def prefilled_answers(item: AuditItem, record: Any = None) -> dict[str, str]:
    """{question key: "yes" | "no" | "na"} for the questions the record answers."""
    questions = item.round.template_version.questions
    wanted = {q["key"]: q["prefill"] for q in questions if q.get("prefill")}
    if not wanted:
        return {}
    record = record if record is not None else record_of(item)
    if record is None:
        return {}
    facts = facts_for(record, list(set(wanted.values())))
    return {key: facts[fact] for key, fact in wanted.items() if fact in facts}


# --- outcomes --------------------------------------------------------------------------------------

By = Literal["force", "area", "neighbourhood", "month"]


@dataclass(frozen=True)
class Rate:
    group: str
    question: str  # a question's key, or "" for whole records (every checked answer compliant)
    label: str
    audited: int
    compliant: int
    rate: float | None
    low: float | None
    high: float | None

    def as_json(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "question": self.question or None,
            "label": self.label,
            "audited": self.audited,
            "compliant": self.compliant,
            "rate": self.rate,
            "low": self.low,
            "high": self.high,
        }


def _rate(group: str, question: str, label: str, n: int, k: int) -> Rate:
    ci = wilson_interval(k, n)
    return Rate(
        group, question, label, n, k, k / n if n else None, ci[0] if ci else None, ci[1] if ci else None
    )


def _group_expr(by: By) -> list[str]:
    return {
        "force": [],
        "area": ["item__area__name"],
        "neighbourhood": ["item__neighbourhood__name"],
        "month": ["item__round__month"],
    }[by]


def _group_label(by: By, row: dict[str, Any], prefix: str = "item__") -> str:
    if by == "force":
        return "Force"
    if by == "area":
        return str(row.get(f"{prefix}area__name") or "")
    if by == "neighbourhood":
        return str(row.get(f"{prefix}neighbourhood__name") or "No neighbourhood")
    month = row.get(f"{prefix}round__month")
    return months.label(month) if isinstance(month, dt.date) else ""


def outcomes(
    user: User,
    template: AuditTemplate,
    *,
    by: By = "force",
    first: dt.date | None = None,
    last: dt.date | None = None,
    area_id: int | None = None,
) -> list[Rate]:
    """Compliance per question and for whole records (every checked answer compliant), grouped by
    area, team (neighbourhood) or the sampled month, each with its Wilson 95% interval. Only the
    completed items of rounds in the user's areas; answers marked not applicable are left out. Two
    GROUP BY queries whatever the number of items."""
    answers = AuditAnswer.objects.filter(
        item__round__template_version__template=template,
        item__status=AuditItem.Status.DONE,
        kind="check",
        compliant__isnull=False,
    )
    items = AuditItem.objects.filter(
        round__template_version__template=template, status=AuditItem.Status.DONE, compliant__isnull=False
    )
    if not user.all_areas:
        answers = answers.filter(item__area_id__in=user.area_ids())
        items = items.filter(area_id__in=user.area_ids())
    if area_id is not None:
        answers, items = answers.filter(item__area_id=area_id), items.filter(area_id=area_id)
    if first is not None:
        answers, items = answers.filter(item__round__month__gte=first), items.filter(round__month__gte=first)
    if last is not None:
        answers, items = answers.filter(item__round__month__lte=last), items.filter(round__month__lte=last)
    labels = {q["key"]: q["text"] for v in template.versions.all() for q in v.questions}
    group = _group_expr(by)
    rows: list[Rate] = []
    per_answer = (
        answers.order_by()
        .values(*group, "key")
        .annotate(n=Count("pk"), k=Count("pk", filter=Q(compliant=True)))
    )
    item_group = [g.removeprefix("item__") for g in group]
    counted = {"n": Count("pk"), "k": Count("pk", filter=Q(compliant=True))}
    per_item: Iterable[dict[str, Any]] = (
        items.order_by().values(*item_group).annotate(**counted)
        if item_group
        else [items.aggregate(**counted)]
    )
    for r in per_item:
        if not r["n"]:
            continue
        rows.append(_rate(_group_label(by, r, ""), "", "Whole record compliant", r["n"], r["k"]))
    for r in per_answer:
        key = r["key"]
        rows.append(_rate(_group_label(by, r), key, labels.get(key, key), r["n"], r["k"]))
    order = {q: i for i, q in enumerate(labels)}
    rows.sort(key=lambda x: (x.group, -1 if not x.question else order.get(x.question, 999), x.question))
    return rows


# --- disputes and corrections ----------------------------------------------------------------------


def open_disputes(user: User) -> QuerySet[AuditAnswer]:
    qs = AuditAnswer.objects.filter(dispute=AuditAnswer.Dispute.OPEN).select_related(
        "item__round__template_version__template", "item__auditor", "disputed_by", "item__area"
    )
    if not user.all_areas:
        qs = qs.filter(item__area_id__in=user.area_ids())
    return qs.order_by("disputed_at", "id")


def corrections_for(user: User, *, open_only: bool = False) -> QuerySet[CorrectionTask]:
    """The correction tasks for the records this user owns."""
    qs = CorrectionTask.objects.filter(owner=user).select_related("item", "answer", "created_by")
    if open_only:
        qs = qs.filter(status=CorrectionTask.Status.OPEN)
    return qs.order_by("-status", "-created_at", "-id")


def question_labels(items: Iterable[AuditItem]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        for q in item.round.template_version.questions:
            out.setdefault(q["key"], q["text"])
    return out


def question_choices() -> list[tuple[str, str]]:
    """Every question key in any template version (the `question` filter of the measures)."""
    seen: dict[str, str] = {}
    for v in AuditTemplateVersion.objects.order_by("template_id", "version"):
        for q in v.questions:
            if q.get("kind", "check") == "check":
                seen[q["key"]] = q["text"]
    return sorted(seen.items())


def template_choices() -> list[tuple[str, str]]:
    return list(AuditTemplate.objects.order_by("code").values_list("code", "title"))


def answers_by_item(items: Sequence[AuditItem]) -> dict[int, list[AuditAnswer]]:
    out: dict[int, list[AuditAnswer]] = defaultdict(list)
    for a in AuditAnswer.objects.filter(item__in=list(items)).order_by("id"):
        out[a.item_id].append(a)
    return out
