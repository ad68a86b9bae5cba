"""ASB case review thresholds at scale: the supervisor's list of who and where meets the threshold,
and the person summary the call-taking lookup shows, over 1,000,000 incidents.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/beacon_partnership_bench \\
        .venv/bin/python bench/bench_partnership.py [--incidents 1000000] [--people 300000] [--reuse]

(The database is flushed first: give it a throwaway one. `--reuse` keeps what an earlier run loaded.)

A synthetic force of 4 areas; incidents spread over three years and over the force, 40% of them
with a caller. A fifth of the reports come from repeat callers (2% of the people, some 13 reports
each over the three years); a third of the incidents are at hot spots (2% of the places, some 80
incidents each). Then measures:

- `partnership.selectors.triggers_for_supervisor` for a sergeant of one area (victims meeting the
  3-in-6-months test, places meeting the 5-different-people test, their open reviews, the access
  log): counting the area afresh (what `beacon partnership thresholds` does for each area), and
  reading the kept count as the supervisor's list does between counts (p50 and p95 of `--runs`);
- `partnership.selectors.person_summary` for 10 people at a time (what the call-taking lookup adds):
  p50 and p95.

One JSON line per figure, each with "cores".
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time

from _setup import analyze, emit, percentile, setup_django

LAT0, LON0, DLAT, DLON = 53.60, -1.90, 0.25, 0.80
YEARS = 3


def load(n_incidents: int, n_people: int, seed: int) -> None:
    from django.utils import timezone

    from beacon.core.models import Area, Force
    from beacon.incidents.models import Incident, IncidentPerson
    from beacon.people.models import ContactRecord, Person

    rng = random.Random(seed)
    force = Force.objects.create(name="Benchshire Police", code="BP")
    areas = [Area.objects.create(force=force, name=f"District {i + 1}", code=f"BD{i + 1}") for i in range(4)]
    t0 = time.perf_counter()
    Person.objects.bulk_create([Person() for _ in range(n_people)], batch_size=10_000)
    person_ids = list(Person.objects.order_by("id").values_list("id", flat=True))
    n_places = max(1000, n_incidents // 5)
    places = []
    for i in range(n_places):
        a = i % 4
        lat = LAT0 + (a // 2) * DLAT / 2 + rng.random() * DLAT / 2
        lon = LON0 + (a % 2) * DLON / 2 + rng.random() * DLON / 2
        places.append((a, f"{i}|bench street", lat, lon))
    now = timezone.now()
    span = YEARS * 365 * 86400
    batch: list[Incident] = []
    reporters: list[tuple[int, int]] = []  # (incident index, person id)
    for i in range(n_incidents):
        # a third of incidents are at hot spots (2% of places), the rest anywhere
        hot = rng.random() < 0.33
        a, key, lat, lon = places[rng.randrange(n_places // 50) * 50 if hot else rng.randrange(n_places)]
        batch.append(
            Incident(
                reference=f"BENCH-{i:08d}",
                channel="101",
                received_at=now - dt.timedelta(seconds=rng.randrange(span)),
                area=areas[a],
                address=f"{key.split('|')[0]} Bench Street",
                address_key=key,
                lat=lat + rng.uniform(-0.0002, 0.0002),
                lon=lon + rng.uniform(-0.0003, 0.0003),
                is_asb=rng.random() < 0.8,
                description="",
            )
        )
        if rng.random() < 0.4:
            # a fifth of reports come from repeat callers (2% of people), the rest from anyone
            who = rng.randrange(n_people // 50) * 50 if rng.random() < 0.2 else rng.randrange(n_people)
            reporters.append((i, person_ids[who % n_people]))
    Incident.objects.bulk_create(batch, batch_size=10_000)
    inc_ids = list(Incident.objects.order_by("id").values_list("id", flat=True))
    records = [
        ContactRecord(person_id=p, source="bench", given_forename="Bench", given_surname=f"Caller{p}")
        for _, p in reporters
    ]
    ContactRecord.objects.bulk_create(records, batch_size=10_000)
    rec_ids = list(ContactRecord.objects.order_by("id").values_list("id", flat=True))
    IncidentPerson.objects.bulk_create(
        [
            IncidentPerson(incident_id=inc_ids[i], record_id=rec_ids[k], role="caller")
            for k, (i, _p) in enumerate(reporters)
        ],
        batch_size=10_000,
    )
    analyze()
    emit(
        figure="load",
        incidents=n_incidents,
        with_caller=len(reporters),
        people=n_people,
        seconds=round(time.perf_counter() - t0, 1),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    vendor = setup_django(flush=not args.reuse)

    from beacon.core.models import Area, User
    from beacon.core.roles import Role
    from beacon.incidents.models import IncidentPerson
    from beacon.partnership import selectors

    if not args.reuse or not IncidentPerson.objects.exists():
        load(args.incidents, args.people, args.seed)
    area = Area.objects.order_by("id").first()
    assert area is not None
    sergeant, _ = User.objects.get_or_create(username="bench-sergeant", defaults={"role": Role.SUPERVISOR})
    sergeant.areas.add(area)
    times = []
    hits: list[object] = []
    for _ in range(max(3, args.runs // 4)):
        t = time.perf_counter()
        hits = selectors.triggers_for_supervisor(sergeant, refresh=True)
        times.append((time.perf_counter() - t) * 1000)
    emit(
        figure="triggers_for_supervisor_counting_the_area",
        db=vendor,
        victims=sum(1 for h in hits if getattr(h, "kind", "") == "victim"),
        places=sum(1 for h in hits if getattr(h, "kind", "") == "location"),
        p50_ms=round(percentile(times, 50), 1),
        max_ms=round(max(times), 1),
    )
    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        hits = selectors.triggers_for_supervisor(sergeant)
        times.append((time.perf_counter() - t) * 1000)
    emit(
        figure="triggers_for_supervisor_from_the_kept_count",
        db=vendor,
        hits=len(hits),
        p50_ms=round(percentile(times, 50), 1),
        p95_ms=round(percentile(times, 95), 1),
    )
    callers = list(
        IncidentPerson.objects.values_list("record__person_id", flat=True).distinct()[: 10 * args.runs]
    )
    times = []
    for i in range(args.runs):
        ids = callers[i * 10 : (i + 1) * 10]
        t = time.perf_counter()
        selectors.person_summary(ids)
        times.append((time.perf_counter() - t) * 1000)
    emit(
        figure="person_summary_10_people",
        db=vendor,
        p50_ms=round(percentile(times, 50), 1),
        p95_ms=round(percentile(times, 95), 1),
    )


if __name__ == "__main__":
    main()
