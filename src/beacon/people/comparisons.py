"""The matching model's comparisons, written once for both engines.

Every comparison level has its SQL condition (for Splink's batch, on DuckDB or Spark) and the same
condition in Python (for the online scorer). The two must agree exactly: that is what makes the
online probability equal the batch probability (tests/test_parity.py checks thousands of pairs).
Only functions with identical results in DuckDB, Spark and Python are used: equality, length,
Jaro-Winkler (DuckDB's and rapidfuzz's agree to the bit) and Levenshtein.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rapidfuzz.distance import JaroWinkler, Levenshtein

Rec = dict[str, Any]


@dataclass(frozen=True)
class Level:
    label: str  # as people read it: "exact", "nickname", "close match" …
    sql: str
    test: Callable[[Rec, Rec], bool]
    null: bool = False


@dataclass(frozen=True)
class Comparison:
    name: str  # Splink's output column name
    label: str  # as people read it: "surname"
    levels: tuple[Level, ...]


def _null(*cols: str) -> Level:
    sql = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in cols)
    return Level("missing", sql, lambda a, b: any(a[c] is None or b[c] is None for c in cols), null=True)


def _eq(col: str, label: str = "exact") -> Level:
    # SQL's NULL = NULL is not true; nor is it here.
    return Level(label, f"{col}_l = {col}_r", lambda a, b: a[col] is not None and a[col] == b[col])


def _lev(col: str, k: int, label: str) -> Level:
    return Level(
        label, f"levenshtein({col}_l, {col}_r) <= {k}", lambda a, b: Levenshtein.distance(a[col], b[col]) <= k
    )


ELSE = Level("different", "ELSE", lambda a, b: True)


# Building blocks, each as SQL and as a null-safe Python test (in SQL a comparison with NULL is
# never true; the Python tests return False when either value is None).
def _same(a: Rec, b: Rec, col: str) -> bool:
    return a[col] is not None and a[col] == b[col]


def _jw_at(a: Rec, b: Rec, col: str, t: float) -> bool:
    return a[col] is not None and b[col] is not None and JaroWinkler.similarity(a[col], b[col]) >= t


def _f_exact(a: Rec, b: Rec) -> bool:
    return _same(a, b, "forename")


def _f_nick(a: Rec, b: Rec) -> bool:
    return _same(a, b, "fn_canon")


def _f_close(a: Rec, b: Rec) -> bool:
    return _jw_at(a, b, "forename", 0.88) or _same(a, b, "fn_phon")


def _f_init(a: Rec, b: Rec) -> bool:
    fa, fb = a["forename"], b["forename"]
    return fa is not None and fb is not None and (len(fa) == 1 or len(fb) == 1) and _same(a, b, "fn_init")


def _s_exact(a: Rec, b: Rec) -> bool:
    return _same(a, b, "surname")


def _s_part(a: Rec, b: Rec) -> bool:
    f1, l1, f2, l2 = a["sn_first"], a["sn_last"], b["sn_first"], b["sn_last"]
    return f1 is not None and f2 is not None and (f1 in (f2, l2) or l1 in (l2, f2))


def _s_close(a: Rec, b: Rec) -> bool:
    return _jw_at(a, b, "surname", 0.9) or _s_part(a, b) or _same(a, b, "sn_phon")


def _dob_swapped(a: Rec, b: Rec) -> bool:
    return a["dob_sw"] is not None and a["dob_sw"] == b["dob"]


F_EXACT, F_NICK = "forename_l = forename_r", "fn_canon_l = fn_canon_r"
F_CLOSE = "(jaro_winkler_similarity(forename_l, forename_r) >= 0.88 OR fn_phon_l = fn_phon_r)"
F_INIT = "((length(forename_l) = 1 OR length(forename_r) = 1) AND fn_init_l = fn_init_r)"
S_EXACT = "surname_l = surname_r"
S_PART = (
    "(sn_first_l = sn_first_r OR sn_last_l = sn_last_r OR sn_first_l = sn_last_r OR sn_last_l = sn_first_r)"
)
S_CLOSE = f"(jaro_winkler_similarity(surname_l, surname_r) >= 0.9 OR {S_PART} OR sn_phon_l = sn_phon_r)"

# Names are compared as a whole: agreement on the surname alone (a relative at the same address)
# is not added to disagreement on the forename as if the two were independent.
NAME = Comparison(
    "name",
    "name",
    (
        Level(
            "missing",
            "(forename_l IS NULL AND surname_l IS NULL) OR (forename_r IS NULL AND surname_r IS NULL)",
            lambda a, b: (
                (a["forename"] is None and a["surname"] is None)
                or (b["forename"] is None and b["surname"] is None)
            ),
            null=True,
        ),
        Level("exact", f"{F_EXACT} AND {S_EXACT}", lambda a, b: _f_exact(a, b) and _s_exact(a, b)),
        Level(
            "nickname or short form", f"{F_NICK} AND {S_EXACT}", lambda a, b: _f_nick(a, b) and _s_exact(a, b)
        ),
        Level(
            "forename and surname swapped",
            "forename_l = surname_r AND surname_l = forename_r",
            lambda a, b: (
                a["forename"] is not None
                and a["forename"] == b["surname"]
                and a["surname"] is not None
                and a["surname"] == b["forename"]
            ),
        ),
        Level(
            "same forename, surname close or changed by a hyphen",
            f"({F_EXACT} OR {F_NICK}) AND {S_CLOSE}",
            lambda a, b: (_f_exact(a, b) or _f_nick(a, b)) and _s_close(a, b),
        ),
        Level(
            "forename close, same surname",
            f"{F_CLOSE} AND {S_EXACT}",
            lambda a, b: _f_close(a, b) and _s_exact(a, b),
        ),
        Level(
            "initial and surname",
            f"{F_INIT} AND ({S_EXACT} OR {S_CLOSE})",
            lambda a, b: _f_init(a, b) and (_s_exact(a, b) or _s_close(a, b)),
        ),
        Level("both close", f"{F_CLOSE} AND {S_CLOSE}", lambda a, b: _f_close(a, b) and _s_close(a, b)),
        Level(
            "surname matches, forename missing",
            f"(forename_l IS NULL OR forename_r IS NULL) AND {S_EXACT}",
            lambda a, b: (a["forename"] is None or b["forename"] is None) and _s_exact(a, b),
        ),
        Level(
            "forename matches, surname missing or different",
            f"{F_EXACT} OR {F_NICK}",
            lambda a, b: _f_exact(a, b) or _f_nick(a, b),
        ),
        Level(
            "same surname, different forename",
            f"{S_EXACT} OR {S_PART}",
            lambda a, b: _s_exact(a, b) or _s_part(a, b),
        ),
        ELSE,
    ),
)

# Two records with one surname and clearly different forenames (not a nickname, an initial, a close
# spelling or a swap), whose dates of birth do not agree, are almost always two people of one
# household: the phone and address they share are the household's, so their high score is no
# evidence of one person. Measured on the synthetic file: of such pairs scoring above the upper
# threshold, 2,950 were different people and 480 the same. The batch does not join on such a pair
# (the records can still meet through others), and the online lookup does not attach a new record
# to a person on it. Where the dates of birth agree, a changed forename is more likely a recording
# error (FEBRL's duplicates) and the pair counts as usual.
HOUSEHOLD_LEVEL = "same surname, different forename"
DOB_AGREES = ("exact", "day and month swapped", "one digit different")


def household_pair(a: Rec, b: Rec) -> bool:
    """True when the names and dates of birth say two members of one household, not one person."""
    if NAME.levels[level_of(NAME, a, b)].label != HOUSEHOLD_LEVEL:
        return False
    return DOB.levels[level_of(DOB, a, b)].label not in DOB_AGREES


def household_levels(levels: dict[str, str]) -> bool:
    """`household_pair` from an explained score's levels ({comparison label: level label})."""
    return levels.get("name") == HOUSEHOLD_LEVEL and levels.get("date of birth") not in DOB_AGREES


DOB = Comparison(
    "dob",
    "date of birth",
    (
        _null("dob"),
        _eq("dob"),
        Level("day and month swapped", "dob_sw_l = dob_r", _dob_swapped),
        _lev("dob", 1, "one digit different"),
        Level(
            "same month and year",
            "substr(dob_l, 1, 7) = substr(dob_r, 1, 7)",
            lambda a, b: a["dob"][:7] == b["dob"][:7],
        ),
        Level(
            "same year",
            "substr(dob_l, 1, 4) = substr(dob_r, 1, 4)",
            lambda a, b: a["dob"][:4] == b["dob"][:4],
        ),
        ELSE,
    ),
)

# Where someone lives, compared as a whole: the same address and the same postcode are one piece
# of evidence, not two.
LOCATION = Comparison(
    "location",
    "address",
    (
        Level(
            "missing",
            "(addr_key_l IS NULL AND postcode_l IS NULL) OR (addr_key_r IS NULL AND postcode_r IS NULL)",
            lambda a, b: (
                (a["addr_key"] is None and a["postcode"] is None)
                or (b["addr_key"] is None and b["postcode"] is None)
            ),
            null=True,
        ),
        Level(
            "same address and postcode",
            "addr_key_l = addr_key_r AND postcode_l = postcode_r",
            lambda a, b: _same(a, b, "addr_key") and _same(a, b, "postcode"),
        ),
        _eq("addr_key", "same address"),
        _eq("postcode", "same postcode"),
        Level(
            "address spelt slightly differently",
            "jaro_winkler_similarity(addr_key_l, addr_key_r) >= 0.9",
            lambda a, b: _jw_at(a, b, "addr_key", 0.9),
        ),
        Level(
            "postcode one character different",
            "levenshtein(postcode_l, postcode_r) <= 1",
            lambda a, b: (
                a["postcode"] is not None
                and b["postcode"] is not None
                and Levenshtein.distance(a["postcode"], b["postcode"]) <= 1
            ),
        ),
        Level(
            "same street in the district",
            "street_l = street_r AND pc_district_l = pc_district_r",
            lambda a, b: _same(a, b, "street") and _same(a, b, "pc_district"),
        ),
        _eq("pc_sector", "same postcode sector"),
        _eq("pc_district", "same postcode district"),
        ELSE,
    ),
)

COMPARISONS: tuple[Comparison, ...] = (
    NAME,
    DOB,
    Comparison("phone", "phone", (_null("phone"), _eq("phone"), _eq("ph_tail", "last six digits"), ELSE)),
    Comparison(
        "email", "email", (_null("email"), _eq("email"), _eq("em_local", "same name, other domain"), ELSE)
    ),
    LOCATION,
)


# Blocking rules: which pairs the batch compares. The online lookup's candidate keys mirror them
# (blocking.py), so a record the batch would compare is one the lookup finds.
BLOCKING_RULES: tuple[tuple[str, ...], ...] = (
    ("fn_canon", "sn_phon"),
    ("fn_phon", "sn_phon"),
    ("sn_phon", "fn_init", "pc_district"),
    ("dob",),
    ("phone",),
    ("email",),
    ("postcode",),
    ("addr_key",),
)
# A single key shared by more records than this (a switchboard or hostel phone number, a large
# block's postcode, a house name such as 'Orchard', a common date of birth in a big index) is too
# common to block on: the records sharing it are still compared whenever another key brings them
# together. Without the cap, a million-record index has hundreds of millions of candidate pairs,
# nearly all hopeless.
COMMON_KEY_CAP = 50
CAPPED_KEYS = frozenset({"dob", "phone", "email", "postcode", "addr_key"})


def blocking_column(col: str) -> str:
    """The column a batch blocking rule joins on: capped keys use a copy that is null where the
    value is too common (see `COMMON_KEY_CAP`)."""
    return f"{col}_blk" if col in CAPPED_KEYS else col


def blocking_rule_sql(cols: tuple[str, ...]) -> str:
    if len(cols) == 1:
        c = blocking_column(cols[0])
        return f"l.{c} = r.{c}"
    return " AND ".join(f"l.{c} = r.{c}" for c in cols)


# A swapped forename and surname: l's forename sounds like r's surname and vice versa.
SWAPPED_RULE = "l.fn_phon = r.sn_phon AND l.sn_phon = r.fn_phon"

# Training: u by random sampling; m by EM over blocks that leave the other fields free to vary.
EM_BLOCKS: tuple[tuple[str, ...], ...] = (("fn_canon", "sn_phon"), ("dob",))
# Near-certain matches used to estimate the prior (probability two random records match).
DETERMINISTIC_RULES: tuple[str, ...] = (
    "l.fn_canon = r.fn_canon AND l.surname = r.surname AND l.dob = r.dob",
    "l.fn_canon = r.fn_canon AND l.surname = r.surname AND l.phone = r.phone",
    "l.fn_canon = r.fn_canon AND l.surname = r.surname AND l.addr_key = r.addr_key "
    "AND l.postcode = r.postcode",
)


def level_of(comparison: Comparison, a: Rec, b: Rec) -> int:
    """Index of the first level whose condition holds (what Splink's CASE WHEN picks)."""
    for i, level in enumerate(comparison.levels):
        if level.sql == "ELSE" or level.test(a, b):
            return i
    raise AssertionError("a comparison must end with ELSE")
