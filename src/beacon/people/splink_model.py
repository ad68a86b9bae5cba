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


# m is estimated by EM on at most this many records, drawn at random: on 1,000,000 records Splink's
# own record sampling took about two minutes per EM block, a pre-drawn sample of 200,000 six seconds.
EM_SAMPLE = 200_000


def train(
    df: pd.DataFrame, out: Path, *, seed: int = 42, backend: str = "duckdb", spark: Any = None
) -> dict[str, Any]:
    """Train a model on the records in `df` and write Splink's JSON to `out`. Returns the model.

    The prior (probability two random records match) and u (random sampling) are estimated on
    every record; m by expectation maximisation over blocked pairs of a random sample of at most
    EM_SAMPLE records, with u and the prior held as estimated on the whole index.
    """
    n = len(df)
    linker = _linker(db_api(backend, spark), with_blocking_columns(df), settings_dict())
    linker.training.estimate_probability_two_random_records_match(list(DETERMINISTIC_RULES), recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=min(5e6, max(1e5, n * 20.0)), seed=seed)
    whole = linker.misc.save_model_to_json()
    sample = df if n <= EM_SAMPLE else df.sample(n=EM_SAMPLE, random_state=seed)
    em_linker = _linker(db_api(backend, spark), with_blocking_columns(sample), whole)
    trained = 0
    for cols in EM_BLOCKS:
        # A block with too few pairs (e.g. no phone numbers in this data) cannot train anything;
        # the other blocks train those levels. (Splink's own error would leave its session half-done.)
        if block_pairs(sample, cols) < 1000:
            continue
        em_linker.training.estimate_parameters_using_expectation_maximisation(_rule(cols))
        trained += 1
    if not trained:
        raise ValueError("too few similar records to train on: load more records first")
    model: dict[str, Any] = em_linker.misc.save_model_to_json()
    model["probability_two_random_records_match"] = whole["probability_two_random_records_match"]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(model, indent=2))
    return model


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
