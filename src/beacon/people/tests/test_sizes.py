"""Details of any realistic length fit the person index: every derived key is cut to its column's
width (the same for what is stored and what is looked up), names up to 200 characters are kept as
given, and longer details are refused naming the field (bulk loads keep what fits)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from beacon.core.errors import ValidationFailed
from beacon.core.roles import Role
from beacon.people import services
from beacon.people.features import GIVEN_MAX, NAME_MAX, WIDTHS, features
from beacon.people.loading import load_records
from beacon.people.models import FEATURES, ContactRecord

LONG_SURNAME = "Wolfeschlegelsteinhausenbergerdorff"  # its Metaphone code has 21 letters

# Details at the longest accepted, made to stretch each derived key: X codes as KS, so a name of
# AXBXB... has a phonetic code half as long again as itself; an address of numbers has a long
# address key.
LONGEST = {
    "forename": "A" + "XB" * ((NAME_MAX - 2) // 2) + "X",
    "surname": "Xerxes-" + "XB" * ((NAME_MAX - 8) // 2) + "X",
    "dob": "1984-03-07",
    "phone": "07700 900123",
    "email": "a" * 240 + "@example.com",
    "address": " ".join(str(n) for n in range(1, 70)) + " Acacia Avenue Leeds",
    "postcode": "LS1 5HD",
}


def test_the_widths_are_the_columns() -> None:
    for name in (*FEATURES, "house_no"):
        assert WIDTHS[name] == ContactRecord._meta.get_field(name).max_length, name
    for name, limit in GIVEN_MAX.items():
        assert limit == ContactRecord._meta.get_field(f"given_{name}").max_length, name


def test_every_derived_key_fits_its_column() -> None:
    for strict in (True, False):
        f = features(LONGEST, strict=strict)
        for name, value in f.as_record_fields().items():
            assert value is not None, name
            assert len(value) <= WIDTHS[name], (name, len(value))
        assert f.values["fn_phon"] == ("A" + "KSB" * NAME_MAX)[: WIDTHS["fn_phon"]]


@pytest.mark.django_db
def test_the_longest_details_are_recorded_whole(db: None) -> None:
    rec = services.add_contact(None, LONGEST, source="test")
    rec.refresh_from_db()
    assert rec.given_forename == LONGEST["forename"] and rec.given_surname == LONGEST["surname"]
    assert rec.given_address == LONGEST["address"] and rec.given_email == LONGEST["email"]
    assert rec.sn_phon is not None and len(rec.sn_phon) == WIDTHS["sn_phon"]


@pytest.mark.parametrize("field", sorted(GIVEN_MAX))
def test_a_detail_longer_than_kept_is_refused_naming_it(field: str) -> None:
    raw = {**LONGEST, field: LONGEST[field] + "9" * (GIVEN_MAX[field] - len(LONGEST[field]) + 1)}
    with pytest.raises(ValidationFailed) as err:
        features(raw, strict=True)
    assert field in [p.field for p in err.value.problems]
    assert f"at most {GIVEN_MAX[field]} characters" in " ".join(p.message for p in err.value.problems)


@pytest.mark.django_db
def test_a_bulk_load_keeps_what_fits_of_an_overlong_name(db: None) -> None:
    [rec] = load_records(None, [{"forename": "Ann", "surname": "S" * 250}], source="legacy")
    rec.refresh_from_db()
    assert rec.given_surname == "S" * NAME_MAX and rec.surname == "s" * NAME_MAX


@pytest.mark.django_db
def test_a_long_one_word_surname_is_found_by_the_lookup(
    active_model: Any, client_for: Callable[..., Client]
) -> None:
    details = {"forename": "Hubert", "surname": LONG_SURNAME, "dob": "1950-02-01", "postcode": "LS1 5HD"}
    rec = services.add_contact(None, details, source="incident", source_ref="INC-1")
    assert rec.sn_phon == "WLFSXLJLSTNHSNBRJRTRF"
    r = client_for(role=Role.OFFICER).get(
        "/api/v1/people/lookup", {"purpose": "call 9", "forename": "Hubert", "surname": LONG_SURNAME}
    )
    assert r.status_code == 200, r.content
    assert r.json()["candidates"][0]["person_id"] == rec.person_id
    too_long = client_for(role=Role.OFFICER).get(
        "/api/v1/people/lookup", {"purpose": "call 9", "surname": "S" * (NAME_MAX + 1)}
    )
    assert too_long.status_code == 422
    assert [e["field"] for e in too_long.json()["errors"]] == ["surname"]


@pytest.mark.django_db
def test_free_text_longer_than_its_column_is_refused_naming_the_field(
    make_user: Callable[..., Any],
) -> None:
    from beacon.people.models import PersonFlag, ReviewPair

    rec = services.add_contact(None, {"forename": "Ann", "surname": "Lee"}, source="test")
    other = services.add_contact(None, {"forename": "Anne", "surname": "Lee"}, source="test")
    officer, analyst, admin = make_user(Role.OFFICER), make_user(Role.ANALYST), make_user(Role.ADMIN)
    with pytest.raises(ValidationFailed) as err:
        services.add_flag(officer, rec.person, kind="vulnerable", reason="r" * 201)
    assert [p.field for p in err.value.problems] == ["reason"]
    assert not PersonFlag.objects.exists()
    a, b = sorted((rec, other), key=lambda r: r.pk)
    pair = ReviewPair.objects.create(record_a=a, record_b=b, probability=0.6, model_version=1)
    with pytest.raises(ValidationFailed) as err:
        services.decide_pair(analyst, pair, same=True, note="n" * 501)
    assert [p.field for p in err.value.problems] == ["note"]
    with pytest.raises(ValidationFailed) as err:
        services.erase_record(admin, rec, reason="e" * 501)
    assert [p.field for p in err.value.problems] == ["reason"]
    rec.refresh_from_db()
    assert rec.erased_at is None and rec.given_surname == "Lee"
    with pytest.raises(ValidationFailed) as err:
        load_records(None, [{"surname": "Lee"}], source="s" * 41)
    assert [p.field for p in err.value.problems] == ["source"]
    assert ContactRecord.objects.count() == 2
