"""Near-repeat analysis: Knox tables over space and time bands, as the Near Repeat Calculator
(Ratcliffe) draws them, with no Django and no database.

`knox_bands(x_m, y_m, t_days, space_bands=..., time_bands=...)` counts every pair of events by how
far apart they are in space (metres, on a projected grid: see `project_lat_lon`) and in time (days),
and compares each count with what shuffling the times among the events gives.

Bands. Every upper edge is inclusive and every lower edge exclusive:

- space, for `space_bands=[100, 200]`: "0 m (same location)" (distance at most `SAME_LOCATION_M`,
  a micrometre, so only coincident points), "more than 0 m, up to 100 m" (more than a micrometre, at
  most 100 m), "more than 100 m, up to 200 m" and "more than 200 m";
- time, for `time_bands=[7, 14]`: "0 to 7 days" (a gap of at most 7 days, same day included),
  "more than 7 days, up to 14 days" and "more than 14 days".

Times are compared to the nearest second (each time is rounded to whole seconds from the earliest
one, and each time edge to whole seconds), so every edge test is exact integer arithmetic and a gap
of exactly 7 days falls in "0 to 7 days" however the days were written. Distances are
`hypot(dx, dy)` in the coordinates' units.

Inference. For each space band x time band cell: `observed` is the number of pairs; `expected` is the
mean count over `iterations` Monte Carlo runs, each of which permutes the times among the events
(locations stay put); `ratio` is the Knox ratio observed / expected (None when expected is 0); and
`p_value` is (number of runs whose count is at least the observed one + 1) / (iterations + 1), the
one-sided pseudo p-value for "more pairs than chance" (never 0, at most 1).

Run k uses the NumPy Generator seeded with the k-th child of `numpy.random.SeedSequence(seed)`, so a
seed reproduces a result exactly, however many threads share the runs. With no seed one is drawn and
reported in the result, so that run too can be repeated.

Speed. Only pairs at most the largest space edge apart are handled in each run (found once with
scipy's cKDTree). The counts of the "more than the largest edge" row come from the totals over all
pairs for each time edge, which do not change when times are permuted (sorted times and a binary
search: O(n log n)), less the close pairs' counts. The runs are shared among threads (NumPy releases
the GIL for this array work).

`knox_single(x, y, t, delta, tau)` is the classic single-threshold Knox test (close in space: at most
`delta`; close in time: at most `tau`), whose statistic and expected value (NS x NT / pairs) are those
of pointpats' `Knox`.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

SAME_LOCATION_M = 1e-6  # distances at or below this are "the same location"
SECONDS_PER_DAY = 86_400
DEFAULT_ITERATIONS = 999
BRITISH_NATIONAL_GRID = "EPSG:27700"
EARTH_RADIUS_M = 6_371_008.8  # mean radius, for the equirectangular fallback

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


# ------------------------------------------------------------------------------------------------
# Projection


@lru_cache(maxsize=1)
def _bng_transformer() -> Any:
    try:
        from pyproj import Transformer
    except ImportError:  # pragma: no cover - pyproj comes with geopandas
        return None
    return Transformer.from_crs("EPSG:4326", BRITISH_NATIONAL_GRID, always_xy=True)


def projection() -> str:
    """What `project_lat_lon` uses here: "EPSG:27700" (pyproj) or "equirectangular"."""
    return BRITISH_NATIONAL_GRID if _bng_transformer() is not None else "equirectangular"


def project_lat_lon(lats: npt.ArrayLike, lons: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """WGS84 degrees to (easting, northing) in metres.

    With pyproj (installed with geopandas) this is the British National Grid, EPSG:27700, through
    PROJ's default WGS84-to-OSGB36 transformation (a Helmert fit, good to a few metres: far finer
    than any near-repeat band). Without pyproj it is an equirectangular projection about the points'
    mean latitude and longitude (x = R cos(lat0) dlon, y = R dlat, R the Earth's mean radius), good to
    well under 1% of a distance across a force area. Missing or non-finite inputs give NaN."""
    lat = np.asarray(lats, dtype=np.float64).ravel()
    lon = np.asarray(lons, dtype=np.float64).ravel()
    if lat.shape != lon.shape:
        raise ValueError(f"lats and lons differ in length ({lat.size} and {lon.size})")
    ok = np.isfinite(lat) & np.isfinite(lon)
    x = np.full(lat.size, np.nan)
    y = np.full(lat.size, np.nan)
    if not ok.any():
        return x, y
    transformer = _bng_transformer()
    if transformer is not None:
        ex, ny = transformer.transform(lon[ok], lat[ok])
        x[ok], y[ok] = ex, ny
    else:  # pragma: no cover - exercised only without pyproj
        lat0, lon0 = np.radians(lat[ok].mean()), np.radians(lon[ok].mean())
        x[ok] = EARTH_RADIUS_M * np.cos(lat0) * (np.radians(lon[ok]) - lon0)
        y[ok] = EARTH_RADIUS_M * (np.radians(lat[ok]) - lat0)
    bad = ~(np.isfinite(x) & np.isfinite(y))
    x[bad] = np.nan
    y[bad] = np.nan
    return x, y


# ------------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True, slots=True)
class Band:
    """One band: values more than `more_than` (None: from 0, inclusive) and at most `up_to` (None: no
    upper limit), in metres for space and days for time."""

    label: str
    more_than: float | None
    up_to: float | None


@dataclass(frozen=True, slots=True)
class KnoxCell:
    space: int  # index into KnoxResult.space_bands
    time: int  # index into KnoxResult.time_bands
    observed: int
    expected: float  # mean of the Monte Carlo counts
    ratio: float | None  # observed / expected; None when expected is 0
    p_value: float  # (runs with a count >= observed + 1) / (iterations + 1)


@dataclass(frozen=True)
class KnoxResult:
    points: int  # events used
    skipped: int  # events left out for a missing or non-finite x, y or t
    iterations: int
    seed: int  # the seed given, or the one drawn when none was
    space_bands: list[Band]
    time_bands: list[Band]
    cells: list[KnoxCell]  # space band by space band, each across the time bands
    pairs: int  # all pairs of events, n (n - 1) / 2

    def cell(self, space: int, time: int) -> KnoxCell:
        return self.cells[space * len(self.time_bands) + time]

    def observed_table(self) -> list[list[int]]:
        return [
            [self.cell(s, t).observed for t in range(len(self.time_bands))]
            for s in range(len(self.space_bands))
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "points": self.points,
            "skipped": self.skipped,
            "pairs": self.pairs,
            "iterations": self.iterations,
            "seed": self.seed,
            "space_bands": [
                {"label": b.label, "more_than_m": b.more_than, "up_to_m": b.up_to} for b in self.space_bands
            ],
            "time_bands": [
                {"label": b.label, "more_than_days": b.more_than, "up_to_days": b.up_to}
                for b in self.time_bands
            ],
            "cells": [
                {
                    "space_band": self.space_bands[c.space].label,
                    "time_band": self.time_bands[c.time].label,
                    "space_more_than_m": self.space_bands[c.space].more_than,
                    "space_up_to_m": self.space_bands[c.space].up_to,
                    "time_more_than_days": self.time_bands[c.time].more_than,
                    "time_up_to_days": self.time_bands[c.time].up_to,
                    "observed": c.observed,
                    "expected": c.expected,
                    "ratio": c.ratio,
                    "p_value": c.p_value,
                }
                for c in self.cells
            ],
        }


@dataclass(frozen=True)
class KnoxSingleResult:
    """The classic Knox test: pairs at most `delta` apart in space and at most `tau` in time."""

    points: int
    skipped: int
    permutations: int
    seed: int
    delta: float
    tau: float
    statistic: int  # pairs close in both space and time (NST)
    spatial_pairs: int  # pairs close in space (NS)
    temporal_pairs: int  # pairs close in time (NT)
    pairs: int  # all pairs, n (n - 1) / 2
    expected: float  # NS x NT / pairs, as pointpats' Knox.expected[0, 0]
    expected_sim: float  # mean of the permutation counts
    p_value: float  # (permutations with a count >= statistic + 1) / (permutations + 1)

    @property
    def ratio(self) -> float | None:
        return self.statistic / self.expected if self.expected else None

    def as_json(self) -> dict[str, Any]:
        return {
            "points": self.points,
            "skipped": self.skipped,
            "permutations": self.permutations,
            "seed": self.seed,
            "delta_m": self.delta,
            "tau_days": self.tau,
            "statistic": self.statistic,
            "spatial_pairs": self.spatial_pairs,
            "temporal_pairs": self.temporal_pairs,
            "pairs": self.pairs,
            "expected": self.expected,
            "expected_sim": self.expected_sim,
            "ratio": self.ratio,
            "p_value": self.p_value,
        }


# ------------------------------------------------------------------------------------------------
# Labels


def _num(v: float) -> str:
    """An edge as written in a label: 100 -> "100", 1500 -> "1,500", 7.5 -> "7.5"."""
    return f"{int(v):,}" if v.is_integer() else f"{v:,}"


def space_band_list(space_bands: Sequence[float]) -> list[Band]:
    edges = _edges(space_bands, "space_bands")
    bands = [Band("0 m (same location)", None, 0.0)]
    lower = 0.0
    for e in edges:
        bands.append(Band(f"more than {_num(lower)} m, up to {_num(e)} m", lower, e))
        lower = e
    bands.append(Band(f"more than {_num(lower)} m", lower, None))
    return bands


def time_band_list(time_bands: Sequence[float]) -> list[Band]:
    edges = _edges(time_bands, "time_bands")
    bands = [Band(f"0 to {_num(edges[0])} {_days(edges[0])}", None, edges[0])]
    lower = edges[0]
    for e in edges[1:]:
        bands.append(Band(f"more than {_num(lower)} {_days(lower)}, up to {_num(e)} {_days(e)}", lower, e))
        lower = e
    bands.append(Band(f"more than {_num(lower)} {_days(lower)}", lower, None))
    return bands


def _days(v: float) -> str:
    return "day" if v == 1 else "days"


def _edges(values: Sequence[float], name: str) -> list[float]:
    edges = [float(v) for v in values]
    if not edges:
        raise ValueError(f"{name} needs at least one edge")
    if not all(math.isfinite(e) and e > 0 for e in edges):
        raise ValueError(f"{name} must be finite and more than 0")
    if any(b <= a for a, b in itertools.pairwise(edges)):
        raise ValueError(f"{name} must increase strictly")
    return edges


# ------------------------------------------------------------------------------------------------
# Analyses


def knox_bands(
    x_m: npt.ArrayLike,
    y_m: npt.ArrayLike,
    t_days: npt.ArrayLike,
    *,
    space_bands: Sequence[float],
    time_bands: Sequence[float],
    iterations: int = DEFAULT_ITERATIONS,
    seed: int | None = None,
    workers: int | None = None,
) -> KnoxResult:
    """Knox counts, expected counts, ratios and p-values for every space band x time band (see the
    module docstring). `workers` threads share the runs (default: one a core)."""
    sbands = space_band_list(space_bands)
    tbands = time_band_list(time_bands)
    iterations = _check_count(iterations, "iterations")
    seed = _seed(seed)
    x, y, t, skipped = _events(x_m, y_m, t_days)
    space_edges = np.array([SAME_LOCATION_M, *_edges(space_bands, "space_bands")])
    # cumulative[k, s, e]: pairs in close space band s with a time gap at most time edge e (the last
    # e: any gap); the last s is the "more than the largest edge" row. k = 0 is the observed data.
    cumulative, pairs = _cumulative(
        x, y, t, space_edges, _edges(time_bands, "time_bands"), iterations, seed, workers
    )
    counts = np.diff(cumulative, axis=2, prepend=0)
    observed, sims = counts[0], counts[1:]
    expected = sims.mean(axis=0)
    p = ((sims >= observed).sum(axis=0) + 1) / (iterations + 1)
    cells = [
        KnoxCell(
            space=s,
            time=e,
            observed=int(observed[s, e]),
            expected=float(expected[s, e]),
            ratio=float(observed[s, e] / expected[s, e]) if expected[s, e] > 0 else None,
            p_value=float(p[s, e]),
        )
        for s in range(len(sbands))
        for e in range(len(tbands))
    ]
    return KnoxResult(
        points=int(x.size),
        skipped=skipped,
        iterations=iterations,
        seed=seed,
        space_bands=sbands,
        time_bands=tbands,
        cells=cells,
        pairs=pairs,
    )


def knox_single(
    x_m: npt.ArrayLike,
    y_m: npt.ArrayLike,
    t_days: npt.ArrayLike,
    delta: float,
    tau: float,
    permutations: int = DEFAULT_ITERATIONS,
    seed: int | None = None,
    *,
    workers: int | None = None,
) -> KnoxSingleResult:
    """The classic Knox test with one distance `delta` (metres) and one time `tau` (days), both
    inclusive: the statistic is the number of pairs at most `delta` apart and at most `tau` days apart.
    The p-value permutes the times among the events, as `knox_bands` does."""
    (delta,) = _edges([delta], "delta")
    (tau,) = _edges([tau], "tau")
    permutations = _check_count(permutations, "permutations")
    seed = _seed(seed)
    x, y, t, skipped = _events(x_m, y_m, t_days)
    cumulative, pairs = _cumulative(x, y, t, np.array([delta]), [tau], permutations, seed, workers)
    # cumulative[k, 0, 0]: close in both; [k, 0, 1]: close in space; [k, 0, 0] + [k, 1, 0]: in time.
    statistic = int(cumulative[0, 0, 0])
    ns = int(cumulative[0, 0, 1])
    nt = int(cumulative[0, 0, 0] + cumulative[0, 1, 0])
    sims = cumulative[1:, 0, 0]
    return KnoxSingleResult(
        points=int(x.size),
        skipped=skipped,
        permutations=permutations,
        seed=seed,
        delta=delta,
        tau=tau,
        statistic=statistic,
        spatial_pairs=ns,
        temporal_pairs=nt,
        pairs=pairs,
        expected=ns * nt / pairs if pairs else 0.0,
        expected_sim=float(sims.mean()),
        p_value=float(((sims >= statistic).sum() + 1) / (permutations + 1)),
    )


# ------------------------------------------------------------------------------------------------
# The engine


def _check_count(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a whole number of at least 1")
    return value


def _seed(seed: int | None) -> int:
    if seed is None:
        return int(np.random.SeedSequence().generate_state(1)[0])
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError("seed must be a whole number of at least 0")
    return seed


def _events(
    x_m: npt.ArrayLike, y_m: npt.ArrayLike, t_days: npt.ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray, int]:
    x = np.asarray(x_m, dtype=np.float64).ravel()
    y = np.asarray(y_m, dtype=np.float64).ravel()
    t = np.asarray(t_days, dtype=np.float64).ravel()
    if not x.size == y.size == t.size:
        raise ValueError(f"x, y and t differ in length ({x.size}, {y.size} and {t.size})")
    ok = np.isfinite(x) & np.isfinite(y) & np.isfinite(t)
    return x[ok], y[ok], t[ok], int(x.size - np.count_nonzero(ok))


def _cumulative(
    x: FloatArray,
    y: FloatArray,
    t: FloatArray,
    space_edges: FloatArray,
    time_edges: Sequence[float],
    runs: int,
    seed: int,
    workers: int | None,
) -> tuple[IntArray, int]:
    """Pair counts for the data (k = 0) and for `runs` permutations of the times (k = 1..runs):
    out[k, s, e] counts pairs in space band s (s < len(space_edges): distance at most space_edges[s]
    and more than the edge before; the last s: more than the largest edge) whose time gap is at most
    time_edges[e] (the last e: any gap). Also returns the number of all pairs."""
    n = x.size
    pairs = n * (n - 1) // 2
    n_space, n_time = space_edges.size + 1, len(time_edges) + 1
    out = np.zeros((runs + 1, n_space, n_time), dtype=np.int64)
    if n < 2:
        return out, pairs

    seconds, edge_seconds = _seconds(t, time_edges)

    # Close pairs, classified once by space band and grouped band by band. The tree's radius is a
    # hair wider than the largest edge; the pairs' own distances decide the band, and any pair beyond
    # the largest edge is left to the "more than" row, which is counted by difference.
    tree = cKDTree(np.column_stack([x, y]))
    largest = float(space_edges[-1])
    close = tree.query_pairs(r=largest * (1 + 1e-9) + 1e-9, output_type="ndarray")
    i, j = close[:, 0], close[:, 1]
    band = np.searchsorted(space_edges, np.hypot(x[i] - x[j], y[i] - y[j]), side="left")
    order = np.argsort(band, kind="stable")
    band = band[order]
    keep = band < space_edges.size
    index_type = np.int32 if n < 2**31 else np.int64
    i = i[order][keep].astype(index_type)
    j = j[order][keep].astype(index_type)
    bounds = np.searchsorted(band[keep], np.arange(space_edges.size + 1), side="left")

    # All pairs with a time gap at most each edge: invariant under permutation of the times.
    ordered = np.sort(seconds.astype(np.int64))
    position = np.arange(n)
    all_within = np.array(
        [
            int((np.searchsorted(ordered, ordered + e, side="right") - position - 1).sum())
            for e in edge_seconds
        ]
        + [pairs],
        dtype=np.int64,
    )

    def count(
        times: npt.NDArray[Any], gap: npt.NDArray[Any], other: npt.NDArray[Any], within: npt.NDArray[np.bool_]
    ) -> IntArray:
        np.take(times, i, out=gap)
        np.take(times, j, out=other)
        np.subtract(gap, other, out=gap)
        np.abs(gap, out=gap)
        table = np.empty((n_space, n_time), dtype=np.int64)
        for s in range(space_edges.size):
            lo, hi = int(bounds[s]), int(bounds[s + 1])
            segment, flags = gap[lo:hi], within[: hi - lo]
            for e, edge in enumerate(edge_seconds):
                np.less_equal(segment, edge, out=flags)
                table[s, e] = np.count_nonzero(flags)
            table[s, -1] = hi - lo
        table[-1] = all_within - table[:-1].sum(axis=0)
        return table

    children = np.random.SeedSequence(seed).spawn(runs)

    def run(chunk: range) -> None:
        gap = np.empty(i.size, dtype=seconds.dtype)
        other = np.empty(i.size, dtype=seconds.dtype)
        within = np.empty(i.size, dtype=np.bool_)
        for k in chunk:
            # Run k (k >= 1) shuffles the times with its own generator; k = 0 is the data as given.
            times = seconds if k == 0 else seconds[np.random.default_rng(children[k - 1]).permutation(n)]
            out[k] = count(times, gap, other, within)

    threads = max(1, min(workers or os.cpu_count() or 1, runs + 1))
    step = -(-(runs + 1) // threads)
    chunks = [range(s, min(s + step, runs + 1)) for s in range(0, runs + 1, step)]
    if len(chunks) == 1:
        run(chunks[0])
    else:
        with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
            for _ in pool.map(run, chunks):
                pass
    return out, pairs


def _seconds(t: FloatArray, time_edges: Sequence[float]) -> tuple[npt.NDArray[Any], list[int]]:
    """Times as whole seconds from the earliest (int32 when the span allows, for speed) and the time
    edges in whole seconds."""
    seconds = np.rint((t - t.min()) * SECONDS_PER_DAY).astype(np.int64)
    edges = [round(e * SECONDS_PER_DAY) for e in time_edges]
    limit = np.iinfo(np.int32).max
    if int(seconds.max()) < limit:
        return seconds.astype(np.int32), [min(e, limit) for e in edges]
    return seconds, edges


__all__ = [
    "BRITISH_NATIONAL_GRID",
    "DEFAULT_ITERATIONS",
    "SAME_LOCATION_M",
    "Band",
    "KnoxCell",
    "KnoxResult",
    "KnoxSingleResult",
    "knox_bands",
    "knox_single",
    "project_lat_lon",
    "projection",
    "space_band_list",
    "time_band_list",
]
