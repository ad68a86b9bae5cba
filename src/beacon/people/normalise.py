"""Normalised forms of the details on a contact record, for the person index and matching.

Every contact record keeps the details exactly as given; these functions make the forms that are
compared: folded text, cleaned names and their nickname groups, a phonetic code, UK phone numbers
in E.164, canonical postcodes, address tokens and keys, e-mail addresses and dates of birth.

Pure Python (no Django), small functions, and fast: they run on a million records in a batch and
on every keystroke of the call-taking form, so the costly ones are cached with ``lru_cache``
behind a typed public function. Functions that can reject their input raise a ``ValueError``
subclass (``PhoneError``, ``PostcodeError``, ``EmailError``, ``DobError``) whose message quotes
the input and says what is wrong, fit to show to the person who typed it. Blank input (``None``,
``""`` or spaces) is never an error: it normalises to ``""`` or ``None``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache

import jellyfish

from beacon.core.formatting import MONTH_NAMES, MONTH_NUMBERS, display_date
from beacon.people.nicknames import GROUPS_BY_NAME

__all__ = [
    "DobError",
    "EmailError",
    "PhoneError",
    "PostcodeError",
    "address_key",
    "address_tokens",
    "canonical_forename",
    "clean_name",
    "display_phone",
    "dob_swapped",
    "fold",
    "house_number",
    "initial",
    "name_groups",
    "normalise_email",
    "normalise_phone",
    "normalise_postcode",
    "parse_dob",
    "phonetic",
    "postcode_parts",
]


class PhoneError(ValueError):
    """Not a UK phone number (another country, the wrong number of digits, stray characters)."""


class PostcodeError(ValueError):
    """Not a full, valid UK postcode."""


class EmailError(ValueError):
    """Not an e-mail address."""


class DobError(ValueError):
    """Not a date of birth: unreadable, impossible, in the future or before 1900."""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- folding ---------------------------------------------------------------------------------------

# Apostrophes join (O'Brien -> obrien, Mary's -> marys); every other ASCII character that is not a
# letter or digit becomes a space (Smith-Jones -> smith jones, St.Mary -> st mary).
_APOSTROPHES = "'`\u2018\u2019\u201b\u02bc\u02b9\u00b4\u2032"
_ASCII_TABLE = str.maketrans(
    {chr(c): (None if chr(c) in _APOSTROPHES else " ") for c in range(128) if not chr(c).isalnum()}
)
# Letters that NFKD does not break into ASCII letter + accent.
_SPECIAL_LETTERS = str.maketrans(
    {
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "þ": "th",
        "\u0131": "i",  # dotless i
        "ħ": "h",
        "ŧ": "t",
        "ŀ": "l",
        **{a: None for a in _APOSTROPHES[2:]},
    }
)


def fold(s: str | None) -> str:
    """Text for comparison: lower case, ASCII, punctuation as spaces, single spaces; "" for blank.

    Accents go (Zoë -> zoe, Siân -> sian, Łukasz -> lukasz, ß -> ss); apostrophes are removed
    without a space (O'Brien -> obrien, St Mary's -> st marys); hyphens, dots, commas, slashes and
    other punctuation become spaces (Smith-Jones -> smith jones). Letters of other scripts, which
    have no ASCII form, are kept as they are rather than lost.
    """
    if not s:
        return ""
    if s.isascii():
        return " ".join(s.lower().translate(_ASCII_TABLE).split())
    decomposed = unicodedata.normalize("NFKD", s.casefold().translate(_SPECIAL_LETTERS))
    chars = []
    for ch in decomposed:
        if ch.isascii():
            chars.append(ch)
        elif unicodedata.combining(ch):
            continue
        elif ch.isalnum():
            chars.append(ch)
        else:
            chars.append(" ")
    return " ".join("".join(chars).translate(_ASCII_TABLE).split())


# --- names -----------------------------------------------------------------------------------------

_TITLES = _words(
    "mr mrs ms miss mx master dr doctor rev revd reverend fr father sir dame lady lord prof professor"
)
_SUFFIXES = _words("jr jnr junior sr snr senior ii iii iv")


def clean_name(s: str | None) -> str:
    """A name folded for matching, without titles or generational suffixes.

    ``"Mr Seán O'Brien-Murphy Jr"`` -> ``"sean obrien murphy"``. Titles (Mr, Mrs, Ms, Miss, Mx,
    Master, Dr, Rev, Sir, Dame, Lady, Lord, Prof ...) are dropped only from the front and suffixes
    (Jr, Jnr, Sr, Snr, II, III, IV) only from the end, and never the last remaining word, so the
    surnames Lord and Master and a lone "Junior" survive.
    """
    return _clean_name(s or "")


@lru_cache(maxsize=1 << 16)
def _clean_name(s: str) -> str:
    tokens = fold(s).split()
    start, end = 0, len(tokens)
    while end - start > 1 and tokens[start] in _TITLES:
        start += 1
    while end - start > 1 and tokens[end - 1] in _SUFFIXES:
        end -= 1
    return " ".join(tokens[start:end])


def name_groups(forename: str | None) -> frozenset[str]:
    """The canonical forenames the first word of ``forename`` may stand for.

    A known nickname, short form or spelling gives its group(s) (``"Bill"`` -> ``{"william"}``,
    ``"Alex"`` -> ``{"alexander", "alexandra", "alexis"}``); a canonical name gives itself plus any
    group it is also a short form in (``"Lisa"`` -> ``{"lisa", "elizabeth"}``); an unknown name
    gives itself (``"Zygmunt"`` -> ``{"zygmunt"}``); blank gives the empty set. Two forenames are
    nickname matches when their groups intersect.
    """
    return _name_groups(forename or "")


@lru_cache(maxsize=1 << 16)
def _name_groups(forename: str) -> frozenset[str]:
    cleaned = _clean_name(forename)
    if not cleaned:
        return frozenset()
    first = cleaned.split(" ", 1)[0]
    return GROUPS_BY_NAME.get(first) or frozenset((first,))


def canonical_forename(forename: str | None) -> str:
    """One stable key for blocking: the alphabetically first of :func:`name_groups` ("" for blank).

    ``"Bill"`` -> ``"william"``, ``"Liz"`` -> ``"elizabeth"``, ``"Alex"`` -> ``"alexander"``. An
    ambiguous short form lands in one block only (Alex with Alexander, not Alexandra), so
    matching must compare :func:`name_groups`, not this key.
    """
    groups = _name_groups(forename or "")
    return min(groups) if groups else ""


def initial(s: str | None) -> str:
    """The first letter of the cleaned name (``"Dr Émile Zola"`` -> ``"e"``), or ""."""
    return _clean_name(s or "")[:1]


def phonetic(s: str | None) -> str:
    """The Metaphone code of each word of the cleaned name, space separated; "" for blank.

    Metaphone, not Soundex: Soundex keeps the first letter as written, so it splits Catherine
    (C365) from Katherine (K365), Philips from Fillips and Knight from Night, which Metaphone
    (K0RN, FLPS, NT) keeps together; it also codes the whole name rather than the first four
    sounds. ``"Smith-Jones"`` -> ``"SM0 JNS"``. Names in scripts other than Latin give "".
    """
    return _phonetic(s or "")


@lru_cache(maxsize=1 << 16)
def _phonetic(s: str) -> str:
    return " ".join(jellyfish.metaphone(token) for token in _clean_name(s).split() if token.isascii())


# --- phone numbers ---------------------------------------------------------------------------------

_EXTENSION = re.compile(r"\s*(?:ext(?:ension|n)?\.?|x|#)\s*[:.]?\s*\d{1,6}\s*$", re.IGNORECASE)
_PHONE_CHARS = frozenset("0123456789+()-./ \t")
_NOT_DIGITS = str.maketrans({c: None for c in "+()-./ \t"})
# Six-figure area codes (the "mixed" Cumbrian and Lancashire areas) written as 0xxxxx xxxxx.
_SIX_FIGURE_CODES = _words(
    "013873 015242 015394 015395 015396 016973 016974 016977 017683 017684 017687 019467"
)


def normalise_phone(raw: str | None) -> str | None:
    """A UK phone number in E.164 (``"+447700900123"``); None for blank.

    Accepts national and international forms with spaces, dashes, dots and brackets:
    ``07700 900123``, ``+44 (0) 7700 900123``, ``0044 7700 900 123``, ``447700900123``,
    ``(01632) 960 001``, ``020 7946 0000``, and a number whose leading 0 a spreadsheet has
    dropped (``7700900123``). A trailing extension (``ext 123``, ``x123``) is dropped.

    Raises PhoneError for another country's number, for a UK number with the wrong number of
    digits (UK numbers have 10 digits after the leading 0; the only 9-digit ones are in the
    016977 Brampton area code), for a prefix the UK does not use (04, 06) and for letters.
    """
    if raw is None or not raw.strip():
        return None
    return _normalise_phone(raw)


@lru_cache(maxsize=1 << 14)
def _normalise_phone(raw: str) -> str:
    s = _EXTENSION.sub("", raw).strip()
    if not _PHONE_CHARS.issuperset(s):
        raise PhoneError(f"{raw!r} is not a phone number: it contains letters or other characters")
    plus = s.lstrip("(").startswith("+")
    if s.count("+") > int(plus):
        raise PhoneError(f"{raw!r} is not a phone number: a + can only come first")
    digits = s.translate(_NOT_DIGITS)
    if plus or digits.startswith("00"):
        international = digits if plus else digits[2:]
        if not international.startswith("44"):
            raise PhoneError(f"{raw!r} is not a UK number: it does not start +44 or 0044")
        national = international[2:]
    elif digits.startswith("44"):  # +44 without the plus: no UK national number starts 04
        national = digits[2:]
    else:
        national = digits
    if national.startswith("0"):  # the trunk 0, or "(0)" after the country code
        national = national[1:]
    if not national:
        raise PhoneError(f"{raw!r} is not a phone number: it has no digits after the code")
    if len(national) < 9:
        raise PhoneError(
            f"{raw!r} is too short for a UK phone number: with the area code, UK numbers have 11 digits "
            "(e.g. 0161 496 0000, 07700 900123)"
        )
    if national[0] in "046":
        raise PhoneError(
            f"{raw!r} is not a UK number: UK numbers start 01, 02, 03, 05, 07, 08 or 09 (or +44 1, +44 7 ...)"
        )
    if len(national) != 10 and not (len(national) == 9 and national.startswith("16977")):
        raise PhoneError(
            f"{raw!r} has {len(national) + 1} digits counting the leading 0; "
            "UK phone numbers have 11 (e.g. 07700 900123, 020 7946 0000)"
        )
    return "+44" + national


def display_phone(e164: str | None) -> str:
    """The UK national form with the conventional spacing; "" for blank.

    ``"+447700900123"`` -> ``"07700 900123"``; ``"020 7946 0000"``, ``"0161 496 0000"``,
    ``"0113 496 0000"``, ``"01632 960001"``, ``"016977 2345"``, ``"0300 123 4567"``. Accepts
    anything :func:`normalise_phone` does (and raises PhoneError as it does).
    """
    normalised = normalise_phone(e164)
    if normalised is None:
        return ""
    n = "0" + normalised[3:]
    if n[1] == "2" or n[1] == "5":  # 020 7946 0000, 023 8049 6000, 056 ...
        return f"{n[:3]} {n[3:7]} {n[7:]}"
    if n[1] in "389" or (n[1] == "1" and "1" in n[2:4]):  # 0300 ..., 0800 ..., 0113 ..., 0161 ...
        return f"{n[:4]} {n[4:7]} {n[7:]}"
    if n[:6] in _SIX_FIGURE_CODES:
        return f"{n[:6]} {n[6:]}"
    return f"{n[:5]} {n[5:]}"  # 07700 900123, 01632 960001


# --- postcodes -------------------------------------------------------------------------------------

# The outward code (area + district) then the inward code (sector digit + unit letters), with the
# letters each position may hold (BS 7666): not Q, V, X first; not I, J, Z second; the letter after
# a single-letter area's digit from ABCDEFGHJKPSTUW; after a two-letter area's digit from
# ABEHMNPRVWXY; never C, I, K, M, O, V in the unit.
_OUTWARD = r"[A-PR-UWYZ](?:[0-9][0-9]?|[A-HK-Y][0-9][0-9]?|[0-9][A-HJKPS-UW]|[A-HK-Y][0-9][ABEHMNPRV-Y])"
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_POSTCODE = re.compile(rf"(?:{_OUTWARD} {_INWARD}|GIR 0AA)")
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_POSTCODE_IN_TEXT = re.compile(rf"\b(?:{_OUTWARD}\s*{_INWARD}|GIR\s*0AA)\b", re.IGNORECASE)


def normalise_postcode(raw: str | None) -> str | None:
    """The canonical form of a full UK postcode (``"sw1a1aa"`` -> ``"SW1A 1AA"``); None for blank.

    Upper case, a single space before the three-character inward code. Raises PostcodeError for
    anything that is not a full valid postcode (a district alone such as ``LS1`` included).
    """
    if raw is None or not raw.strip():
        return None
    return _normalise_postcode(raw)


@lru_cache(maxsize=1 << 14)
def _normalise_postcode(raw: str) -> str:
    compact = "".join(raw.split()).upper()
    candidate = f"{compact[:-3]} {compact[-3:]}"
    if 5 <= len(compact) <= 7 and _POSTCODE.fullmatch(candidate):
        return candidate
    hint = ""
    if 5 <= len(compact) <= 7 and compact[-3] == "O":
        hint = " — the inward code starts with a digit: 0 (zero), not the letter O?"
    elif len(compact) <= 4:
        hint = " — that looks like part of a postcode; a full one has an inward code too"
    raise PostcodeError(f"{raw!r} is not a valid UK postcode (e.g. SW1A 1AA){hint}")


def postcode_parts(pc: str) -> dict[str, str]:
    """A postcode at each level: ``"sw1a1aa"`` -> ``{"area": "SW", "district": "SW1A" (the outward
    code), "sector": "SW1A 1", "unit": "SW1A 1AA" (the full postcode)}``.

    Normalises first; raises PostcodeError for a blank or invalid postcode.
    """
    unit = normalise_postcode(pc)
    if unit is None:
        raise PostcodeError("There is no postcode to split into parts")
    district, inward = unit.split(" ")
    area = district[: len(district) - len(district.lstrip(_LETTERS))]  # SW1A -> SW, GIR -> GIR
    return {"area": area, "district": district, "sector": f"{district} {inward[0]}", "unit": unit}


# --- addresses -------------------------------------------------------------------------------------

_ADDRESS_ABBREVIATIONS = {
    "rd": "road",
    "ave": "avenue",
    "av": "avenue",
    "avn": "avenue",
    "ln": "lane",
    "cl": "close",
    "clo": "close",
    "cres": "crescent",
    "cresc": "crescent",
    "ct": "court",
    "crt": "court",
    "dr": "drive",
    "drv": "drive",
    "gdns": "gardens",
    "gdn": "gardens",
    "gds": "gardens",
    "pl": "place",
    "sq": "square",
    "terr": "terrace",
    "ter": "terrace",
    "tce": "terrace",
    "gr": "grove",
    "gro": "grove",
    "grv": "grove",
    "pk": "park",
    "hse": "house",
    "apt": "flat",
    "apartment": "flat",
    "flt": "flat",
    "bldgs": "buildings",
    "bldg": "building",
    "cotts": "cottages",
    "cott": "cottage",
    "est": "estate",
    "mws": "mews",
    "pde": "parade",
    "wlk": "walk",
    "hts": "heights",
    "mt": "mount",
    "grn": "green",
    "gt": "great",
    "lt": "little",
    "upr": "upper",
    "lwr": "lower",
    "nth": "north",
    "sth": "south",
    "ctr": "centre",
    "blvd": "boulevard",
    "wy": "way",
    "flr": "floor",
}
_ADDRESS_STOP_WORDS = frozenset(("the", "of", "and"))
# Words after which a road's name has ended: "st" before one of these is Saint (St Mary's Road).
_STREET_TYPES = _words(
    "road street avenue lane close crescent court drive gardens place square terrace grove park way "
    "walk mews hill row rise view parade green vale gate yard wharf wynd brae chase croft fold "
    "boulevard circus approach broadway embankment esplanade promenade quay crossway"
)
# Words that number a part of a building rather than the building ("Flat 2, 14 Acacia Avenue").
_SUBDIVISIONS = frozenset(("flat", "unit", "room", "floor", "suite", "block", "basement", "no"))
_SEGMENTS = re.compile(r"[,;\n\r|]+")
_HOUSE_NUMBER = re.compile(r"[0-9]+[a-z]?")


def _is_number(token: str) -> bool:
    """A house number: digits and at most one letter (14, 14a)."""
    return token[:1].isdigit() and _HOUSE_NUMBER.fullmatch(token) is not None


def _expand_st(tokens: list[str], i: int) -> str:
    """Street or Saint? Street at the end of its part of the address (High St, / Church St), Saint
    at its start or after a number (St Albans, 14 St Mary's Road), and in the middle Saint only if a
    street type follows (Old St Paul's Road) — so "14 High St Leeds" is still a street."""
    if i == len(tokens) - 1:
        return "street"
    if i == 0 or _is_number(tokens[i - 1]) or tokens[i - 1] in _SUBDIVISIONS:
        return "saint"
    for later in tokens[i + 1 :]:
        if _ADDRESS_ABBREVIATIONS.get(later, later) in _STREET_TYPES:
            return "saint"
    return "street"


def address_tokens(raw: str | None) -> list[str]:
    """The words of an address, folded, with abbreviations expanded; no postcode and no stop-words.

    ``"Flat 2, 14a St. Mary's Rd, Leeds LS6 2AB"`` ->
    ``["flat", "2", "14a", "saint", "marys", "road", "leeds"]``. Rd, Ave, Ln, Cl, Cres, Ct, Dr,
    Gdns, Pl, Sq, Terr/Tce, Gr, Pk, Hse ... are spelled out and Apt/Apartment become "flat"; "St"
    is Street or Saint by :func:`_expand_st`'s rule. A number followed by a lone letter is joined
    ("14 A" -> "14a"), "No" before a number is dropped, and the, of, and are left out.
    """
    return list(_address_tokens(raw or ""))


@lru_cache(maxsize=1 << 12)
def _address_tokens(raw: str) -> tuple[str, ...]:
    out: list[str] = []
    for segment in _SEGMENTS.split(_POSTCODE_IN_TEXT.sub(" ", raw)):
        tokens = fold(segment).split()
        for i, word in enumerate(tokens):
            if word == "st":
                out.append(_expand_st(tokens, i))
            elif word in _ADDRESS_STOP_WORDS or (word == "no" and _is_number("".join(tokens[i + 1 : i + 2]))):
                continue
            elif len(word) == 1 and word.isalpha() and i > 0 and out and out[-1].isdigit():
                out[-1] += word  # "14 A" -> "14a" (within one part of the address only)
            else:
                out.append(_ADDRESS_ABBREVIATIONS.get(word, word))
    return tuple(out)


def house_number(raw: str | None) -> str:
    """The building's number with any letter suffix ("14a"), or "" if the address has none.

    The first number that does not follow Flat, Unit, Room, Floor ... so ``"Flat 2, 14 Acacia
    Avenue"`` gives ``"14"``; if every number does (``"Flat 2, Rose Court"``) the first one.
    """
    tokens = _address_tokens(raw or "")
    numbers = [i for i, token in enumerate(tokens) if _is_number(token)]
    for i in numbers:
        if i == 0 or tokens[i - 1] not in _SUBDIVISIONS:
            return tokens[i]
    return tokens[numbers[0]] if numbers else ""


def street_name(raw: str | None) -> str:
    """The street of an address as written, without the house or flat number, "" for blank: where,
    without which door, for a heading.

    ``"Flat 2, 14 Acacia Avenue, Leeds LS6 2AB"`` -> ``"Acacia Avenue"``; ``"12 Elm St"`` ->
    ``"Elm St"``; ``"Rose Cottage, Mill Lane"`` -> ``"Mill Lane"``; ``"Market Square"`` ->
    ``"Market Square"``. The first part of the address whose last word is a street type (Road, Rd,
    Street, St, Lane …), else its first part that is not only a flat or a number.
    """
    parts: list[str] = []
    for segment in _SEGMENTS.split(_POSTCODE_IN_TEXT.sub(" ", raw or "")):
        words = segment.split()
        while len(words) > 1 and fold(words[0]) in _SUBDIVISIONS | {"apartment", "apt"}:
            words = words[2:]  # "Flat 2", "Unit 4b"
        while words and all(_is_number(t) for t in (fold(words[0]).split() or ["x"])):
            words = words[1:]  # "14", "14a", "12-14"
        if any(ch.isalpha() for ch in " ".join(words)):
            parts.append(" ".join(words).strip(" .,"))
    for part in parts:
        last = fold(part).split()[-1]
        if last in _STREET_TYPES or _ADDRESS_ABBREVIATIONS.get(last) in _STREET_TYPES or last == "st":
            return part
    return parts[0] if parts else ""


def address_key(raw: str | None) -> str:
    """A compact key for an address: its numbers then the first word of the street, or "".

    ``"Flat 2, 14 Acacia Avenue, Leeds"`` -> ``"2 14 acacia"``; ``"14 High St, Otley"`` ->
    ``"14 high"``; ``"14 St John's Road"`` -> ``"14 saint johns"`` (Saint takes the next word
    too); with no number, the first word that is not Flat, Unit ...: ``"Rose Cottage, Mill Lane"``
    -> ``"rose"``. The numbers are those before the last street-type word (Road, Avenue, Court
    ...), so the town or a later number does not get in.
    """
    return _address_key(raw or "")


@lru_cache(maxsize=1 << 12)
def _address_key(raw: str) -> str:
    tokens = _address_tokens(raw)
    if not tokens:
        return ""
    last_type = max((i for i, t in enumerate(tokens) if t in _STREET_TYPES), default=len(tokens))
    numbered = [i for i in range(last_type) if _is_number(tokens[i])]
    if not numbered:
        numbered = [i for i, t in enumerate(tokens) if _is_number(t)]
        start = 0
    else:
        start = numbered[-1] + 1
    words = [i for i in range(start, len(tokens)) if not _is_number(tokens[i])]
    words = [i for i in words if tokens[i] not in _SUBDIVISIONS] or words
    street: list[str] = []
    if words:
        first = words[0]
        street = list(tokens[first : first + 2]) if tokens[first] == "saint" else [tokens[first]]
    return " ".join([tokens[i] for i in numbered] + street)


# --- e-mail ----------------------------------------------------------------------------------------

_GMAIL_DOMAINS = frozenset(("gmail.com", "googlemail.com"))


def normalise_email(raw: str | None) -> str | None:
    """An e-mail address stripped and lower-cased; None for blank.

    Gmail ignores dots and "+tags" in the local part and googlemail.com is the same mailbox, so
    ``"Jo.Bloggs+police@GoogleMail.com"`` -> ``"jobloggs@gmail.com"``. A leading ``mailto:`` and
    surrounding ``<...>`` are removed. Raises EmailError unless there is exactly one @, something
    before it, a domain with a dot after it, and no spaces.
    """
    if raw is None or not raw.strip():
        return None
    s = raw.strip().lower()
    s = s.removeprefix("mailto:")
    if s.startswith("<") and s.endswith(">"):
        s = s[1:-1].strip()
    if s.count("@") != 1:
        raise EmailError(f"{raw!r} is not an e-mail address: it needs exactly one @")
    if any(ch.isspace() for ch in s):
        raise EmailError(f"{raw!r} is not an e-mail address: it contains a space")
    local, domain = s.split("@")
    if not local:
        raise EmailError(f"{raw!r} is not an e-mail address: there is nothing before the @")
    labels = domain.split(".")
    if len(labels) < 2 or not all(labels):
        raise EmailError(
            f"{raw!r} is not an e-mail address: after the @ there must be a domain such as example.co.uk"
        )
    if domain in _GMAIL_DOMAINS:
        local = local.split("+", 1)[0].replace(".", "")
        if not local:
            raise EmailError(f"{raw!r} is not an e-mail address: there is no mailbox name before the @")
        domain = "gmail.com"
    return f"{local}@{domain}"


# --- dates of birth --------------------------------------------------------------------------------

_TIME = re.compile(r"[t ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?$")
_YMD = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_DMY = re.compile(r"(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{2}|\d{4})")
_D_MON_Y = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[-/. ,]*([a-z]{3,9})\.?[-/. ,]*(\d{2}|\d{4})")
_MON_D_Y = re.compile(r"([a-z]{3,9})\.?[-/. ]*(\d{1,2})(?:st|nd|rd|th)?[-/. ,]*(\d{4})")
_EARLIEST_DOB = date(1900, 1, 1)
_FORMATS_HINT = "use a day, month and year such as 07/03/1984, 7 Mar 1984 or 1984-03-07"


def _short(d: date) -> str:
    return display_date(d)


def _year(text: str, this_year: int) -> int:
    """A four-digit year as written; a two-digit one is this century's if it is not after this
    year's last two digits, else last century's (in 2025: 25 -> 2025, 26 -> 1926, 84 -> 1984)."""
    year = int(text)
    if len(text) == 2:
        cutoff = this_year % 100
        year += this_year - cutoff if year <= cutoff else this_year - cutoff - 100
    return year


def _ymd_from_digits(digits: str, this_year: int) -> tuple[int, int, int]:
    """19840307 (YYYYMMDD) or 07031984 (DDMMYYYY; the two never both make a date) or 070384."""
    if len(digits) == 6:
        return _year(digits[4:], this_year), int(digits[2:4]), int(digits[:2])
    year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:])
    if 1 <= month <= 12 and 1 <= day <= 31 and year >= 1000:
        return year, month, day
    return int(digits[4:]), int(digits[2:4]), int(digits[:2])


@lru_cache(maxsize=1 << 14)
def _parse_dob_text(raw: str, this_year: int) -> date:
    s = _TIME.sub("", " ".join(raw.lower().split())).strip()
    if s.isdigit() and len(s) in (6, 8):
        year, month, day = _ymd_from_digits(s, this_year)
    elif m := _YMD.fullmatch(s):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := _DMY.fullmatch(s):  # always day first: 03/07/1984 is 3 July
        year, month, day = _year(m[3], this_year), int(m[2]), int(m[1])
    elif (m := _D_MON_Y.fullmatch(s)) and m[2] in MONTH_NUMBERS:
        year, month, day = _year(m[3], this_year), MONTH_NUMBERS[m[2]], int(m[1])
    elif (m := _MON_D_Y.fullmatch(s)) and m[1] in MONTH_NUMBERS:
        year, month, day = int(m[3]), MONTH_NUMBERS[m[1]], int(m[2])
    else:
        raise DobError(f"{raw!r} is not a date of birth: {_FORMATS_HINT}")
    try:
        return date(year, month, day)
    except ValueError:
        if not 1 <= month <= 12:
            problem = f"there is no month {month} (dates are read day first)"
        else:
            problem = f"there is no day {day} in {MONTH_NAMES[month - 1]} {year}"
        raise DobError(f"{raw!r} is not a real date: {problem}") from None


def parse_dob(raw: str | date | None, *, today: date | None = None) -> date | None:
    """A date of birth from what was typed or imported; None for blank.

    Reads ``1984-03-07``, ``07/03/1984``, ``7/3/84``, ``7.3.1984``, ``7 Mar 1984``,
    ``07-Mar-84``, ``7th March 1984``, ``March 7, 1984``, ``19840307``, ``07031984`` and a date
    with a midnight time from a spreadsheet. Numbers are always day then month (``03/07/1984`` is
    3 July), never guessed as US order. A two-digit year is this century's unless that would be
    after this year (in 2025, ``84`` is 1984 and ``24`` is 2024). ``today`` is for tests.

    Raises DobError for an unreadable or impossible date (31/02/1984) and for a date in the
    future or before 1900.
    """
    if raw is None:
        return None
    today = today or date.today()
    if isinstance(raw, datetime):
        dob = raw.date()
    elif isinstance(raw, date):
        dob = raw
    elif not raw.strip():
        return None
    else:
        dob = _parse_dob_text(raw.strip(), today.year)
    if dob > today or dob < _EARLIEST_DOB:
        given = f"{raw!r}" if isinstance(raw, str) else _short(dob)
        problem = "in the future" if dob > today else "before 1900"
        raise DobError(f"{given} is not a date of birth: {_short(dob)} is {problem}")
    return dob


def dob_swapped(d: date | None) -> date | None:
    """``d`` with day and month exchanged (3 Jul <-> 7 Mar), when both are 12 or less and differ.

    For the "day and month swapped" comparison level: one record says 07/03/1984 and another
    03/07/1984. None when no swap is possible or it would give the same date.
    """
    if d is None or d.day > 12 or d.day == d.month:
        return None
    return d.replace(month=d.day, day=d.month)
