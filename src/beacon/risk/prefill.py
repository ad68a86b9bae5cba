"""What the assessment form fills in before the officer starts: the caller's screening answers on
the incident, and what Beacon's records say (the victim's other recent incidents, their age), each
with where it came from in words. The officer confirms every prefilled answer with the victim.

A screening answer fills an instrument's question by key (`DEFAULT_SCREENING_MAP`), and only when
the instrument in use asks that question and the mapped answer is one it offers: a force's own
instrument without these keys gets nothing prefilled. Nothing here writes anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.dateformat import format as date_format

from beacon.incidents.models import Channel, Incident
from beacon.people.normalise import DobError, parse_dob
from beacon.people.selectors import KnownAs
from beacon.risk import selectors
from beacon.risk.models import InstrumentVersion

CALL_CHANNELS = (Channel.CALL_999.value, Channel.CALL_101.value)
RECORDS = "records"
RECENT_DAYS = 90
RECENT_KEY = "incidents_recent"  # number: other incidents on record in the last RECENT_DAYS days
AGE_KEY = "age"  # choice: by the date of birth Beacon holds for the victim
AGE_BANDS = ((0, "under_18"), (18, "18_to_64"), (65, "65_or_over"))
YES_NO = {"yes": "yes", "no": "no"}


@dataclass(frozen=True)
class ScreeningMap:
    """A screening question (by its key on the incident's answers) that answers an instrument
    question (by its key): each screening answer and the instrument answer it gives."""

    screening_key: str
    question_key: str
    answers: Mapping[str, str]


DEFAULT_SCREENING_MAP: tuple[ScreeningMap, ...] = (
    ScreeningMap("household_disability", "disability_health", YES_NO),
    ScreeningMap("feel_targeted", "hate", YES_NO),
    ScreeningMap("threats_or_damage", "threats_damage", YES_NO),
    ScreeningMap("happened_before", "targeted_before", YES_NO),
    ScreeningMap(
        "impact", "daily_life", {"A little": "a_little", "A lot": "a_lot", "I cannot cope": "cannot_cope"}
    ),
)


@dataclass(frozen=True)
class Prefilled:
    """One prefilled answer: the question's key, the answer as the form posts it, and where it came
    from (`source` is "call" or "report" for the screening answers, "records" for Beacon's)."""

    key: str
    value: str
    source: str
    text: str  # in words: "From the call on 6 December 2026: yes to “…”"

    @property
    def tag(self) -> str:
        """What the question is marked with, the words the confirmation names."""
        return "From Beacon's records" if self.source == RECORDS else f"From the {self.source}"

    @property
    def mark(self) -> str:
        """The tag the question shows."""
        return f"{self.tag} — confirm with the victim"


def _offered(q: Mapping[str, Any], value: str) -> str | None:
    """The answer as the question takes it, or None when the question does not offer it."""
    kind = q.get("kind")
    if kind == "yes_no":
        return value if value in ("yes", "no") else None
    if kind == "choice":
        return next((str(c["value"]) for c in q.get("choices", []) if str(c["value"]) == value), None)
    if kind == "number" and value.isdigit():
        low, high = q.get("min") or 0, q.get("max")
        return value if int(value) >= low and (high is None or int(value) <= high) else None
    return None


def _screening_texts(incident: Incident) -> dict[str, str]:
    questions = incident.screening_set.questions if incident.screening_set is not None else []
    return {str(q.get("key")): str(q.get("text") or q.get("key")) for q in questions if isinstance(q, dict)}


def _from_call(
    incident: Incident, by_key: Mapping[str, Mapping[str, Any]], mapping: tuple[ScreeningMap, ...]
) -> list[Prefilled]:
    given = incident.answers if isinstance(incident.answers, dict) else {}
    if not given:
        return []
    source = "call" if incident.channel in CALL_CHANNELS else "report"
    on = date_format(timezone.localtime(incident.received_at), "j F Y")
    texts = _screening_texts(incident)
    out = []
    for m in mapping:
        q = by_key.get(m.question_key)
        said = str(given.get(m.screening_key) or "").strip()
        if q is None or not said:
            continue
        mapped = next((v for a, v in m.answers.items() if a.casefold() == said.casefold()), None)
        value = _offered(q, mapped) if mapped is not None else None
        if value is None:
            continue
        asked = texts.get(m.screening_key, m.screening_key)
        answer = said.lower() if q["kind"] == "yes_no" else f"“{said}”"
        out.append(Prefilled(q["key"], value, source, f"From the {source} on {on}: {answer} to “{asked}”"))
    return out


def _age(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _from_records(
    incident: Incident,
    person_id: int,
    known: KnownAs | None,
    by_key: Mapping[str, Mapping[str, Any]],
    now: dt.datetime,
) -> list[Prefilled]:
    out = []
    recent = by_key.get(RECENT_KEY)
    if recent is not None and recent.get("kind") == "number":
        since = now - dt.timedelta(days=RECENT_DAYS)
        n = selectors.other_incidents_as_victim(person_id, incident, since)
        value = _offered(recent, str(n)) if n else None  # none on record: the officer asks
        if value is not None:
            many = "incident" if n == 1 else "incidents"
            text = f"From Beacon's records: {n} other {many} in the last {RECENT_DAYS} days"
            out.append(Prefilled(RECENT_KEY, value, RECORDS, text))
    age_q = by_key.get(AGE_KEY)
    if age_q is not None and age_q.get("kind") == "choice" and known is not None and known.dob:
        today = timezone.localdate(now)
        try:
            born = parse_dob(known.dob, today=today)
        except DobError:
            born = None
        if born is not None:
            years = _age(born, today)
            band = next(b for low, b in reversed(AGE_BANDS) if years >= low)
            value = _offered(age_q, band)
            if value is not None:
                text = f"From Beacon's records: born {date_format(born, 'j F Y')}, so {years} years old"
                out.append(Prefilled(AGE_KEY, value, RECORDS, text))
    return out


def prefill(
    version: InstrumentVersion,
    incident: Incident,
    person_id: int,
    *,
    known: KnownAs | None = None,
    now: dt.datetime | None = None,
    mapping: tuple[ScreeningMap, ...] = DEFAULT_SCREENING_MAP,
) -> dict[str, Prefilled]:
    """The answers to prefill for this victim of this incident under `version`, by question key
    (in the version's question order). `known`: who the victim is known as (`people.selectors.
    known_as`), for their date of birth; without it their age is not prefilled."""
    now = now or timezone.now()
    by_key = {str(q["key"]): q for q in version.questions}
    found = {p.key: p for p in _from_call(incident, by_key, mapping)}
    for p in _from_records(incident, person_id, known, by_key, now):
        found.setdefault(p.key, p)
    return {k: found[k] for k in by_key if k in found}


def marks(prefilled: Mapping[str, Prefilled]) -> str:
    """The marks the prefilled questions show, as the confirmation names them:
    "“From the call”", "“From the call” or “From Beacon's records”"."""
    found = sorted(prefilled.values(), key=lambda p: p.source == RECORDS)  # the call's first
    tags = list(dict.fromkeys(p.tag for p in found)) or ["From the call"]
    return " or ".join(f"“{t}”" for t in tags)


def confirmation_label(prefilled: Mapping[str, Prefilled]) -> str:
    return f"I have confirmed each answer marked {marks(prefilled)} with the victim"


def confirmation_problem(prefilled: Mapping[str, Prefilled]) -> str:
    return (
        f"Confirm each answer marked {marks(prefilled)} with the victim, change any that is wrong, "
        "and tick the box to say you have."
    )
