"""The person index in the database: lookup, batch, review decisions, flags, subject access, erasure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from beacon.core.errors import PermissionRefused, ValidationFailed
from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.people import batch, services
from beacon.people.febrl import load_febrl3
from beacon.people.loading import load_records
from beacon.people.models import (
    ContactRecord,
    Person,
    PersonFlag,
    RecordMove,
    RepeatVictimRule,
    ReviewPair,
)
from beacon.people.selectors import contact_setup, lookup, subject_access

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(active_model: Any) -> list[ContactRecord]:
    """FEBRL3's first 1,500 records loaded and clustered with the trained model."""
    rows = load_febrl3()[:1500]
    records = load_records(None, rows, source="test")
    batch.run(None)
    return records


def test_lookup_finds_a_misspelt_caller_without_dob_or_phone_and_says_why(index: list[ContactRecord]) -> None:
    target = ContactRecord.objects.exclude(given_forename="").exclude(given_surname="").first()
    assert target is not None
    typo = target.given_surname[:-1] + ("x" if target.given_surname[-1] != "x" else "y")
    found = lookup(
        {"forename": target.given_forename, "surname": typo, "address": target.given_address},
        actor=None,
        reason="test call",
    )
    assert found and found[0].person_id == ContactRecord.objects.get(pk=target.pk).person_id
    why = {c.field: c for c in found[0].contributions}
    assert (
        why["name"].level == "same forename, surname close or changed by a hyphen" and why["name"].weight > 0
    )
    assert why["date of birth"].level == "missing" and why["date of birth"].weight == 0
    assert why["address"].level.startswith("same address")
    assert found[0].as_dict()["why"][0].startswith("name: same forename, surname close")
    assert AuditEvent.objects.filter(action="read", model="person", reason="test call").exists()


@pytest.mark.parametrize(
    "raw,field",
    [
        ({}, ""),
        ({"forename": "Ann", "dob": "31/02/1980"}, "dob"),
        ({"forename": "Ann", "phone": "+33 1 23 45 67 89"}, "phone"),
        ({"surname": "Lee", "postcode": "XX1"}, "postcode"),
    ],
)
def test_bad_lookups_get_a_clear_error(raw: dict[str, str], field: str, active_model: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        lookup(raw, actor=None, reason="test")
    assert exc.value.problems[0].field == field and exc.value.problems[0].message


def test_batch_keeps_person_ids_stable_across_runs(index: list[ContactRecord]) -> None:
    before = dict(ContactRecord.objects.values_list("id", "person_id"))
    result = batch.run(None)
    assert result.moved == 0
    assert dict(ContactRecord.objects.values_list("id", "person_id")) == before


def test_review_decisions_bind_later_runs_and_moves_can_be_undone(
    index: list[ContactRecord], make_user: Callable[..., User]
) -> None:
    analyst = make_user(Role.ANALYST)
    # Two records of one person: an analyst says they are different people.
    person = Person.objects.filter(records__isnull=False).annotate().order_by("id")
    pair = None
    for p in person:
        recs = list(p.records.order_by("id")[:2])
        if len(recs) == 2:
            pair = ReviewPair.objects.create(
                record_a=recs[0], record_b=recs[1], probability=0.9, model_version=1
            )
            break
    assert pair is not None
    with pytest.raises(PermissionRefused):
        services.decide_pair(make_user(Role.OFFICER), pair, same=False)
    services.decide_pair(analyst, pair, same=False, note="different dob on the PNC")
    result = batch.run(None)
    a, b = ContactRecord.objects.get(pk=pair.record_a_id), ContactRecord.objects.get(pk=pair.record_b_id)
    assert a.person_id != b.person_id
    assert result.moved >= 1
    moves = list(RecordMove.objects.filter(run_id=result.run_id))
    services.undo_moves(analyst, moves, reason="test undo")
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.person_id == b.person_id
    assert AuditEvent.objects.filter(
        model="contactrecord", action="update", reason__startswith="undo"
    ).exists()


def test_flags_vulnerable_needs_a_reason_and_repeat_victim_is_derived(
    active_model: Any, make_user: Callable[..., User]
) -> None:
    officer = make_user(Role.OFFICER)
    rec = services.add_contact(
        officer, {"forename": "Ada", "surname": "Byrne", "phone": "07700 900123"}, source="test"
    )
    person = rec.person
    with pytest.raises(ValidationFailed):
        services.add_flag(officer, person, kind="vulnerable")
    services.add_flag(
        officer, person, kind="vulnerable", reason="mental health", review_on=dt.date(2027, 1, 1)
    )
    for _ in range(2):
        services.add_contact(
            officer,
            {"forename": "Ada", "surname": "Byrne", "phone": "07700 900123"},
            source="test",
            person=person,
        )
    kinds = set(
        PersonFlag.objects.filter(person=person, ended_on__isnull=True).values_list("kind__code", flat=True)
    )
    assert kinds == {"vulnerable", "repeat-victim"}
    rv = PersonFlag.objects.get(person=person, kind__code="repeat-victim")
    assert rv.source.startswith("repeat-victim rule v") and "3 contacts" in rv.reason
    found = lookup({"forename": "Ada", "surname": "Byrne"}, actor=officer, reason="call")
    assert {f.kind for f in found[0].flags} == {"vulnerable", "repeat-victim"}
    assert next(f for f in found[0].flags if f.kind == "vulnerable").reason == "mental health"


def test_subject_access_lists_everything_and_erasure_is_audited(
    active_model: Any, make_user: Callable[..., User]
) -> None:
    admin, officer = make_user(Role.ADMIN), make_user(Role.OFFICER)
    rec = services.add_contact(
        officer, {"forename": "Cal", "surname": "Moss", "postcode": "LS1 4AP"}, source="test"
    )
    report = subject_access(rec.person, actor=admin, reason="SAR 2026/14")
    assert report["records"][0]["as_given"]["surname"] == "Moss"
    with pytest.raises(PermissionRefused):
        services.erase_record(officer, rec, reason="x")
    with pytest.raises(ValidationFailed):
        services.erase_record(admin, rec, reason=" ")
    services.erase_record(admin, rec, reason="erasure request ER-77")
    rec.refresh_from_db()
    assert rec.erased_at and rec.given_surname == "" and rec.surname is None
    ev = AuditEvent.objects.get(model="contactrecord", object_pk=str(rec.pk), action="erase")
    assert ev.reason == "erasure request ER-77" and ev.changes["given_surname"] == ["Moss", ""]
    assert lookup({"surname": "Moss", "postcode": "LS1 4AP"}, actor=admin, reason="t") == []
    assert timezone.now() >= rec.erased_at


def test_services_refuse_roles_that_may_not_end_flags_or_undo_runs(
    active_model: Any, make_user: Callable[..., User]
) -> None:
    officer = make_user(Role.OFFICER)
    rec = services.add_contact(officer, {"forename": "Bo", "surname": "Lane"}, source="test")
    flag = services.add_flag(officer, rec.person, kind="vulnerable", reason="age")
    with pytest.raises(PermissionRefused):
        services.end_flag(make_user(Role.PARTNER), flag)
    with pytest.raises(PermissionRefused):
        services.undo_moves(officer, [], reason="x")


def test_recording_a_contact_says_whether_its_person_is_new(
    active_model: Any, make_user: Callable[..., User]
) -> None:
    officer = make_user(Role.OFFICER)
    details = {"forename": "Ida", "surname": "Prowse", "phone": "07700 900321", "dob": "1971-05-06"}
    first = services.record_contact(officer, details, source="test")
    assert first.new_person and first.repeat_flag is None
    assert first.record.person.created_at is not None  # a matched person's fields load when asked for
    again = services.record_contact(officer, {**details, "forename": "Idda"}, source="test")
    assert not again.new_person and again.record.person_id == first.record.person_id
    assert again.record.person.created_at == Person.objects.get(pk=first.record.person_id).created_at
    third = services.record_contact(officer, details, source="test")
    assert third.repeat_flag is not None and third.repeat_flag.kind.code == "repeat-victim"
    assert "3 contacts" in third.repeat_flag.reason
    with pytest.raises(ValidationFailed):
        services.record_contact(officer, {"forename": "Ida", "phone": "+1 212 555 0100"}, source="test")
    assert ContactRecord.objects.count() == 3
    model, rule = contact_setup()
    assert model == active_model and model.upper_threshold == active_model.upper_threshold
    assert rule is not None and (rule.min_contacts, rule.window_days) == (3, 365)


def test_an_old_contact_for_a_new_person_does_not_count_towards_the_repeat_rule(
    make_user: Callable[..., User],
) -> None:
    RepeatVictimRule.objects.create(version=1, min_contacts=1, window_days=30)
    long_ago = timezone.now() - dt.timedelta(days=31)
    old = services.record_contact(None, {"surname": "Fenn"}, source="test", contacted_at=long_ago)
    assert old.new_person and old.repeat_flag is None  # no model yet: every contact is a new person
    recent = services.record_contact(None, {"surname": "Fenn"}, source="test")
    assert recent.new_person and recent.repeat_flag is not None
    assert recent.repeat_flag.reason == "1 contacts in 30 days"
