"""Every write of the quality domain: template versions, drawing rounds, assigning auditors,
completing audits, disputes and the registrar's decisions, correction tasks. Each is checked whole
(every problem reported, naming its field), written in one transaction and audited: a refused input
writes nothing."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from beacon.core import audit
from beacon.core.concurrency import check_version
from beacon.core.errors import PermissionRefused, Problem, ValidationFailed
from beacon.core.models import Area, User
from beacon.quality import months, sampling
from beacon.quality.models import (
    AuditAnswer,
    AuditItem,
    AuditRound,
    AuditTemplate,
    AuditTemplateVersion,
    CorrectionTask,
    RecordType,
)
from beacon.quality.prefill import FACTS
from beacon.quality.selectors import Frame, FrameRow, frames, latest_version, record_times

STRATA = ("channel", "category", "flagged")
MAX_SIZE = 5000
CODE = re.compile(r"[a-z0-9][a-z0-9-]{1,59}")
KEY = re.compile(r"[a-z][a-z0-9_]{0,59}")


# --- templates -------------------------------------------------------------------------------------


def check_questions(questions: object, record_type: str) -> list[dict[str, Any]]:
    """The questions, checked: each problem names `questions[i].field`."""
    problems: list[Problem] = []
    if not isinstance(questions, list) or not questions:
        raise ValidationFailed([Problem("Give at least one question.", "questions")])
    if len(questions) > 100:
        raise ValidationFailed([Problem("A template has at most 100 questions.", "questions")])
    clean: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, q in enumerate(questions):
        where = f"questions[{i}]"
        if not isinstance(q, Mapping):
            problems.append(Problem("Each question is an object.", where))
            continue
        key, text, kind = q.get("key"), q.get("text"), q.get("kind", "check")
        prefill, correction = q.get("prefill"), q.get("correction", "") or ""
        if not isinstance(key, str) or not KEY.fullmatch(key):
            problems.append(
                Problem("The key is lower-case letters, digits and _, e.g. team_told.", f"{where}.key")
            )
        elif key in seen:
            problems.append(Problem(f"The key {key!r} is used twice.", f"{where}.key"))
        else:
            seen.add(key)
        if not isinstance(text, str) or not text.strip() or len(text) > 500:
            problems.append(Problem("Give the question's text (up to 500 characters).", f"{where}.text"))
        if kind not in ("check", "text"):
            problems.append(
                Problem('The kind is "check" (yes, no, not applicable) or "text".', f"{where}.kind")
            )
        if prefill is not None:
            fact = FACTS.get(prefill) if isinstance(prefill, str) else None
            if fact is None or fact.record_type != record_type or kind != "check":
                known = ", ".join(k for k, f in FACTS.items() if f.record_type == record_type)
                problems.append(
                    Problem(
                        f"Pre-fill from one of: {known} (checks only), or leave it empty.", f"{where}.prefill"
                    )
                )
        if not isinstance(correction, str) or len(correction) > 500:
            problems.append(Problem("The correction is text up to 500 characters.", f"{where}.correction"))
        if not problems:
            clean.append(
                {
                    "key": key,
                    "text": str(text).strip(),
                    "kind": kind,
                    "prefill": prefill,
                    "correction": str(correction).strip(),
                }
            )
    if problems:
        raise ValidationFailed(problems)
    return clean


@transaction.atomic
def save_template(
    actor: User | None,
    code: str,
    *,
    title: str,
    questions: object,
    record_type: str = RecordType.INCIDENT,
    description: str = "",
    note: str = "",
) -> AuditTemplateVersion:
    """A new template, or the next version of one (versions are never edited; rounds keep theirs)."""
    problems: list[Problem] = []
    if not isinstance(code, str) or not CODE.fullmatch(code):
        problems.append(Problem("The code is 2 to 60 lower-case letters, digits and hyphens.", "code"))
    if not title.strip() or len(title) > 200:
        problems.append(Problem("Give a title (up to 200 characters).", "title"))
    if record_type not in RecordType.values:
        problems.append(Problem('The record type is "incident" or "case".', "record_type"))
    existing = AuditTemplate.objects.select_for_update().filter(code=code).first() if not problems else None
    if existing is not None and existing.record_type != record_type:
        problems.append(
            Problem(f"{code} audits {existing.record_type}s: a version cannot change that.", "record_type")
        )
    clean: list[dict[str, Any]] = []
    try:
        clean = check_questions(questions, record_type)
    except ValidationFailed as exc:
        problems.extend(exc.problems)
    if len(note) > 300:
        problems.append(Problem("The note is up to 300 characters.", "note"))
    if problems:
        raise ValidationFailed(problems)
    template = existing
    if template is None:
        template = AuditTemplate.objects.create(
            code=code, title=title.strip(), description=description.strip(), record_type=record_type
        )
        audit.record_create(actor, template)
        number = 1
    else:
        before = audit.snapshot(template)
        template.title, template.description = title.strip(), description.strip()
        template.save(update_fields=["title", "description"])
        audit.record_update(actor, template, before)
        number = latest_version(template).version + 1
    version = AuditTemplateVersion.objects.create(
        template=template, version=number, questions=clean, note=note.strip(), created_by=actor
    )
    audit.record_create(actor, version)
    return version


# --- drawing rounds --------------------------------------------------------------------------------


@dataclass
class Draw:
    """A sample drawn (and, if saved, its round)."""

    version: AuditTemplateVersion
    area: Area
    month: Any
    seed: int
    size: int
    population: int
    strata: list[str]
    rows: list[tuple[FrameRow, str]] = field(default_factory=list)  # (record, stratum) in draw order
    round: AuditRound | None = None

    def as_json(self) -> dict[str, Any]:
        """The command's contract: {"template", "version", "seed", "items": [{"incident": REF}]}."""
        kind = self.version.template.record_type
        return {
            "template": self.version.template.code,
            "version": self.version.version,
            "seed": self.seed,
            "items": [{kind: row.reference} for row, _s in self.rows],
        }


def parse_seed(value: object, field: str = "seed") -> int:
    """A seed: a whole number from 0 to 2^63 - 1 (given as a number or its digits)."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,19}\s*", value):
        value = int(value)
    if not isinstance(value, int) or not 0 <= value <= sampling.SEED_MAX:
        raise ValidationFailed(
            [Problem(f"{value!r} is not a seed: give a whole number from 0 to {sampling.SEED_MAX}.", field)]
        )
    return value


def _template(code: str) -> AuditTemplate | None:
    return AuditTemplate.objects.filter(code=code).first() if isinstance(code, str) else None


def _stratum(row: FrameRow, strata: Sequence[str]) -> str:
    parts = []
    for s in strata:
        if s == "channel":
            parts.append(f"channel={row.channel}")
        elif s == "category":
            parts.append(f"category={row.category or 'none'}")
        elif s == "flagged":
            parts.append("flagged" if row.flagged else "not flagged")
    return "; ".join(parts)


def _check_draw(
    template_code: str, area_code: str, month: object, size: object, seed: object, strata: Sequence[str]
) -> tuple[AuditTemplateVersion, Area, Any, int, int, list[str]]:
    problems: list[Problem] = []
    template = _template(template_code)
    version = None
    if template is None:
        problems.append(Problem(f"There is no audit template {template_code!r}.", "template"))
    else:
        version = latest_version(template)
    area = Area.objects.filter(code=area_code).first() if isinstance(area_code, str) else None
    if area is None:
        problems.append(Problem(f"There is no area {area_code!r}.", "area"))
    first = None
    try:
        first = months.parse_month(month, "month")
    except ValidationFailed as exc:
        problems.extend(exc.problems)
    number = 0
    try:
        number = parse_seed(seed)
    except ValidationFailed as exc:
        problems.extend(exc.problems)
    n = size
    if isinstance(n, str) and n.strip().isdigit():
        n = int(n)
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_SIZE:
        problems.append(Problem(f"The size is a whole number from 1 to {MAX_SIZE:,}.", "size"))
        n = 0
    bad = [s for s in strata if s not in STRATA]
    if bad or len(set(strata)) != len(strata):
        problems.append(Problem(f"Strata are chosen from {', '.join(STRATA)} (each once).", "strata"))
    if template is not None and template.record_type == RecordType.CASE and strata:
        problems.append(Problem("Cases are sampled without strata.", "strata"))
    if problems:
        raise ValidationFailed(problems)
    assert version is not None and area is not None and first is not None
    return version, area, first, int(n), number, list(strata)


def _sample(
    version: AuditTemplateVersion,
    area: Area,
    month: Any,
    size: int,
    seed: int,
    strata: list[str],
    frame: Frame,
    exclude_owner: User | None,
) -> Draw:
    rows = [r for r in frame.rows if exclude_owner is None or r.owner_id != exclude_owner.pk]
    if size > len(rows):
        whose = " (less the auditor's own records)" if exclude_owner is not None else ""
        raise ValidationFailed(
            [
                Problem(
                    f"The sample ({size:,}) is larger than the {len(rows):,} eligible records in "
                    f"{area.name} in {months.label(month)}{whose}.",
                    "size",
                )
            ]
        )
    if strata:
        picked = sampling.draw_stratified([_stratum(r, strata) for r in rows], size, seed)
        chosen = [(rows[i], s) for i, s in picked]
    else:
        chosen = [(rows[i], "") for i in sampling.draw_positions(len(rows), size, seed)]
    return Draw(version, area, month, seed, size, len(rows), strata, chosen)


def _store(actor: User | None, draw: Draw, auditor: User | None) -> AuditRound:
    rnd = AuditRound.objects.create(
        template_version=draw.version,
        area=draw.area,
        month=draw.month,
        size=draw.size,
        seed=draw.seed,
        strata=draw.strata,
        population=draw.population,
        excluded_owner=auditor,
        created_by=actor,
    )
    is_case = draw.version.template.record_type == RecordType.CASE
    times = record_times(draw.version.template.record_type, (row for row, _s in draw.rows))
    items = AuditItem.objects.bulk_create(
        [
            AuditItem(
                round=rnd,
                position=i,
                stratum=stratum,
                incident_id=None if is_case else row.pk,
                case_id=row.pk if is_case else None,
                reference=row.reference,
                owner_id=row.owner_id,
                area_id=row.area_id,
                neighbourhood_id=row.neighbourhood_id,
                record_at=times[row.pk],
                auditor=auditor,
            )
            for i, (row, stratum) in enumerate(draw.rows, start=1)
        ]
    )
    audit.record_create(actor, rnd, reason=f"{len(items)} items drawn with seed {draw.seed}")
    draw.round = rnd
    return rnd


def check_auditor(auditor: User, area_id: int) -> list[Problem]:
    if not auditor.can("quality.audit"):
        return [Problem(f"{auditor.display_name}'s role does not do audits.", "auditor")]
    if not auditor.can_see_area(area_id):
        return [Problem(f"{auditor.display_name} does not work in this area.", "auditor")]
    return []


def draw_round(
    actor: User | None,
    *,
    template: str,
    area: str,
    month: object,
    size: object,
    seed: object,
    strata: Sequence[str] = (),
    auditor: User | None = None,
    save: bool = True,
) -> Draw:
    """Draw a reproducible random sample for an area and month: the same template version, seed,
    size and strata over the same records always give the same items. Saved, it is a round (seed,
    size, strata, population and version kept) with its items; with `auditor`, their own records are
    left out and every item is theirs. All or nothing."""
    version, where, first, n, number, chosen = _check_draw(template, area, month, size, seed, strata)
    if actor is not None and not actor.can_see_area(where.pk):
        raise PermissionRefused("You may draw samples in your own areas only.")
    if auditor is not None:
        problems = check_auditor(auditor, where.pk)
        if problems:
            raise ValidationFailed(problems)
    frame = frames(version.template.record_type, first, [where.pk]).get(where.pk, Frame(where.pk, []))
    draw = _sample(version, where, first, n, number, chosen, frame, auditor)
    if save:
        with transaction.atomic():
            _store(actor, draw, auditor)
    return draw


def draw_month(
    actor: User | None, *, template: str, month: object, size: object, seed: object, save: bool = True
) -> list[Draw]:
    """A round for every area with records that month (one read of the month's records for all of
    them): each area's sample is `size` or, where the area has fewer, all its records; the seed is
    the same for every area. All or nothing."""
    areas = list(Area.objects.order_by("pk"))
    version, _a, first, n, number, chosen = _check_draw(
        template, areas[0].code if areas else "", month, size, seed, ()
    )
    found = frames(version.template.record_type, first, None)
    draws = []
    for area in areas:
        frame = found.get(area.pk)
        if frame is None or not frame.rows:
            continue
        draws.append(_sample(version, area, first, min(n, len(frame.rows)), number, chosen, frame, None))
    if save:
        with transaction.atomic(), audit.batched():
            for d in draws:
                _store(actor, d, None)
    return draws


# --- assigning auditors ----------------------------------------------------------------------------


@transaction.atomic
def assign(actor: User, rnd: AuditRound, auditor: User, item_ids: Sequence[int] | None = None) -> int:
    """Give items of a round to an auditor (none given: every item not yet assigned). An auditor may
    not audit their own records: if any chosen item is theirs, nothing is assigned."""
    problems = check_auditor(auditor, rnd.area_id)
    items = list(rnd.items.select_for_update().order_by("position"))
    if item_ids is None:
        chosen = [i for i in items if i.auditor_id is None and i.status == AuditItem.Status.TO_DO]
    else:
        wanted = set(item_ids)
        chosen = [i for i in items if i.pk in wanted]
        missing = wanted - {i.pk for i in chosen}
        if missing:
            problems.append(Problem(f"Items {sorted(missing)} are not in this round.", "items"))
    done = [i.reference for i in chosen if i.status == AuditItem.Status.DONE]
    if done:
        problems.append(Problem(f"Already audited: {', '.join(done)}.", "items"))
    own = [i.reference for i in chosen if i.owner_id == auditor.pk]
    if own:
        problems.append(
            Problem(f"{auditor.display_name} may not audit their own records: {', '.join(own)}.", "auditor")
        )
    if problems:
        raise ValidationFailed(problems)
    with audit.batched():
        for item in chosen:
            before = audit.snapshot(item)
            item.auditor = auditor
            item.version += 1
            item.save(update_fields=["auditor", "version"])
            audit.record_update(actor, item, before, reason="assigned an auditor")
    return len(chosen)


# --- completing an audit ---------------------------------------------------------------------------


def _compliant(answer: str) -> bool | None:
    return True if answer == "yes" else False if answer == "no" else None


@transaction.atomic
def complete_item(
    actor: User,
    item_id: int,
    *,
    answers: Mapping[str, Any],
    corrections: Mapping[str, str] | None = None,
    version: int | None,
    note: str = "",
) -> AuditItem:
    """The auditor's answers to every question (each check yes, no or not applicable; text free),
    with the pre-filled answers confirmed or corrected, and a correction task for the owner for any
    failed answer given one. Refused (409) when the item changed since the auditor opened it."""
    item = AuditItem.objects.select_for_update().select_related("round__template_version").get(pk=item_id)
    if item.auditor_id != actor.pk:
        raise PermissionRefused("Only the item's auditor may complete it.")
    if item.owner_id == actor.pk:
        raise PermissionRefused("You may not audit your own record.")
    check_version(item, version, f"The audit of {item.reference}")
    if item.status == AuditItem.Status.DONE:
        raise ValidationFailed([Problem("This item is already audited.", "item")])
    from beacon.quality.selectors import prefilled_answers

    questions = item.round.template_version.questions
    prefill = prefilled_answers(item)
    corrections = dict(corrections or {})
    problems: list[Problem] = []
    rows: list[AuditAnswer] = []
    keys = {q["key"] for q in questions}
    for extra in sorted(set(answers) - keys):
        problems.append(Problem(f"The template has no question {extra!r}.", f"answers.{extra}"))
    for extra in sorted(set(corrections) - keys):
        problems.append(Problem(f"The template has no question {extra!r}.", f"corrections.{extra}"))
    for q in questions:
        key = q["key"]
        given = answers.get(key)
        if q["kind"] == "text":
            text = given if isinstance(given, str) else ""
            if given is not None and not isinstance(given, str):
                problems.append(Problem("Give text.", f"answers.{key}"))
            if len(text) > 10_000:
                problems.append(Problem("Up to 10,000 characters.", f"answers.{key}"))
            rows.append(AuditAnswer(item=item, key=key, kind="text", answer="text", text=text.strip()))
            continue
        if given not in ("yes", "no", "na"):
            problems.append(Problem(f"Answer yes, no or not applicable: {q['text']}", f"answers.{key}"))
            continue
        pre = prefill.get(key, "")
        task = str(corrections.get(key) or "").strip()
        if task and given != "no":
            problems.append(
                Problem("A correction is raised only for a failed (No) answer.", f"corrections.{key}")
            )
        if len(task) > 500:
            problems.append(Problem("Up to 500 characters.", f"corrections.{key}"))
        rows.append(
            AuditAnswer(
                item=item,
                key=key,
                kind="check",
                answer=given,
                auditor_answer=given,
                prefilled=pre,
                corrected=bool(pre) and pre != given,
                compliant=_compliant(given),
            )
        )
    if len(note) > 10_000:
        problems.append(Problem("Up to 10,000 characters.", "note"))
    if problems:
        raise ValidationFailed(problems)
    before = audit.snapshot(item)
    with audit.batched():
        item.answers.all().delete()
        saved = AuditAnswer.objects.bulk_create(rows)
        if not saved or saved[0].pk is None:  # SQLite before 3.35 returns no ids: read them back
            saved = list(item.answers.all())
        audit.record_creates(actor, saved)
        by_key = {a.key: a for a in saved}
        tasks = [
            CorrectionTask(
                item=item, answer=by_key[k], owner_id=item.owner_id, action=str(t).strip(), created_by=actor
            )
            for k, t in corrections.items()
            if str(t or "").strip()
        ]
        if tasks:
            audit.record_creates(actor, CorrectionTask.objects.bulk_create(tasks))
        judged = [a.compliant for a in saved if a.compliant is not None]
        item.compliant = all(judged) if judged else None
        item.status = AuditItem.Status.DONE
        item.completed_at = timezone.now()
        item.note = note.strip()
        item.version += 1
        item.save(update_fields=["compliant", "status", "completed_at", "note", "version"])
        audit.record_update(actor, item, before, reason="audit completed")
    return item


# --- disputes --------------------------------------------------------------------------------------


@transaction.atomic
def dispute(actor: User, answer_id: int, reason: str) -> AuditAnswer:
    """The record's owner disputes a failed answer; it goes to the force crime registrar."""
    answer = AuditAnswer.objects.select_for_update().select_related("item").get(pk=answer_id)
    if answer.item.owner_id != actor.pk:
        raise PermissionRefused("Only the record's owner may dispute an answer about it.")
    problems = []
    if answer.compliant is not False:
        problems.append(Problem("Only a failed (No) answer can be disputed.", "answer"))
    if answer.dispute:
        problems.append(Problem("This answer has already been disputed.", "answer"))
    if not reason.strip():
        problems.append(Problem("Say why the answer is wrong.", "reason"))
    elif len(reason) > 2000:
        problems.append(Problem("Up to 2,000 characters.", "reason"))
    if problems:
        raise ValidationFailed(problems)
    before = audit.snapshot(answer)
    answer.dispute = AuditAnswer.Dispute.OPEN
    answer.dispute_reason = reason.strip()
    answer.disputed_by = actor
    answer.disputed_at = timezone.now()
    answer.save(update_fields=["dispute", "dispute_reason", "disputed_by", "disputed_at"])
    audit.record_update(actor, answer, before, reason="disputed by the record's owner")
    return answer


@transaction.atomic
def decide(actor: User, answer_id: int, *, agree_with_owner: bool, note: str = "") -> AuditAnswer:
    """The force crime registrar's final decision on a disputed answer. Agreeing with the owner makes
    the answer compliant (the auditor's answer is kept) and closes its correction tasks."""
    if not actor.can("quality.registrar"):
        raise PermissionRefused("Only the force crime registrar decides disputes.")
    answer = AuditAnswer.objects.select_for_update().select_related("item").get(pk=answer_id)
    if not actor.can_see_area(answer.item.area_id):
        raise PermissionRefused("You may decide disputes in your own areas only.")
    if actor.pk in (answer.item.owner_id, answer.item.auditor_id):
        raise PermissionRefused("The registrar deciding a dispute is neither the owner nor the auditor.")
    if answer.dispute != AuditAnswer.Dispute.OPEN:
        raise ValidationFailed([Problem("This answer is not waiting for a decision.", "answer")])
    if len(note) > 2000:
        raise ValidationFailed([Problem("Up to 2,000 characters.", "note")])
    before = audit.snapshot(answer)
    answer.dispute = AuditAnswer.Dispute.OVERTURNED if agree_with_owner else AuditAnswer.Dispute.UPHELD
    answer.decided_by, answer.decided_at, answer.decision_note = actor, timezone.now(), note.strip()
    if agree_with_owner:
        answer.answer, answer.compliant = "yes", True
    answer.save()
    audit.record_update(actor, answer, before, reason="the registrar's decision")
    if agree_with_owner:
        item = AuditItem.objects.select_for_update().get(pk=answer.item_id)
        item_before = audit.snapshot(item)
        judged = [c for c in item.answers.values_list("compliant", flat=True) if c is not None]
        item.compliant = all(judged) if judged else None
        item.save(update_fields=["compliant"])
        audit.record_update(actor, item, item_before, reason="the registrar's decision")
        for task in answer.corrections.filter(status=CorrectionTask.Status.OPEN):
            t_before = audit.snapshot(task)
            task.status, task.done_at, task.done_by = CorrectionTask.Status.DONE, timezone.now(), actor
            task.done_note = "Not needed: the registrar agreed with the owner."
            task.save()
            audit.record_update(actor, task, t_before)
    return answer


# --- correction tasks ------------------------------------------------------------------------------


@transaction.atomic
def complete_correction(actor: User, task_id: int, note: str = "") -> CorrectionTask:
    """The owner (or a quality manager) marks a correction done."""
    task = CorrectionTask.objects.select_for_update().select_related("item").get(pk=task_id)
    if task.owner_id != actor.pk and not (
        actor.can("quality.manage") and actor.can_see_area(task.item.area_id)
    ):
        raise PermissionRefused("Only the record's owner marks its correction done.")
    if task.status == CorrectionTask.Status.DONE:
        raise ValidationFailed([Problem("This correction is already done.", "task")])
    if len(note) > 500:
        raise ValidationFailed([Problem("Up to 500 characters.", "note")])
    before = audit.snapshot(task)
    task.status, task.done_at, task.done_by, task.done_note = (
        CorrectionTask.Status.DONE,
        timezone.now(),
        actor,
        note.strip(),
    )
    task.save()
    audit.record_update(actor, task, before, reason="correction done")
    return task
