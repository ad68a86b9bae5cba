"""`beacon cases due`: every open case with each minimum standard's due date and state, as at a
date, streamed as one JSON object (a stable contract, see docs/adr/0008):

{"as_of": "YYYY-MM-DD", "policy_version": n, "due_soon_days": n,
 "cases": [{"reference", "risk_level", "area", "neighbourhood", "spoc", "opened_on", "score", "rag",
            "standards": [{"standard", "due", "state"}]}],
 "totals": {"cases": n, "red": n, "amber": n, "green": n,
            "overdue": {standard: n}, "due_soon": {standard: n}}}

`state` is met | overdue | due_soon | not_due; `due` is null only for the update contact before the
first contact. Review tiers the case's level does not require are left out.

The report looks forward from the records as they are now (today, or a later date: "what will be
overdue by Friday"). A date in the past is refused: the cases open then, and the contacts and reviews
made by then, are not reconstructed, so such a report would mix today's records with an old date.

Dates, days overdue, score and RAG are worked out in the database (the same expressions as the
supervisor's list, `priority.annotate_cases`); this module only names each standard's state, so
the whole force streams in seconds.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from beacon.cases.priority import RAG_NAMES
from beacon.cases.selectors import DUE_TIERS, due_rows
from beacon.cases.standards import STANDARDS, current_policy, weights
from beacon.core.models import User

_TIER_OF = {
    "sergeant_review": "sergeant",
    "inspector_review": "inspector",
    "chief_inspector_review": "chief_inspector",
}
_FIRST_STANDARD_COL = 9  # after reference … made_first
_FIRST_TIER_COL = _FIRST_STANDARD_COL + 2 * len(STANDARDS)


def _states(row: tuple[Any, ...], soon: int) -> list[tuple[str, str | None, str]]:
    """(standard, due as text, state) for each standard that applies to the case."""
    made_first = row[8]
    reviewed = {tier for i, tier in enumerate(DUE_TIERS) if row[_FIRST_TIER_COL + i]}
    out: list[tuple[str, str | None, str]] = []
    for i, standard in enumerate(STANDARDS):
        due, late = row[_FIRST_STANDARD_COL + 2 * i], row[_FIRST_STANDARD_COL + 2 * i + 1]
        tier = _TIER_OF.get(standard)
        if due is None:
            if tier is None:  # the update contact before the first contact
                out.append((standard, None, "not_due"))
            continue  # a review tier this level does not need
        if standard == "first_contact" and made_first:
            state = "met"
        elif late > 0:
            state = "overdue"
        elif -late <= soon:
            state = "due_soon"
        elif standard == "update" or (tier is not None and tier in reviewed):
            state = "met"
        else:
            state = "not_due"
        out.append((standard, due, state))
    return out


def _totals() -> dict[str, Any]:
    return {
        "cases": 0,
        "red": 0,
        "amber": 0,
        "green": 0,
        "overdue": dict.fromkeys(STANDARDS, 0),
        "due_soon": dict.fromkeys(STANDARDS, 0),
    }


def _count(totals: dict[str, Any], rag: int, states: list[tuple[str, str | None, str]]) -> None:
    totals["cases"] += 1
    totals[RAG_NAMES[rag]] += 1
    for standard, _due, state in states:
        if state == "overdue" or state == "due_soon":
            totals[state][standard] += 1


def as_of_problem(as_of: dt.date, today: dt.date) -> str:
    """Why `as_of` cannot be reported on ("" when it can)."""
    if as_of < today:
        return (
            f"The report looks forward from today ({today.isoformat()}): give today or a later date, "
            f"not {as_of.isoformat()}."
        )
    return ""


def _header(as_of: dt.date) -> tuple[dict[str, Any], dict[str, Any]]:
    policy = current_policy()
    w = weights(policy)
    return {
        "as_of": as_of.isoformat(),
        "policy_version": policy.version,
        "due_soon_days": int(w["due_soon_days"]),
    }, w


def report(
    as_of: dt.date, *, user: User | None = None, offset: int = 0, limit: int | None = None
) -> tuple[dict[str, Any], Iterator[dict[str, Any]], dict[str, Any]]:
    """(header, cases, totals) as dicts (for the API and the text output): `cases` is lazy and
    `totals` is filled in as it is consumed. Each case also carries its "id" (not part of the
    command's contract: the API logs the reads with it and removes it)."""
    header, w = _header(as_of)
    soon = header["due_soon_days"]
    totals = _totals()
    rows: Iterable[tuple[Any, ...]] = due_rows(as_of, w, user=user, offset=offset, limit=limit)

    def cases() -> Iterator[dict[str, Any]]:
        for row in rows:
            states = _states(row, soon)
            _count(totals, row[7], states)
            yield {
                "reference": row[0],
                "risk_level": row[1],
                "area": row[2],
                "neighbourhood": row[3],
                "spoc": row[4],
                "opened_on": row[5],
                "score": row[6],
                "rag": RAG_NAMES[row[7]],
                "standards": [{"standard": s, "due": d, "state": st} for s, d, st in states],
                "id": row[-1],
            }

    return header, cases(), totals


def write_json(out: TextIO, as_of: dt.date) -> int:
    """Stream the whole force's report as one JSON object; returns the number of cases.

    Each case is written from a template (strings that may need escaping go through the JSON
    encoder); the result is the same object `report` gives, byte for byte what json.dumps with
    compact separators would write."""
    header, w = _header(as_of)
    soon = header["due_soon_days"]
    totals = _totals()
    enc = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    write = out.write
    write(enc(header)[:-1] + ',"cases":[')
    buf: list[str] = []
    sep = ""
    for row in due_rows(as_of, w):
        states = _states(row, soon)
        _count(totals, row[7], states)
        standards = ",".join(
            f'{{"standard":"{s}","due":{"null" if d is None else chr(34) + d + chr(34)},"state":"{st}"}}'
            for s, d, st in states
        )
        buf.append(
            f'{sep}{{"reference":{enc(row[0])},"risk_level":"{row[1]}","area":{enc(row[2])},'
            f'"neighbourhood":{"null" if row[3] is None else enc(row[3])},'
            f'"spoc":{"null" if row[4] is None else enc(row[4])},"opened_on":"{row[5]}",'
            f'"score":{int(row[6])},"rag":"{RAG_NAMES[row[7]]}","standards":[{standards}]}}'
        )
        sep = ","
        if len(buf) >= 5000:
            write("".join(buf))
            buf.clear()
    write("".join(buf))
    write('],"totals":' + enc(totals) + "}\n")
    return int(totals["cases"])
