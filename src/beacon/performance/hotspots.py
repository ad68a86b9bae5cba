"""Hot spots: the Getis-Ord Gi* statistic on H3 cells (PySAL's esda), with no Django and no database.

`gi_star(lats, lons)` takes point coordinates (WGS84 degrees) and returns a `HotspotResult`:

- Points are binned to H3 cells at `resolution` (9 by default: cells of about 0.1 km², some 350 m
  across). A point with a missing, non-finite or out-of-range coordinate (latitude outside -90..90,
  longitude outside -180..180) is skipped; `HotspotResult.skipped` says how many were.
- The study region is every cell holding at least one point plus each such cell's ring-1 neighbours
  (with a count of 0), so a lone busy cell is compared with the quiet cells around it.
- The weights are binary ring-1 contiguity inside the region: two cells are neighbours when they
  share an edge and both are in the region (a neighbour outside the region is not a neighbour).
- Gi* includes the cell itself (esda `G_Local(star=True)`, binary transform "B"). `z` is esda's
  analytic z-score (`Zs`); `p_sim` is its permutation pseudo p-value (conditional randomisation with
  `permutations` draws, one-sided in the tail the statistic falls in, as esda computes it). That
  randomisation keeps each cell's own count fixed and shuffles the counts around it, so p_sim
  speaks of the neighbourhood: a lone busy cell among quiet ones has a large z but may have an
  unremarkable p_sim (class "none"), while its neighbours, whose Gi* takes it in, come out hot.
- Each cell is classed "hot-99", "hot-95", "hot-90", "none", "cold-90", "cold-95" or "cold-99": the
  most stringent of p_sim <= 0.01, 0.05 and 0.10 that holds, hot for a positive z and cold for a
  negative one. With `fdr=True` each level's cut-off is instead esda's false-discovery-rate cut-off
  `esda.fdr(p_sim, alpha)` for that level's alpha, so FDR never classes more cells than without it.

Undefined z-scores. Gi* has no defined z-score when the statistic cannot vary: a region of fewer than
two cells, counts that are all equal (zero variance), or a cell whose Gi* neighbourhood is the whole
region (as for the centre of a region made of a single busy cell and its ring). Such a cell is
reported with z 0.0, p_sim 1.0 and class "none", and `HotspotResult.notes` says how many there were.
No NaN or infinity reaches the result, and nothing is written to stderr.

Reproducibility. `seed` is handed to esda, so the same points, resolution, permutations and seed give
the same p_sim (with or without numba installed, though the two draw different permutations). With
no seed one is drawn and reported as `HotspotResult.seed`. esda reseeds NumPy's global generator when
numba is absent; `gi_star` restores that generator's state afterwards.

Speed. esda runs its permutations in one process (`n_jobs=1`): without numba its loop is plain
NumPy, and joblib's worker processes cost more than they save at a few thousand cells. numba is not
needed: it compiles esda's loops afresh in every new process, which takes seconds. PySAL is imported
on first use of `gi_star`, so drawing cells (`cell_of`, `cell_boundary`) stays cheap.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import h3
import numpy as np
import numpy.typing as npt
from h3.api import basic_int as h3_int

DEFAULT_RESOLUTION = 9
DEFAULT_PERMUTATIONS = 999
# (alpha, confidence label) from the most stringent level down.
LEVELS: tuple[tuple[float, str], ...] = ((0.01, "99"), (0.05, "95"), (0.10, "90"))
CLASSES: tuple[str, ...] = ("hot-99", "hot-95", "hot-90", "none", "cold-90", "cold-95", "cold-99")

NOTE_UNDEFINED = (
    "{n} of {m} cells have no defined Gi* z-score (the region has fewer than two cells, the counts do "
    "not vary, or the cell's neighbourhood is the whole region); they are reported with z 0.0, "
    "p_sim 1.0 and class none."
)
NOTE_SKIPPED = "{n} points were skipped for a missing, non-finite or out-of-range coordinate."
NOTE_NO_POINTS = "No usable points: there are no cells."


@dataclass(frozen=True, slots=True)
class Cell:
    h3: str
    count: int
    z: float
    p_sim: float
    cls: str

    def as_json(self) -> dict[str, Any]:
        return {"h3": self.h3, "count": self.count, "z": self.z, "p_sim": self.p_sim, "class": self.cls}


@dataclass(frozen=True)
class HotspotResult:
    """What `gi_star` found. `as_json()` is the stable contract; the other fields are for callers
    that want to say more (how many points were skipped, the cut-offs used, notes)."""

    resolution: int
    points: int  # points used (binned to a cell)
    cells: list[Cell]  # the study region, sorted by H3 id
    skipped: int = 0  # points left out for a missing, non-finite or out-of-range coordinate
    permutations: int = DEFAULT_PERMUTATIONS
    seed: int | None = None  # the seed handed to esda (drawn when none was given)
    fdr: bool = False
    # alpha -> the p_sim cut-off used for that level (alpha itself, or esda's FDR cut-off)
    thresholds: dict[float, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "resolution": self.resolution,
            "points": self.points,
            "cells": [c.as_json() for c in self.cells],
        }


def cell_of(lat: float, lon: float, resolution: int = DEFAULT_RESOLUTION) -> str:
    """The H3 cell (hexadecimal id) holding a WGS84 point."""
    return str(h3.latlng_to_cell(float(lat), float(lon), _check_resolution(resolution)))


def cell_boundary(h3_id: str) -> list[tuple[float, float]]:
    """The cell's corners as (lat, lon) pairs, in order (not closed: the first is not repeated)."""
    return [(float(lat), float(lon)) for lat, lon in h3.cell_to_boundary(h3_id)]


def gi_star(
    lats: npt.ArrayLike,
    lons: npt.ArrayLike,
    *,
    resolution: int = DEFAULT_RESOLUTION,
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int | None = None,
    fdr: bool = False,
) -> HotspotResult:
    """Getis-Ord Gi* hot and cold spots of the points' counts on H3 cells (see the module docstring)."""
    resolution = _check_resolution(resolution)
    if isinstance(permutations, bool) or not isinstance(permutations, int) or permutations < 1:
        raise ValueError("permutations must be a whole number of at least 1")
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    elif isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
        raise ValueError("seed must be a whole number from 0 to 2**32 - 1")

    lat, lon = _coordinates(lats, lons)
    usable = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    skipped = int(lat.size - np.count_nonzero(usable))
    lat, lon = lat[usable], lon[usable]
    notes = [NOTE_SKIPPED.format(n=skipped)] if skipped else []
    common: dict[str, Any] = {
        "resolution": resolution,
        "points": int(lat.size),
        "skipped": skipped,
        "permutations": permutations,
        "seed": seed,
        "fdr": fdr,
    }
    if lat.size == 0:
        return HotspotResult(cells=[], notes=[*notes, NOTE_NO_POINTS], **common)

    region, counts, rows, cols = _region(lat, lon, resolution)
    z, p_sim = _local_g(counts, rows, cols, permutations=permutations, seed=seed)
    undefined = ~np.isfinite(z)
    if undefined.any():
        z[undefined] = 0.0
        p_sim[undefined] = 1.0
        notes.append(NOTE_UNDEFINED.format(n=int(undefined.sum()), m=region.size))
    thresholds = _thresholds(p_sim, fdr=fdr)
    classes = classify(z, p_sim, thresholds)
    cells = [
        Cell(h3=h3.int_to_str(c), count=int(n), z=float(zi), p_sim=float(pi), cls=k)
        for c, n, zi, pi, k in zip(
            region.tolist(), counts.tolist(), z.tolist(), p_sim.tolist(), classes, strict=True
        )
    ]
    return HotspotResult(cells=cells, thresholds=thresholds, notes=notes, **common)


def classify(z: npt.ArrayLike, p_sim: npt.ArrayLike, thresholds: dict[float, float]) -> list[str]:
    """Each cell's class: the most stringent level whose cut-off p_sim is at or below (levels without a
    cut-off in `thresholds` use their alpha), hot for a positive z, cold for a negative one."""
    zs = np.asarray(z, dtype=float)
    ps = np.asarray(p_sim, dtype=float)
    out = np.full(zs.shape, "none", dtype=object)
    decided = np.zeros(zs.shape, dtype=bool)
    for alpha, label in LEVELS:
        hit = ~decided & (ps <= thresholds.get(alpha, alpha)) & (zs != 0) & np.isfinite(zs)
        out[hit & (zs > 0)] = f"hot-{label}"
        out[hit & (zs < 0)] = f"cold-{label}"
        decided |= hit
    return [str(k) for k in out.tolist()]


# ------------------------------------------------------------------------------------------------


def _check_resolution(resolution: int) -> int:
    if isinstance(resolution, bool) or not isinstance(resolution, int) or not 0 <= resolution <= 15:
        raise ValueError("resolution must be a whole number from 0 to 15")
    return resolution


def _coordinates(
    lats: npt.ArrayLike, lons: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    # dtype=float turns None into NaN and Decimals into floats.
    lat = np.asarray(lats, dtype=np.float64).ravel()
    lon = np.asarray(lons, dtype=np.float64).ravel()
    if lat.shape != lon.shape:
        raise ValueError(f"lats and lons differ in length ({lat.size} and {lon.size})")
    return lat, lon


def _region(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], resolution: int
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The study region's cells (sorted H3 ids as integers, which sorts as the hexadecimal ids do: at
    one resolution they all have 15 digits), their counts, and the ring-1 contiguity inside the region
    as (row, column) positions of its nonzero entries. H3 is called once a point and once or twice a
    cell; everything else is array work."""
    to_cell = h3_int.latlng_to_cell
    binned = np.fromiter(
        (to_cell(a, b, resolution) for a, b in zip(lat.tolist(), lon.tolist(), strict=True)),
        dtype=np.uint64,
        count=lat.size,
    )
    occupied, occupied_counts = np.unique(binned, return_counts=True)
    disk = h3_int.grid_disk
    region = np.unique(np.fromiter((c for o in occupied.tolist() for c in disk(o, 1)), dtype=np.uint64))
    counts = np.zeros(region.size, dtype=np.int64)
    counts[np.searchsorted(region, occupied)] = occupied_counts
    ring = h3_int.grid_ring
    rings = [ring(c, 1) for c in region.tolist()]
    sizes = np.fromiter((len(r) for r in rings), dtype=np.int64, count=len(rings))
    neighbours = np.fromiter((c for r in rings for c in r), dtype=np.uint64, count=int(sizes.sum()))
    rows = np.repeat(np.arange(region.size, dtype=np.int64), sizes)
    cols = np.searchsorted(region, neighbours).astype(np.int64)
    cols[cols >= region.size] = 0
    inside = region[cols] == neighbours
    return region, counts, rows[inside], cols[inside]


def _local_g(
    counts: npt.NDArray[np.int64],
    rows: npt.NDArray[np.int64],
    cols: npt.NDArray[np.int64],
    *,
    permutations: int,
    seed: int,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """esda's Gi* (binary weights, the cell itself included) for `counts` on the contiguity given by
    (rows, cols), off the diagonal. Returns (z, p_sim); z is NaN where undefined. When no cell can
    have a defined z (fewer than two cells, or counts that do not vary) esda is not called at all."""
    n = counts.size
    if n < 2 or np.all(counts == counts[0]):
        return np.full(n, np.nan), np.ones(n)

    import esda
    import scipy.sparse as sp
    from libpysal.graph import Graph

    # Binary contiguity with ones on the diagonal: esda's Gi* with binary weights uses a self-weight
    # of 1, and handing it in place saves esda filling the diagonal itself.
    nonzero = np.concatenate([rows, np.arange(n)]), np.concatenate([cols, np.arange(n)])
    adjacency = sp.csr_array((np.ones(nonzero[0].size), nonzero), shape=(n, n))
    graph = Graph.from_sparse(adjacency)
    y = counts.astype(np.float64)
    state = np.random.get_state()
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            # esda warns that the default alternative hypothesis will change in a later release;
            # G_Local gives no way to choose it, and a zero variance divides by zero (handled by
            # the caller). Neither should reach the user's terminal.
            warnings.simplefilter("ignore", category=DeprecationWarning)
            warnings.simplefilter("ignore", category=RuntimeWarning)
            g = esda.G_Local(
                y,
                graph,
                transform="B",
                star=True,
                permutations=permutations,
                seed=seed,
                n_jobs=1,
                keep_simulations=False,
            )
    finally:
        np.random.set_state(state)
    z = np.asarray(g.Zs, dtype=np.float64).copy()
    # esda holds p_sim as float32; snap it back to the exact (k + 1) / (permutations + 1) it counted,
    # so that 0.05 compares as 0.05.
    draws = permutations + 1
    p_sim = np.round(np.asarray(g.p_sim, dtype=np.float64) * draws) / draws
    return z, p_sim


def _thresholds(p_sim: npt.NDArray[np.float64], *, fdr: bool) -> dict[float, float]:
    if not fdr:
        return {alpha: alpha for alpha, _ in LEVELS}
    import esda

    return {alpha: float(esda.fdr(p_sim, alpha)) for alpha, _ in LEVELS}


__all__ = [
    "CLASSES",
    "DEFAULT_PERMUTATIONS",
    "DEFAULT_RESOLUTION",
    "Cell",
    "HotspotResult",
    "cell_boundary",
    "cell_of",
    "classify",
    "gi_star",
]
