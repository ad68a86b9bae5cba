"""The demo's eighteen months of synthetic history show the patterns an analyst looks for."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from beacon.demo import history
from beacon.incidents.importer import BEACON_COLUMNS

TODAY = dt.date(2026, 12, 6)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return history.rows(TODAY)


def _received(row: dict[str, str]) -> dt.datetime:
    return dt.datetime.fromisoformat(row["received_at"])


def test_the_same_day_and_seed_give_the_same_history(rows: list[dict[str, str]]) -> None:
    assert history.rows(TODAY) == rows
    assert history.rows(TODAY, seed=7) != rows


def test_eighteen_months_ending_a_fortnight_ago_in_the_import_format(rows: list[dict[str, str]]) -> None:
    assert all(set(r) <= set(BEACON_COLUMNS) for r in rows)
    assert len({r["source_id"] for r in rows}) == len(rows)
    first, last = min(map(_received, rows)).date(), max(map(_received, rows)).date()
    assert (TODAY - first).days >= 18 * 30 and (TODAY - last).days >= history.RECENT_GAP
    assert len({(d.year, d.month) for d in map(_received, rows)}) >= 18
    # History is closed: none of it waits in a team's inbox.
    assert all(r["closure_code"] and r["closing_note"] for r in rows)


def test_weekly_and_seasonal_patterns(rows: list[dict[str, str]]) -> None:
    days = Counter(_received(r).weekday() for r in rows)
    assert days[5] > 1.4 * days[1]  # Saturday against Tuesday
    months = Counter(_received(r).month for r in rows)
    assert months[7] + months[8] > 1.5 * (months[1] + months[2])  # summer against winter
    evenings = sum(1 for r in rows if 17 <= _received(r).hour <= 22)
    assert evenings > 0.35 * len(rows)


def test_hot_spots_draw_far_more_than_their_share(rows: list[dict[str, str]]) -> None:
    at = Counter(r["address"] for r in rows if r["address"])
    for *_, address, _share in history.HOT_SPOTS:
        assert at[address] > 100


def test_repeat_victims_call_again_and_again(rows: list[dict[str, str]]) -> None:
    calls = Counter((r["victim_forename"], r["victim_surname"]) for r in rows if r.get("victim_surname"))
    assert calls == {(v.forename, v.surname): v.calls for v in history.REPEAT_VICTIMS}
