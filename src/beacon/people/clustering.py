"""Clustering scored pairs into persons, honouring analysts' decisions, and keeping ids stable.

Pure Python: the same code clusters the DuckDB and the Spark batch, so equal predictions give
equal clusters.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar


class _Key(Protocol):
    """What a record id must be: usable as a dict key and orderable (the cluster label is the smallest)."""

    def __hash__(self) -> int: ...
    def __lt__(self, other: Any, /) -> bool: ...


K = TypeVar("K", bound=_Key)
# Given the members of two clusters about to join, True refuses the join.
Veto = Callable[[list[K], list[K]], bool]


class _UnionFind(Generic[K]):
    def __init__(self) -> None:
        self.parent: dict[K, K] = {}
        self.members: dict[K, list[K]] = {}
        self.cannot: dict[K, set[K]] = {}

    def add(self, x: K) -> None:
        if x not in self.parent:
            self.parent[x] = x
            self.members[x] = [x]

    def find(self, x: K) -> K:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def conflict(self, ra: K, rb: K) -> bool:
        small, other = (ra, rb) if len(self.cannot.get(ra, ())) <= len(self.cannot.get(rb, ())) else (rb, ra)
        return any(self.find(x) == other for x in self.cannot.get(small, ()))

    def union(self, a: K, b: K, veto: Veto[K] | None = None) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if self.conflict(ra, rb):
            return False
        if veto is not None and veto(self.members[ra], self.members[rb]):
            return False
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))
        if rb in self.cannot:
            self.cannot.setdefault(ra, set()).update(self.cannot.pop(rb))
        return True


def cluster(
    ids: Iterable[K],
    edges: Iterable[tuple[K, K, float]],
    *,
    threshold: float,
    must_link: Iterable[tuple[K, K]] = (),
    cannot_link: Iterable[tuple[K, K]] = (),
    veto: Veto[K] | None = None,
) -> dict[K, K]:
    """Map each id to its cluster's smallest id.

    Must-links join first; then pairs at or above `threshold`, strongest first, join unless that
    would put two records an analyst said are different people in one cluster, or `veto` refuses
    (e.g. because two of the records are clearly different people: a father and son of one name
    linked through a record that gives no date of birth).
    """
    uf: _UnionFind[K] = _UnionFind()
    for i in ids:
        uf.add(i)
    for a, b in cannot_link:
        uf.add(a)
        uf.add(b)
        uf.cannot.setdefault(a, set()).add(b)
        uf.cannot.setdefault(b, set()).add(a)
    for a, b in must_link:
        uf.add(a)
        uf.add(b)
        uf.union(a, b)
    strong = sorted(
        ((round(p, 9), a, b) for a, b, p in edges if p >= threshold), key=lambda e: (-e[0], e[1], e[2])
    )
    for _p, a, b in strong:
        uf.add(a)
        uf.add(b)
        uf.union(a, b, veto)
    out: dict[K, K] = {}
    for root, members in uf.members.items():
        del root
        label = min(members)
        for m in members:
            out[m] = label
    return out


@dataclass
class Assignment:
    """Which person each record belongs to after a run, and what that changes."""

    person_of: dict[int, int]  # record id → person id (existing ids, or negative ids for new persons)
    new_persons: int
    merged: dict[int, int] = field(default_factory=dict)  # person id → the person it merged into
    moved: list[tuple[int, int, int]] = field(default_factory=list)  # (record, from person, to person)


def stable_assignment(clusters: dict[int, int], current: dict[int, int]) -> Assignment:
    """Give each new cluster a person id so that ids stay stable.

    A person keeps its id for the cluster holding most of its records (more than half); when several
    persons claim one cluster (a merge) the one with most records there keeps its id and the others
    are merged into it; a cluster nobody claims is a new person (numbered -1, -2, … here).
    """
    by_cluster: dict[int, list[int]] = defaultdict(list)
    for rec, c in clusters.items():
        by_cluster[c].append(rec)
    person_sizes = Counter(current.values())
    claims: dict[int, list[tuple[int, int]]] = defaultdict(list)  # cluster → [(records there, person)]
    for c, recs in by_cluster.items():
        for person, n in Counter(current[r] for r in recs if r in current).items():
            if n * 2 > person_sizes[person]:
                claims[c].append((n, person))
    person_for: dict[int, int] = {}
    merged: dict[int, int] = {}
    new = 0
    for c in sorted(by_cluster):
        if claims.get(c):
            ranked = sorted(claims[c], key=lambda t: (-t[0], t[1]))
            keeper = ranked[0][1]
            person_for[c] = keeper
            for _n, other in ranked[1:]:
                merged[other] = keeper
        else:
            new += 1
            person_for[c] = -new
    person_of: dict[int, int] = {}
    moved: list[tuple[int, int, int]] = []
    for c, recs in by_cluster.items():
        p = person_for[c]
        for r in recs:
            person_of[r] = p
            before = current.get(r)
            if before is not None and before != p:
                moved.append((r, before, p))
    return Assignment(person_of=person_of, new_persons=new, merged=merged, moved=sorted(moved))


def scored_veto(
    features: Callable[[K], dict[str, Any]],
    refuse: Callable[[dict[str, Any], dict[str, Any]], bool],
    *,
    max_pairs: int = 400,
) -> Veto[K]:
    """A veto that refuses a join when `refuse` holds for any record of one cluster against any
    record of the other (complete-link on strong disagreement), checking up to `max_pairs` pairs."""

    def veto(left: list[K], right: list[K]) -> bool:
        checked = 0
        for x in left:
            fx = features(x)
            for y in right:
                if refuse(fx, features(y)):
                    return True
                checked += 1
                if checked >= max_pairs:
                    return False
        return False

    return veto
