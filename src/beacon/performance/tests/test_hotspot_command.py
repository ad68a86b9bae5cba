"""`beacon performance hotspots` on a real month of data.police.uk points, checked against an
independent PySAL run on the same points (built here from the CSV, not from Beacon's database)."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path
from typing import Any

import esda
import h3
import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from libpysal.weights import W

pytestmark = pytest.mark.django_db

FILE = "police-uk/2024-01-city-of-london-as-asb.csv"


def hotspots(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("performance", "hotspots", *args, "--json", stdout=out)
    return dict(json.loads(out.getvalue()))


def independent_gi_star(path: Path, resolution: int = 9) -> dict[str, tuple[int, float]]:
    """Cells, counts and analytic z from PySAL alone: bin to H3, region = occupied cells and their
    ring-1 neighbours, binary contiguity inside the region, Gi* with the cell itself."""
    counts: dict[str, int] = {}
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            cell = h3.latlng_to_cell(float(row["Latitude"]), float(row["Longitude"]), resolution)
            counts[cell] = counts.get(cell, 0) + 1
    region = set(counts)
    for cell in list(counts):
        region.update(h3.grid_ring(cell, 1))
    ids = sorted(region)
    neighbours = {c: [n for n in h3.grid_ring(c, 1) if n in region] for c in ids}
    w = W(neighbours, id_order=ids, silence_warnings=True)
    y = np.array([counts.get(c, 0) for c in ids], dtype=float)
    g = esda.G_Local(y, w, transform="B", star=True, permutations=0)
    return {c: (int(y[i]), float(g.Zs[i])) for i, c in enumerate(ids)}


def test_the_hotspot_command_equals_an_independent_pysal_run_on_a_real_month(sample_files: Path) -> None:
    call_command("incidents", "import", str(sample_files / FILE), "--format", "police-uk", stdout=StringIO())
    got = hotspots("--from", "2024-01-01", "--to", "2024-01-31", "--seed", "7")
    assert got["resolution"] == 9
    assert got["points"] == 657
    assert set(got) == {"resolution", "points", "cells", "seconds"}
    expected = independent_gi_star(sample_files / FILE)
    cells = {c["h3"]: c for c in got["cells"]}
    assert set(cells) == set(expected)
    for cell, (count, z) in expected.items():
        assert cells[cell]["count"] == count
        assert cells[cell]["z"] == pytest.approx(z, abs=1e-6)
    assert {c["class"] for c in got["cells"]} <= {
        "hot-99",
        "hot-95",
        "hot-90",
        "none",
        "cold-90",
        "cold-95",
        "cold-99",
    }
    assert any(c["class"].startswith("hot") for c in got["cells"])
    # the same seed gives the same pseudo p-values; the analytic z does not depend on it
    again = hotspots("--from", "2024-01-01", "--to", "2024-01-31", "--seed", "7")
    assert [c["p_sim"] for c in again["cells"]] == [c["p_sim"] for c in got["cells"]]
    # the window counts by the month: nothing in February
    assert hotspots("--from", "2024-02-01", "--to", "2024-02-29")["points"] == 0


def test_bad_hotspot_input_is_refused_clearly() -> None:
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("performance", "hotspots", "--from", "2024-03-01", "--to", "2024-02-01", stderr=err)
    assert "empty" in err.getvalue()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("performance", "hotspots", "--from", "2024-02-30", "--to", "2024-03-01", stderr=err)
    assert "2024-02-30" in err.getvalue()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "performance",
            "hotspots",
            "--from",
            "2024-01-01",
            "--to",
            "2024-01-31",
            "--resolution",
            "20",
            stderr=err,
        )
    assert "resolution" in err.getvalue()
