"""Candidate generation for the online lookup: indexed blocking keys in the database.

The keys mirror the batch's blocking rules (comparisons.BLOCKING_RULES), each backed by an index
(models.ContactRecord.Meta.indexes), so a record the batch would compare with the query is a
record the lookup fetches — whether or not date of birth or phone are given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q

from beacon.people.comparisons import BLOCKING_RULES, CAPPED_KEYS

# Given a capped key's column and value: is it shared by too many records to block on?
TooCommon = Callable[[str, Any], bool]


def candidate_terms(
    q: dict[str, Any], house_no: str | None, too_common: TooCommon | None = None
) -> list[dict[str, Any]]:
    """The blocking keys the query has values for, each as {column: value} (a record matching any
    one is a candidate); empty when it has none. A single key that `too_common` says is shared too
    widely is left out, as the batch leaves it out."""
    values = {**q, "house_no": house_no}
    terms: list[dict[str, Any]] = []
    for cols in BLOCKING_RULES:
        if all(values.get(c) for c in cols):
            if (
                len(cols) == 1
                and cols[0] in CAPPED_KEYS
                and too_common
                and too_common(cols[0], values[cols[0]])
            ):
                continue
            terms.append({c: values[c] for c in cols})
    if q.get("fn_phon") and q.get("sn_phon"):  # forename and surname swapped
        terms.append({"fn_phon": q["sn_phon"], "sn_phon": q["fn_phon"]})
    if not terms:
        # Only a surname, or only a forename: look by how it sounds (still an index prefix).
        if q.get("sn_phon"):
            terms.append(
                {"sn_phon": q["sn_phon"]}
                if not q.get("fn_init")
                else {"sn_phon": q["sn_phon"], "fn_init": q["fn_init"]}
            )
        elif q.get("postcode"):
            terms.append({"postcode": q["postcode"]})
    return terms


def candidate_filter(
    q: dict[str, Any], house_no: str | None, too_common: TooCommon | None = None
) -> Q | None:
    """OR of every blocking key the query has values for (`candidate_terms`); None when it has none."""
    terms = candidate_terms(q, house_no, too_common)
    if not terms:
        return None
    combined = Q(**terms[0])
    for t in terms[1:]:
        combined |= Q(**t)
    return combined
