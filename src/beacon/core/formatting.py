"""How Beacon writes things for people, the same on pages, exports and emails."""

from __future__ import annotations

from datetime import date

MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
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


def short_date(d: date | None, empty: str = "") -> str:
    """'30 Sep 2024' as board papers print dates (no leading zero, English month whatever the locale)."""
    return f"{d.day} {MONTH_ABBREVIATIONS[d.month - 1]} {d.year}" if d else empty


def key_label(key: str) -> str:
    """A data key as a heading: "case_review_threshold" → "Case review threshold"."""
    return key.replace("_", " ").capitalize()
