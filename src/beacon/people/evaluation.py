"""`beacon people eval`: accuracy and speed of the batch and of the online lookup on a labelled file."""

from __future__ import annotations

import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

from beacon.people import batch
from beacon.people.features import features
from beacon.people.loading import load_records, read_csv
from beacon.people.metrics import pairwise, percentile, prf
from beacon.people.models import ContactRecord
from beacon.people.selectors import active_model, find_candidates


def evaluate(
    path: Path, *, holdout_fraction: float = 0.05, seed: int = 0, backend: str = "duckdb", spark: Any = None
) -> dict[str, Any]:
    if ContactRecord.objects.exists():
        raise RuntimeError("eval needs an empty index (it runs in a fresh database by default).")
    rows = read_csv(path)
    rng = random.Random(seed)
    held = {i for i in range(len(rows)) if rng.random() < holdout_fraction}
    loaded = [r for i, r in enumerate(rows) if i not in held]
    queries = [r for i, r in enumerate(rows) if i in held]
    records = load_records(None, loaded, source="eval", strict=False)
    truth = {rec.pk: row["cluster_id"] for rec, row in zip(records, loaded, strict=True)}

    t = time.perf_counter()
    df, _current = batch.export_frame()
    batch.train_model(None, df, seed=seed, backend=backend, spark=spark)
    train_s = time.perf_counter() - t
    t = time.perf_counter()
    batch.run(None, retrain=False, backend=backend, spark=spark)
    cluster_s = time.perf_counter() - t
    person_of = dict(ContactRecord.objects.values_list("id", "person_id"))
    batch_figures = pairwise(truth, person_of)

    model = active_model()
    assert model is not None
    # Index side of the online measure: how many records each person holds, and of which true cluster.
    person_size = Counter(person_of.values())
    person_cluster = Counter((person, truth[rec]) for rec, person in person_of.items())
    cluster_size = Counter(truth.values())
    latencies: list[float] = []
    hits = answered = askable = 0
    pair_tp = pair_pred = pair_true = 0
    for q in queries:
        t = time.perf_counter()
        found = find_candidates(features(q, strict=False), limit=1)
        latencies.append((time.perf_counter() - t) * 1000)
        cid = q["cluster_id"]
        askable += cid in cluster_size
        pair_true += cluster_size.get(cid, 0)
        if found and found[0].probability >= model.upper_threshold:
            person = found[0].person_id
            answered += 1
            hits += person_cluster.get((person, cid), 0) > 0
            pair_pred += person_size.get(person, 0)
            pair_tp += person_cluster.get((person, cid), 0)
    return {
        "records": len(loaded),
        "batch": {**batch_figures, "train_s": round(train_s, 2), "cluster_s": round(cluster_s, 2)},
        "online": {
            "queries": len(queries),
            # As the command contract defines it: a query is a predicted match when the top person
            # passes the upper threshold, correct when that person holds a record of its cluster.
            **prf(hits, answered, askable),
            # Pairwise, like the batch figure: the pairs each query forms with the records of the
            # person the lookup names, against the pairs it forms with its true cluster's records.
            "pairwise": prf(pair_tp, pair_pred, pair_true),
            "p50_ms": round(percentile(latencies, 50), 2),
            "p99_ms": round(percentile(latencies, 99), 2),
        },
    }
