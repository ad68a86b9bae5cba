"""Calendar arithmetic for deadlines and windows: working days (Monday to Friday, less the
policy's bank holidays) and calendar months."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day if it is shorter):
    6 months before 31 August is 29 February in a leap year."""
    total = day.year * 12 + (day.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def holiday_set(holidays: Iterable[str]) -> set[dt.date]:
    out = set()
    for h in holidays:
        try:
            out.add(dt.date.fromisoformat(str(h)))
        except ValueError:
            continue
    return out


def is_working_day(day: dt.date, holidays: set[dt.date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: dt.date, days: int, holidays: Iterable[str] = ()) -> dt.date:
    """The date `days` working days after `start` (the start day itself does not count)."""
    off = holiday_set(holidays)
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, off):
            left -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, holidays: Iterable[str] = ()) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
    if end < start:
        return -working_days_between(end, start, holidays)
    off = holiday_set(holidays)
    n = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day, off):
            n += 1
    return n
