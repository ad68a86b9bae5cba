"""The noise the synthetic generator applies to records: typos, formatting, partial addresses.

Each helper takes the generator's random source, so a seed gives the same noise every time.
"""

from __future__ import annotations

import datetime as dt
import random

from beacon.people.synth_data import _ASCII_FOLD, _NEIGHBOURS, _STREET_ABBREVIATIONS


def gendered(surname: str, sex: str) -> str:
    """Polish surnames ending -ski/-cki/-dzki take -ska/-cka/-dzka for women."""
    if sex == "F":
        return "-".join(
            part[:-1] + "a" if part.endswith(("ski", "cki")) else part for part in surname.split("-")
        )
    return surname


def clamp_date(d: dt.date, lo: int, hi: int) -> dt.date:
    return min(max(d, dt.date(lo, 1, 1)), dt.date(hi, 12, 31))


def email_part(name: str) -> str:
    return "".join(c for c in name.translate(_ASCII_FOLD).lower() if c.isalnum())


def has_diacritics(text: str) -> bool:
    return not text.isascii()


def typo(rng: random.Random, word: str) -> str:
    """One keyboard slip: a character inserted, deleted, substituted (a neighbouring key) or two swapped."""
    for _ in range(5):
        changed = one_slip(rng, word)
        if changed != word:
            return changed
    return word + rng.choice("aeiou")


def one_slip(rng: random.Random, word: str) -> str:
    if len(word) < 2:
        return word + rng.choice("aeiou")
    ops = ("insert", "delete", "substitute", "transpose") if len(word) > 3 else ("insert", "substitute")
    op = rng.choice(ops)
    i = rng.randrange(1, len(word)) if op != "insert" else rng.randrange(1, len(word) + 1)
    near = _NEIGHBOURS.get(word[i - 1].lower(), "e") if op != "delete" else ""
    if op == "insert":
        return word[:i] + rng.choice(near + word[i - 1].lower()) + word[i:]
    if op == "delete":
        return word[:i] + word[i + 1 :]
    if op == "substitute":
        target = word[i].lower()
        choice = rng.choice(_NEIGHBOURS.get(target, "e") or "e")
        return word[:i] + choice + word[i + 1 :]
    if i == len(word) - 1:
        i -= 1
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def swap_two(rng: random.Random, digits: str) -> str:
    i = rng.randrange(len(digits) - 1)
    return digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]


def name_format(rng: random.Random, name: str) -> str:
    roll = rng.random()
    if roll < 0.35:
        return name.upper()
    if roll < 0.6:
        return name.lower()
    if roll < 0.75:
        return f" {name}" if rng.random() < 0.5 else f"{name}  "
    if "'" in name:
        return name.replace("'", rng.choice(("", " ")))
    if " " in name:
        return name.replace(" ", "  ")
    return name.capitalize() if name[:2].lower() in ("mc", "ma") else name.swapcase()


def dob_typo(rng: random.Random, d: dt.date) -> dt.date:
    roll = rng.random()
    if roll < 0.4:
        changed = d.replace(year=d.year + rng.choice((-1, 1)), day=min(d.day, 28))
    elif roll < 0.6:
        changed = d.replace(year=d.year + rng.choice((-10, 10)), day=min(d.day, 28))
    else:
        changed = d + dt.timedelta(days=rng.choice((-1, 1)))
    return clamp_date(changed, 1930, 2010)


def phone_plain(number: str) -> str:
    if number.startswith("020"):
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    return f"{number[:5]} {number[5:]}"


def phone_variant(rng: random.Random, number: str) -> str:
    national = number[1:]
    if number.startswith("020"):
        a, b, c = number[:3], number[3:7], number[7:]
        forms: tuple[str, ...] = (
            f"({a}) {b} {c}",
            f"{a[:4]}{b[0]} {b[1:]} {c}",  # "0207 946 0123"
            number,
            f"+44 {a[1:]} {b} {c}",
            f"0044 {a[1:]} {b} {c}",
            f"+44 (0){a[1:]} {b} {c}",
            f"+44{national}",
            f"{a}-{b}-{c}",
        )
    else:
        a, b = number[:5], number[5:]
        forms = (
            f"({a}) {b}",
            number,
            f"{a} {b[:3]} {b[3:]}",
            f"+44 {a[1:]} {b}",
            f"+44{national}",
            f"0044 {a[1:]} {b}",
            f"+44 (0){a[1:]} {b}",
            f"{a}-{b}",
            f"00 44 {a[1:]} {b}",
        )
    return rng.choice(forms)


def partial_address(rng: random.Random, line: str, town: str) -> tuple[str, str]:
    parts = line.split(", ")
    roll = rng.random()
    if roll < 0.35:
        return line, ""  # no town
    if roll < 0.6 and len(parts) > 1:
        return ", ".join(parts[1:]), town if rng.random() < 0.5 else ""  # no flat/house name
    street = parts[-1]
    words = street.split(" ", 1)
    if words[0][:1].isdigit() and len(words) > 1:
        street = words[1]  # no house number
    return street, town if rng.random() < 0.7 else ""


def abbreviate(line: str) -> str:
    words = line.split(" ")
    for i, word in enumerate(words):
        bare = word.rstrip(",")
        if bare in _STREET_ABBREVIATIONS and i > 0:
            words[i] = word.replace(bare, _STREET_ABBREVIATIONS[bare])
    return " ".join(words)


def address_format(rng: random.Random, address: str) -> str:
    roll = rng.random()
    if roll < 0.3:
        return address.upper()
    if roll < 0.5:
        return address.lower()
    if roll < 0.8:
        return address.replace(",", "")
    return "  ".join(address.split(" ")) if rng.random() < 0.5 else f" {address} "


def postcode_variant(rng: random.Random, postcode: str) -> str:
    roll = rng.random()
    if roll < 0.3:
        return postcode.lower()
    if roll < 0.55:
        return postcode.replace(" ", "")
    if roll < 0.7:
        return postcode.replace(" ", "").lower()
    if roll < 0.85:
        return postcode.replace(" ", "  ")
    return f" {postcode.title()} "
