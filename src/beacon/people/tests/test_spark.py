"""The scale-out path: the batch on Splink's Spark backend (local mode) gives the DuckDB batch's clusters."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from beacon.people import splink_model
from beacon.people.clustering import cluster
from beacon.people.features import features
from beacon.people.synth import generate


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from beacon.people.spark import local_session

    session = local_session(cores=2, memory="2g")
    yield session
    session.stop()


def test_spark_and_duckdb_batches_give_the_same_clusters_on_10000_records(spark: Any, tmp_path: Path) -> None:
    rows = generate(4500, seed=11)[:10_000]
    recs = []
    for i, r in enumerate(rows):
        f = features(r, strict=False)
        recs.append({"record_id": i, **f.values, "house_no": f.house_no})
    assert len(recs) == 10_000
    df = splink_model.frame(recs)
    model = splink_model.train(df, tmp_path / "model.json", seed=3)
    threshold = 0.8
    on_duckdb = splink_model.predict(df, model, threshold=0.3)
    on_spark = splink_model.predict(df, model, threshold=0.3, backend="spark", spark=spark)
    ids = range(len(recs))
    duck = cluster(ids, list(on_duckdb.itertuples(index=False, name=None)), threshold=threshold)
    sprk = cluster(ids, list(on_spark.itertuples(index=False, name=None)), threshold=threshold)
    assert len(set(duck.values())) < len(recs)  # it did cluster something
    assert duck == sprk
