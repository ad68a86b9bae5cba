"""A standard Splink 5 configuration, as the Splink documentation builds one, for comparison.

Light cleaning only (trim, lower-case names, upper-case postcodes, digits of phones), the
comparison library's name, date-of-birth, email and postcode comparisons, blocking on each of
forename, surname, date of birth and postcode, u by random sampling and m by EM.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd


def clean(rows: list[dict[str, str]]) -> pd.DataFrame:
    out = []
    for i, r in enumerate(rows):
        phone = "".join(ch for ch in r.get("phone", "") if ch.isdigit())
        out.append(
            {
                "record_id": i,
                "forename": r["forename"].strip().lower() or None,
                "surname": r["surname"].strip().lower() or None,
                "dob": r["dob"].strip() or None,
                "phone": phone or None,
                "email": r.get("email", "").strip().lower() or None,
                "address": " ".join(r.get("address", "").lower().split()) or None,
                "postcode": r.get("postcode", "").strip().upper() or None,
            }
        )
    return pd.DataFrame(out)


def run(
    rows: list[dict[str, str]], thresholds: tuple[float, ...] = (0.5, 0.8, 0.9, 0.95, 0.99)
) -> dict[float, Any]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    df = clean(rows)
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=[
            cl.NameComparison("forename"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("phone"),
            cl.EmailComparison("email"),
            cl.LevenshteinAtThresholds("address", [2, 5]),
            cl.PostcodeComparison("postcode"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("forename"),
            block_on("surname"),
            block_on("dob"),
            block_on("postcode"),
        ],
    )
    api = DuckDBAPI()
    linker = Linker(api.register(df), settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("forename", "surname", "dob"), block_on("forename", "surname", "postcode")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    prop = min(1.0, 200_000 / len(df))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("forename", "surname"), record_sample_proportion=prop
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("dob"), record_sample_proportion=prop
    )
    preds = linker.inference.predict(threshold_match_probability=min(thresholds))
    out: dict[float, Any] = {}
    for t in thresholds:
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            preds, threshold_match_probability=t
        )
        cdf = clusters.as_pandas_dataframe()[["record_id", "cluster_id"]]
        out[t] = dict(zip(cdf["record_id"].astype(int), cdf["cluster_id"], strict=True))
    return out
