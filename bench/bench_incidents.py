"""Incident intake at scale: 1,000,000 incidents and 500,000 people in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/beacon_incidents_bench \\
        .venv/bin/python bench/bench_incidents.py [--people 500000] [--incidents 1000000]

(The database is flushed first: give it a throwaway one. `--reuse` keeps what an earlier run of
this benchmark loaded, to time the lookups and the API again without reloading.)

Loads synthetic contact records into the person index (one person each, as an import leaves them
before the overnight batch) and trains a matching model on them; builds a synthetic force of 40
rectangular neighbourhoods in 4 areas; bulk-loads incidents spread over it and over three years,
a third with their callers or victims linked to those contact records. Then measures:

- the live check behind the call-taking form (`selectors.live_check`: person lookup with matching,
  each person's contacts in the window, incidents at the address or nearby, access log) for noisy
  names, sometimes with a phone or a postcode, and a map point: target p99 under 100 ms;
- taking a report through the HTTP API with matching (POST /api/v1/incidents with a bearer token,
  one caller drawn from the synthetic people, a map point) against the production WSGI server a
  force deploys (gunicorn, `--workers` processes of `--server-threads` threads; `--server
  runserver` for Django's development server instead) with concurrent keep-alive client threads
  for a fixed time: target at least 100 reports a second with p99 under 250 ms. The clients run on
  the same cores as the server and the database, as the target says.

One JSON line per figure, each with "cores".
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import itertools
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from _setup import REPO, analyze, emit, percentile, setup_django

# The synthetic force: a grid of 8 x 5 neighbourhoods, each 0.05 degrees of latitude by 0.1 of
# longitude (about 5.5 km x 6.6 km in the north of England): some 1,450 square kilometres.
LAT0, LON0, ROWS, COLS, DLAT, DLON = 53.60, -1.90, 5, 8, 0.05, 0.10
OUTSIDE_SHARE = 0.03  # incidents just beyond the force boundary (not placed)
PEOPLE_SHARE = 0.33  # incidents with a caller or victim recorded
ASB_SHARE = 0.7
YEARS = 3
BENCH_SYSTEM = "bench"
WARM_UP = 5  # seconds of API traffic before the measured window
MAX_RATE = 250  # reports a second the API clients are given material for
POOL = 4  # keep-alive connections each API client uses in turn


def _rectangle(lat0: float, lon0: float, lat1: float, lon1: float) -> dict[str, Any]:
    ring = [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]
    return {"type": "Polygon", "coordinates": [ring]}


def build_force() -> None:
    from beacon.core.models import Area, Force
    from beacon.geography.models import Neighbourhood
    from beacon.geography.selectors import invalidate_cache

    force = Force.objects.create(name="Benchshire Police", code="BX")
    areas = [Area.objects.create(force=force, name=f"District {i + 1}", code=f"BX{i + 1}") for i in range(4)]
    for r in range(ROWS):
        for c in range(COLS):
            lat0, lon0 = LAT0 + r * DLAT, LON0 + c * DLON
            lat1, lon1 = lat0 + DLAT, lon0 + DLON
            Neighbourhood.objects.create(
                area=areas[c // 2],
                code=f"BX-{r}{c}",
                name=f"Ward {r}{c}",
                grade="priority" if (r + c) % 3 == 0 else "capable",
                team_name=f"Ward {r}{c} neighbourhood team",
                geometry=_rectangle(lat0, lon0, lat1, lon1),
                min_lat=lat0,
                max_lat=lat1,
                min_lon=lon0,
                max_lon=lon1,
                centroid_lat=(lat0 + lat1) / 2,
                centroid_lon=(lon0 + lon1) / 2,
            )
    invalidate_cache()


def random_point(rng: random.Random) -> tuple[float, float]:
    return LAT0 + rng.random() * ROWS * DLAT, LON0 + rng.random() * COLS * DLON


def load_incidents(n: int, seed: int, people: int) -> float:
    """Bulk-load `n` incidents (and their people links) as a long-running force would hold them."""
    from django.db import transaction
    from django.utils import timezone

    from beacon.geography.selectors import neighbourhood_at
    from beacon.incidents.models import (
        AsbCategory,
        IncidentCategory,
        IncidentPerson,
        ResponseGrade,
        ScreeningSet,
        TypeHeading,
    )
    from beacon.incidents.models import Incident as Inc
    from beacon.people.models import ContactRecord
    from beacon.people.normalise import address_key

    rng = random.Random(seed)
    t = time.perf_counter()
    asb_cats = list(AsbCategory.objects.filter(active=True))
    headings = list(TypeHeading.objects.filter(active=True))
    others = list(IncidentCategory.objects.filter(active=True))
    grades = list(ResponseGrade.objects.all())
    screening = ScreeningSet.objects.order_by("-version").first()
    record_ids = list(ContactRecord.objects.values_list("id", flat=True))
    addresses = dict(ContactRecord.objects.values_list("id", "given_address")[: min(people, 200_000)])
    now = timezone.now()
    span = YEARS * 365 * 86400
    chunk = 20_000
    for start in range(0, n, chunk):
        incs: list[Inc] = []
        links: list[tuple[int, int, str]] = []  # (index in chunk, record id, role)
        for i in range(start, min(n, start + chunk)):
            if rng.random() < OUTSIDE_SHARE:
                lat, lon = LAT0 - 0.02 - rng.random() * 0.1, LON0 + rng.random() * COLS * DLON
            else:
                lat, lon = random_point(rng)
            nb = neighbourhood_at(lat, lon)
            asb = rng.random() < ASB_SHARE
            received = now - dt.timedelta(seconds=rng.random() * span)
            address = ""
            if rng.random() < PEOPLE_SHARE and record_ids:
                rec = rng.choice(record_ids)
                links.append((i - start, rec, rng.choice(["caller", "victim"])))
                if rng.random() < 0.3:
                    links.append((i - start, rng.choice(record_ids), "subject"))
                address = addresses.get(rec, "")
            incs.append(
                Inc(
                    reference=f"BENCH-{i:08d}",
                    channel=rng.choice(["101", "101", "999", "online", "patrol"]),
                    received_at=received,
                    occurred_at=received - dt.timedelta(minutes=rng.randint(0, 600)),
                    address=address,
                    address_key=address_key(address) if address else "",
                    lat=lat,
                    lon=lon,
                    neighbourhood=nb,
                    area=nb.area if nb else None,
                    location_problem="" if nb else "The location is outside the force's neighbourhoods",
                    is_asb=asb,
                    asb_category=rng.choice(asb_cats) if asb else None,
                    type_heading=rng.choice(headings) if asb else None,
                    other_category=None if asb else rng.choice(others),
                    description="Synthetic incident for the benchmark.",
                    screening_set=screening,
                    repeat_victim=rng.random() < 0.05,
                    vulnerable_victim=rng.random() < 0.1,
                    response_grade=rng.choice(grades),
                    status="closed" if received < now - dt.timedelta(days=30) else "open",
                    source_system=BENCH_SYSTEM,
                    source_id=str(i),
                    created_at=received,
                    updated_at=received,
                )
            )
        with transaction.atomic():
            Inc.objects.bulk_create(incs, batch_size=5000)
            IncidentPerson.objects.bulk_create(
                [IncidentPerson(incident_id=incs[j].pk, record_id=rec, role=role) for j, rec, role in links],
                batch_size=10_000,
            )
        print(f"  {min(n, start + chunk):,} incidents", file=sys.stderr, flush=True)
    return time.perf_counter() - t


def noisy(r: dict[str, str], rng: random.Random) -> dict[str, str]:
    """A caller's details as a call handler types them: a misspelt surname, sometimes a phone or postcode."""
    surname = r["surname"]
    q = {"forename": r["forename"], "surname": surname[:-1] + "e" if len(surname) > 3 else surname}
    if rng.random() < 0.4 and r["phone"]:
        q["phone"] = r["phone"]
    if rng.random() < 0.3 and r["postcode"].strip():
        q["postcode"] = r["postcode"]
    if rng.random() < 0.2 and r["dob"]:
        q["dob"] = r["dob"]
    return usable(q)


def usable(q: dict[str, str]) -> dict[str, str]:
    """Without the details the form would refuse (the synthetic data has historic noise, e.g. a
    postcode district alone): the call handler asks again or leaves them out."""
    from beacon.core.errors import ValidationFailed
    from beacon.people.features import features

    try:
        features(q, strict=True)
    except ValidationFailed as exc:
        return {k: v for k, v in q.items() if k not in {p.field for p in exc.problems}}
    return q


def bench_live_check(rows: list[dict[str, str]], queries: int, seed: int, totals: dict[str, Any]) -> bool:
    from beacon.incidents.models import Incident as Inc
    from beacon.incidents.selectors import live_check, split_name

    rng = random.Random(seed + 1)
    points = list(Inc.objects.order_by("?").values_list("lat", "lon")[:queries]) if queries else []
    latencies: list[float] = []
    found = nearby = 0
    sample = rng.sample(rows, queries + 20)
    for k, r in enumerate(sample):
        q = noisy(r, rng)
        # The form takes the name in one box.
        q["forename"], q["surname"] = split_name(f"{q['forename']} {q['surname']}")
        lat, lon = points[k % len(points)] if points and rng.random() < 0.5 else random_point(rng)
        t = time.perf_counter()
        out = live_check(None, q, lat=lat, lon=lon)
        ms = (time.perf_counter() - t) * 1000
        if k >= 20:  # the first few warm the caches (model, neighbourhood index)
            latencies.append(ms)
            found += bool(out.people)
            nearby += bool(out.nearby)
    p99 = percentile(latencies, 99)
    emit(
        bench="incidents_live_check",
        **totals,
        queries=len(latencies),
        p50_ms=round(percentile(latencies, 50), 2),
        p95_ms=round(percentile(latencies, 95), 2),
        p99_ms=round(p99, 2),
        max_ms=round(max(latencies), 2),
        target_p99_ms=100,
        met=p99 < 100,
        answered_with_people=found,
        answered_with_nearby=nearby,
    )
    return p99 < 100


# ---------------------------------------------------------------------------------------------
# The API through a real HTTP server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_command(kind: str, port: int, workers: int, threads: int) -> list[str]:
    if kind == "runserver":
        return [sys.executable, "-m", "beacon", "runserver", "--noreload", f"127.0.0.1:{port}"]
    return [
        str(Path(sys.executable).with_name("gunicorn")),
        "beacon.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=gthread",
        f"--threads={threads}",
        "--keep-alive=30",
        "--log-level=warning",
    ]


def start_server(cmd: list[str], port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DEBUG": "0",
        "LOG_LEVEL": "ERROR",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONPATH": str(REPO / "src"),
    }
    log = Path(tempfile.gettempdir()) / f"bench-incidents-server-{port}.log"
    print(f"server log: {log}", file=sys.stderr)
    with log.open("wb") as fh:
        proc = subprocess.Popen(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/incidents/inbox")
            conn.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("the server did not start")


def bench_api(
    rows: list[dict[str, str]],
    ports: list[int],
    seconds: float,
    threads: int,
    seed: int,
    totals: dict[str, Any],
    server: str,
) -> bool:
    from beacon.core.models import User
    from beacon.core.roles import Role
    from beacon.core.services import create_api_token

    user, _ = User.objects.get_or_create(
        username="bench-call-handler", defaults={"role": Role.CALL_HANDLER, "all_areas": True}
    )
    _, key = create_api_token(user, name="bench")
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def body(rng: random.Random) -> bytes:
        r = rng.choice(rows)
        lat, lon = random_point(rng)
        person = {"role": rng.choice(["caller", "victim"]), **noisy(r, rng)}
        return json.dumps(
            {
                "channel": "101",
                "asb_category": "nuisance",
                "type_heading": rng.choice(["noise", "rowdy-inconsiderate", "rowdy-neighbours"]),
                "description": "Loud music and shouting from the flat above, most nights.",
                "location": {"lat": lat, "lon": lon},
                "answers": {"happened_before": rng.choice(["yes", "no"]), "danger_now": "no"},
                "people": [person],
            }
        ).encode()

    # Each client's reports are made up before the clock starts (enough for MAX_RATE a second, then
    # they repeat), so that the clients, which share the cores with the server, only send.
    per_client = int((seconds + WARM_UP) * MAX_RATE / threads) + 1
    payloads = [
        [body(rng) for _ in range(per_client)]
        for rng in (random.Random(seed * 1000 + n) for n in range(threads))
    ]
    start_at = time.monotonic() + WARM_UP  # the first seconds are not counted
    stop_at = start_at + seconds

    def client(n: int) -> None:
        port = ports[n % len(ports)]  # clients spread over the server processes
        # A few keep-alive connections used in turn, as a reverse proxy keeps a pool to the server:
        # each is accepted by whichever worker process gets to it first, so a client's requests
        # spread over the workers instead of all following its one connection to one worker.
        pool = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(POOL)]
        for i in itertools.count():
            now = time.monotonic()
            if now >= stop_at:
                break
            payload = payloads[n][i % per_client]
            conn = pool[i % POOL]
            t = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/incidents", body=payload, headers=headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()  # reopened by its next request
            except (OSError, http.client.HTTPException):
                conn.close()
                pool[i % POOL] = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            ms = (time.perf_counter() - t) * 1000
            if now >= start_at:
                with lock:
                    latencies.append(ms)
                    statuses[status] = statuses.get(status, 0) + 1

    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    ok = statuses.get(201, 0)
    rate = ok / seconds
    p99 = percentile(latencies, 99) if latencies else float("inf")
    met = rate >= 100 and p99 < 250
    emit(
        bench="incidents_api_create",
        **totals,
        server=server,
        client_threads=threads,
        seconds=seconds,
        requests=len(latencies),
        created=ok,
        statuses={str(k): v for k, v in sorted(statuses.items())},
        per_second=round(rate, 1),
        p50_ms=round(percentile(latencies, 50), 2) if latencies else None,
        p95_ms=round(percentile(latencies, 95), 2) if latencies else None,
        p99_ms=round(p99, 2),
        target_per_second=100,
        target_p99_ms=250,
        met=met,
        # Other work on the machine takes cores from the server, the database and the clients.
        load_average_1m=round(os.getloadavg()[0], 2),
    )
    return met


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=500_000, help="contact records in the person index")
    ap.add_argument("--incidents", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=1000, help="live checks to time")
    ap.add_argument("--seconds", type=float, default=60, help="how long to drive the API")
    ap.add_argument("--threads", type=int, default=4, help="concurrent API clients")
    ap.add_argument("--server", choices=["gunicorn", "runserver"], default="gunicorn")
    ap.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="server processes: gunicorn workers, or runserver processes (clients spread over them)",
    )
    ap.add_argument("--server-threads", type=int, default=4, help="threads per gunicorn worker")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--reuse", action="store_true", help="keep what an earlier run loaded")
    ap.add_argument("--skip-api", action="store_true")
    args = ap.parse_args()
    vendor = setup_django(flush=not args.reuse)
    if vendor != "postgresql":
        print("warning: not PostgreSQL; set DATABASE_URL for the real figures", file=sys.stderr)
    from django.apps import apps

    from beacon.incidents.models import Incident as Inc
    from beacon.incidents.reference import load_reference_data
    from beacon.people import batch
    from beacon.people.loading import load_records
    from beacon.people.models import ContactRecord
    from beacon.people.selectors import active_model
    from beacon.people.services import ensure_flag_kinds
    from beacon.people.synth import generate

    rows = generate(int(args.people / 2.2) + 1, seed=args.seed)[: args.people]
    if len(rows) < args.people:
        raise SystemExit(f"the generator gave {len(rows)} records, fewer than {args.people}")
    totals = {"people": len(rows), "incidents": args.incidents, "database": vendor}
    loaded = (
        args.reuse
        and ContactRecord.objects.count() >= len(rows)
        and Inc.objects.filter(source_system=BENCH_SYSTEM).count() == args.incidents
        and active_model() is not None
    )
    if not loaded:
        load_reference_data(apps)  # the flush emptied the reference lists the migration loaded
        ensure_flag_kinds()
        t = time.perf_counter()
        for i in range(0, len(rows), 100_000):
            load_records(None, rows[i : i + 100_000], source="bench", strict=False)
        emit(bench="incidents_load_people", **totals, seconds=round(time.perf_counter() - t, 1))
        analyze()
        t = time.perf_counter()
        df, _ = batch.export_frame()
        batch.train_model(None, df)
        emit(bench="incidents_train_model", **totals, seconds=round(time.perf_counter() - t, 1))
        build_force()
        load_s = load_incidents(args.incidents, args.seed, len(rows))
        emit(bench="incidents_load_incidents", **totals, seconds=round(load_s, 1))
        analyze()
    ok = bench_live_check(rows, args.queries, args.seed, totals) if args.queries > 0 else True
    if not args.skip_api:
        from django.db import connections

        connections.close_all()
        if args.server == "gunicorn":  # one server; its workers share the port
            ports = [_free_port()]
            cmds = [server_command("gunicorn", ports[0], args.workers, args.server_threads)]
            label = f"gunicorn gthread, {args.workers} workers x {args.server_threads} threads"
        else:
            ports = [_free_port() for _ in range(args.workers)]
            cmds = [server_command("runserver", port, 1, 1) for port in ports]
            label = f"{len(ports)} x runserver --noreload (threaded)"
        servers = [start_server(cmd, port) for cmd, port in zip(cmds, ports, strict=True)]
        try:
            ok = bench_api(rows, ports, args.seconds, args.threads, args.seed, totals, label) and ok
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=30)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
