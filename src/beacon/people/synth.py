"""Synthetic UK-style person records with known truth, for evaluating the person-matching engine.

Every person is fictional. Phone numbers come only from Ofcom's drama ranges (mobiles 07700 900000-900999,
landlines 01632 960000-960999 and 020 7946 0000-0999) and email addresses only at example.com and
example.co.uk, so nothing generated can reach a real person. Postcodes follow the real format inside a few
dozen real districts, so that postcode collisions happen as they do in a force's data.

    python -m beacon.people.synth --people 50000 --seed 1 --out people.csv

Rows follow the evaluation contract (`COLUMNS`); `cluster_id` is the true person. The same `people`, `seed`
and `rates` always give the same rows. `generate_with_truth` also returns the true people, the hard cases
built on purpose (twins, a parent and child with the same name, common names in one district, ...) and,
for every record, the kinds of noise applied to it.

Only the standard library is used, and no Django, so the benchmark can run this on its own.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import itertools
import random
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from beacon.people import synth_noise as noise
from beacon.people.synth_data import (
    _ASCII_FOLD,
    _BACKGROUND_DISTRICTS,
    _COMMON_FULL_NAMES,
    _ENGLISH_FEMALE,
    _ENGLISH_MALE,
    _FLAT_BLOCKS,
    _HOUSE_NAMES,
    _LONDON_TOWNS,
    _OWN_FORENAME_SHARE,
    _OWN_FORENAMES,
    _OWN_SURNAME_SHARE,
    _OWN_SURNAMES,
    _RARE_PARTS,
    _RARE_SURNAME_SHARE,
    _SIMILAR_TWIN_NAMES,
    _SIMILAR_TWIN_NAMES_BY_BACKGROUND,
    _SURNAMES,
    BACKGROUND_WEIGHTS,
    DISTRICTS,
    NICKNAMES,
    SPELLING_VARIANTS,
    STREETS,
)
from beacon.people.synth_model import (  # noqa: F401 - re-exported: the generator's public names
    COLUMNS,
    EMAIL_DOMAINS,
    HARD_CASE_KINDS,
    LANDLINE_PREFIXES,
    MOBILE_PREFIX,
    NOISE_TAGS,
    POSTCODE_UNIT_LETTERS,
    RECORD_COUNT_WEIGHTS,
    Address,
    Person,
    Rates,
    Truth,
)

# --------------------------------------------------------------------------------------------------
# Generation.


class _Pool:
    """Weighted choice from names in order of frequency: weight 1/(rank+2)**exponent."""

    def __init__(self, names: Sequence[str], exponent: float = 0.9) -> None:
        self.names = list(dict.fromkeys(names))
        self.cum = list(itertools.accumulate(1 / (i + 2) ** exponent for i in range(len(self.names))))

    def pick(self, rng: random.Random) -> str:
        return self.names[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


def _era(year: int) -> str:
    return "old" if year < 1960 else "mid" if year < 1985 else "young"


_ENGLISH_POOLS = {
    (sex, era): _Pool(names.split(), 0.6)
    for sex, table in (("M", _ENGLISH_MALE), ("F", _ENGLISH_FEMALE))
    for era, names in table.items()
}
_OWN_POOLS = {
    (bg, sex): _Pool(names.split(), 0.7)
    for bg, (male, female) in _OWN_FORENAMES.items()
    for sex, names in (("M", male), ("F", female))
}
_RARE_FIRST, _RARE_SECOND = (parts.split() for parts in _RARE_PARTS)
_SURNAME_POOLS = {bg: _Pool(names.split(), 0.75) for bg, names in _SURNAMES.items()}
_BACKGROUNDS = list(BACKGROUND_WEIGHTS)
_BACKGROUND_CUM = list(itertools.accumulate(BACKGROUND_WEIGHTS.values()))
_RECORD_COUNTS = list(RECORD_COUNT_WEIGHTS)
_RECORD_COUNT_CUM = list(itertools.accumulate(RECORD_COUNT_WEIGHTS.values()))
_DISTRICT_CUM = list(itertools.accumulate(w for _, _, w in DISTRICTS))
_TOWNS = {code: town for code, town, _ in DISTRICTS}


class _Generator:
    def __init__(self, people: int, seed: int, rates: Rates) -> None:
        self.target = people
        self.rng = random.Random(seed)
        self.rates = rates
        self.truth = Truth()
        self.people: list[Person] = []
        self.emails: set[str] = set()
        self.used_addresses: set[tuple[str, str]] = set()
        rng = self.rng
        mobiles = [f"{MOBILE_PREFIX}{n:03d}" for n in range(1000)]
        rng.shuffle(mobiles)
        self.mobiles = itertools.cycle(mobiles)
        landlines: dict[str, list[str]] = {}
        for prefix in LANDLINE_PREFIXES:
            landlines[prefix] = [f"{prefix}{n:03d}" for n in range(1000)]
            rng.shuffle(landlines[prefix])
        self.landlines = {prefix: itertools.cycle(nums) for prefix, nums in landlines.items()}
        # About five households to a postcode; each postcode covers a run of house numbers on one street.
        total_weight = _DISTRICT_CUM[-1]
        self.postcodes: dict[str, list[tuple[str, str, int]]] = {}
        for code, _town, weight in DISTRICTS:
            # (at most 3,000: nine sectors of 400 units each hold 3,600)
            count = min(3000, max(25, round(people / 1.5 * weight / total_weight / 5)))
            streets = rng.sample(STREETS, min(len(STREETS), max(8, count // 4)))
            sectors = rng.sample(range(1, 10), min(9, 3 + count // 400))
            next_number = dict.fromkeys(streets, 1)
            seen: set[str] = set()
            units: list[tuple[str, str, int]] = []
            while len(units) < count:
                inward = f"{rng.choice(sectors)}{rng.choice(POSTCODE_UNIT_LETTERS)}"
                inward += rng.choice(POSTCODE_UNIT_LETTERS)
                if inward in seen:
                    continue
                seen.add(inward)
                street = rng.choice(streets)  # a postcode covers the next 30 house numbers on the street
                units.append((f"{code} {inward}", street, next_number[street]))
                next_number[street] += 30
            self.postcodes[code] = units

    # ---- people and households

    def run(self) -> None:
        r = self.rates
        kinds = (
            ("couple", r.couple_household),
            ("family", r.family_household),
            ("twins", r.twins_household),
            ("junior", r.junior_household),
            ("common", r.common_name_group),
        )
        while len(self.people) < self.target:
            left = self.target - len(self.people)
            roll = self.rng.random()
            chosen = "single"
            for kind, p in kinds:
                if roll < p:
                    chosen = kind
                    break
                roll -= p
            getattr(self, f"_{chosen}")(left)

    def _background(self) -> str:
        return _BACKGROUNDS[bisect.bisect(_BACKGROUND_CUM, self.rng.random() * _BACKGROUND_CUM[-1])]

    def _district(self, background: str) -> str:
        favoured = _BACKGROUND_DISTRICTS.get(background)
        if favoured and self.rng.random() < 0.6:
            return self.rng.choice(favoured)
        return DISTRICTS[bisect.bisect(_DISTRICT_CUM, self.rng.random() * _DISTRICT_CUM[-1])][0]

    def _address(self, district: str, postcode: tuple[str, str, int] | None = None) -> Address:
        """A new address in the district (at the postcode if given), not yet used by another household
        unless no fresh one is found in a few tries."""
        for _ in range(20):
            address = self._any_address(district, postcode)
            key = (address.line, address.town)
            if key not in self.used_addresses:
                break
        self.used_addresses.add(key)
        return address

    def _any_address(self, district: str, postcode: tuple[str, str, int] | None) -> Address:
        rng = self.rng
        pc, street, start = postcode or rng.choice(self.postcodes[district])
        number = str(start + rng.randrange(0, 30))
        roll = rng.random()
        if roll < 0.12:
            line = f"Flat {rng.randrange(1, 13)}, {number} {street}"
        elif roll < 0.15:
            line = f"Flat {rng.randrange(1, 40)}, {rng.choice(_FLAT_BLOCKS)}, {street}"
        elif roll < 0.17:
            line = f"{rng.choice(_HOUSE_NAMES)}, {street}"
        elif roll < 0.20:
            line = f"{number}{rng.choice('ab')} {street}"
        else:
            line = f"{number} {street}"
        return Address(line, _TOWNS[district], pc, district)

    def _dob(self, lo: int = 1930, hi: int = 2010, mode: float = 1985) -> dt.date:
        year = min(hi, max(lo, int(self.rng.triangular(lo, hi + 1, min(max(mode, lo), hi)))))
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))

    def _near(
        self,
        base: dt.date,
        lo_days: int,
        hi_days: int,
        lo_year: int = 1930,
        hi_year: int = 2010,
        room: int = 0,
    ) -> dt.date:
        """A date uniformly between base+lo_days and base+hi_days, kept within lo_year..hi_year and at
        least `room` days before the end of hi_year."""
        lo = max(base + dt.timedelta(days=lo_days), dt.date(lo_year, 1, 1))
        hi = min(base + dt.timedelta(days=hi_days), dt.date(hi_year, 12, 31) - dt.timedelta(days=room))
        if hi < lo:
            return hi
        return lo + dt.timedelta(days=self.rng.randrange((hi - lo).days + 1))

    def _forename(self, sex: str, background: str, year: int) -> str:
        own = _OWN_POOLS.get((background, sex))
        if own and self.rng.random() < _OWN_FORENAME_SHARE[background]:
            return own.pick(self.rng)
        return _ENGLISH_POOLS[(sex, _era(year))].pick(self.rng)

    def _family_surname(self, background: str) -> str:
        rng = self.rng
        if rng.random() < _RARE_SURNAME_SHARE.get(background, 0.0):
            return rng.choice(_RARE_FIRST) + rng.choice(_RARE_SECOND)
        surname = _SURNAME_POOLS[background].pick(rng)
        if rng.random() < self.rates.hyphenated_surname:
            other = _SURNAME_POOLS[background].pick(rng)
            if other != surname:
                surname = f"{surname}-{other}"
        return surname

    def _person(
        self,
        sex: str,
        background: str,
        family_surname: str,
        dob: dt.date,
        address: Address,
        landline: str = "",
        forename: str = "",
    ) -> Person:
        rng, r = self.rng, self.rates
        cid = f"p{len(self.people) + 1:06d}"
        surname = noise.gendered(family_surname, sex)
        own = not forename and background in _OWN_SURNAMES and "-" not in surname
        if own and rng.random() < _OWN_SURNAME_SHARE:
            surname = rng.choice(_OWN_SURNAMES[background][sex])
        middle = self._forename(sex, background, dob.year) if rng.random() < r.middle_name else ""
        forename = forename or self._forename(sex, background, dob.year)
        if middle == forename:
            middle = ""
        mobile = ""
        if dob.year >= 1945 or rng.random() >= r.no_mobile_elderly:
            mobile = next(self.mobiles) if dob.year <= 1998 or rng.random() < 0.8 else ""
        if not mobile and not landline:
            landline = self._landline(address)
        records = _RECORD_COUNTS[bisect.bisect(_RECORD_COUNT_CUM, rng.random() * _RECORD_COUNT_CUM[-1])]
        p = Person(
            cid, sex, background, forename, middle, surname, dob, [address], mobile, landline, "", records
        )
        if "-" in surname:
            self.truth.add_case("hyphenated_surname", cid)
        if records >= 6:
            self.truth.add_case("repeat_caller", cid)
        if records >= 2 and sex == "F" and dob.year <= 1992 and rng.random() < r.marriage:
            p.earlier_surname = surname
            while p.surname == surname:
                p.surname = noise.gendered(self._family_surname(self._background()), sex)
            p.surname_from = rng.randrange(1, records)
            self.truth.add_case("married_name_change", cid)
        if records >= 2 and rng.random() < r.move:
            district = address.district if rng.random() < 0.5 else self._district(background)
            p.addresses.append(self._address(district))
            p.move_at = rng.randrange(1, records)
            self.truth.add_case("moved_house", cid)
        p.email = self._email(p)
        self.people.append(p)
        self.truth.people[cid] = p
        return p

    def _landline(self, address: Address) -> str:
        prefix = LANDLINE_PREFIXES[1] if address.town in _LONDON_TOWNS else LANDLINE_PREFIXES[0]
        return next(self.landlines[prefix])

    def _household_landline(self, address: Address, p: float) -> str:
        return self._landline(address) if self.rng.random() < p else ""

    def _email(self, p: Person) -> str:
        rng = self.rng
        first = noise.email_part(p.forename)
        last = noise.email_part(p.earlier_surname or p.surname)
        yy = f"{p.dob.year % 100:02d}"
        n = str(rng.randrange(1, 100))
        local = rng.choice(
            (
                f"{first}.{last}",
                f"{first}{last}",
                f"{first[0]}{last}",
                f"{first[0]}.{last}{yy}",
                f"{last}.{first}",
                f"{first}_{last}{n}",
                f"{first}{yy}",
                f"{first}.{last}{n}",
            )
        )
        return self._unique_email(local)

    def _unique_email(self, local: str) -> str:
        """local@ one of the example domains, with digits added if taken: no two households share one."""
        rng = self.rng
        email = f"{local}@{rng.choice(EMAIL_DOMAINS)}"
        tries = 0
        while email in self.emails:
            tries += 1
            email = f"{local}{rng.randrange(1, 1000) + 1000 * (tries // 10)}@{rng.choice(EMAIL_DOMAINS)}"
        self.emails.add(email)
        return email

    def _share_family_email(self, members: Sequence[Person]) -> None:
        if len(members) > 1 and self.rng.random() < self.rates.family_email:
            email = self._unique_email(f"the{noise.email_part(members[0].surname)}s")
            for m in members:
                m.email = email

    def _single(self, left: int) -> None:
        bg = self._background()
        sex = self.rng.choice("MF")
        self._person(sex, bg, self._family_surname(bg), self._dob(), self._address(self._district(bg)))

    def _couple(self, left: int) -> None:
        if left < 2:
            self._single(left)
            return
        rng = self.rng
        bg = self._background()
        address = self._address(self._district(bg))
        landline = self._household_landline(address, self.rates.household_landline)
        surname = self._family_surname(bg)
        dob = self._dob(1930, 1992, 1975)
        sex = rng.choice("MF")
        first = self._person(sex, bg, surname, dob, address, landline)
        partner_sex = sex if rng.random() < 0.1 else ("F" if sex == "M" else "M")
        partner_bg = bg if rng.random() < 0.85 else self._background()
        partner_surname = surname if rng.random() < 0.7 else self._family_surname(partner_bg)
        partner_dob = self._near(dob, -2200, 2200, 1930, 1992)
        second = self._person(partner_sex, partner_bg, partner_surname, partner_dob, address, landline)
        self._share_family_email([first, second])

    def _parents(self, bg: str, surname: str, address: Address, landline: str, lo: int, hi: int) -> Person:
        """The first parent, and perhaps a second; returns the first."""
        rng = self.rng
        dob = self._dob(lo, hi, (lo + hi) / 2)
        parent = self._person(rng.choice("MF"), bg, surname, dob, address, landline)
        if rng.random() < 0.5 and len(self.people) < self.target - 2:
            other = "F" if parent.sex == "M" else "M"
            other_dob = self._near(dob, -1500, 1500, lo, hi)
            self._person(other, bg, surname, other_dob, address, landline)
        return parent

    def _children(
        self, bg: str, surname: str, address: Address, landline: str, parent: Person, n: int
    ) -> list[Person]:
        rng, r = self.rng, self.rates
        kids: list[Person] = []
        # Born 400 days to 6 years apart, the eldest when the parent was 20-38, the youngest by 2010.
        dob = self._near(parent.dob, 20 * 365, 38 * 365, room=(n - 1) * 400)
        for left in range(n - 1, -1, -1):
            kid = self._person(rng.choice("MF"), bg, surname, dob, address, landline)
            if parent.mobile and rng.random() < r.shared_phone:
                kid.mobile = parent.mobile
            kids.append(kid)
            if left:
                dob = self._near(dob, 400, 6 * 365, room=(left - 1) * 400)
        return kids

    def _family(self, left: int) -> None:
        if left < 4:
            self._single(left)
            return
        rng = self.rng
        bg = self._background()
        surname = self._family_surname(bg)
        address = self._address(self._district(bg))
        landline = self._household_landline(address, 0.6)
        parent = self._parents(bg, surname, address, landline, 1950, 1980)
        n = min(rng.randint(2, 3), self.target - len(self.people))
        kids = self._children(bg, surname, address, landline, parent, n)
        self.truth.add_case("siblings", *(k.cluster_id for k in kids))
        self._share_family_email(kids)

    def _twins(self, left: int) -> None:
        if left < 4:
            self._single(left)
            return
        rng, r = self.rng, self.rates
        bg = self._background()
        surname = self._family_surname(bg)
        address = self._address(self._district(bg))
        landline = self._household_landline(address, 0.6)
        parent = self._parents(bg, surname, address, landline, 1950, 1980)
        dob = self._near(parent.dob, 20 * 365, 38 * 365)
        if rng.random() < r.similar_twin_names:
            pairs = _SIMILAR_TWIN_NAMES_BY_BACKGROUND.get(bg, _SIMILAR_TWIN_NAMES)
            name_a, sex_a, name_b, sex_b = rng.choice(pairs)
        else:
            sex_a, sex_b = rng.choice("MF"), rng.choice("MF")
            name_a = self._forename(sex_a, bg, dob.year)
            name_b = name_a
            while name_b == name_a:
                name_b = self._forename(sex_b, bg, dob.year)
        twins = [
            self._person(sex, bg, surname, dob, address, landline, forename=name)
            for name, sex in ((name_a, sex_a), (name_b, sex_b))
        ]
        shared = parent.mobile if rng.random() < r.shared_phone else ""
        for twin in twins:
            if shared:
                twin.mobile = shared
        self.truth.add_case("twins", *(t.cluster_id for t in twins))
        self.truth.add_case("siblings", *(t.cluster_id for t in twins))
        self._share_family_email(twins)

    def _junior(self, left: int) -> None:
        if left < 3:
            self._single(left)
            return
        rng = self.rng
        bg = self._background()
        surname = self._family_surname(bg)
        address = self._address(self._district(bg))
        landline = self._household_landline(address, 0.6)
        father_dob = self._dob(1930, 1980, 1960)
        father = self._person("M", bg, surname, father_dob, address, landline)
        if rng.random() < 0.5:
            mother_dob = self._near(father_dob, -1500, 1500, 1930, 1980)
            self._person("F", bg, surname, mother_dob, address, landline)
        son_dob = self._near(father_dob, 25 * 365, 35 * 365)
        son = self._person("M", bg, father.surname, son_dob, address, landline, forename=father.forename)
        son.junior = True
        father.generation, son.generation = "Snr", "Jnr"
        if rng.random() < 0.3:
            son.middle_name = father.middle_name
        self.truth.add_case("parent_child_same_name", father.cluster_id, son.cluster_id)

    def _common(self, left: int) -> None:
        if left < 2:
            self._single(left)
            return
        rng, r = self.rng, self.rates
        forename, surname, sex, bg = rng.choice(_COMMON_FULL_NAMES)
        district = self._district(bg)
        group: list[Person] = []
        for _ in range(min(left, rng.randint(2, 4))):
            group.append(
                self._person(sex, bg, surname, self._dob(), self._address(district), forename=forename)
            )
        ids = tuple(p.cluster_id for p in group)
        self.truth.add_case("common_name_same_district", *ids)
        if rng.random() < r.common_name_same_postcode:
            first, second = group[0], group[1]
            pc = next(u for u in self.postcodes[district] if u[0] == first.addresses[0].postcode)
            second.addresses[0] = self._address(district, pc)
            self.truth.add_case("common_name_same_postcode", first.cluster_id, second.cluster_id)

    # ---- records

    def records(self) -> list[dict[str, str]]:
        raw: list[tuple[dict[str, str], tuple[str, ...]]] = []
        for p in self.people:
            for i in range(p.records):
                raw.append(self._record(p, i))
        self.rng.shuffle(raw)
        width = max(6, len(str(len(raw))))
        rows: list[dict[str, str]] = []
        for n, (row, tags) in enumerate(raw, 1):
            rid = f"r{n:0{width}d}"
            rows.append({"record_id": rid, **row})
            self.truth.record_tags[rid] = tags
        return rows

    def _record(self, p: Person, i: int) -> tuple[dict[str, str], tuple[str, ...]]:
        rng, r = self.rng, self.rates
        tags: list[str] = []

        # Names.
        forename = p.forename
        if p.earlier_surname and i < p.surname_from:
            surname = p.earlier_surname
            tags.append("earlier_surname")
        else:
            surname = p.surname
        if "-" in surname and rng.random() < r.hyphen_variant:
            a, b = surname.split("-", 1)
            roll = rng.random()
            if roll < 0.6:
                surname = f"{a}{rng.choice((' ', ''))}{b}"
                tags.append("hyphen_dropped")
            else:
                surname = a if roll < 0.85 else b
                tags.append("hyphen_part")
        roll = rng.random()
        if roll < r.initial_only:
            forename = forename[0] + rng.choice(("", "", "."))
            tags.append("initial_only")
        else:
            roll -= r.initial_only
            if roll < r.nickname and forename in NICKNAMES:
                forename = rng.choice(NICKNAMES[forename])
                tags.append("nickname")
            elif roll < r.nickname + r.spelling_variant and forename in SPELLING_VARIANTS:
                forename = rng.choice(SPELLING_VARIANTS[forename])
                tags.append("spelling_variant")
            elif p.middle_name and rng.random() < r.with_middle_name:
                forename = f"{forename} {p.middle_name}"
                tags.append("with_middle_name")
            if rng.random() < r.typo_forename:
                forename = noise.typo(rng, forename)
                tags.append("typo_forename")
        if surname in SPELLING_VARIANTS and rng.random() < r.spelling_variant:
            surname = rng.choice(SPELLING_VARIANTS[surname])
            tags.append("spelling_variant")
        if rng.random() < r.typo_surname:
            surname = noise.typo(rng, surname)
            tags.append("typo_surname")
        if p.generation and rng.random() < r.generation_suffix:
            surname = f"{surname} {p.generation}"
            tags.append("generation_suffix")
        if noise.has_diacritics(forename + surname) and rng.random() < r.ascii_fold:
            forename, surname = forename.translate(_ASCII_FOLD), surname.translate(_ASCII_FOLD)
            tags.append("ascii_fold")
        if rng.random() < r.swap_names:
            forename, surname = surname, forename
            tags.append("swap_names")
        if rng.random() < r.name_format:
            forename, surname = noise.name_format(rng, forename), noise.name_format(rng, surname)
            tags.append("name_format")

        # Date of birth.
        dob = ""
        if rng.random() >= (r.junior_dob_missing if p.junior else r.dob_missing):
            d = p.dob
            if rng.random() < r.dob_day_month_swap and d.day <= 12 and d.day != d.month:
                d = d.replace(month=d.day, day=d.month)
                tags.append("dob_day_month_swap")
            elif rng.random() < r.dob_typo:
                d = noise.dob_typo(rng, d)
                tags.append("dob_typo")
            dob = d.isoformat()

        # Phone.
        phone = ""
        if rng.random() >= r.phone_missing:
            number = p.mobile
            if p.landline and (not number or rng.random() < r.landline_given):
                number = p.landline
                tags.append("landline_given")
            if rng.random() < r.phone_typo:
                number = number[:-3] + noise.swap_two(rng, number[-3:])
                tags.append("phone_typo")
            if rng.random() < r.phone_format:
                phone = noise.phone_variant(rng, number)
                tags.append("phone_format")
            else:
                phone = noise.phone_plain(number)

        # Email.
        email = ""
        if rng.random() >= r.email_missing:
            email = p.email
            if rng.random() < r.email_format:
                email = email.upper() if rng.random() < 0.5 else email[0].upper() + email[1:]
                tags.append("email_format")

        # Address and postcode.
        if p.move_at and i >= p.move_at:
            addr = p.addresses[1]
            tags.append("moved_address")
        else:
            addr = p.addresses[0]
        address, town = addr.line, addr.town
        if rng.random() < r.partial_address:
            address, town = noise.partial_address(rng, address, town)
            tags.append("partial_address")
        if rng.random() < r.address_abbreviation:
            abbreviated = noise.abbreviate(address)
            if abbreviated != address:
                address = abbreviated
                tags.append("address_abbreviation")
        if town:
            address = f"{address}, {town}"
        postcode = ""
        if rng.random() >= r.postcode_missing:
            postcode = addr.postcode
            if rng.random() < r.postcode_typo:
                postcode = postcode[:-2] + postcode[-1] + postcode[-2]
                tags.append("postcode_typo")
            if rng.random() < r.postcode_outward_only:
                postcode = addr.district
                tags.append("postcode_outward_only")
            elif rng.random() < r.postcode_format:
                postcode = noise.postcode_variant(rng, postcode)
                tags.append("postcode_format")
        if rng.random() < r.postcode_in_address:
            address = f"{address} {addr.postcode}"
            tags.append("postcode_in_address")
        if rng.random() < r.address_format:
            address = noise.address_format(rng, address)
            tags.append("address_format")

        row = {
            "forename": forename,
            "surname": surname,
            "dob": dob,
            "phone": phone,
            "email": email,
            "address": address,
            "postcode": postcode,
            "cluster_id": p.cluster_id,
        }
        return row, tuple(tags)


# --------------------------------------------------------------------------------------------------
# API.


def generate_with_truth(
    people: int, seed: int = 0, rates: Rates | None = None
) -> tuple[list[dict[str, str]], Truth]:
    """Rows in the contract format for `people` fictional people, and the truth behind them."""
    if people < 0:
        raise ValueError("people must not be negative")
    gen = _Generator(people, seed, rates or Rates())
    gen.run()
    rows = gen.records()
    return rows, gen.truth


def generate(people: int, seed: int = 0, rates: Rates | None = None) -> list[dict[str, str]]:
    """Rows in the contract format (`COLUMNS`) for `people` fictional people; deterministic for a seed."""
    return generate_with_truth(people, seed, rates)[0]


def write_csv(path: str | Path, rows: Iterable[dict[str, str]]) -> None:
    """Write rows in the contract format, with a header, as UTF-8."""
    with Path(path).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, extrasaction="raise")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m beacon.people.synth", description="Write synthetic UK person records (fictional)."
    )
    parser.add_argument("--people", type=int, default=50_000, help="number of true people (default 50000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True, help="CSV file to write")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    rows = generate(args.people, args.seed)
    write_csv(args.out, rows)
    took = time.perf_counter() - start
    print(f"{args.people} people, {len(rows)} records -> {args.out} in {took:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
