"""Months as YYYY-MM, in Europe/London (quality comes before performance, so it keeps its own)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from beacon.core.errors import Problem, ValidationFailed

LONDON = ZoneInfo("Europe/London")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_month(text: object, field: str = "month") -> dt.date:
    """The first day of a month given as YYYY-MM (years 1900 to 2199); a problem naming `field`."""
    m = _MONTH.fullmatch(text.strip()) if isinstance(text, str) else None
    if m is None:
        raise ValidationFailed([Problem(f"{text!r} is not a month: use YYYY-MM, e.g. 2024-03.", field)])
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        raise ValidationFailed([Problem(f"{text}: there is no month {month:02d} (use 01 to 12).", field)])
    if not 1900 <= year <= 2199:
        raise ValidationFailed([Problem("Give a month from 1900 to 2199.", field)])
    return dt.date(year, month, 1)


def add_months(month: dt.date, n: int) -> dt.date:
    i = month.year * 12 + month.month - 1 + n
    return dt.date(i // 12, i % 12 + 1, 1)


def bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month's first and next month's first instants in Europe/London."""
    start = dt.datetime.combine(month, dt.time(), tzinfo=LONDON)
    end = dt.datetime.combine(add_months(month, 1), dt.time(), tzinfo=LONDON)
    return start, end


def label(month: dt.date) -> str:
    return f"{month.year:04d}-{month.month:02d}"
