"""Spatial analysis speed: Gi* hot spots and near-repeat Knox tables on synthetic incidents.

    .venv/bin/python bench/bench_analysis.py [--points 20000] [--knox-points 10000] [--seed 1]

Synthetic incidents over Leeds (53.80, -1.55): a dense centre, a spread to about 10 km, and a few
tight clusters, over 365 days, with some near repeats (a follow-up within a few hundred metres and a
few weeks). No database: `beacon.performance.hotspots` and `.nearrepeat` take arrays.

Figures, one JSON line each, with "cores":

- gi_star: `gi_star` on --points points with 999 permutations in this process (PySAL imported
  beforehand), target under 2 s;
- gi_star_cold: the same end to end in a fresh Python process (interpreter start, importing the
  module and PySAL, the analysis), which is what a command pays: target under 2 s;
- knox: `project_lat_lon` then `knox_bands` on --knox-points points (space bands 100..500 m, time
  bands 7..35 days) with 999 iterations, target under 10 s;
- knox_cold: the same end to end in a fresh Python process, target under 10 s.

Exits non-zero when a target is missed. `time_gi_star` and `time_knox` take coordinates from anywhere
(a database-read variant can call them with what it read).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from _setup import REPO, emit

CENTRE = (53.80, -1.55)  # Leeds
METRES_PER_DEG_LAT = 111_320.0
SPACE_BANDS = [100.0, 200.0, 300.0, 400.0, 500.0]
TIME_BANDS = [7.0, 14.0, 21.0, 28.0, 35.0]
GI_TARGET = 2.0
KNOX_TARGET = 10.0


def synthetic_city(n: int, seed: int = 1, days: float = 365.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lats, lons, t_days) for n incidents: 35% about a dense centre (sd 2.5 km), 35% spread evenly
    to 10 km, 20% in six clusters (sd 150-400 m), 10% near repeats of earlier ones (within about
    200 m and 21 days)."""
    rng = np.random.default_rng(seed)
    n_centre, n_spread, n_cluster = int(n * 0.35), int(n * 0.35), int(n * 0.20)
    n_repeat = n - n_centre - n_spread - n_cluster
    r = 10_000 * np.sqrt(rng.random(n_spread))
    a = rng.random(n_spread) * 2 * np.pi
    centres = rng.uniform(-6_000, 6_000, (6, 2))
    which = rng.integers(0, 6, n_cluster)
    spread = rng.uniform(150, 400, 6)[which]
    x = np.concatenate(
        [
            rng.normal(0, 2_500, n_centre),
            r * np.cos(a),
            centres[which, 0] + rng.normal(0, 1, n_cluster) * spread,
        ]
    )
    y = np.concatenate(
        [
            rng.normal(0, 2_500, n_centre),
            r * np.sin(a),
            centres[which, 1] + rng.normal(0, 1, n_cluster) * spread,
        ]
    )
    t = rng.uniform(0, days, x.size)
    source = rng.integers(0, x.size, n_repeat)
    x = np.concatenate([x, x[source] + rng.normal(0, 100, n_repeat)])
    y = np.concatenate([y, y[source] + rng.normal(0, 100, n_repeat)])
    t = np.concatenate([t, np.minimum(days, t[source] + rng.uniform(0, 21, n_repeat))])
    order = rng.permutation(n)
    lats = CENTRE[0] + y[order] / METRES_PER_DEG_LAT
    lons = CENTRE[1] + x[order] / (METRES_PER_DEG_LAT * np.cos(np.radians(CENTRE[0])))
    return lats, lons, t[order]


def time_gi_star(
    lats: Any, lons: Any, *, permutations: int = 999, seed: int = 1, target_seconds: float = GI_TARGET
) -> dict[str, Any]:
    """Time `gi_star` on the points; the figure as a dict (bench, points, cells, seconds, met, ...)."""
    from beacon.performance.hotspots import gi_star

    started = time.perf_counter()
    result = gi_star(lats, lons, permutations=permutations, seed=seed)
    seconds = time.perf_counter() - started
    classes = Counter(c.cls for c in result.cells)
    return {
        "bench": "gi_star",
        "points": result.points,
        "cells": len(result.cells),
        "occupied_cells": sum(1 for c in result.cells if c.count),
        "resolution": result.resolution,
        "permutations": permutations,
        "hot_99": classes["hot-99"],
        "cold_99": classes["cold-99"],
        "seconds": round(seconds, 3),
        "target_seconds": target_seconds,
        "met": seconds < target_seconds,
        "cores": os.cpu_count(),
    }


def time_knox(
    lats: Any,
    lons: Any,
    t_days: Any,
    *,
    iterations: int = 999,
    seed: int = 1,
    space_bands: list[float] = SPACE_BANDS,
    time_bands: list[float] = TIME_BANDS,
    target_seconds: float = KNOX_TARGET,
) -> dict[str, Any]:
    """Time projecting the points and `knox_bands` on them; the figure as a dict."""
    from beacon.performance.nearrepeat import knox_bands, project_lat_lon, projection

    started = time.perf_counter()
    x, y = project_lat_lon(lats, lons)
    projected = time.perf_counter()
    result = knox_bands(
        x, y, t_days, space_bands=space_bands, time_bands=time_bands, iterations=iterations, seed=seed
    )
    seconds = time.perf_counter() - started
    table = result.observed_table()
    near = result.cell(1, 0)
    return {
        "bench": "knox",
        "points": result.points,
        "iterations": iterations,
        "space_bands": space_bands,
        "time_bands": time_bands,
        "close_pairs": sum(sum(row) for row in table[:-1]),
        "pairs": result.pairs,
        "near_ratio": None if near.ratio is None else round(near.ratio, 3),  # up to 100 m, 0 to 7 days
        "projection": projection(),
        "projection_seconds": round(projected - started, 3),
        "seconds": round(seconds, 3),
        "target_seconds": target_seconds,
        "met": seconds < target_seconds,
        "cores": os.cpu_count(),
    }


# What a fresh process runs: import, load the points, analyse, print the figure.
COLD = """
import sys, time
started = time.perf_counter()
sys.path[:0] = [{src!r}, {bench!r}]
import numpy as np
from bench_analysis import {function}
data = np.load({path!r})
figure = {function}({args}, **{kwargs!r})
figure["in_process_seconds"] = round(time.perf_counter() - started, 3)
import json
print(json.dumps(figure))
"""


def cold(
    function: str, arrays: dict[str, np.ndarray], kwargs: dict[str, Any], target: float
) -> dict[str, Any]:
    """Run `function` in a fresh Python process on `arrays`; the figure with the whole run's seconds."""
    with tempfile.TemporaryDirectory(prefix="beacon-bench-analysis-") as folder:
        path = str(Path(folder) / "points.npz")
        np.savez(path, allow_pickle=False, **arrays)
        code = COLD.format(
            src=str(REPO / "src"),
            bench=str(REPO / "bench"),
            function=function,
            path=path,
            args=", ".join(f"data[{k!r}]" for k in arrays),
            kwargs=kwargs,
        )
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
        )
        seconds = time.perf_counter() - started
    figure: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    figure.update(
        bench=f"{figure['bench']}_cold",
        analysis_seconds=figure.pop("seconds"),
        seconds=round(seconds, 3),
        target_seconds=target,
        met=seconds < target,
        stderr_lines=len(proc.stderr.splitlines()),
    )
    return figure


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--points", type=int, default=20_000, help="points for Gi*")
    ap.add_argument("--knox-points", type=int, default=10_000, help="points for the Knox table")
    ap.add_argument("--permutations", type=int, default=999)
    ap.add_argument("--iterations", type=int, default=999)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-cold", action="store_true", help="skip the fresh-process figures")
    args = ap.parse_args()

    lats, lons, _ = synthetic_city(args.points, seed=args.seed)
    k_lats, k_lons, k_t = synthetic_city(args.knox_points, seed=args.seed + 1)
    ok = True

    import esda  # noqa: F401 -- the in-process figure leaves PySAL's import out (the cold one has it)

    figure = time_gi_star(lats, lons, permutations=args.permutations, seed=args.seed)
    emit(**figure)
    ok &= figure["met"]
    if not args.no_cold:
        figure = cold(
            "time_gi_star",
            {"lats": lats, "lons": lons},
            {"permutations": args.permutations, "seed": args.seed},
            GI_TARGET,
        )
        emit(**figure)
        ok &= figure["met"]

    figure = time_knox(k_lats, k_lons, k_t, iterations=args.iterations, seed=args.seed)
    emit(**figure)
    ok &= figure["met"]
    if not args.no_cold:
        figure = cold(
            "time_knox",
            {"lats": k_lats, "lons": k_lons, "t": k_t},
            {"iterations": args.iterations, "seed": args.seed},
            KNOX_TARGET,
        )
        emit(**figure)
        ok &= figure["met"]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
