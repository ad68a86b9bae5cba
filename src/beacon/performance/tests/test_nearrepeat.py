"""Near-repeat Knox tables: hand counts, brute force, reproducibility and pointpats' Knox."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from pointpats.spacetime import Knox

from beacon.performance.nearrepeat import (
    BRITISH_NATIONAL_GRID,
    KnoxResult,
    knox_bands,
    knox_single,
    project_lat_lon,
    projection,
)

# Six events, in metres and days. The 15 pairs, counted by hand (distance, gap):
#   0-1 (0, 3)      same location, 0-7        1-4 (150, 37)  100-200, >14
#   0-2 (100, 10)   0-100, 7-14               1-5 (1000, 11) >200, 7-14
#   0-3 (500, 7)    >200, 0-7                 2-3 (400, 3)   >200, 0-7
#   0-4 (150, 40)   100-200, >14              2-4 (92.2, 30) 0-100, >14
#   0-5 (1000, 14)  >200, 7-14                2-5 (943, 4)   >200, 0-7
#   1-2 (100, 7)    0-100, 0-7                3-4 (390, 33)  >200, >14
#   1-3 (500, 4)    >200, 0-7                 3-5 (806, 7)   >200, 0-7
#                                             4-5 (1011, 26) >200, >14
# Exactly 100 m is in "up to 100 m" and exactly 7 and 14 days in "up to 7" and "up to 14": upper
# edges are inclusive.
HAND_X = [0, 0, 60, 300, 0, 1000]
HAND_Y = [0, 0, 80, 400, 150, 0]
HAND_T = [0, 3, 10, 7, 40, 14]
HAND_TABLE = [
    [1, 0, 0],  # 0 m (same location)
    [1, 1, 1],  # more than 0 m, up to 100 m
    [0, 0, 2],  # more than 100 m, up to 200 m
    [5, 2, 2],  # more than 200 m
]


def hand(iterations: int, seed: int | None = None) -> KnoxResult:
    return knox_bands(
        HAND_X, HAND_Y, HAND_T, space_bands=[100, 200], time_bands=[7, 14], iterations=iterations, seed=seed
    )


def events(n: int, seed: int, *, span_m: float = 3000, days: int = 120) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, span_m, n)
    y = rng.uniform(0, span_m, n)
    t = rng.integers(0, days, n).astype(float)
    # a few coincident points and exact-edge distances
    x[:5], y[:5] = x[5:10], y[5:10]
    x[10], y[10] = x[11] + 60, y[11] + 80
    return x, y, t


def brute(x: np.ndarray, y: np.ndarray, t: np.ndarray, space: list[float], time: list[float]) -> np.ndarray:
    """Every pair, one at a time, by the documented rules."""
    table = np.zeros((len(space) + 2, len(time) + 1), dtype=int)
    for a in range(len(x)):
        for b in range(a + 1, len(x)):
            d = float(np.hypot(x[a] - x[b], y[a] - y[b]))
            gap = abs(t[a] - t[b])
            s = 0 if d <= 1e-6 else 1 + sum(d > e for e in space)
            table[s, sum(gap > e for e in time)] += 1
    return table


def test_hand_counted_table() -> None:
    result = hand(iterations=99, seed=1)
    assert result.observed_table() == HAND_TABLE
    assert result.points == 6 and result.pairs == 15 and result.skipped == 0


def test_labels_and_edges() -> None:
    result = hand(iterations=9, seed=1)
    assert [(b.label, b.more_than, b.up_to) for b in result.space_bands] == [
        ("0 m (same location)", None, 0.0),
        ("more than 0 m, up to 100 m", 0.0, 100.0),
        ("more than 100 m, up to 200 m", 100.0, 200.0),
        ("more than 200 m", 200.0, None),
    ]
    assert [(b.label, b.more_than, b.up_to) for b in result.time_bands] == [
        ("0 to 7 days", None, 7.0),
        ("more than 7 days, up to 14 days", 7.0, 14.0),
        ("more than 14 days", 14.0, None),
    ]
    other = knox_bands(
        HAND_X, HAND_Y, HAND_T, space_bands=[50, 1500], time_bands=[1, 7.5], iterations=9, seed=1
    )
    assert [b.label for b in other.space_bands][2:] == ["more than 50 m, up to 1,500 m", "more than 1,500 m"]
    assert [b.label for b in other.time_bands] == [
        "0 to 1 day",
        "more than 1 day, up to 7.5 days",
        "more than 7.5 days",
    ]


def test_json() -> None:
    out = hand(iterations=19, seed=5).as_json()
    assert {"points", "pairs", "iterations", "seed", "space_bands", "time_bands", "cells"} <= set(out)
    assert out["iterations"] == 19 and out["seed"] == 5 and out["points"] == 6
    assert out["space_bands"][1] == {
        "label": "more than 0 m, up to 100 m",
        "more_than_m": 0.0,
        "up_to_m": 100.0,
    }
    assert out["time_bands"][2] == {"label": "more than 14 days", "more_than_days": 14.0, "up_to_days": None}
    assert len(out["cells"]) == 4 * 3
    first = out["cells"][0]
    assert first["space_band"] == "0 m (same location)" and first["time_band"] == "0 to 7 days"
    assert first["space_up_to_m"] == 0.0 and first["time_up_to_days"] == 7.0
    assert {"observed", "expected", "ratio", "p_value"} <= set(first)
    json.dumps(out, allow_nan=False)


def test_monte_carlo_invariants() -> None:
    x, y, t = events(300, seed=2)
    result = knox_bands(x, y, t, space_bands=[100, 200, 300], time_bands=[7, 14, 21], iterations=199, seed=3)
    table = np.array(result.observed_table())
    expected = np.array([[result.cell(s, e).expected for e in range(4)] for s in range(5)])
    # Permuting times keeps each space band's number of pairs, and all the pairs.
    np.testing.assert_allclose(expected.sum(axis=1), table.sum(axis=1))
    assert expected.sum() == pytest.approx(result.pairs)
    for c in result.cells:
        assert 0 < c.p_value <= 1
        assert c.p_value * 200 == pytest.approx(round(c.p_value * 200))
        if c.expected == 0:
            assert c.ratio is None
        else:
            assert c.ratio == pytest.approx(c.observed / c.expected)


def test_counts_match_brute_force_including_beyond_the_largest_edge() -> None:
    x, y, t = events(400, seed=4)
    t = t + np.random.default_rng(0).uniform(0, 1, t.size).round(3)  # fractional days too
    space, time = [100, 250, 400], [5, 10, 30]
    result = knox_bands(x, y, t, space_bands=space, time_bands=time, iterations=9, seed=1)
    table = brute(x, y, t, space, time)
    assert result.observed_table() == table.tolist()
    assert table[0].sum() >= 5  # the coincident points are there
    assert result.observed_table()[-1] == table[-1].tolist()  # the "more than 400 m" row


def test_a_seed_reproduces_the_result_whatever_the_threads() -> None:
    x, y, t = events(500, seed=6)
    kw = {"space_bands": [100, 200], "time_bands": [7, 14], "iterations": 99}
    a = knox_bands(x, y, t, seed=9, workers=1, **kw)
    b = knox_bands(x, y, t, seed=9, workers=2, **kw)
    c = knox_bands(x, y, t, seed=9, workers=7, **kw)
    d = knox_bands(x, y, t, seed=10, **kw)
    assert a.as_json() == b.as_json() == c.as_json()
    assert [x.expected for x in a.cells] != [x.expected for x in d.cells]
    assert a.observed_table() == d.observed_table()


def test_no_seed_reports_the_one_drawn() -> None:
    first = hand(iterations=49)
    assert hand(iterations=49, seed=first.seed).as_json() == first.as_json()


def test_near_repeats_stand_out() -> None:
    # Each of 150 events has a repeat within 40 m and 3 days; the rest is noise over a year.
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 5000, 150)
    y = rng.uniform(0, 5000, 150)
    t = rng.uniform(0, 365, 150)
    x = np.concatenate([x, x + rng.uniform(-25, 25, 150)])
    y = np.concatenate([y, y + rng.uniform(-25, 25, 150)])
    t = np.concatenate([t, t + rng.uniform(0, 3, 150)])
    result = knox_bands(x, y, t, space_bands=[50, 100], time_bands=[7, 14], iterations=199, seed=1)
    near = result.cell(1, 0)
    assert near.observed >= 150
    assert near.ratio is not None and near.ratio > 10
    assert near.p_value == pytest.approx(1 / 200)
    far = result.cell(3, 2)  # far apart in space and in time: as chance would have it
    assert far.ratio is not None and abs(far.ratio - 1) < 0.05


def test_times_compare_to_the_second() -> None:
    # 7.1 - 0.1 is not exactly 7 in floating point; to the second it is.
    result = knox_bands([0, 0], [0, 50], [0.1, 7.1], space_bands=[100], time_bands=[7], iterations=9, seed=1)
    assert result.observed_table() == [[0, 0], [1, 0], [0, 0]]
    later = knox_bands(
        [0, 0], [0, 50], [0.1, 7.1001], space_bands=[100], time_bands=[7], iterations=9, seed=1
    )
    assert later.observed_table() == [[0, 0], [0, 1], [0, 0]]


def test_missing_values_are_skipped() -> None:
    x = [*HAND_X, None, 5.0, float("nan")]
    y = [*HAND_Y, 1.0, float("inf"), 2.0]
    t = [*HAND_T, 1.0, 2.0, 3.0]
    result = knox_bands(x, y, t, space_bands=[100, 200], time_bands=[7, 14], iterations=9, seed=1)
    assert result.skipped == 3 and result.points == 6
    assert result.observed_table() == HAND_TABLE


def test_too_few_points() -> None:
    for n in (0, 1):
        result = knox_bands([0.0] * n, [0.0] * n, [0.0] * n, space_bands=[100], time_bands=[7], iterations=9)
        assert result.pairs == 0
        assert all(
            c.observed == 0 and c.expected == 0 and c.ratio is None and c.p_value == 1 for c in result.cells
        )


def test_arguments_are_checked() -> None:
    for bad in ([], [100, 100], [200, 100], [0, 100], [float("nan")]):
        with pytest.raises(ValueError, match="space_bands"):
            knox_bands([0], [0], [0], space_bands=bad, time_bands=[7])
        with pytest.raises(ValueError, match="time_bands"):
            knox_bands([0], [0], [0], space_bands=[100], time_bands=bad)
    with pytest.raises(ValueError, match="iterations"):
        knox_bands([0], [0], [0], space_bands=[100], time_bands=[7], iterations=0)
    with pytest.raises(ValueError, match="differ in length"):
        knox_bands([0, 1], [0], [0], space_bands=[100], time_bands=[7])


# ------------------------------------------------------------------------------------------------
# The classic Knox test against pointpats


def pointpats_knox(x: np.ndarray, y: np.ndarray, t: np.ndarray, delta: float, tau: float, perms: int) -> Knox:
    np.random.seed(2024)
    return Knox(np.column_stack([x, y]), t.reshape(-1, 1), delta=delta, tau=tau, permutations=perms)


def test_knox_single_agrees_with_pointpats() -> None:
    x, y, t = events(250, seed=7, span_m=2000, days=60)
    ours = knox_single(x, y, t, 200, 7, 199, 5)
    theirs = pointpats_knox(x, y, t, 200, 7, 199)
    assert ours.statistic == theirs.statistic_ == int(theirs.observed[0, 0])
    assert ours.spatial_pairs == theirs.observed[0].sum()
    assert ours.temporal_pairs == theirs.observed[:, 0].sum()
    assert ours.pairs == theirs.observed.sum()
    assert ours.expected == pytest.approx(theirs.expected[0, 0], rel=1e-12)
    assert ours.expected_sim == pytest.approx(ours.expected, rel=0.1)
    assert 0 < ours.p_value <= 1
    # Different random permutations: close, not equal.
    assert abs(ours.p_value - theirs.p_sim) < 0.15


def test_knox_single_agrees_with_pointpats_on_near_repeats() -> None:
    rng = np.random.default_rng(8)
    x = rng.uniform(0, 3000, 100)
    y = rng.uniform(0, 3000, 100)
    t = rng.integers(0, 200, 100).astype(float)
    x, y, t = np.r_[x, x + 20], np.r_[y, y - 15], np.r_[t, t + 2]
    ours = knox_single(x, y, t, 100, 7, 99, 1)
    theirs = pointpats_knox(x, y, t, 100, 7, 99)
    assert ours.statistic == theirs.statistic_ >= 100
    assert ours.expected == pytest.approx(theirs.expected[0, 0])
    assert ours.p_value == theirs.p_sim == pytest.approx(0.01)
    assert ours.ratio is not None and ours.ratio > 5


def test_knox_single_matches_the_bands() -> None:
    x, y, t = events(300, seed=9)
    single = knox_single(x, y, t, 300, 14, 99, 4)
    bands = knox_bands(x, y, t, space_bands=[300], time_bands=[14], iterations=99, seed=4)
    table = brute(x, y, t, [300], [14])
    assert single.statistic == table[:2, 0].sum() == bands.cell(0, 0).observed + bands.cell(1, 0).observed
    assert single.spatial_pairs == table[:2].sum()
    assert single.temporal_pairs == table[:, 0].sum()
    out = single.as_json()
    assert out["statistic"] == single.statistic and out["delta_m"] == 300 and out["tau_days"] == 14
    json.dumps(out, allow_nan=False)


# ------------------------------------------------------------------------------------------------
# Projection


def test_projection_is_british_national_grid() -> None:
    assert projection() == BRITISH_NATIONAL_GRID
    x, y = project_lat_lon([53.80, 53.80 + 0.009, 53.80, None], [-1.55, -1.55, -1.55 + 0.0152, -1.55])
    # Leeds city centre is at about easting 430 km, northing 433 km.
    assert 425_000 < x[0] < 435_000 and 428_000 < y[0] < 438_000
    assert np.hypot(x[1] - x[0], y[1] - y[0]) == pytest.approx(1000, rel=0.01)  # 0.009 deg of latitude
    assert np.hypot(x[2] - x[0], y[2] - y[0]) == pytest.approx(1000, rel=0.01)  # 0.0152 deg of longitude
    assert np.isnan(x[3]) and np.isnan(y[3])


def test_projection_warns_nothing() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        project_lat_lon([53.8], [-1.55])
        project_lat_lon([], [])
    assert caught == []
