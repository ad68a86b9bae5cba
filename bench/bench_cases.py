"""Case management at scale: 200,000 open cases in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/beacon_cases_bench \\
        .venv/bin/python bench/bench_cases.py [--cases 200000] [--incidents 40000]

(The database is flushed first: give it a throwaway one. `--reuse` keeps what an earlier run of
this benchmark loaded.)

Builds a synthetic force of 10 areas with 4 neighbourhoods each, and bulk-loads 200,000 open
cases spread over them (opened over the past year; Standard, Medium and High; each with its victim
and its incident — still open when the case is recent, else mostly closed — most cases keeping to
their standards and some not, due dates as the services compute them), unresolved ASB incidents not
covered by a case (flagged, graded, half with a victim, some waiting in a team's inbox), and closed
incidents as three years' history. Then measures:

- the supervisor's ordered list (cases and incidents together; cases scored in the database)
  for one area, through the real page (`GET /cases/supervisor/?area=…`, the whole middleware and
  template stack, the access log written) and the API (`GET /api/v1/cases?area=…`), for a sergeant
  who works in that area, over the first pages and the filters: target p95 under 300 ms;
- `beacon cases due --as-of … --json` for the whole force, as a process (start-up included), its
  output checked: target under 10 s.

One JSON line per figure, each with "cores".
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _setup import REPO, emit, percentile, setup_django

AREAS, NBHDS_PER_AREA = 10, 4
LAT0, LON0, D = 52.0, -2.0, 0.05
BENCH_PREFIX = "CB-"


def vacuum_analyze() -> None:
    """What autovacuum does after a bulk load (PostgreSQL 13+ vacuums after many inserts): fresh
    statistics, and the visibility map that lets the list read the covering index alone."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def build_force() -> list[Any]:
    from beacon.core.models import Area, Force
    from beacon.geography.models import Neighbourhood
    from beacon.geography.selectors import invalidate_cache

    force = Force.objects.create(name="Casebench Police", code="CB")
    out = []
    for a in range(AREAS):
        area = Area.objects.create(force=force, name=f"District {a + 1}", code=f"CB{a + 1}")
        for n in range(NBHDS_PER_AREA):
            lat0, lon0 = LAT0 + n * D, LON0 + a * D
            lat1, lon1 = lat0 + D, lon0 + D
            ring = [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]
            out.append(
                Neighbourhood.objects.create(
                    area=area,
                    code=f"CB{a + 1}-{n + 1}",
                    name=f"Ward {a + 1}.{n + 1}",
                    grade="priority" if n == 0 else "capable",
                    team_name=f"Ward {a + 1}.{n + 1} team",
                    geometry={"type": "Polygon", "coordinates": [ring]},
                    min_lat=lat0,
                    max_lat=lat1,
                    min_lon=lon0,
                    max_lon=lon1,
                    centroid_lat=(lat0 + lat1) / 2,
                    centroid_lon=(lon0 + lon1) / 2,
                )
            )
    invalidate_cache()
    return out


def load(n_cases: int, n_incidents: int, n_closed: int, seed: int) -> float:
    """Bulk-load the cases (with victims, incidents, reviews) and the unresolved incidents."""
    from django.db import transaction
    from django.utils import timezone

    from beacon.cases.models import Case, CaseIncident, CaseParty, SupervisoryReview
    from beacon.cases.standards import (
        DUE_FIELDS,
        DueInputs,
        compute_dues,
        current_policy,
        level_rules,
        weights,
    )
    from beacon.core.models import User
    from beacon.core.roles import Role
    from beacon.geography.models import Neighbourhood
    from beacon.incidents.models import InboxItem, Incident, IncidentPerson, ResponseGrade, TypeHeading
    from beacon.people.models import ContactRecord, Person

    rng = random.Random(seed)
    t = time.perf_counter()
    policy = current_policy()
    w = weights(policy)
    nbhds = list(Neighbourhood.objects.select_related("area").order_by("code"))
    officers = [
        User.objects.create(
            username=f"bench-pc-{a}", role=Role.OFFICER, first_name="PC", last_name=f"Bench{a}"
        )
        for a in range(AREAS * 3)
    ]
    sergeant_user = User.objects.create(username="bench-sergeant-writer", role=Role.SUPERVISOR)
    grades = list(ResponseGrade.objects.all())
    headings = list(TypeHeading.objects.filter(active=True))
    now = timezone.now()
    chunk = 10_000
    for start in range(0, n_cases, chunk):
        size = min(chunk, n_cases - start)
        persons = Person.objects.bulk_create([Person(created_at=now) for _ in range(size)], batch_size=5000)
        incs, cases, reviews = [], [], []
        for i in range(size):
            k = start + i
            nb = nbhds[k % len(nbhds)]
            opened = now - dt.timedelta(seconds=rng.random() * 365 * 86400)
            level = rng.choices(["standard", "medium", "high"], weights=[2, 5, 3])[0]
            # Most cases keep to their standards; some have slipped (as a live force's would).
            rules = level_rules(policy, level)
            contacted = rng.random() < 0.9
            first = min(now, opened + dt.timedelta(hours=rng.random() * 30)) if contacted else None
            last = None
            if first is not None:
                slack = rules["update_days"] * (1.0 if rng.random() < 0.85 else 2.0)
                last = min(now, max(first, now - dt.timedelta(days=rng.random() * slack)))
            tiers: dict[str, dt.datetime] = {}
            for tier, days in rules["reviews"].items():
                if rng.random() < 0.85:
                    tiers[tier] = max(opened, now - dt.timedelta(days=rng.random() * days * 1.1))
            dues = compute_dues(policy, DueInputs(level, opened, last, tiers))
            vulnerable, repeat = rng.random() < 0.3, rng.random() < 0.4
            # The incident that started it: closed once dealt with, unless the case is recent.
            incident_status = (
                "open" if opened > now - dt.timedelta(days=30) or rng.random() < 0.1 else "closed"
            )
            lat = nb.min_lat + rng.random() * D
            lon = nb.min_lon + rng.random() * D
            incs.append(
                Incident(
                    reference=f"{BENCH_PREFIX}I{k:07d}",
                    channel="101",
                    received_at=opened - dt.timedelta(hours=2),
                    lat=lat,
                    lon=lon,
                    neighbourhood=nb,
                    area=nb.area,
                    is_asb=True,
                    type_heading=rng.choice(headings),
                    repeat_victim=repeat,
                    vulnerable_victim=vulnerable,
                    response_grade=rng.choice(grades),
                    status=incident_status,
                    closed_at=None if incident_status == "open" else opened + dt.timedelta(days=2),
                    source_system="bench",
                    source_id=f"c{k}",
                )
            )
            cases.append(
                Case(
                    reference=f"{BENCH_PREFIX}{k:07d}",
                    title=f"{level.capitalize()} risk case",
                    risk_level=level,
                    area=nb.area,
                    neighbourhood=nb,
                    spoc=officers[(k % AREAS) * 3 + rng.randrange(3)],
                    opened_at=opened,
                    updated_at=opened,
                    first_contact_at=first,
                    last_contact_at=last,
                    repeat_victim=repeat,
                    vulnerable_victim=vulnerable,
                    base_score=int(w["risk"][level])
                    + (w["repeat"] if repeat else 0)
                    + (w["vulnerable"] if vulnerable else 0),
                    **{f: dues[f] for f in DUE_FIELDS},
                )
            )
            reviews.append(tiers)
        with transaction.atomic():
            Incident.objects.bulk_create(incs, batch_size=5000)
            Case.objects.bulk_create(cases, batch_size=5000)
            CaseParty.objects.bulk_create(
                [CaseParty(case=c, person=p, role="victim") for c, p in zip(cases, persons, strict=True)],
                batch_size=5000,
            )
            CaseIncident.objects.bulk_create(
                [
                    CaseIncident(case=c, incident=i, open_in_area=c.area_id)
                    for c, i in zip(cases, incs, strict=True)
                ],
                batch_size=5000,
            )
            SupervisoryReview.objects.bulk_create(
                [
                    SupervisoryReview(case=c, tier=tier, at=at, by=sergeant_user, decision="Reviewed.")
                    for c, tiers in zip(cases, reviews, strict=True)
                    for tier, at in tiers.items()
                ],
                batch_size=5000,
            )
        print(f"  {start + size:,} cases", file=sys.stderr, flush=True)
    # Unresolved ASB incidents that no case covers yet, half with their victim recorded.
    for start in range(0, n_incidents, chunk):
        size = min(chunk, n_incidents - start)
        victims = Person.objects.bulk_create(
            [Person(created_at=now) for _ in range(size // 2)], batch_size=5000
        )
        records = ContactRecord.objects.bulk_create(
            [ContactRecord(person=p, source="bench", contacted_at=now) for p in victims], batch_size=5000
        )
        incs = []
        for i in range(size):
            k = start + i
            nb = nbhds[rng.randrange(len(nbhds))]
            received = now - dt.timedelta(seconds=rng.random() * 20 * 86400)
            incs.append(
                Incident(
                    reference=f"{BENCH_PREFIX}U{k:07d}",
                    channel=rng.choice(["101", "999", "online"]),
                    received_at=received,
                    lat=nb.min_lat + rng.random() * D,
                    lon=nb.min_lon + rng.random() * D,
                    neighbourhood=nb,
                    area=nb.area,
                    is_asb=True,
                    type_heading=rng.choice(headings),
                    repeat_victim=rng.random() < 0.1,
                    vulnerable_victim=rng.random() < 0.15,
                    hate_related=rng.random() < 0.02,
                    response_grade=rng.choice(grades),
                    status="open",
                    source_system="bench",
                    source_id=f"u{k}",
                )
            )
        with transaction.atomic():
            Incident.objects.bulk_create(incs, batch_size=5000)
            IncidentPerson.objects.bulk_create(
                [
                    IncidentPerson(incident=inc, record=rec, role="victim")
                    for inc, rec in zip(incs, records, strict=False)
                ],
                batch_size=5000,
            )
            InboxItem.objects.bulk_create(
                [
                    InboxItem(
                        incident=inc,
                        neighbourhood=inc.neighbourhood,
                        placed_at=inc.received_at,
                        acknowledged_at=None
                        if rng.random() < 0.3
                        else inc.received_at + dt.timedelta(hours=3),
                    )
                    for inc in incs
                ],
                batch_size=5000,
            )
    # The area's history: closed incidents over three years.
    for start in range(0, n_closed, chunk):
        size = min(chunk, n_closed - start)
        incs = []
        for i in range(size):
            nb = nbhds[rng.randrange(len(nbhds))]
            received = now - dt.timedelta(seconds=rng.random() * 3 * 365 * 86400)
            incs.append(
                Incident(
                    reference=f"{BENCH_PREFIX}H{start + i:07d}",
                    channel="101",
                    received_at=received,
                    lat=nb.min_lat + rng.random() * D,
                    lon=nb.min_lon + rng.random() * D,
                    neighbourhood=nb,
                    area=nb.area,
                    is_asb=rng.random() < 0.7,
                    repeat_victim=rng.random() < 0.1,
                    vulnerable_victim=rng.random() < 0.15,
                    status="closed",
                    closed_at=received + dt.timedelta(days=2),
                    source_system="bench",
                    source_id=f"h{start + i}",
                )
            )
        Incident.objects.bulk_create(incs, batch_size=5000)
    return time.perf_counter() - t


def bench_list(requests: int, totals: dict[str, Any]) -> bool:
    from django.test import Client

    from beacon.core.models import Area, User
    from beacon.core.roles import Role
    from beacon.geography.models import Neighbourhood

    # The server's own start-up, as a gunicorn worker runs it (it freezes the start-up heap).
    importlib.import_module("beacon.wsgi")

    area = Area.objects.get(code="CB3")
    sergeant, _ = User.objects.get_or_create(username="bench-sergeant", defaults={"role": Role.SUPERVISOR})
    sergeant.areas.add(area)
    nbhds = list(Neighbourhood.objects.filter(area=area).values_list("pk", flat=True))
    c = Client()
    c.force_login(sergeant)
    rng = random.Random(3)
    variants: list[tuple[str, dict[str, Any]]] = []
    for _ in range(requests):
        q: dict[str, Any] = {"area": area.pk}
        r = rng.random()
        if r < 0.15:
            q["page"] = rng.randint(2, 4)
        elif r < 0.3:
            q["neighbourhood"] = rng.choice(nbhds)
        elif r < 0.4:
            q["rag"] = "red"
        variants.append(("/cases/supervisor/", q))
        variants.append(("/api/v1/cases", q))
    for path, q in variants[:10]:  # warm-up
        assert c.get(path, q).status_code == 200
    page_ms: list[float] = []
    api_ms: list[float] = []
    rows_seen = 0
    for path, q in variants:
        t = time.perf_counter()
        resp = c.get(path, q)
        ms = (time.perf_counter() - t) * 1000
        assert resp.status_code == 200, (path, q, resp.status_code)
        (page_ms if path.startswith("/cases") else api_ms).append(ms)
        if path.startswith("/api"):
            rows_seen = max(rows_seen, resp.json()["cases"])
    ok = True
    for name, values in (("cases_supervisor_page", page_ms), ("cases_supervisor_api", api_ms)):
        p95 = percentile(values, 95)
        ok = ok and p95 < 300
        emit(
            bench=name,
            **totals,
            area_open_cases=rows_seen,
            requests=len(values),
            p50_ms=round(percentile(values, 50), 1),
            p95_ms=round(p95, 1),
            p99_ms=round(percentile(values, 99), 1),
            max_ms=round(max(values), 1),
            target_p95_ms=300,
            met=p95 < 300,
        )
    return ok


def bench_due(totals: dict[str, Any], expected: int) -> bool:
    from django.db import connections
    from django.utils import timezone

    connections.close_all()
    out = Path(tempfile.mkdtemp(prefix="bench-cases-")) / "due.json"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    as_of = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    cmd = [sys.executable, "-m", "beacon", "cases", "due", "--as-of", as_of, "--json"]
    t = time.perf_counter()
    with out.open("wb") as fh:
        subprocess.run(cmd, env=env, stdout=fh, check=True)
    seconds = time.perf_counter() - t
    data = json.loads(out.read_text())
    n = len(data["cases"])
    assert n == data["totals"]["cases"] and n >= expected, (n, expected)
    emit(
        bench="cases_due_command",
        **totals,
        cases_reported=n,
        red=data["totals"]["red"],
        amber=data["totals"]["amber"],
        green=data["totals"]["green"],
        output_mb=round(out.stat().st_size / 1e6, 1),
        seconds=round(seconds, 2),
        target_seconds=10,
        met=seconds < 10,
    )
    return seconds < 10


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=200_000)
    ap.add_argument("--incidents", type=int, default=40_000, help="unresolved ASB incidents without a case")
    ap.add_argument("--closed-incidents", type=int, default=200_000, help="closed incidents (history)")
    ap.add_argument("--requests", type=int, default=200, help="list requests to time, each for page and API")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--reuse", action="store_true", help="keep what an earlier run loaded")
    args = ap.parse_args()
    vendor = setup_django(flush=not args.reuse)
    if vendor != "postgresql":
        print("warning: not PostgreSQL; set DATABASE_URL for the real figures", file=sys.stderr)
    from django.apps import apps

    from beacon.cases.models import Case
    from beacon.incidents.reference import load_reference_data

    totals = {
        "open_cases": args.cases,
        "unresolved_incidents": args.incidents,
        "closed_incidents": args.closed_incidents,
        "areas": AREAS,
        "database": vendor,
    }
    loaded = args.reuse and Case.objects.filter(reference__startswith=BENCH_PREFIX).count() == args.cases
    if not loaded:
        load_reference_data(apps)  # the flush emptied the reference lists the migrations loaded
        build_force()
        seconds = load(args.cases, args.incidents, args.closed_incidents, args.seed)
        emit(bench="cases_load", **totals, seconds=round(seconds, 1))
        vacuum_analyze()
    ok = bench_list(args.requests, totals)
    ok = bench_due(totals, args.cases) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
