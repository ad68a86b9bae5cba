"""The overnight batch (`beacon people cluster`): optionally retrain, score, cluster the whole
index, honour analysts' decisions, keep person ids stable, fill the review queue, and write back."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from beacon.core import audit
from beacon.core.models import User
from beacon.people import splink_model
from beacon.people.clustering import cluster, scored_veto, stable_assignment
from beacon.people.comparisons import household_pair
from beacon.people.models import (
    FEATURES,
    ClusterRun,
    ContactRecord,
    MatchModel,
    Person,
    RecordMove,
    ReviewPair,
)
from beacon.people.scoring import Scorer
from beacon.people.selectors import active_model
from beacon.people.services import model_dir, register_model

# Two clusters do not join when any record of one scores below this against any record of the
# other: strong disagreement (a father and son of one name, twins) vetoes a chain of weak links.
VETO_FLOOR = 1e-4


@dataclass
class BatchResult:
    run_id: int
    records: int
    persons: int
    moved: int
    new_persons: int
    merged: int
    review_pairs: int
    model_version: int
    timings: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def export_frame() -> tuple[pd.DataFrame, dict[int, int]]:
    """Every live record's features (record_id first) and its current person."""
    cols = ["id", "person_id", *FEATURES, "house_no"]
    rows = ContactRecord.objects.filter(erased_at__isnull=True).values_list(*cols)
    df = pd.DataFrame.from_records(list(rows.iterator(chunk_size=20000)), columns=cols)
    current = dict(zip(df["id"].tolist(), df["person_id"].tolist(), strict=True))
    df = df.drop(columns=["person_id"]).rename(columns={"id": splink_model.UNIQUE_ID})
    return _nulls(df), current


def _nulls(df: pd.DataFrame) -> pd.DataFrame:
    obj = df.columns.drop(splink_model.UNIQUE_ID)
    df[obj] = df[obj].astype(object).where(df[obj].notna() & (df[obj] != ""), None)
    return df


def train_model(
    actor: User | None, df: pd.DataFrame, *, seed: int = 42, backend: str = "duckdb", spark: Any = None
) -> MatchModel:
    out = model_dir() / f"training-{int(time.time() * 1000)}.json"
    model = splink_model.train(df, out, seed=seed, backend=backend, spark=spark)
    return register_model(actor, out, model, records=len(df))


def decisions() -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    same: list[tuple[int, int]] = []
    different: list[tuple[int, int]] = []
    for a, b, d in ReviewPair.objects.exclude(decision=ReviewPair.Decision.PENDING).values_list(
        "record_a_id", "record_b_id", "decision"
    ):
        (same if d == ReviewPair.Decision.SAME else different).append((a, b))
    return same, different


def run(
    actor: User | None = None,
    *,
    retrain: bool = False,
    backend: str = "duckdb",
    spark: Any = None,
    seed: int = 42,
) -> BatchResult:
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    df, current = export_frame()
    timings["export_s"] = time.perf_counter() - t0
    model = active_model()
    if retrain or model is None:
        t = time.perf_counter()
        model = train_model(actor, df, seed=seed, backend=backend, spark=spark)
        timings["train_s"] = time.perf_counter() - t
    import json

    settings_json = json.loads(Path(model.path).read_text())
    t = time.perf_counter()
    preds = splink_model.predict(
        df, settings_json, threshold=model.lower_threshold, backend=backend, spark=spark
    )
    timings["predict_s"] = time.perf_counter() - t
    t = time.perf_counter()
    same, different = decisions()
    edges = list(
        zip(preds.iloc[:, 0].tolist(), preds.iloc[:, 1].tolist(), preds.iloc[:, 2].tolist(), strict=True)
    )
    scorer = Scorer(settings_json)
    feats = {r[splink_model.UNIQUE_ID]: r for r in df[[splink_model.UNIQUE_ID, *FEATURES]].to_dict("records")}
    veto = scored_veto(feats.__getitem__, lambda a, b: scorer.probability(a, b) < VETO_FLOOR)
    joinable = [(a, b, p) for a, b, p in edges if not household_pair(feats[a], feats[b])]
    clusters = cluster(
        current.keys(),
        joinable,
        threshold=model.upper_threshold,
        must_link=same,
        cannot_link=different,
        veto=veto,
    )
    assignment = stable_assignment(clusters, current)
    timings["cluster_s"] = time.perf_counter() - t
    decided = {tuple(sorted(p)) for p in same + different}
    # For review: pairs between the thresholds that the batch left in two persons. (Pairs above the
    # upper threshold that it did not join — one household, or a clear disagreement elsewhere — are
    # mostly right as they are, and would bury the analysts' queue: 290,000 on 1,000,000 records.)
    review = [
        (min(a, b), max(a, b), p)
        for a, b, p in edges
        if p < model.upper_threshold and clusters[a] != clusters[b] and (min(a, b), max(a, b)) not in decided
    ]
    t = time.perf_counter()
    result = write_back(actor, model, assignment, review, len(current))
    timings["write_s"] = time.perf_counter() - t
    timings["total_s"] = time.perf_counter() - t0
    ClusterRun.objects.filter(pk=result.run_id).update(figures={k: round(v, 3) for k, v in timings.items()})
    result.timings = timings
    return result


@transaction.atomic
def write_back(
    actor: User | None, model: MatchModel, assignment: Any, review: list[tuple[int, int, float]], records: int
) -> BatchResult:
    run_row = ClusterRun.objects.create(
        model_version=model.version, records=records, persons_before=len(set(assignment.person_of.values()))
    )
    # New persons for clusters nobody claimed.
    new_ids: dict[int, int] = {}
    if assignment.new_persons:
        made = Person.objects.bulk_create([Person() for _ in range(assignment.new_persons)])
        if any(p.pk is None for p in made):  # a backend that returns no ids
            made = list(Person.objects.order_by("-id")[: assignment.new_persons])[::-1]
        new_ids = {-(i + 1): p.pk for i, p in enumerate(made)}
        audit.record_creates(actor, made, reason=f"cluster run {run_row.pk}")
    moves = [(r, f, new_ids.get(t, t)) for r, f, t in assignment.moved]
    _bulk_set(ContactRecord, "person_id", [(r, t) for r, _f, t in moves])
    RecordMove.objects.bulk_create(
        [RecordMove(run=run_row, record_id=r, from_person_id=f, to_person_id=t) for r, f, t in moves],
        batch_size=5000,
    )
    _bulk_set(Person, "merged_into_id", [(old, new_ids.get(k, k)) for old, k in assignment.merged.items()])
    existing = set(ReviewPair.objects.values_list("record_a_id", "record_b_id"))
    ReviewPair.objects.bulk_create(
        [
            ReviewPair(record_a_id=a, record_b_id=b, probability=p, model_version=model.version)
            for a, b, p in review
            if (a, b) not in existing
        ],
        batch_size=5000,
    )
    run_row.finished_at = timezone.now()
    run_row.records_moved = len(moves)
    run_row.persons_after = len({new_ids.get(p, p) for p in assignment.person_of.values()})
    run_row.review_pairs = len(review)
    run_row.save()
    audit.record_create(actor, run_row, reason=f"{len(moves)} records moved, {len(assignment.merged)} merges")
    return BatchResult(
        run_id=run_row.pk,
        records=records,
        persons=run_row.persons_after,
        moved=len(moves),
        new_persons=assignment.new_persons,
        merged=len(assignment.merged),
        review_pairs=len(review),
        model_version=model.version,
    )


def _bulk_set(model: Any, column: str, pairs: list[tuple[int, int]]) -> None:
    """Set `column` on many rows of `model` ((row id, value) pairs): PostgreSQL takes 50,000 at a
    time as two arrays in one UPDATE … FROM unnest; SQLite runs one prepared statement many times."""
    if not pairs:
        return
    table = model._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            for i in range(0, len(pairs), 50_000):
                chunk = pairs[i : i + 50_000]
                cur.execute(
                    f"UPDATE {table} AS t SET {column} = v.value FROM "  # noqa: S608 - our names, values bound
                    "(SELECT unnest(%s::bigint[]) AS id, unnest(%s::bigint[]) AS value) AS v "
                    "WHERE t.id = v.id",
                    [[r for r, _v in chunk], [v for _r, v in chunk]],
                )
            return
        for i in range(0, len(pairs), 5000):
            cur.executemany(
                f"UPDATE {table} SET {column} = %s WHERE id = %s",  # noqa: S608 - our names, values bound
                [(v, r) for r, v in pairs[i : i + 5000]],
            )


def temp_model_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="beacon-model-"))
