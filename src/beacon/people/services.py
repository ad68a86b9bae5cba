"""Every write to the person index: in a transaction, audited."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from beacon.core import audit, plainsql
from beacon.core.errors import EditConflict, PermissionRefused, ValidationFailed
from beacon.core.models import User
from beacon.people.comparisons import household_levels
from beacon.people.features import Features, features, given_fields
from beacon.people.models import (
    FEATURES,
    ConfirmedDetail,
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


# Later domains keep what they derive from a person's flags up to date (cases: a case's repeat and
# vulnerable markers and its priority points) without this earlier domain importing them. Each is
# called with the person's id after a flag is set or ended.
FLAG_LISTENERS: list[Callable[[int], object]] = []


def _flags_changed(person_id: int) -> None:
    for listener in FLAG_LISTENERS:
        listener(person_id)


def model_dir() -> Path:
    return Path(getattr(settings, "BEACON_MODEL_DIR", settings.PROJECT_DIR / "var" / "models"))


def ensure_flag_kinds() -> None:
    for code, label, derived, needs_reason, reasons in DEFAULT_FLAG_KINDS:
        FlagKind.objects.get_or_create(
            code=code,
            defaults={"label": label, "derived": derived, "needs_reason": needs_reason, "reasons": reasons},
        )


def _at_most(value: str, model: type[Any], name: str, field: str | None = None) -> None:
    """Refuse (ValidationFailed naming `field`) text longer than the column it is kept in."""
    limit = getattr(model._meta.get_field(name), "max_length", None)
    if limit is not None and len(value) > limit:
        raise ValidationFailed.one(f"At most {limit} characters ({len(value)} given).", field or name)


def record_kwargs(raw: dict[str, Any], *, strict: bool, normalised: Features | None = None) -> dict[str, Any]:
    f = normalised or features(raw, strict=strict)
    return {**given_fields(raw), **f.as_record_fields()}


@dataclass
class ContactAdded:
    """A contact recorded: its record, whether its person is new (made for it just now), and the
    person's open flags once the repeat-victim rule has re-run (newest first, as `open_flags`)."""

    record: ContactRecord
    new_person: bool
    flags: list[PersonFlag]

    @property
    def repeat_flag(self) -> PersonFlag | None:
        return next((f for f in self.flags if f.kind.code == "repeat-victim" and f.ended_on is None), None)


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
    return record_contact(
        actor, raw, source=source, source_ref=source_ref, contacted_at=contacted_at, person=person
    ).record


def record_contact(
    actor: User | None,
    raw: dict[str, Any],
    *,
    source: str,
    source_ref: str = "",
    contacted_at: dt.datetime | None = None,
    person: Person | None = None,
) -> ContactAdded:
    """`add_contact`, saying also whether the person is new and what flags they carry now.

    Details that cannot be used are refused (ValidationFailed) before anything is written, so a
    caller inside a larger transaction can report them and go on; the writes themselves join the
    caller's transaction (no savepoint of their own), or make one when there is none."""
    from beacon.people.selectors import contact_setup

    normalised = features(raw, strict=True)
    fields = record_kwargs(raw, strict=True, normalised=normalised)
    with transaction.atomic(savepoint=False):
        model, rule = contact_setup()
        new_person = person is None
        if person is None:
            person, new_person = _resolve(normalised, model)
        rec = ContactRecord.objects.create(
            person=person,
            source=source,
            source_ref=source_ref,
            contacted_at=contacted_at or timezone.now(),
            **fields,
        )
        audit.record_create(actor, rec)
        _, flags = _apply_repeat_rule(person, first_record=rec if new_person else None, rule=rule)
    return ContactAdded(rec, new_person, flags)


def _resolve(normalised: Features, model: MatchModel | None) -> tuple[Person, bool]:
    """The person these details are by the active `model` (none trained yet: a new person), and
    whether it is a new one."""
    from beacon.people.selectors import find_candidates, scorer

    if model is not None and any(normalised.values.values()):
        using = scorer(model)
        for c in find_candidates(normalised, limit=3, min_probability=model.upper_threshold, using=using):
            # Not on a household pair: same surname, different forename and birth date (as the batch).
            if not household_levels({x.field: x.level for x in c.contributions}):
                return _known_person(c.person_id), False
    return Person.objects.create(), True


def _known_person(pk: int) -> Person:
    """A person the index has just returned: its id, the other fields loaded on first use."""
    return plainsql.instance(Person, {"id": pk})


@transaction.atomic
def erase_record(actor: User, record: ContactRecord, *, reason: str) -> ContactRecord:
    """Erase a contact record's personal data, keeping a tombstone and an audited reason."""
    if not actor.can("people.erase"):
        raise PermissionRefused("Only an administrator may erase personal data.")
    if not reason.strip():
        raise ValidationFailed.one("Give the reason for erasure (e.g. the request reference).", "reason")
    _at_most(reason.strip(), ContactRecord, "erased_reason", "reason")
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
    # An erased record confirms nothing: the person goes back to the rule for those details.
    for c in ConfirmedDetail.objects.filter(record=record):
        audit.record_delete(actor, c, reason=f"record {record.pk} erased")
        c.delete()
    return record


# ---------------------------------------------------------------------------------------------
# Confirming who a person is (what `selectors.known_as` shows)


def _gives(record: ContactRecord, detail: str) -> bool:
    if detail == "name":
        return bool(record.given_forename.strip() or record.given_surname.strip())
    if detail == "address":
        return bool(record.given_address.strip() or record.given_postcode.strip())
    return bool(str(getattr(record, f"given_{detail}")).strip())


def _details(details: Sequence[str]) -> list[str]:
    chosen = list(dict.fromkeys(d.strip() for d in details))
    if not chosen:
        raise ValidationFailed.one("Choose at least one detail to use.", "details")
    unknown = [d for d in chosen if d not in ConfirmedDetail.Detail.values]
    if unknown:
        names = ", ".join(ConfirmedDetail.Detail.values)
        raise ValidationFailed.one(f"Unknown detail {unknown[0]!r}: choose from {names}.", "details")
    return chosen


@transaction.atomic
def confirm_details(
    actor: User,
    person: Person,
    record: ContactRecord,
    details: Sequence[str] = ("name",),
    *,
    note: str = "",
) -> list[ConfirmedDetail]:
    """An officer confirms that the `details` (name, dob, phone, email, address — the address with
    its postcode) one of the person's records gives are the person's: from now on they are what
    every page shows for the person, whatever later calls say, until confirmed from another record,
    withdrawn, or the record is erased. Audited (a create, or an update naming the record before)."""
    if not actor.can("people.flag"):
        raise PermissionRefused("Your role may not confirm a person's details.")
    wanted = _details(details)
    note = note.strip()
    _at_most(note, ConfirmedDetail, "note")
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one confirmation at a time
    record = ContactRecord.objects.filter(pk=record.pk).first() or record
    if record.person_id != person.pk:
        raise ValidationFailed.one(
            f"Record {record.pk} is not one of person {person.pk}'s records.", "record_id"
        )
    if record.erased_at is not None:
        raise ValidationFailed.one(f"Record {record.pk} has been erased.", "record_id")
    missing = [d for d in wanted if not _gives(record, d)]
    if missing:
        label = ConfirmedDetail.Detail(missing[0]).label.lower()
        raise ValidationFailed.one(f"Record {record.pk} gives no {label}.", "details")
    now = timezone.now()
    by = actor if actor.pk else None
    out = []
    existing = {c.detail: c for c in ConfirmedDetail.objects.filter(person=person, detail__in=wanted)}
    for detail in wanted:
        c = existing.get(detail)
        if c is None:
            c = ConfirmedDetail.objects.create(
                person=person, detail=detail, record=record, confirmed_by=by, confirmed_at=now, note=note
            )
            audit.record_create(actor, c, reason=note or "details confirmed")
        else:
            before = audit.snapshot(c)
            c.record, c.confirmed_by, c.confirmed_at, c.note = record, by, now, note
            c.save()
            audit.record_update(actor, c, before, reason=note or "details confirmed")
        out.append(c)
    return out


@transaction.atomic
def withdraw_confirmation(actor: User, person: Person, details: Sequence[str], *, reason: str = "") -> int:
    """Stop using the confirmed `details`: the person is shown by the rule again (the value given
    most often). Audited; returns how many confirmations ended."""
    if not actor.can("people.flag"):
        raise PermissionRefused("Your role may not confirm a person's details.")
    wanted = _details(details)
    n = 0
    for c in ConfirmedDetail.objects.select_for_update().filter(person=person, detail__in=wanted):
        audit.record_delete(actor, c, reason=reason.strip() or "confirmation withdrawn")
        c.delete()
        n += 1
    return n


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
    _at_most(reason.strip(), PersonFlag, "reason")
    flag = PersonFlag.objects.create(
        person=person,
        kind=k,
        reason=reason.strip(),
        source=(source or actor.display_name)[:200],  # who or what set it: a label, cut to fit
        review_on=review_on,
        created_by=actor,
    )
    audit.record_create(actor, flag)
    _flags_changed(person.pk)
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
    _flags_changed(flag.person_id)
    return flag


def _repeat_kind() -> FlagKind:
    kind = FlagKind.objects.filter(code="repeat-victim").first()
    if kind is None:
        ensure_flag_kinds()
        kind = FlagKind.objects.get(code="repeat-victim")
    return kind


def refresh_repeat_flag(person: Person, *, today: dt.date | None = None) -> PersonFlag | None:
    """Set or end the derived repeat-victim flag by the current rule; returns the open flag if any."""
    return _apply_repeat_rule(person, today=today)[0]


def _apply_repeat_rule(
    person: Person,
    *,
    today: dt.date | None = None,
    first_record: ContactRecord | None = None,
    rule: RepeatVictimRule | None = None,
) -> tuple[PersonFlag | None, list[PersonFlag]]:
    """`refresh_repeat_flag`, returning also the person's open flags afterwards (newest first).

    `first_record`: the person was made just now for this record, their only one, so nothing needs
    counting or looking up (a new person has no flag yet). `rule`: the current rule, when the caller
    has read it."""
    rule = rule or RepeatVictimRule.current()
    today = today or timezone.localdate()
    since = timezone.now() - dt.timedelta(days=rule.window_days)
    if first_record is not None:
        n = int(first_record.contacted_at >= since and first_record.erased_at is None)
        flags: list[PersonFlag] = []
    else:
        n, flags = _contacts_and_flags(person.pk, since, today)
    open_flag = next((f for f in flags if f.kind.code == "repeat-victim" and f.ended_on is None), None)
    if n >= rule.min_contacts and open_flag is None:
        open_flag = PersonFlag.objects.create(
            person=person,
            kind=_repeat_kind(),
            reason=f"{n} contacts in {rule.window_days} days",
            source=f"repeat-victim rule v{rule.version}",
            review_on=today + dt.timedelta(days=rule.window_days),
        )
        audit.record_create(None, open_flag)
        _flags_changed(person.pk)
        flags = sorted([*flags, open_flag], key=_newest_first)
    elif n < rule.min_contacts and open_flag is not None:
        end_flag(None, open_flag, on=today)
        flags = [f for f in flags if f is not open_flag]
        open_flag = None
    return open_flag, flags


def _newest_first(flag: PersonFlag) -> tuple[int, int]:
    return (-flag.recorded_on.toordinal(), flag.pk)  # PersonFlag's ordering


def _contacts_and_flags(person_id: int, since: dt.datetime, today: dt.date) -> tuple[int, list[PersonFlag]]:
    """How many live contacts the person has had since `since`, and their flags open on `today`
    (not ended, or ending later), with kinds, newest first: one plain query."""
    qn = connection.ops.quote_name
    records, flags, kinds = (qn(m._meta.db_table) for m in (ContactRecord, PersonFlag, FlagKind))
    sql = (
        f"SELECT 'n', COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM {records} "  # noqa: S608 - our names, values bound
        "WHERE person_id = %s AND contacted_at >= %s AND erased_at IS NULL "
        "UNION ALL SELECT 'flag', f.id, f.kind_id, k.code, k.label, f.reason, f.source, f.recorded_on, "
        f"f.review_on, f.ended_on, f.created_by_id FROM {flags} f JOIN {kinds} k ON k.id = f.kind_id "
        "WHERE f.person_id = %s AND (f.ended_on IS NULL OR f.ended_on > %s)"
    )
    adapt = connection.ops
    params = [
        person_id,
        adapt.adapt_datetimefield_value(since),
        person_id,
        adapt.adapt_datefield_value(today),
    ]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    n, found = 0, []
    for what, pk, kind_id, code, label, reason, source, recorded, review, ended, by in rows:
        if what == "n":
            n = int(pk)
            continue
        flag = plainsql.instance(
            PersonFlag,
            {
                "id": pk,
                "person_id": person_id,
                "kind_id": kind_id,
                "reason": reason,
                "source": source,
                "recorded_on": recorded,
                "review_on": review,
                "ended_on": ended,
                "created_by_id": by,
            },
        )
        flag.kind = plainsql.instance(FlagKind, {"id": kind_id, "code": code, "label": label})
        found.append(flag)
    return n, sorted(found, key=_newest_first)


@transaction.atomic
def decide_pair(
    actor: User, pair: ReviewPair, *, same: bool, note: str = "", expected_version: int | None = None
) -> ReviewPair:
    """An analyst's decision on a pair; it binds every later batch (must-link or cannot-link)."""
    if not actor.can("people.review"):
        raise PermissionRefused("Only analysts decide whether two records are the same person.")
    _at_most(note.strip(), ReviewPair, "note")
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
