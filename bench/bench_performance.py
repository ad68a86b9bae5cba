"""Performance benchmarks (issue 12), on PostgreSQL (DATABASE_URL):

- `beacon performance compute` for 24 months x 10 areas x 100 neighbourhoods over 2,000,000
  incidents (target: under 60 s);
- the KPI dashboard, p95 of 30 requests for the force and for an area (target: under 300 ms);
- Gi* on a force's week of located ASB incidents (about 20,000 points), 999 permutations, from the
  database read to the result (target: under 2 s);
- the Knox near-repeat test on 10,000 incidents with 999 iterations (target: under 10 s);
- an area's performance pack as PDF (target: under 5 s), when the pack module is present.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/beacon_bench python bench/bench_performance.py
       [--incidents 2000000]
Prints one JSON line per figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from typing import Any

from _setup import analyze, emit, percentile, setup_django

AREAS, HOODS_PER_AREA = 10, 10
CENTRE = (53.80, -1.55)


def _square(lat: float, lon: float, half: float) -> dict[str, Any]:
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
    ]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def build_places() -> list[Any]:
    from beacon.core.models import Area, Force
    from beacon.geography.models import Neighbourhood

    force = Force.objects.create(name="Benchshire Police", code="BP")
    rng = random.Random(12)
    hoods = []
    for a in range(AREAS):
        area = Area.objects.create(force=force, name=f"Area {a + 1}", code=f"A{a + 1:02d}")
        for n in range(HOODS_PER_AREA):
            lat = CENTRE[0] + (a // 5) * 0.12 + (n // 5) * 0.04 + rng.uniform(-0.005, 0.005)
            lon = CENTRE[1] + (a % 5) * 0.12 + (n % 5) * 0.024
            hoods.append(
                Neighbourhood.objects.create(
                    area=area,
                    code=f"A{a + 1:02d}N{n + 1:02d}",
                    name=f"Neighbourhood {a + 1}.{n + 1}",
                    grade="standard",
                    team_name="Team",
                    geometry=_square(lat, lon, 0.01),
                    min_lat=lat - 0.01,
                    max_lat=lat + 0.01,
                    min_lon=lon - 0.01,
                    max_lon=lon + 0.01,
                    centroid_lat=lat,
                    centroid_lon=lon,
                )
            )
    return hoods


def load_incidents(total: int, start: dt.date, days: int) -> float:
    """`total` ASB incidents over `days` days from `start`, spread over the 100 neighbourhoods (one
    in fifty not placed), generated inside PostgreSQL. Returns the seconds it took."""
    from django.db import connection

    began = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT id, area_id, centroid_lat, centroid_lon FROM geography_neighbourhood ORDER BY id")
        hoods = cur.fetchall()
        cur.execute("CREATE TEMP TABLE bench_hoods (k int, id int, area_id int, lat float8, lon float8)")
        cur.executemany(
            "INSERT INTO bench_hoods VALUES (%s, %s, %s, %s, %s)", [(i, *h) for i, h in enumerate(hoods)]
        )
        cur.execute(
            """
            INSERT INTO incidents_incident (
                reference, channel, received_at, occurred_at, postcode, address, address_key, lat, lon,
                neighbourhood_id, area_id, location_problem, is_asb, description, answers,
                repeat_victim, vulnerable_victim, local_priority, crime_disclosed, hate_related,
                flag_reasons, priority_names, grade_override_reason, crime_reference, no_crime_reason,
                status, closing_note, source_system, source_id, source_hash, created_at, updated_at,
                version, last_supervised_at, attended_at, response_met
            )
            SELECT
                'B' || g, '101', t, t, '', '', '',
                h.lat + (random() + random() + random() - 1.5) * 0.006,
                h.lon + (random() + random() + random() - 1.5) * 0.01,
                CASE WHEN g %% 50 = 0 THEN NULL ELSE h.id END,
                CASE WHEN g %% 50 = 0 THEN NULL ELSE h.area_id END,
                '', true, '', '{}'::jsonb,
                g %% 7 = 0, g %% 11 = 0, false, false, g %% 97 = 0,
                CASE WHEN g %% 7 = 0 THEN '{"repeat_victim": "person 1: bench"}'::jsonb ELSE '{}'::jsonb END,
                '[]'::jsonb, '', '', '', 'closed', '', '', '', '', t, t, 1,
                CASE WHEN g %% 3 = 0 THEN t ELSE NULL END,
                CASE WHEN g %% 13 = 0 THEN NULL ELSE t + (g %% 90) * interval '1 minute' END,
                CASE WHEN g %% 13 = 0 THEN NULL ELSE g %% 90 <= 60 END
            FROM (
                SELECT g, %s::timestamptz + (random() * %s) * interval '1 day' AS t,
                       (g * 7919) %% 100 AS k
                FROM generate_series(1::bigint, %s) AS g
            ) s JOIN bench_hoods h ON h.k = s.k
            """,
            [dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC), days, total],
        )
    analyze()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=2_000_000)
    parser.add_argument("--reuse", action="store_true", help="Keep what an earlier run loaded.")
    args = parser.parse_args()
    vendor = setup_django(flush=not args.reuse)
    from django.apps import apps
    from django.test import Client

    from beacon.core.models import User
    from beacon.core.roles import Role
    from beacon.performance import analysis, places
    from beacon.performance.compute import compute
    from beacon.performance.examples import install
    from beacon.performance.selectors import add_months

    first = dt.date(2024, 1, 1)
    months = [add_months(first, i) for i in range(24)]
    from beacon.incidents.models import Incident

    install(apps, None)  # the starter KPIs (a flush removes what the data migration made)
    if not (args.reuse and Incident.objects.exists()):
        build_places()
        load_seconds = load_incidents(args.incidents, first, 731) if vendor == "postgresql" else 0.0
        emit(
            bench="performance_load",
            database=vendor,
            incidents=args.incidents,
            seconds=round(load_seconds, 1),
        )

    result = compute(months)
    emit(
        bench="performance_compute",
        database=vendor,
        incidents=args.incidents,
        months=24,
        areas=AREAS,
        neighbourhoods=AREAS * HOODS_PER_AREA,
        kpis=result.kpis,
        values=result.values,
        seconds=round(result.seconds, 2),
        target_seconds=60,
        met=result.seconds < 60,
    )

    user, _ = User.objects.get_or_create(
        username="bench-perf", defaults={"role": Role.PERFORMANCE, "all_areas": True}
    )
    client = Client()
    client.force_login(user)
    area = places.areas()[0]
    for label, place in (("force", "force"), ("area", area.key)):
        client.get("/performance/", {"place": place, "month": "2025-12"})  # warm
        times = []
        for _ in range(30):
            t0 = time.perf_counter()
            r = client.get("/performance/", {"place": place, "month": "2025-12"})
            times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200
        p95 = percentile(times, 95)
        emit(
            bench="performance_dashboard",
            database=vendor,
            place=label,
            p95_ms=round(p95, 1),
            p50_ms=round(percentile(times, 50), 1),
            target_ms=300,
            met=p95 < 300,
        )

    week = analysis.Window(dt.date(2025, 3, 3), dt.date(2025, 3, 9), places.FORCE_PLACE)
    t0 = time.perf_counter()
    hot = analysis.hotspots(week, resolution=9, permutations=999, seed=1)
    seconds = time.perf_counter() - t0
    emit(
        bench="performance_gi_star",
        database=vendor,
        points=hot.points,
        cells=len(hot.cells),
        permutations=999,
        seconds=round(seconds, 2),
        target_seconds=2,
        met=seconds < 2,
    )

    days = 20
    while True:  # the shortest window of the area's incidents from 1 May 2025 with 10,000 or more
        window = analysis.Window(dt.date(2025, 5, 1), dt.date(2025, 5, 1) + dt.timedelta(days=days - 1), area)
        n = window.incidents().count()
        if n >= 10_000 or days > 400:
            break
        days += 1
    t0 = time.perf_counter()
    analysis.near_repeat(window, iterations=999, seed=1)
    seconds = time.perf_counter() - t0
    emit(
        bench="performance_knox",
        database=vendor,
        points=n,
        iterations=999,
        seconds=round(seconds, 2),
        target_seconds=10,
        met=seconds < 10,
    )

    try:
        from beacon.performance import packs
    except ImportError:
        return
    t0 = time.perf_counter()
    pdf = packs.render_pack(area, dt.date(2025, 12, 1), "pdf")
    seconds = time.perf_counter() - t0
    emit(
        bench="performance_pack_pdf",
        database=vendor,
        place=area.code,
        bytes=len(pdf),
        seconds=round(seconds, 2),
        target_seconds=5,
        met=seconds < 5,
    )


if __name__ == "__main__":
    main()
