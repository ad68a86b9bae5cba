"""What the synthetic person generator (synth.py) makes and how: the evaluation contract's columns,
the rates of each kind of noise, and the true people, households and hard cases it records.

Only the standard library is used, and no Django.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

COLUMNS = ("record_id", "forename", "surname", "dob", "phone", "email", "address", "postcode", "cluster_id")

EMAIL_DOMAINS = ("example.com", "example.co.uk")
MOBILE_PREFIX = "07700900"  # + 3 digits: Ofcom's drama range for mobiles
LANDLINE_PREFIXES = ("01632960", "02079460")  # + 3 digits: the fictional 01632 area and London 020 7946 0xxx
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # inward-code letters (never C, I, K, M, O, V)


@dataclass(frozen=True)
class Rates:
    """Probabilities used by the generator. Record-level rates apply to each record independently;
    person- and household-level rates are drawn once per person or household."""

    # Missing values, per record.
    dob_missing: float = 0.60
    junior_dob_missing: float = 0.85  # the child in a same-name parent/child pair
    phone_missing: float = 0.50
    email_missing: float = 0.75
    postcode_missing: float = 0.15
    # Names, per record.
    typo_forename: float = 0.05  # one inserted, deleted, substituted or transposed character
    typo_surname: float = 0.05
    nickname: float = 0.12  # Bill for William, Liz for Elizabeth (when the name has a short form)
    spelling_variant: float = 0.10  # Muhammad for Mohammed, Steven for Stephen (when there is a variant)
    initial_only: float = 0.04  # "J Smith"
    with_middle_name: float = 0.06  # "John Robert" in the forename field (when there is a middle name)
    swap_names: float = 0.02  # forename and surname the wrong way round
    hyphen_variant: float = 0.50  # a hyphenated surname given as "Smith Jones", "SmithJones" or one half
    generation_suffix: float = 0.10  # "Jnr"/"Snr" added for a same-name parent/child pair
    name_format: float = 0.15  # case, stray spaces, apostrophes dropped
    ascii_fold: float = 0.60  # Wojcik for Wójcik (names with diacritics only)
    # Other fields, per record.
    dob_day_month_swap: float = 0.05  # only where the swapped date is valid and different
    dob_typo: float = 0.02  # a year or day off by a little
    phone_format: float = 0.60  # anything but "07700 900123": +44, 0044, brackets, no spaces, dashes
    phone_typo: float = 0.02  # two digits transposed (within the drama range)
    landline_given: float = 0.30  # the household landline given instead of a mobile, when there is one
    email_format: float = 0.05  # capitals
    partial_address: float = 0.20  # town, house number or flat left out, or only the street
    address_abbreviation: float = 0.15  # Rd, St, Ave ...
    address_format: float = 0.10  # case, commas dropped, stray spaces
    postcode_in_address: float = 0.10  # postcode repeated at the end of the address line
    postcode_format: float = 0.30  # lower case, no space, extra spaces
    postcode_outward_only: float = 0.03  # "LS6" only
    postcode_typo: float = 0.02  # letters of the inward code transposed
    # People and households.
    hyphenated_surname: float = 0.03
    marriage: float = 0.10  # women born by 1992 with 2+ records: later records under a new surname
    move: float = 0.20  # people with 2+ records: later records at a new address
    middle_name: float = 0.40
    no_mobile_elderly: float = 0.40  # born before 1945: landline only
    household_landline: float = 0.30
    shared_phone: float = 0.30  # a sibling or twin gives a parent's mobile as their own
    family_email: float = 0.15  # a household shares one email address
    similar_twin_names: float = 0.40  # Jack and Jake
    # Household kinds, per household drawn (the rest are people living alone).
    couple_household: float = 0.18
    family_household: float = 0.08  # one or two parents and 2-3 children (siblings)
    twins_household: float = 0.025
    junior_household: float = 0.02  # a father and a son with the same name
    common_name_group: float = 0.005  # 2-4 different people with one very common name in one district
    common_name_same_postcode: float = 0.50  # ... two of whom share a postcode

    def __post_init__(self) -> None:
        for f in fields(self):
            if not 0.0 <= getattr(self, f.name) <= 1.0:
                raise ValueError(f"{f.name} must be a probability, not {getattr(self, f.name)!r}")


# Records per person: most 1-3, some repeat callers with up to 8.
RECORD_COUNT_WEIGHTS = {1: 0.40, 2: 0.26, 3: 0.14, 4: 0.08, 5: 0.05, 6: 0.03, 7: 0.02, 8: 0.02}


# --------------------------------------------------------------------------------------------------
# The truth.


@dataclass(slots=True)
class Address:
    line: str  # without the town: "Flat 3, 22 Mill Lane"
    town: str
    postcode: str  # canonical: "LS6 2AB"
    district: str  # outward code: "LS6"


@dataclass(slots=True)
class Person:
    cluster_id: str
    sex: str  # "M" or "F"
    background: str
    forename: str
    middle_name: str
    surname: str  # the surname used from `surname_from` onwards
    dob: dt.date
    addresses: list[Address]  # the first; then, after a move, the second
    mobile: str  # digits only, "" for none
    landline: str
    email: str
    records: int
    earlier_surname: str = ""  # before marriage (records before `surname_from`)
    surname_from: int = 0
    move_at: int = 0  # records from this index on are at addresses[1]
    junior: bool = False
    generation: str = ""  # "Snr" or "Jnr" in a same-name parent/child pair

    @property
    def first_surname(self) -> str:
        """The surname on the person's first record (before any marriage)."""
        return self.earlier_surname or self.surname


@dataclass
class Truth:
    """What was generated: the true people (by cluster_id), the hard cases built on purpose (kind ->
    groups of cluster_ids) and the kinds of noise applied to each record (record_id -> tags)."""

    people: dict[str, Person] = field(default_factory=dict)
    hard_cases: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    record_tags: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def add_case(self, kind: str, *cluster_ids: str) -> None:
        self.hard_cases.setdefault(kind, []).append(tuple(cluster_ids))


HARD_CASE_KINDS = (
    "twins",
    "parent_child_same_name",
    "siblings",
    "common_name_same_district",
    "common_name_same_postcode",
    "married_name_change",
    "moved_house",
    "hyphenated_surname",
    "repeat_caller",  # 6+ records
)
NOISE_TAGS = (
    "typo_forename",
    "typo_surname",
    "nickname",
    "spelling_variant",
    "initial_only",
    "with_middle_name",
    "swap_names",
    "hyphen_dropped",
    "hyphen_part",
    "generation_suffix",
    "earlier_surname",
    "name_format",
    "ascii_fold",
    "moved_address",
    "dob_day_month_swap",
    "dob_typo",
    "phone_format",
    "phone_typo",
    "landline_given",
    "email_format",
    "partial_address",
    "address_abbreviation",
    "address_format",
    "postcode_in_address",
    "postcode_format",
    "postcode_outward_only",
    "postcode_typo",
)
