"""Shared set-up for benchmarks: a fresh database (temporary SQLite unless DATABASE_URL is set)."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))


def setup_django(*, flush: bool = True) -> str:
    """Point Django at a fresh database (flushed unless `flush` is False), migrate it, and return
    the backend's name."""
    if not os.environ.get("DATABASE_URL"):
        tmp = Path(tempfile.mkdtemp(prefix="beacon-bench-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql" and flush:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)
    return connection.vendor


def emit(**figure: Any) -> None:
    figure.setdefault("cores", os.cpu_count())
    print(json.dumps(figure), flush=True)


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(p / 100 * (len(s) - 1))))
    return s[k]


def analyze() -> None:
    """Refresh planner statistics after a bulk load, as autovacuum would on a live database."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")
