"""Every write to the person index: in a transaction, audited."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from beacon.core import audit
from beacon.core.errors import EditConflict, PermissionRefused, ValidationFailed
from beacon.core.models import User
from beacon.people.comparisons import household_levels
from beacon.people.features import Features, features
from beacon.people.models import (
    FEATURES,
    ContactRecord,
    FlagKind,
    MatchModel,
    Person,
    PersonFlag,
    RecordMove,
    RepeatVictimRule,
    ReviewPair,
)

GIVEN = ("forename", "surname", "dob", "phone", "email", "address", "postcode")
DEFAULT_FLAG_KINDS = [
    (
        "vulnerable",
        "Vulnerable",
        False,
        True,
        [
            "disability or long-term illness",
            "age",
            "mental health",
            "targeted for who they are (hate)",
            "isolated",
            "child",
            "assessed medium or high risk",
        ],
    ),
    ("repeat-victim", "Repeat victim", True, False, []),
]


def model_dir() -> Path:
    return Path(getattr(settings, "BEACON_MODEL_DIR", settings.PROJECT_DIR / "var" / "models"))


def ensure_flag_kinds() -> None:
    for code, label, derived, needs_reason, reasons in DEFAULT_FLAG_KINDS:
        FlagKind.objects.get_or_create(
            code=code,
            defaults={"label": label, "derived": derived, "needs_reason": needs_reason, "reasons": reasons},
        )


def record_kwargs(raw: dict[str, Any], *, strict: bool, normalised: Features | None = None) -> dict[str, Any]:
    f = normalised or features(raw, strict=strict)
    given = {f"given_{k}": str(raw.get(k) or "")[:300] for k in GIVEN}
    return {**given, **f.as_record_fields()}


@transaction.atomic
def add_contact(
    actor: User | None,
    raw: dict[str, Any],
    *,
    source: str,
    source_ref: str = "",
    contacted_at: dt.datetime | None = None,
    person: Person | None = None,
) -> ContactRecord:
    """Record a contact's details as given and resolve them to a person: the chosen `person`, else
    the best online match at or above the model's upper threshold, else a new person."""
    normalised = features(raw, strict=True)
    fields = record_kwargs(raw, strict=True, normalised=normalised)
    if person is None:
        person = _resolve(normalised)
    rec = ContactRecord.objects.create(
        person=person,
        source=source,
        source_ref=source_ref,
        contacted_at=contacted_at or timezone.now(),
        **fields,
    )
    audit.record_create(actor, rec)
    refresh_repeat_flag(person)
    return rec


def _resolve(normalised: Features) -> Person:
    from beacon.people.selectors import active_model, find_candidates

    model = active_model()
    if model is not None and any(normalised.values.values()):
        for c in find_candidates(normalised, limit=3, min_probability=model.upper_threshold):
            # Not on a household pair: same surname, different forename and birth date (as the batch).
            if not household_levels({x.field: x.level for x in c.contributions}):
                return Person.objects.get(pk=c.person_id)
    return Person.objects.create()


@transaction.atomic
def erase_record(actor: User, record: ContactRecord, *, reason: str) -> ContactRecord:
    """Erase a contact record's personal data, keeping a tombstone and an audited reason."""
    if not actor.can("people.erase"):
        raise PermissionRefused("Only an administrator may erase personal data.")
    if not reason.strip():
        raise ValidationFailed.one("Give the reason for erasure (e.g. the request reference).", "reason")
    record = ContactRecord.objects.select_for_update().get(pk=record.pk)
    if record.erased_at:
        raise ValidationFailed.one("This record has already been erased.", "")
    before = audit.snapshot(record)
    for name in [f.name for f in ContactRecord._meta.concrete_fields]:
        if name.startswith("given_"):
            setattr(record, name, "")
    for name in (*FEATURES, "house_no"):
        setattr(record, name, None)
    record.erased_at = timezone.now()
    record.erased_reason = reason.strip()
    record.save()
    ev = audit.record_update(actor, record, before, reason=reason.strip())
    if ev is not None:
        ev.action = "erase"
        ev.save(update_fields=["action"])
    return record


@transaction.atomic
def add_flag(
    actor: User,
    person: Person,
    *,
    kind: str,
    reason: str = "",
    source: str = "",
    review_on: dt.date | None = None,
) -> PersonFlag:
    ensure_flag_kinds()
    k = FlagKind.objects.filter(code=kind).first()
    if k is None:
        raise ValidationFailed.one(f"Unknown flag kind {kind!r}.", "kind")
    if k.derived:
        raise ValidationFailed.one(f"{k.label} is set by its rule, not by hand.", "kind")
    if k.needs_reason and not reason.strip():
        raise ValidationFailed.one(f"Give the reason for the {k.label.lower()} flag.", "reason")
    flag = PersonFlag.objects.create(
        person=person,
        kind=k,
        reason=reason.strip(),
        source=source or actor.display_name,
        review_on=review_on,
        created_by=actor,
    )
    audit.record_create(actor, flag)
    return flag


@transaction.atomic
def end_flag(actor: User | None, flag: PersonFlag, *, on: dt.date | None = None) -> PersonFlag:
    """End a flag (actor None: a rule ending its own derived flag)."""
    if actor is not None and not actor.can("people.flag"):
        raise PermissionRefused("Your role may not change flags.")
    before = audit.snapshot(flag)
    flag.ended_on = on or timezone.localdate()
    flag.save(update_fields=["ended_on"])
    audit.record_update(actor, flag, before)
    return flag


def refresh_repeat_flag(person: Person, *, today: dt.date | None = None) -> PersonFlag | None:
    """Set or end the derived repeat-victim flag by the current rule; returns the open flag if any."""
    kind = FlagKind.objects.filter(code="repeat-victim").first()
    if kind is None:
        ensure_flag_kinds()
        kind = FlagKind.objects.get(code="repeat-victim")
    rule = RepeatVictimRule.current()
    today = today or timezone.localdate()
    since = timezone.now() - dt.timedelta(days=rule.window_days)
    n = person.records.filter(contacted_at__gte=since, erased_at__isnull=True).count()
    open_flag = PersonFlag.objects.filter(person=person, kind=kind, ended_on__isnull=True).first()
    if n >= rule.min_contacts and open_flag is None:
        open_flag = PersonFlag.objects.create(
            person=person,
            kind=kind,
            reason=f"{n} contacts in {rule.window_days} days",
            source=f"repeat-victim rule v{rule.version}",
            review_on=today + dt.timedelta(days=rule.window_days),
        )
        audit.record_create(None, open_flag)
    elif n < rule.min_contacts and open_flag is not None:
        end_flag(None, open_flag, on=today)
        open_flag = None
    return open_flag


@transaction.atomic
def decide_pair(
    actor: User, pair: ReviewPair, *, same: bool, note: str = "", expected_version: int | None = None
) -> ReviewPair:
    """An analyst's decision on a pair; it binds every later batch (must-link or cannot-link)."""
    if not actor.can("people.review"):
        raise PermissionRefused("Only analysts decide whether two records are the same person.")
    pair = ReviewPair.objects.select_for_update().get(pk=pair.pk)
    if expected_version is not None and pair.version != expected_version:
        raise EditConflict(
            record=f"Review pair {pair.pk}",
            changed_by=pair.decided_by.get_username() if pair.decided_by else "someone",
            changes={"decision": ["pending", pair.decision]},
        )
    before = audit.snapshot(pair)
    pair.decision = ReviewPair.Decision.SAME if same else ReviewPair.Decision.DIFFERENT
    pair.decided_by = actor
    pair.decided_at = timezone.now()
    pair.note = note.strip()
    pair.version += 1
    pair.save()
    audit.record_update(actor, pair, before, reason=note)
    return pair


@transaction.atomic
def register_model(
    actor: User | None,
    path: Path,
    model: dict[str, Any],
    *,
    records: int,
    lower: float = 0.3,
    upper: float = 0.8,
) -> MatchModel:
    version = (MatchModel.objects.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    final = path.with_name(f"model-v{version}.json")
    if path != final:
        path.replace(final)
    sha = hashlib.sha256(final.read_bytes()).hexdigest()
    MatchModel.objects.filter(is_active=True).update(is_active=False)
    mm = MatchModel.objects.create(
        version=version,
        path=str(final),
        sha256=sha,
        records=records,
        prior=float(model["probability_two_random_records_match"]),
        lower_threshold=lower,
        upper_threshold=upper,
        is_active=True,
        trained_by=actor,
    )
    audit.record_create(actor, mm)
    return mm


@transaction.atomic
def undo_moves(actor: User | None, moves: list[RecordMove], *, reason: str) -> int:
    """Put records back where they were before a merge or split (newest first)."""
    if actor is not None and not actor.can("people.batch"):
        raise PermissionRefused("Only analysts and administrators may undo merges and splits.")
    n = 0
    for mv in sorted(moves, key=lambda m: (m.at, m.pk), reverse=True):
        if mv.undone_at:
            continue
        rec = ContactRecord.objects.select_for_update().get(pk=mv.record_id)
        before = audit.snapshot(rec)
        rec.person_id = mv.from_person_id
        rec.save(update_fields=["person"])
        audit.record_update(actor, rec, before, reason=f"undo: {reason}")
        mv.undone_at = timezone.now()
        mv.save(update_fields=["undone_at"])
        Person.objects.filter(pk=mv.from_person_id, merged_into__isnull=False).update(merged_into=None)
        n += 1
    return n
