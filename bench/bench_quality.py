"""Quality benchmark (issue 13, dip-sample audits), on PostgreSQL (DATABASE_URL):

- drawing a month's audit sample for every area (10 areas, 100 records each, stored as rounds with
  their items) over 2,000,000 incidents (target: under 2 s), and the same draw printed only;
- the same seed gives the same sample (checked while timing).

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/beacon_bench_quality python bench/bench_quality.py
       [--incidents 2000000] [--reuse]
Prints one JSON line per figure. The database is flushed first: use a throwaway one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from _setup import emit, setup_django

MONTH = "2025-03"
SIZE = 100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=2_000_000)
    parser.add_argument("--reuse", action="store_true", help="Keep what an earlier run loaded.")
    args = parser.parse_args()
    vendor = setup_django(flush=not args.reuse)
    from django.apps import apps

    from beacon.incidents.models import Incident
    from beacon.quality import services
    from beacon.quality.examples import install
    from beacon.quality.models import AuditRound
    from bench_performance import build_places, load_incidents

    install(apps, None)  # the example template (a flush removes what the data migration made)
    if not (args.reuse and Incident.objects.exists()):
        build_places()
        load_seconds = (
            load_incidents(args.incidents, dt.date(2024, 1, 1), 731) if vendor == "postgresql" else 0.0
        )
        emit(bench="quality_load", database=vendor, incidents=args.incidents, seconds=round(load_seconds, 1))
    AuditRound.objects.all().delete()
    # one untimed draw first: the month's rows in PostgreSQL's cache, as on a server in use
    services.draw_month(None, template="asb-incident-quality", month=MONTH, size=SIZE, seed=1, save=False)

    for label, save in (("printed", False), ("stored", True)):
        t0 = time.perf_counter()
        draws = services.draw_month(
            None, template="asb-incident-quality", month=MONTH, size=SIZE, seed=2025, save=save
        )
        seconds = time.perf_counter() - t0
        again = services.draw_month(
            None, template="asb-incident-quality", month=MONTH, size=SIZE, seed=2025, save=False
        )
        same = [[r.reference for r, _s in d.rows] for d in draws] == [
            [r.reference for r, _s in d.rows] for d in again
        ]
        emit(
            bench=f"quality_sample_month_{label}",
            database=vendor,
            incidents=args.incidents,
            areas=len(draws),
            month_population=sum(d.population for d in draws),
            items=sum(len(d.rows) for d in draws),
            reproducible=same,
            seconds=round(seconds, 3),
            target_seconds=2,
            met=seconds < 2 and same,
        )


if __name__ == "__main__":
    main()
