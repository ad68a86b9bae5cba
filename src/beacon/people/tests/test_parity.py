"""The online scorer gives Splink's batch probability for every pair, to within 1e-6."""

from __future__ import annotations

import itertools
import math
from typing import Any

import pandas as pd

from beacon.people import splink_model
from beacon.people.comparisons import COMPARISONS, level_of
from beacon.people.models import FEATURES
from beacon.people.scoring import Scorer


def test_online_probability_equals_splink_batch_on_thousands_of_pairs(
    febrl: tuple[pd.DataFrame, dict[int, str]], trained_model: dict[str, Any]
) -> None:
    df, _ = febrl
    # A low threshold keeps non-matches too, so every level of every comparison is exercised.
    preds = splink_model.predict(df, trained_model, threshold=1e-9)
    assert len(preds) > 3000
    recs = {int(r["record_id"]): {f: r[f] for f in FEATURES} for r in df.to_dict("records")}
    scorer = Scorer(trained_model)
    worst = 0.0
    levels_seen: set[tuple[str, int]] = set()
    for a, b, p in preds.itertuples(index=False, name=None):
        online = scorer.probability(recs[int(a)], recs[int(b)])
        worst = max(worst, abs(online - p))
        for comp in COMPARISONS:
            levels_seen.add((comp.name, level_of(comp, recs[int(a)], recs[int(b)])))
    assert worst < 1e-6, f"largest difference {worst}"
    # Most levels were exercised (some cannot occur in FEBRL, which has no emails or UK postcodes).
    assert len(levels_seen) >= 25


def test_contributions_add_up_to_the_match_weight(
    febrl: tuple[pd.DataFrame, dict[int, str]], trained_model: dict[str, Any]
) -> None:
    df, _ = febrl
    recs = [{f: r[f] for f in FEATURES} for r in df.head(50).to_dict("records")]
    scorer = Scorer(trained_model)
    for a, b in itertools.pairwise(recs):
        s = scorer.score(a, b, explain=True)
        assert math.isclose(scorer.prior_weight + sum(c.weight for c in s.contributions), s.match_weight)
        assert [c.field for c in s.contributions] == [c.label for c in COMPARISONS]
        assert all(c.describe() for c in s.contributions)


def test_a_model_with_different_comparisons_is_refused(trained_model: dict[str, Any]) -> None:
    import copy

    import pytest

    broken = copy.deepcopy(trained_model)
    broken["comparisons"] = broken["comparisons"][:-1]
    with pytest.raises(ValueError, match="not the one this version"):
        Scorer(broken)
