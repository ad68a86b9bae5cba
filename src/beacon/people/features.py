"""Turn details as given into the normalised features the matching model compares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from beacon.core.errors import Problem, ValidationFailed
from beacon.people import normalise as n

RAW_FIELDS = ("forename", "surname", "dob", "phone", "email", "address", "postcode")


@dataclass(frozen=True)
class Features:
    values: dict[str, str | None]  # FEATURES columns (None when not given)
    house_no: str | None

    def as_record_fields(self) -> dict[str, Any]:
        return {**self.values, "house_no": self.house_no}


def _or_none(s: str | None) -> str | None:
    return s if s else None


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
    problems: list[Problem] = []

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
    return Features(values=values, house_no=house or None)


def require_something(raw: dict[str, Any]) -> None:
    """A lookup needs at least one detail to look for."""
    if not any(str(raw.get(f) or "").strip() for f in RAW_FIELDS):
        raise ValidationFailed.one(
            "Give at least one of: forename, surname, date of birth, phone, email, address, postcode.", ""
        )
