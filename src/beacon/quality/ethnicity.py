"""Ethnic group as the respondent defines it: the 19 categories of the 2021 Census of England and
Wales (ONS), each within one of the five broad groups (Asian, Black, Mixed, White, Other).

The codes are the police's self-defined ethnicity codes (the Home Office "18+1" list: W1 British,
A1 Indian, …, with NS for not stated), extended by W4 for Roma, the category the 2021 Census added,
so that every ONS 2021 category has one code. Survey files and call-backs may give the code (``A1``)
or the category's name as below (``Indian``), in any case; blank, ``NS`` and ``not stated`` mean the
respondent did not say, which is kept as blank.

Figures are broken down by the 19 categories and by the five broad groups; "not stated" is shown as a
group of its own so that the analyst sees how many did not say.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EthnicGroup:
    code: str  # e.g. "A1"
    label: str  # the ONS 2021 category, e.g. "Indian"
    broad: str  # the broad group's key, e.g. "asian"


# The five broad groups: key -> (short label, the ONS 2021 name).
BROAD_GROUPS: dict[str, tuple[str, str]] = {
    "asian": ("Asian", "Asian, Asian British or Asian Welsh"),
    "black": ("Black", "Black, Black British, Black Welsh, Caribbean or African"),
    "mixed": ("Mixed", "Mixed or Multiple ethnic groups"),
    "white": ("White", "White"),
    "other": ("Other", "Other ethnic group"),
}

# The 19 categories in the ONS 2021 order.
GROUPS: tuple[EthnicGroup, ...] = (
    EthnicGroup("A3", "Bangladeshi", "asian"),
    EthnicGroup("A4", "Chinese", "asian"),
    EthnicGroup("A1", "Indian", "asian"),
    EthnicGroup("A2", "Pakistani", "asian"),
    EthnicGroup("A9", "Any other Asian background", "asian"),
    EthnicGroup("B2", "African", "black"),
    EthnicGroup("B1", "Caribbean", "black"),
    EthnicGroup("B9", "Any other Black, Black British or Caribbean background", "black"),
    EthnicGroup("M3", "White and Asian", "mixed"),
    EthnicGroup("M2", "White and Black African", "mixed"),
    EthnicGroup("M1", "White and Black Caribbean", "mixed"),
    EthnicGroup("M9", "Any other Mixed or Multiple ethnic background", "mixed"),
    EthnicGroup("W1", "English, Welsh, Scottish, Northern Irish or British", "white"),
    EthnicGroup("W2", "Irish", "white"),
    EthnicGroup("W3", "Gypsy or Irish Traveller", "white"),
    EthnicGroup("W4", "Roma", "white"),
    EthnicGroup("W9", "Any other White background", "white"),
    EthnicGroup("O2", "Arab", "other"),
    EthnicGroup("O9", "Any other ethnic group", "other"),
)

NOT_STATED = ""  # stored for "not stated" (blank, NS, "not stated" in a file)
NOT_STATED_LABEL = "Not stated"
BY_CODE: dict[str, EthnicGroup] = {g.code: g for g in GROUPS}
_NOT_STATED_WORDS = {"", "ns", "not stated", "not-stated", "prefer not to say"}
_BY_WORDS: dict[str, str] = {g.code.lower(): g.code for g in GROUPS} | {
    g.label.lower(): g.code for g in GROUPS
}

CHOICES: list[tuple[str, str]] = [(NOT_STATED, NOT_STATED_LABEL)] + [(g.code, g.label) for g in GROUPS]


def parse(text: object) -> str | None:
    """The code for what a respondent gave (a code or a category's name, any case); "" for not
    stated; None when it is neither (the caller reports the problem)."""
    if text is None:
        return NOT_STATED
    if not isinstance(text, str):
        return None
    words = " ".join(text.split()).lower()
    if words in _NOT_STATED_WORDS:
        return NOT_STATED
    return _BY_WORDS.get(words)


def broad_group(code: str) -> str:
    """The broad group's key for a category's code ("" for not stated)."""
    found = BY_CODE.get(code)
    return found.broad if found else NOT_STATED


def label(code: str) -> str:
    found = BY_CODE.get(code)
    return found.label if found else NOT_STATED_LABEL


def broad_label(key: str) -> str:
    return BROAD_GROUPS[key][0] if key in BROAD_GROUPS else NOT_STATED_LABEL


def accepted() -> str:
    """The codes, for an error message."""
    return ", ".join(g.code for g in GROUPS) + " or NS / blank for not stated"
