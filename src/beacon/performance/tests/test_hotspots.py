"""Gi* hot spots on H3 cells, checked against an independent PySAL run built by hand."""

from __future__ import annotations

import json
import warnings
from collections import Counter
from typing import Any

import esda
import h3
import numpy as np
import pytest
from libpysal.weights import W

from beacon.performance import hotspots
from beacon.performance.hotspots import CLASSES, Cell, cell_boundary, cell_of, classify, gi_star

LEEDS = (53.80, -1.55)
STRENGTH = {"none": 0, "hot-90": 1, "cold-90": 1, "hot-95": 2, "cold-95": 2, "hot-99": 3, "cold-99": 3}


def city(n: int = 1500, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Points spread over a few kilometres of Leeds, a fifth of them in two tight clusters."""
    rng = np.random.default_rng(seed)
    k = n // 5
    lat = np.concatenate(
        [
            LEEDS[0] + rng.uniform(-0.02, 0.02, n - 2 * k),
            LEEDS[0] + 0.005 + rng.normal(0, 0.0008, k),
            LEEDS[0] - 0.008 + rng.normal(0, 0.0008, k),
        ]
    )
    lon = np.concatenate(
        [
            LEEDS[1] + rng.uniform(-0.03, 0.03, n - 2 * k),
            LEEDS[1] - 0.01 + rng.normal(0, 0.0012, k),
            LEEDS[1] + 0.012 + rng.normal(0, 0.0012, k),
        ]
    )
    return lat, lon


def independent(
    lat: np.ndarray, lon: np.ndarray, resolution: int, permutations: int, seed: int
) -> dict[str, Any]:
    """The same analysis built another way: h3's string API, Python sets, a libpysal W from a dict."""
    counts = Counter(h3.latlng_to_cell(a, b, resolution) for a, b in zip(lat, lon, strict=True))
    region = set()
    for c in counts:
        region.update(h3.grid_disk(c, 1))
    ids = sorted(region)
    neighbours = {c: [d for d in h3.grid_ring(c, 1) if d in region] for c in ids}
    w = W(neighbours, id_order=ids, silence_warnings=True)
    y = np.array([counts.get(c, 0) for c in ids], dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = esda.G_Local(y, w, transform="B", star=True, permutations=permutations, seed=seed)
    return {"ids": ids, "counts": y.astype(int).tolist(), "z": g.Zs, "p_sim": g.p_sim}


def test_matches_an_independent_pysal_run() -> None:
    lat, lon = city()
    ours = gi_star(lat, lon, resolution=9, permutations=199, seed=11)
    theirs = independent(lat, lon, 9, 199, 11)
    assert [c.h3 for c in ours.cells] == theirs["ids"]
    assert [c.count for c in ours.cells] == theirs["counts"]
    assert ours.points == 1500 and sum(c.count for c in ours.cells) == 1500
    np.testing.assert_allclose([c.z for c in ours.cells], theirs["z"], rtol=0, atol=1e-6)
    np.testing.assert_allclose([c.p_sim for c in ours.cells], theirs["p_sim"], rtol=0, atol=1e-6)
    # esda keeps p_sim as float32 (0.05 is then a hair above 0.05); gi_star snaps it back to the
    # exact (k + 1) / (permutations + 1), so classify the independent run's p_sim snapped likewise.
    snapped = np.round(np.asarray(theirs["p_sim"], dtype=float) * 200) / 200
    expected = classify(theirs["z"], snapped, {0.01: 0.01, 0.05: 0.05, 0.1: 0.1})
    assert [c.cls for c in ours.cells] == expected
    assert {c.cls for c in ours.cells} <= set(CLASSES)


def test_matches_at_another_resolution() -> None:
    lat, lon = city(600, seed=5)
    ours = gi_star(lat, lon, resolution=8, permutations=99, seed=2)
    theirs = independent(lat, lon, 8, 99, 2)
    assert [c.h3 for c in ours.cells] == theirs["ids"]
    np.testing.assert_allclose([c.z for c in ours.cells], theirs["z"], rtol=0, atol=1e-6)
    np.testing.assert_allclose([c.p_sim for c in ours.cells], theirs["p_sim"], rtol=0, atol=1e-6)


def test_region_is_the_occupied_cells_and_their_ring() -> None:
    lat, lon = city(300, seed=8)
    result = gi_star(lat, lon, permutations=9, seed=1)
    occupied = {h3.latlng_to_cell(a, b, 9) for a, b in zip(lat, lon, strict=True)}
    ring = set().union(*(h3.grid_disk(c, 1) for c in occupied))
    assert {c.h3 for c in result.cells} == ring
    assert {c.h3 for c in result.cells if c.count} == occupied
    assert [c.h3 for c in result.cells] == sorted(c.h3 for c in result.cells)


def background(n: int = 2000, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return LEEDS[0] + rng.uniform(-0.03, 0.03, n), LEEDS[1] + rng.uniform(-0.05, 0.05, n)


def test_a_planted_cluster_is_hot() -> None:
    lat, lon = background()
    hot = cell_of(53.7995, -1.5480, 9)
    centre = h3.cell_to_latlng(hot)
    rng = np.random.default_rng(2)
    # 300 points within a few hundred metres: the cell and its neighbours are all busy.
    lat = np.concatenate([lat, centre[0] + rng.normal(0, 0.0015, 300)])
    lon = np.concatenate([lon, centre[1] + rng.normal(0, 0.0025, 300)])
    result = gi_star(lat, lon, permutations=999, seed=4)
    by_id = {c.h3: c for c in result.cells}
    assert by_id[hot].cls == "hot-99"
    assert by_id[hot].z > 5
    assert all(by_id[c].cls == "hot-99" for c in h3.grid_ring(hot, 1))
    assert not any(c.cls.startswith("cold") for c in result.cells if h3.grid_distance(c.h3, hot) <= 2)


def test_a_lone_spike_has_a_high_z_but_its_class_follows_p_sim() -> None:
    # esda's conditional randomisation keeps a cell's own count fixed and shuffles its neighbours, so
    # a single busy cell among quiet ones has a large analytic z but an unremarkable p_sim; the class
    # follows p_sim (the neighbours, whose Gi* takes in the spike, are the hot ones).
    lat, lon = background()
    hot = cell_of(53.7995, -1.5480, 9)
    centre = h3.cell_to_latlng(hot)
    lat = np.concatenate([lat, np.full(300, centre[0])])
    lon = np.concatenate([lon, np.full(300, centre[1])])
    by_id = {c.h3: c for c in gi_star(lat, lon, permutations=999, seed=4).cells}
    assert by_id[hot].z > 5
    assert by_id[hot].p_sim > 0.1 and by_id[hot].cls == "none"
    assert sum(by_id[c].cls == "hot-99" for c in h3.grid_ring(hot, 1)) >= 4


def test_a_seed_reproduces_the_result() -> None:
    lat, lon = city()
    a = gi_star(lat, lon, permutations=199, seed=7)
    b = gi_star(lat, lon, permutations=199, seed=7)
    c = gi_star(lat, lon, permutations=199, seed=8)
    assert a.as_json() == b.as_json()
    assert a.seed == 7
    assert [x.p_sim for x in a.cells] != [x.p_sim for x in c.cells]
    assert [x.z for x in a.cells] == [x.z for x in c.cells]


def test_no_seed_reports_the_one_drawn() -> None:
    lat, lon = city(300)
    a = gi_star(lat, lon, permutations=49)
    assert isinstance(a.seed, int)
    assert gi_star(lat, lon, permutations=49, seed=a.seed).as_json() == a.as_json()


def test_the_global_numpy_generator_is_left_alone() -> None:
    lat, lon = city(300)
    np.random.seed(123)
    expected = np.random.random()
    np.random.seed(123)
    gi_star(lat, lon, permutations=49, seed=5)
    assert np.random.random() == expected


def test_fdr_is_no_more_liberal() -> None:
    lat, lon = city(3000, seed=9)
    plain = gi_star(lat, lon, permutations=999, seed=3)
    fdr = gi_star(lat, lon, permutations=999, seed=3, fdr=True)
    p_sim = np.array([c.p_sim for c in plain.cells])
    assert fdr.fdr and not plain.fdr
    for alpha in (0.01, 0.05, 0.1):
        assert fdr.thresholds[alpha] == pytest.approx(esda.fdr(p_sim, alpha))
        assert fdr.thresholds[alpha] <= alpha
    assert [c.p_sim for c in fdr.cells] == [c.p_sim for c in plain.cells]
    for a, b in zip(plain.cells, fdr.cells, strict=True):
        assert STRENGTH[b.cls] <= STRENGTH[a.cls]
        if b.cls != "none":
            assert b.cls.split("-")[0] == a.cls.split("-")[0]
            level = {"99": 0.01, "95": 0.05, "90": 0.1}[b.cls.split("-")[1]]
            assert b.p_sim <= fdr.thresholds[level]
    significant = sum(c.cls != "none" for c in fdr.cells)
    assert 0 < significant < sum(c.cls != "none" for c in plain.cells)


def test_classes_follow_p_and_the_sign_of_z() -> None:
    z = [2.0, -2.0, 1.0, -1.0, 3.0, 0.5, 0.0, -4.0]
    p = [0.01, 0.01, 0.05, 0.05, 0.10, 0.11, 0.001, 0.0999]
    assert classify(z, p, {}) == [
        "hot-99",
        "cold-99",
        "hot-95",
        "cold-95",
        "hot-90",
        "none",
        "none",
        "cold-90",
    ]
    # FDR cut-offs tighter than alpha.
    assert classify(z, p, {0.01: 0.005, 0.05: 0.01, 0.1: 0.05})[:5] == [
        "hot-95",
        "cold-95",
        "hot-90",
        "cold-90",
        "none",
    ]


def test_p_sim_compares_exactly_at_the_levels() -> None:
    # esda holds p_sim as float32, where 0.05 is a hair above 0.05; the result must hold 50/1000 exactly.
    lat, lon = city()
    result = gi_star(lat, lon, permutations=999, seed=11)
    for c in result.cells:
        assert c.p_sim * 1000 == pytest.approx(round(c.p_sim * 1000), abs=1e-9)
        if c.p_sim == 0.05 and c.z > 0:
            assert c.cls == "hot-95"


def test_json_contract() -> None:
    lat, lon = city(200)
    out = gi_star(lat, lon, permutations=19, seed=1).as_json()
    assert set(out) == {"resolution", "points", "cells"}
    assert out["resolution"] == 9 and out["points"] == 200
    assert set(out["cells"][0]) == {"h3", "count", "z", "p_sim", "class"}
    json.dumps(out, allow_nan=False)


def test_no_points() -> None:
    for lats, lons in (([], []), ([None, float("nan")], [1.0, float("inf")])):
        result = gi_star(lats, lons, seed=1)
        assert result.cells == [] and result.points == 0
        assert result.as_json() == {"resolution": 9, "points": 0, "cells": []}
        assert hotspots.NOTE_NO_POINTS in result.notes


def test_bad_coordinates_are_skipped_and_counted() -> None:
    lat, lon = city(100)
    lats = [*lat.tolist(), None, float("nan"), 95.0, 53.8, float("inf")]
    lons = [*lon.tolist(), -1.5, -1.5, -1.5, 200.0, -1.5]
    result = gi_star(lats, lons, permutations=19, seed=1)
    assert result.points == 100 and result.skipped == 5
    assert result.notes[0] == hotspots.NOTE_SKIPPED.format(n=5)
    assert sum(c.count for c in result.cells) == 100
    assert [c.as_json() for c in result.cells] == [
        c.as_json() for c in gi_star(lat, lon, permutations=19, seed=1).cells
    ]


def test_a_single_point_leaks_no_nan_and_warns_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = gi_star([53.8], [-1.55], permutations=99, seed=1)
    assert caught == []
    assert capfd.readouterr().err == ""
    assert len(result.cells) == 7
    centre = next(c for c in result.cells if c.count == 1)
    assert centre == Cell(h3=cell_of(53.8, -1.55), count=1, z=0.0, p_sim=1.0, cls="none")
    assert all(np.isfinite(c.z) and np.isfinite(c.p_sim) for c in result.cells)
    assert any("no defined Gi* z-score" in n for n in result.notes)
    json.dumps(result.as_json(), allow_nan=False)


def test_no_warnings_on_ordinary_data(capfd: pytest.CaptureFixture[str]) -> None:
    lat, lon = city(500)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gi_star(lat, lon, permutations=99, seed=1, fdr=True)
    assert caught == []
    assert capfd.readouterr().err == ""


def test_zero_variance_and_a_single_cell_skip_esda() -> None:
    # Not reachable through gi_star (its ring always has empty cells) but guarded all the same.
    rows = np.array([0, 1, 1, 2], dtype=np.int64)
    cols = np.array([1, 0, 2, 1], dtype=np.int64)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        z, p = hotspots._local_g(np.array([4, 4, 4]), rows, cols, permutations=99, seed=1)
        z1, p1 = hotspots._local_g(np.array([4]), rows[:0], cols[:0], permutations=99, seed=1)
    assert caught == []
    assert np.isnan(z).all() and (p == 1).all()
    assert np.isnan(z1).all() and (p1 == 1).all()


def test_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="resolution"):
        gi_star([53.8], [-1.5], resolution=16)
    with pytest.raises(ValueError, match="permutations"):
        gi_star([53.8], [-1.5], permutations=0)
    with pytest.raises(ValueError, match="seed"):
        gi_star([53.8], [-1.5], seed=-1)
    with pytest.raises(ValueError, match="differ in length"):
        gi_star([53.8, 53.9], [-1.5])


def test_cell_helpers() -> None:
    cell = cell_of(*LEEDS, 9)
    assert cell == h3.latlng_to_cell(*LEEDS, 9)
    assert h3.get_resolution(cell_of(*LEEDS, 7)) == 7
    corners = cell_boundary(cell)
    assert len(corners) == 6
    assert all(isinstance(v, float) for corner in corners for v in corner)
    lat = sum(c[0] for c in corners) / 6
    lon = sum(c[1] for c in corners) / 6
    assert cell_of(lat, lon, 9) == cell
    assert abs(lat - LEEDS[0]) < 0.01 and abs(lon - LEEDS[1]) < 0.01
