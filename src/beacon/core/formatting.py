"""How Beacon writes things for people, the same on pages, exports and emails."""

from __future__ import annotations

from datetime import date

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Month names and the abbreviations people type, lower-case, to the month's number.
MONTH_NUMBERS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}


def display_date(d: date | None, empty: str = "") -> str:
    """'6 December 2026': the one way Beacon shows a date, on pages, exports and board papers (no
    leading zero, the month in full and in English whatever the locale)."""
    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}" if d else empty


def key_label(key: str) -> str:
    """A data key as a heading: "case_review_threshold" → "Case review threshold"."""
    return key.replace("_", " ").capitalize()
