"""Reads of the person index. Every read of personal data goes through here and is logged."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from beacon.core import audit
from beacon.core.models import AuditEvent, User
from beacon.core.plainsql import instance
from beacon.people.blocking import candidate_terms
from beacon.people.comparisons import COMMON_KEY_CAP
from beacon.people.features import Features, features, require_something
from beacon.people.models import (
    FEATURES,
    ContactRecord,
    MatchModel,
    Person,
    PersonFlag,
    RepeatVictimRule,
    ReviewPair,
)
from beacon.people.scoring import Contribution, Scorer

CANDIDATE_LIMIT = 5000

# Later domains (incidents, risk, cases) add what they know about a person to a lookup result —
# e.g. open cases and risk level — without this earlier domain importing them.
PersonSummaryProvider = Callable[[list[int]], dict[int, dict[str, Any]]]
SUMMARY_PROVIDERS: list[PersonSummaryProvider] = []


def summaries(person_ids: list[int]) -> dict[int, dict[str, Any]]:
    """What every later domain says about each person (a key per item, e.g. "open_cases")."""
    out: dict[int, dict[str, Any]] = {p: {} for p in person_ids}
    if person_ids:
        for provider in SUMMARY_PROVIDERS:
            for pid, items in provider(person_ids).items():
                out.setdefault(pid, {}).update(items)
    return out


@lru_cache(maxsize=4)
def _scorer_for(path: str, sha: str) -> Scorer:
    del sha  # part of the cache key: a retrained file at the same path is read again
    return Scorer(json.loads(Path(path).read_text()))


def active_model() -> MatchModel | None:
    return MatchModel.objects.filter(is_active=True).order_by("-version").first()


NO_MODEL = "No matching model has been trained yet: run `beacon people cluster --train`."


def scorer(model: MatchModel | None = None) -> tuple[Scorer, MatchModel]:
    """The online scorer of the active model (or of `model`, when the caller has read it)."""
    model = model or active_model()
    if model is None:
        raise LookupError(NO_MODEL)
    return _scorer_for(model.path, model.sha256), model


def contact_setup() -> tuple[MatchModel | None, RepeatVictimRule | None]:
    """What recording a contact reads of the configuration, in one plain query: the active matching
    model (as `active_model`) and the newest repeat-victim rule (None when there is none yet).
    Their creation times and authors load on first use."""
    qn = connection.ops.quote_name
    models_, rules = qn(MatchModel._meta.db_table), qn(RepeatVictimRule._meta.db_table)
    sql = (
        "SELECT 'model', id, version, path, sha256, records, prior, lower_threshold, "  # noqa: S608 - our tables
        f"upper_threshold, NULL, NULL FROM {models_} WHERE id = "
        f"(SELECT id FROM {models_} WHERE is_active ORDER BY version DESC LIMIT 1) "
        "UNION ALL SELECT 'rule', id, version, NULL, NULL, NULL, NULL, NULL, NULL, min_contacts, "
        f"window_days FROM {rules} WHERE version = (SELECT MAX(version) FROM {rules})"
    )
    with connection.cursor() as cur:
        cur.execute(sql)
        rows = cur.fetchall()
    model = rule = None
    for kind, pk, version, path, sha, records, prior, lower, upper, min_contacts, window in rows:
        if kind == "model":
            model = instance(
                MatchModel,
                {
                    "id": pk,
                    "version": version,
                    "path": path,
                    "sha256": sha,
                    "records": records,
                    "prior": prior,
                    "lower_threshold": lower,
                    "upper_threshold": upper,
                    "is_active": True,
                },
            )
        else:
            rule = instance(
                RepeatVictimRule,
                {"id": pk, "version": version, "min_contacts": min_contacts, "window_days": window},
            )
    return model, rule


@dataclass
class FlagView:
    kind: str
    label: str
    reason: str
    source: str
    recorded_on: dt.date
    review_on: dt.date | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "reason": self.reason,
            "source": self.source,
            "recorded_on": self.recorded_on.isoformat(),
            "review_on": self.review_on.isoformat() if self.review_on else None,
        }


@dataclass
class Candidate:
    person_id: int
    probability: float
    match_weight: float
    contributions: tuple[Contribution, ...]
    record_id: int
    records: int = 0
    flags: list[FlagView] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "probability": round(self.probability, 6),
            "match_weight": round(self.match_weight, 3),
            "best_record_id": self.record_id,
            "records": self.records,
            "why": [c.describe() for c in self.contributions],
            "contributions": [
                {"field": c.field, "level": c.level, "weight": round(c.weight, 3)} for c in self.contributions
            ],
            "flags": [f.as_dict() for f in self.flags],
            **self.extra,
        }


def flag_view(f: PersonFlag) -> FlagView:
    return FlagView(f.kind.code, f.kind.label, f.reason, f.source, f.recorded_on, f.review_on)


def open_flags(person_ids: list[int], today: dt.date | None = None) -> dict[int, list[FlagView]]:
    today = today or timezone.localdate()
    out: dict[int, list[FlagView]] = {p: [] for p in person_ids}
    if not person_ids:
        return out
    qs = PersonFlag.objects.filter(person_id__in=person_ids).select_related("kind")
    for f in qs.exclude(ended_on__lte=today):
        out[f.person_id].append(flag_view(f))
    return out


def _too_common(col: str, value: Any) -> bool:
    """Whether more than COMMON_KEY_CAP live records share this value of a blocking key."""
    qn = connection.ops.quote_name
    sql = (
        f"SELECT COUNT(*) FROM (SELECT 1 FROM {qn(ContactRecord._meta.db_table)} "  # noqa: S608 - our names
        f"WHERE {qn(col)} = %s AND erased_at IS NULL LIMIT {COMMON_KEY_CAP + 1}) AS shared"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [value])
        (n,) = cur.fetchone()
    return bool(n > COMMON_KEY_CAP)


def _candidate_rows(terms: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """(id, person_id, *FEATURES) of the live records matching any term, in the index's order
    (contact time, id), at most CANDIDATE_LIMIT: one plain query, the blocking keys' indexes OR-ed."""
    qn = connection.ops.quote_name
    where, params = [], []
    for term in terms:
        where.append("(" + " AND ".join(f"{qn(c)} = %s" for c in term) + ")")
        params += list(term.values())
    sql = (
        f"SELECT id, person_id, {', '.join(qn(f) for f in FEATURES)} "  # noqa: S608 - our names, values bound
        f"FROM {qn(ContactRecord._meta.db_table)} WHERE erased_at IS NULL AND ({' OR '.join(where)}) "
        f"ORDER BY contacted_at, id LIMIT {CANDIDATE_LIMIT}"
    )
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def find_candidates(
    query: Features,
    *,
    limit: int = 10,
    min_probability: float = 0.0,
    using: tuple[Scorer, MatchModel] | None = None,
) -> list[Candidate]:
    """Persons whose records match the query, best first, each with the contributions that made it.
    `using`: the scorer and model the caller already has from `scorer()`."""
    sc, _model = using or scorer()
    q = query.values
    terms = candidate_terms(q, query.house_no, _too_common)
    if not terms:
        return []
    rows = _candidate_rows(terms)
    best: dict[int, tuple[float, int]] = {}
    count: dict[int, int] = {}
    for row in rows:
        rec = dict(zip(FEATURES, row[2:], strict=True))
        p = sc.probability(q, rec)
        person = row[1]
        count[person] = count.get(person, 0) + 1
        if p > best.get(person, (-1.0, 0))[0]:
            best[person] = (p, row[0])
    ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))[:limit]
    ranked = [r for r in ranked if r[1][0] >= min_probability]
    by_id = {row[0]: row for row in rows}
    out = []
    for person, (_p, rec_id) in ranked:
        rec = dict(zip(FEATURES, by_id[rec_id][2:], strict=True))
        s = sc.score(q, rec, explain=True)
        out.append(Candidate(person, s.probability, s.match_weight, s.contributions, rec_id, count[person]))
    return out


def lookup(raw: dict[str, Any], *, actor: User | None, reason: str, limit: int = 10) -> list[Candidate]:
    """The call-taking lookup: validate, find, attach flags (and what later domains add), log the read."""
    require_something(raw)
    query = features(raw, strict=True)
    found = find_candidates(query, limit=limit)
    ids = [c.person_id for c in found]
    if ids:
        flags = open_flags(ids)
        for c in found:
            c.flags = flags[c.person_id]
        extra = summaries(ids)
        for c in found:
            c.extra.update(extra.get(c.person_id, {}))
        audit.record_reads(actor, Person.objects.filter(pk__in=ids), reason=reason)
    return found


def person_records(person: Person) -> QuerySet[ContactRecord]:
    return person.records.order_by("contacted_at", "id")


def review_queue() -> QuerySet[ReviewPair]:
    return ReviewPair.objects.filter(decision=ReviewPair.Decision.PENDING).select_related(
        "record_a", "record_b"
    )


def subject_access(person: Person, *, actor: User | None, reason: str) -> dict[str, Any]:
    """Everything held about a person: records as given, flags, decisions, moves, and who looked."""
    person = Person.objects.prefetch_related(
        Prefetch("records", queryset=ContactRecord.objects.order_by("contacted_at", "id")),
        Prefetch("flags", queryset=PersonFlag.objects.select_related("kind")),
    ).get(pk=person.pk)
    records = list(person.records.all())
    rec_ids = [r.pk for r in records]
    reviews = ReviewPair.objects.filter(record_a_id__in=rec_ids) | ReviewPair.objects.filter(
        record_b_id__in=rec_ids
    )
    accesses = AuditEvent.objects.filter(
        app_label="people", model="person", object_pk=str(person.pk)
    ).order_by("at")
    audit.record_read(actor, person, reason=f"subject access: {reason}")
    return {
        "person_id": person.pk,
        "records": [
            {
                "record_id": r.pk,
                "source": r.source,
                "source_ref": r.source_ref,
                "contacted_at": r.contacted_at.isoformat(),
                "as_given": {
                    "forename": r.given_forename,
                    "surname": r.given_surname,
                    "dob": r.given_dob,
                    "phone": r.given_phone,
                    "email": r.given_email,
                    "address": r.given_address,
                    "postcode": r.given_postcode,
                },
                "erased": r.erased_at.isoformat() if r.erased_at else None,
                "erased_reason": r.erased_reason,
            }
            for r in records
        ],
        "flags": [
            {
                "kind": f.kind.code,
                "reason": f.reason,
                "source": f.source,
                "recorded_on": f.recorded_on.isoformat(),
                "review_on": f.review_on.isoformat() if f.review_on else None,
                "ended_on": f.ended_on.isoformat() if f.ended_on else None,
            }
            for f in person.flags.all()
        ],
        "review_decisions": [
            {
                "record_a": p.record_a_id,
                "record_b": p.record_b_id,
                "decision": p.decision,
                "probability": p.probability,
            }
            for p in reviews
        ],
        "accesses": [
            {"at": e.at.isoformat(), "by": e.actor_label, "action": e.action, "why": e.reason}
            for e in accesses
        ],
    }
