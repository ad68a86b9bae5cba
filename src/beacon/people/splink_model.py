"""Training and batch scoring with Splink (DuckDB on one machine, Spark for a national index).

Splink estimates the parameters: u by random sampling of record pairs, m by expectation
maximisation over blocked pairs; the trained model is Splink's own JSON settings file. The same
file drives the online scorer (scoring.py), so the two agree.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pandas as pd

from beacon.people.comparisons import (
    BLOCKING_RULES,
    CAPPED_KEYS,
    COMMON_KEY_CAP,
    COMPARISONS,
    DETERMINISTIC_RULES,
    EM_BLOCKS,
    SWAPPED_RULE,
    blocking_column,
    blocking_rule_sql,
)
from beacon.people.models import FEATURES

UNIQUE_ID = "record_id"


def _rule(cols: tuple[str, ...]) -> str:
    return " AND ".join(f"l.{c} = r.{c}" for c in cols)


def prediction_blocking_rules() -> list[dict[str, str]]:
    return [{"blocking_rule": r} for r in [*(blocking_rule_sql(c) for c in BLOCKING_RULES), SWAPPED_RULE]]


def with_blocking_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Add the capped copies of the single blocking keys: null where a value is shared by more than
    COMMON_KEY_CAP records."""
    out = df.copy()
    for col in sorted(CAPPED_KEYS):
        counts = out[col].map(out[col].value_counts())
        out[blocking_column(col)] = out[col].where(counts <= COMMON_KEY_CAP, None)
    return out


def settings_dict(prior: float = 1e-4) -> dict[str, Any]:
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": UNIQUE_ID,
        "probability_two_random_records_match": prior,
        "blocking_rules_to_generate_predictions": prediction_blocking_rules(),
        "comparisons": [
            {
                "output_column_name": c.name,
                "comparison_description": c.label,
                "comparison_levels": [
                    {
                        "sql_condition": lv.sql,
                        "label_for_charts": lv.label,
                        **({"is_null_level": True} if lv.null else {}),
                    }
                    for lv in c.levels
                ],
            }
            for c in COMPARISONS
        ],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "additional_columns_to_retain": [],
    }


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The input table Splink reads: record_id plus every feature, blanks as nulls."""
    df = pd.DataFrame.from_records(rows, columns=[UNIQUE_ID, *FEATURES, "house_no"])
    obj = df.columns.drop(UNIQUE_ID)
    df[obj] = df[obj].astype(object).where(df[obj].notna() & (df[obj] != ""), None)
    return df


def db_api(backend: str = "duckdb", spark: Any = None) -> Any:
    if backend == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI()
    if backend == "spark":
        from splink import SparkAPI

        return SparkAPI(spark_session=spark)
    raise ValueError(f"unknown backend {backend!r}")


def _linker(api: Any, df: pd.DataFrame, settings: dict[str, Any] | str) -> Any:
    from splink import Linker

    source = df
    if getattr(api, "sql_dialect", None) and api.sql_dialect.sql_dialect_str == "spark":
        source = api.spark.createDataFrame(df.astype(object).where(df.notna(), None))
    return Linker(api.register(source), settings, log_level=logging.WARNING)


def block_pairs(df: pd.DataFrame, cols: tuple[str, ...]) -> int:
    """How many record pairs agree on every column (nulls never agree)."""
    sizes = df.dropna(subset=list(cols)).groupby(list(cols)).size()
    return int((sizes * (sizes - 1) // 2).sum())


def train(
    df: pd.DataFrame, out: Path, *, seed: int = 42, backend: str = "duckdb", spark: Any = None
) -> dict[str, Any]:
    """Train a model on the records in `df` and write Splink's JSON to `out`. Returns the model."""
    api = db_api(backend, spark)
    linker = _linker(api, with_blocking_columns(df), settings_dict())
    n = len(df)
    linker.training.estimate_probability_two_random_records_match(list(DETERMINISTIC_RULES), recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=min(5e6, max(1e5, n * 20.0)), seed=seed)
    proportion = min(1.0, 200_000 / max(n, 1))
    trained = 0
    for cols in EM_BLOCKS:
        # A block with too few pairs (e.g. no phone numbers in this data) cannot train anything;
        # the other blocks train those levels. (Splink's own error would leave its session half-done.)
        if block_pairs(df, cols) * proportion**2 < 1000:
            continue
        linker.training.estimate_parameters_using_expectation_maximisation(
            _rule(cols), record_sample_proportion=proportion
        )
        trained += 1
    if not trained:
        raise ValueError("too few similar records to train on: load more records first")
    out.parent.mkdir(parents=True, exist_ok=True)
    linker.misc.save_model_to_json(str(out), overwrite=True)
    return json.loads(out.read_text())


def predict(
    df: pd.DataFrame, model: dict[str, Any], *, threshold: float, backend: str = "duckdb", spark: Any = None
) -> pd.DataFrame:
    """Score every blocked pair at or above `threshold`: record_id_l, record_id_r, match_probability."""
    api = db_api(backend, spark)
    # Blocking is how pairs are chosen, not a trained parameter: always today's rules.
    model = {**model, "blocking_rules_to_generate_predictions": prediction_blocking_rules()}
    linker = _linker(api, with_blocking_columns(df), model)
    preds = linker.inference.predict(threshold_match_probability=threshold)
    out = preds.as_pandas_dataframe()[[f"{UNIQUE_ID}_l", f"{UNIQUE_ID}_r", "match_probability"]]
    return out
