"""Turn details as given into the normalised features the matching model compares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from beacon.core.errors import Problem, ValidationFailed
from beacon.people import normalise as n

RAW_FIELDS = ("forename", "surname", "dob", "phone", "email", "address", "postcode")

# The longest detail accepted as given (the contact record keeps it whole, in a column this wide).
# Real names of any realistic length fit: longer is refused, naming the field.
NAME_MAX = 200
GIVEN_MAX = {
    "forename": NAME_MAX,
    "surname": NAME_MAX,
    "dob": 40,
    "phone": 40,
    "email": 254,
    "address": 300,
    "postcode": 20,
}
# The width of each normalised column (ContactRecord's max_length): every derived key is cut to
# fit, the same way for what is stored and what is looked up, so that a long one-word name (whose
# phonetic code can be longer than the name) is still recorded and still found.
WIDTHS = {
    "forename": NAME_MAX,
    "surname": NAME_MAX,
    "fn_canon": NAME_MAX,
    "fn_phon": NAME_MAX,
    "fn_init": 1,
    "sn_phon": NAME_MAX,
    "sn_first": NAME_MAX,
    "sn_last": NAME_MAX,
    "dob": 10,
    "dob_sw": 10,
    "phone": 16,
    "ph_tail": 6,
    "email": 254,
    "em_local": 254,
    "postcode": 8,
    "pc_sector": 6,
    "pc_district": 4,
    "addr_key": 120,
    "street": 100,
    "house_no": 10,
}


@dataclass(frozen=True)
class Features:
    values: dict[str, str | None]  # FEATURES columns (None when not given)
    house_no: str | None

    def as_record_fields(self) -> dict[str, Any]:
        return {**self.values, "house_no": self.house_no}


def _or_none(s: str | None) -> str | None:
    return s if s else None


def _fit(name: str, value: str | None) -> str | None:
    """A derived value cut to its column's width (None stays None)."""
    return value[: WIDTHS[name]] if value else value


def given_fields(raw: dict[str, Any]) -> dict[str, str]:
    """The details as given, for the contact record's given_* columns (cut to fit: a strict
    `features` has already refused any longer; a bulk load of historic data keeps what fits)."""
    return {f"given_{k}": str(raw.get(k) or "")[:limit] for k, limit in GIVEN_MAX.items()}


def too_long(raw: dict[str, Any]) -> list[Problem]:
    """A problem for each detail longer than the contact record keeps."""
    problems = []
    for k, limit in GIVEN_MAX.items():
        value = str(raw.get(k) or "")
        if len(value) > limit:
            what = "A name" if k in ("forename", "surname") else "This"
            problems.append(Problem(f"{what} can be at most {limit} characters ({len(value)} given).", k))
    return problems


def _digits(v: str) -> str | None:
    d = "".join(ch for ch in str(v) if ch.isdigit())
    return d or None


def _lower(v: str) -> str | None:
    return str(v).strip().lower() or None


def _compact(v: str) -> str | None:
    return "".join(str(v).split()).upper()[:8] or None


def features(raw: dict[str, Any], *, strict: bool = True) -> Features:
    """Normalise one set of details. With `strict`, an unparseable date of birth, a non-UK phone
    number, a malformed email or postcode is refused (ValidationFailed naming each field); without
    it (bulk loads of historic data) such a value is kept as given but not used for matching."""
    problems: list[Problem] = too_long(raw) if strict else []

    def attempt(field: str, fn: Any, value: Any, fallback: Any = None) -> Any:
        try:
            return fn(value)
        except ValueError as exc:
            if strict:
                problems.append(Problem(str(exc), field))
                return None
            # Historic or foreign data: keep a plain normal form so equal values still match.
            return fallback(value) if fallback else None

    forename = n.clean_name(raw.get("forename") or "")
    surname = n.clean_name(raw.get("surname") or "")
    sn_tokens = surname.split()
    dob: date | None = attempt("dob", n.parse_dob, raw.get("dob") or None)
    phone: str | None = attempt("phone", n.normalise_phone, raw.get("phone") or None, _digits)
    email: str | None = attempt("email", n.normalise_email, raw.get("email") or None, _lower)
    postcode: str | None = attempt("postcode", n.normalise_postcode, raw.get("postcode") or None, _compact)
    if problems:
        raise ValidationFailed(problems)
    address = raw.get("address") or ""
    tokens = n.address_tokens(address) if address else []
    house = n.house_number(address) if address else ""
    street = next((t for t in tokens if not t[0].isdigit() and t not in ("flat",)), "") if tokens else ""
    parts = n.postcode_parts(postcode) if postcode and " " in postcode else {}  # UK form only
    swapped = n.dob_swapped(dob) if dob else None
    values: dict[str, str | None] = {
        "forename": _or_none(forename),
        "surname": _or_none(surname),
        "fn_canon": _or_none(n.canonical_forename(forename)) if forename else None,
        "fn_phon": _or_none(n.phonetic(forename)),
        "fn_init": _or_none(n.initial(forename)),
        "sn_phon": _or_none(n.phonetic(surname)),
        "sn_first": sn_tokens[0] if sn_tokens else None,
        "sn_last": sn_tokens[-1] if sn_tokens else None,
        "dob": dob.isoformat() if dob else None,
        "dob_sw": swapped.isoformat() if swapped else None,
        "phone": phone,
        "ph_tail": phone[-6:] if phone else None,
        "email": email,
        "em_local": email.split("@", 1)[0] if email else None,
        "postcode": postcode,
        "pc_sector": parts.get("sector") or None,
        "pc_district": parts.get("district") or None,
        "addr_key": _or_none(n.address_key(address)) if address else None,
        "street": street or None,
    }
    fitted = {name: _fit(name, value) for name, value in values.items()}
    return Features(values=fitted, house_no=_fit("house_no", house) or None)


def require_something(raw: dict[str, Any]) -> None:
    """A lookup needs at least one detail to look for."""
    if not any(str(raw.get(f) or "").strip() for f in RAW_FIELDS):
        raise ValidationFailed.one(
            "Give at least one of: forename, surname, date of birth, phone, email, address, postcode.", ""
        )
