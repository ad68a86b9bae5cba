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
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from beacon.core import audit
from beacon.core.models import AuditEvent, User
from beacon.core.plainsql import instance
from beacon.people.blocking import candidate_terms
from beacon.people.comparisons import COMMON_KEY_CAP
from beacon.people.features import Features, features, require_something
from beacon.people.models import (
    FEATURES,
    ConfirmedDetail,
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
                mine = out.setdefault(pid, {})
                # "alerts" (a list of {"kind", "label", "reason"}) gathers every provider's.
                alerts = [*mine.get("alerts", []), *items.get("alerts", [])]
                mine.update(items)
                if alerts:
                    mine["alerts"] = alerts
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
    """A person's records as given, oldest first (a history: each as it was on that contact)."""
    return person.records.order_by("contacted_at", "id")


# ---------------------------------------------------------------------------------------------
# Who a person is known as: the one rule every page, the API and other domains read a person's
# name and details by (docs/adr/0011-known-as.md)

DETAILS: tuple[str, ...] = tuple(ConfirmedDetail.Detail.values)  # name, dob, phone, email, address
DETAIL_LABELS: dict[str, str] = dict(ConfirmedDetail.Detail.choices)

_GIVEN = ("forename", "surname", "dob", "phone", "email", "address", "postcode")
_NORMAL = ("forename", "surname", "dob", "phone", "email", "addr_key", "postcode")
_COLUMNS = ("id", "person_id", "contacted_at", *(f"given_{g}" for g in _GIVEN), *_NORMAL)


@dataclass(frozen=True)
class _Row:
    """One live record, as `known_as` reads it: what was given, its normal forms, and which of the
    person's details an officer confirmed from it."""

    id: int
    person_id: int
    contacted_at: dt.datetime
    given: dict[str, str]
    norm: dict[str, str | None]
    confirmed: frozenset[str]

    def gives(self, detail: str) -> bool:
        g = self.given
        if detail == "name":
            return bool(g["forename"] or g["surname"])
        if detail == "address":
            return bool(g["address"] or g["postcode"])
        return bool(g[detail])


def _fold(value: str) -> str:
    return " ".join(value.casefold().split())


def _key(row: _Row, detail: str) -> tuple[str, ...]:
    """The value a record gives for a detail, in the form that counts as the same value: the
    normalised one where there is one (so "Mrs MARGARET Whitfield" and "Margaret Whitfield" are one
    name, 07700 900123 and +447700900123 one phone), else the text as given, folded."""
    g, n = row.given, row.norm
    if detail == "name":
        return (n["forename"] or _fold(g["forename"]), n["surname"] or _fold(g["surname"]))
    if detail == "address":
        return (n["addr_key"] or _fold(g["address"]),)
    if detail == "postcode":
        return (n["postcode"] or _fold(g["postcode"]).replace(" ", ""),)
    return (n[detail] or _fold(g[detail]),)


@dataclass(frozen=True)
class Chosen:
    """Where one of a person's details comes from: the record it is read from (as given there),
    whether an officer confirmed it, and how many of the person's live records give that value."""

    record_id: int
    confirmed: bool
    records: int


def _groups(rows: list[_Row], detail: str) -> list[list[_Row]]:
    """The records giving `detail`, grouped by value; each group oldest first, the groups in the
    order their values were first given."""
    groups: dict[tuple[str, ...], list[_Row]] = {}
    for r in rows:  # rows are oldest first
        if detail == "postcode" and not r.given["postcode"]:
            continue
        if detail == "address" and not r.given["address"]:
            continue
        if detail not in ("address", "postcode") and not r.gives(detail):
            continue
        groups.setdefault(_key(r, detail), []).append(r)
    return list(groups.values())


def _most_common(groups: list[list[_Row]]) -> list[_Row] | None:
    """The group given most often; of equals, the one given first (so a new one-off spelling never
    displaces an established one)."""
    best: list[_Row] | None = None
    for g in groups:  # in order of first appearance: only a strictly larger group replaces
        if best is None or len(g) > len(best):
            best = g
    return best


def _choose(rows: list[_Row], detail: str) -> tuple[_Row, Chosen] | None:
    """The record a detail is read from: the one an officer confirmed, else the first record of
    the value given most often."""
    groups = _groups(rows, detail)
    confirmed = next((r for r in rows if detail in r.confirmed and r.gives(detail)), None)
    if confirmed is not None:
        same = next((g for g in groups if any(r is confirmed for r in g)), [confirmed])
        return confirmed, Chosen(confirmed.id, True, len(same))
    best = _most_common(groups)
    if best is None:
        return None
    return best[0], Chosen(best[0].id, False, len(best))


@dataclass(frozen=True)
class KnownAs:
    """A person's name and details as Beacon shows them, each chosen by one rule (`known_as`).
    Empty strings where none of their live records gives the detail. `chosen` says, per detail
    (name, dob, phone, email, address), which record it is read from and why."""

    person_id: int
    forename: str = ""
    surname: str = ""
    dob: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    postcode: str = ""
    records: int = 0  # live (not erased) records counted
    chosen: dict[str, Chosen] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return " ".join(x for x in (self.forename, self.surname) if x)

    @property
    def label(self) -> str:
        """The name, or "Person N" when no live record gives one."""
        return self.name or f"Person {self.person_id}"

    @property
    def address_line(self) -> str:
        return ", ".join(x for x in (self.address, self.postcode) if x)

    @property
    def known(self) -> bool:
        """Whether any live record gives any detail."""
        return bool(self.chosen)

    def is_confirmed(self, detail: str) -> bool:
        c = self.chosen.get(detail)
        return bool(c and c.confirmed)

    def as_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "name": self.name,
            "forename": self.forename,
            "surname": self.surname,
            "dob": self.dob,
            "phone": self.phone,
            "email": self.email,
            "address": self.address,
            "postcode": self.postcode,
            "records": self.records,
            "chosen": {
                d: {"record_id": c.record_id, "confirmed": c.confirmed, "records": c.records}
                for d, c in self.chosen.items()
            },
        }


def _known(person_id: int, rows: list[_Row]) -> KnownAs:
    values: dict[str, str] = {}
    chosen: dict[str, Chosen] = {}
    for detail in ("name", "dob", "phone", "email"):
        got = _choose(rows, detail)
        if got is None:
            continue
        row, chosen[detail] = got
        if detail == "name":
            values["forename"], values["surname"] = row.given["forename"], row.given["surname"]
        else:
            values[detail] = row.given[detail]
    place = _choose_place(rows)
    if place is not None:
        values["address"], values["postcode"], chosen["address"] = place
    return KnownAs(person_id, records=len(rows), chosen=chosen, **values)


def _choose_place(rows: list[_Row]) -> tuple[str, str, Chosen] | None:
    """The address and its postcode, chosen together (an address never gets another's postcode):
    the confirmed record's, else the address given most often; its postcode is the record's own,
    else the one given most often with that address. With no address given anywhere, the postcode
    given most often (or confirmed) alone."""
    confirmed = next((r for r in rows if "address" in r.confirmed and r.gives("address")), None)
    addressed = _groups(rows, "address")
    if confirmed is not None:
        group = next((g for g in addressed if any(r is confirmed for r in g)), [confirmed])
        return _with_postcode(confirmed, group, Chosen(confirmed.id, True, len(group)))
    best = _most_common(addressed)
    if best is not None:
        return _with_postcode(best[0], best, Chosen(best[0].id, False, len(best)))
    only = _most_common(_groups(rows, "postcode"))
    if only is None:
        return None
    return "", only[0].given["postcode"], Chosen(only[0].id, False, len(only))


def _with_postcode(row: _Row, group: list[_Row], chosen: Chosen) -> tuple[str, str, Chosen]:
    postcode = row.given["postcode"]
    if not postcode and row.given["address"]:
        best = _most_common(_groups(group, "postcode"))
        postcode = best[0].given["postcode"] if best else ""
    return row.given["address"], postcode, chosen


def _live_rows(person_ids: list[int]) -> dict[int, list[_Row]]:
    """The people's live records, oldest first, with which details were confirmed from each:
    one query however many people."""
    out: dict[int, list[_Row]] = {p: [] for p in person_ids}
    if not person_ids:
        return out
    marks = {
        f"confirmed_{d}": Exists(
            ConfirmedDetail.objects.filter(
                person_id=OuterRef("person_id"), record_id=OuterRef("pk"), detail=d
            )
        )
        for d in DETAILS
    }
    rows = (
        ContactRecord.objects.filter(person_id__in=person_ids, erased_at__isnull=True)
        .annotate(**marks)
        .order_by("person_id", "contacted_at", "id")
        .values_list(*_COLUMNS, *marks)
    )
    n_given, n_norm = len(_GIVEN), len(_NORMAL)
    for row in rows:
        pk, pid, at = row[0], row[1], row[2]
        given = dict(zip(_GIVEN, (str(v or "").strip() for v in row[3 : 3 + n_given]), strict=True))
        norm = dict(zip(_NORMAL, row[3 + n_given : 3 + n_given + n_norm], strict=True))
        flags = row[3 + n_given + n_norm :]
        confirmed = frozenset(d for d, on in zip(DETAILS, flags, strict=True) if on)
        out[pid].append(_Row(pk, pid, at, given, norm, confirmed))
    return out


def known_as(person_ids: list[int] | set[int] | tuple[int, ...]) -> dict[int, KnownAs]:
    """Each person's name, date of birth, phone, email, address and postcode, each by one rule: the
    value an officer confirmed for that person (`services.confirm_details`) wins; otherwise the
    value given most often across the person's live (not erased) records, ties going to the value
    given first, so a one-off misspelling at a call never renames them. Values are shown as given
    on the record chosen (the earliest of its value). One query for any number of people; every id
    asked for gets an entry (empty when nothing is held). Callers log the read where they show it.
    """
    ids = sorted({int(p) for p in person_ids})
    rows = _live_rows(ids)
    return {pid: _known(pid, rows[pid]) for pid in ids}


@dataclass(frozen=True)
class DetailOption:
    """One value a person's records give for a detail (the page that chooses among them)."""

    record_id: int  # the first record giving it
    value: str
    records: int
    first_at: dt.datetime
    chosen: bool  # what `known_as` shows now


def _shown(row: _Row, detail: str) -> str:
    g = row.given
    if detail == "name":
        return " ".join(x for x in (g["forename"], g["surname"]) if x)
    if detail == "address":
        return ", ".join(x for x in (g["address"], g["postcode"]) if x)
    return g[detail]


def detail_options(person: Person, detail: str) -> tuple[KnownAs, list[DetailOption]]:
    """The values the person's live records give for `detail` (an address with its postcode as one
    value), most often given first, with what they are known as now."""
    rows = _live_rows([person.pk])[person.pk]
    known = _known(person.pk, rows)
    chosen = known.chosen.get(detail)
    groups: dict[tuple[str, ...], list[_Row]] = {}
    for r in rows:
        if not r.gives(detail):
            continue
        key = _key(r, detail) + (_key(r, "postcode") if detail == "address" else ())
        groups.setdefault(key, []).append(r)
    options = [
        DetailOption(
            g[0].id,
            _shown(g[0], detail),
            len(g),
            g[0].contacted_at,
            chosen is not None and any(r.id == chosen.record_id for r in g),
        )
        for g in groups.values()
    ]
    options.sort(key=lambda o: (-o.records, o.first_at, o.record_id))
    return known, options


def confirmations(person: Person) -> dict[str, ConfirmedDetail]:
    """Who confirmed which of the person's details, and when (whether or not still in force: a
    confirmed record since erased or moved confirms nothing, see `known_as`)."""
    return {c.detail: c for c in ConfirmedDetail.objects.filter(person=person).select_related("confirmed_by")}


def review_queue() -> QuerySet[ReviewPair]:
    return ReviewPair.objects.filter(decision=ReviewPair.Decision.PENDING).select_related(
        "record_a", "record_b"
    )


def subject_access(person: Person, *, actor: User | None, reason: str) -> dict[str, Any]:
    """Everything held about a person: records as given, flags, decisions, confirmations of their
    details, and who looked."""
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
    confirmed = ConfirmedDetail.objects.filter(person=person).select_related("confirmed_by")
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
        # Which record an officer confirmed each detail from (what every page shows for them).
        "confirmed_details": [
            {
                "detail": c.detail,
                "record_id": c.record_id,
                "by": c.confirmed_by.get_username() if c.confirmed_by else None,
                "at": c.confirmed_at.isoformat(),
                "note": c.note,
            }
            for c in confirmed
        ],
    }
