"""Live evidence for inspection findings, without `inspections` importing the domain that measures it.

`performance` links a finding to KPIs; it registers here, in its `AppConfig.ready`, a provider that
says for each finding what its KPIs show (a sentence for the finding page and the board papers, and
which way the figures moved). `inspections` calls `evidence_for` and prints what comes back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

Movement = Literal["right", "wrong", "no-change", "unknown"]
MOVEMENT_WORDS: dict[str, str] = {
    "right": "moving the right way",
    "wrong": "moving the wrong way",
    "no-change": "no significant change",
    "unknown": "no figures yet",
}


@dataclass(frozen=True)
class EvidenceLine:
    kpi: str  # the KPI's code
    text: str  # e.g. "Repeat victims identified: 646 in the 12 months to 31 March 2025, 406 …"
    movement: Movement


Provider = Callable[[Sequence[int], dt.date], dict[int, list[EvidenceLine]]]
_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def evidence_for(finding_ids: Sequence[int], as_of: dt.date) -> dict[int, list[EvidenceLine]]:
    """Each finding's evidence lines as of a day (findings without any are left out)."""
    out: dict[int, list[EvidenceLine]] = {}
    for provider in _PROVIDERS:
        for fid, lines in provider(finding_ids, as_of).items():
            out.setdefault(fid, []).extend(lines)
    return out


def overall(lines: Sequence[EvidenceLine]) -> Movement | Literal["none"]:
    """One finding's evidence in a word: "none" without any KPI; "wrong" if any figure moves the
    wrong way; else "right" if any moves the right way; else no change or no figures."""
    if not lines:
        return "none"
    kinds = {line.movement for line in lines}
    if "wrong" in kinds:
        return "wrong"
    if "right" in kinds:
        return "right"
    return "no-change" if "no-change" in kinds else "unknown"
