"""Quality benchmark (issue 13, dip-sample audits), on PostgreSQL (DATABASE_URL):

- drawing a month's audit sample for every area (10 areas, 100 records each, stored as rounds with
  their items) over 2,000,000 incidents (target: under 2 s), and the same draw printed only;
- the same seed gives the same sample (checked while timing);
- drawing a month's call-back survey list (issue 13, surveys: the victims of ASB reported 6 to 12
  weeks earlier who agreed to be called, less those in an open High-risk case or called lately) for
  every area over the same incidents (target: under 2 s), printed and stored. Every incident reported
  in the window gets a victim (seven in ten agreed to a call-back), made inside PostgreSQL.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/beacon_bench_quality python bench/bench_quality.py
       [--incidents 2000000] [--reuse]
Prints one JSON line per figure. The database is flushed first: use a throwaway one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from _setup import analyze, emit, setup_django

MONTH = "2025-03"
SIZE = 100
CALLS = 50  # victims on each area's call list


def add_victims(start: dt.datetime, end: dt.datetime) -> int:
    """A person, a contact record and a victim link for every incident received in [start, end),
    seven in ten of them agreeing to a call-back; made in SQL. Returns how many."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM people_person")
        person0 = cur.fetchone()[0]
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM people_contactrecord")
        record0 = cur.fetchone()[0]
        cur.execute(
            """
            CREATE TEMP TABLE bench_victims AS
            SELECT id AS incident_id, received_at, row_number() OVER (ORDER BY id) AS rn
            FROM incidents_incident
            WHERE received_at >= %s AND received_at < %s AND area_id IS NOT NULL
            """,
            [start, end],
        )
        cur.execute(
            "INSERT INTO people_person (id, created_at, version) SELECT %s + rn, received_at, 1 "
            "FROM bench_victims",
            [person0],
        )
        cur.execute(
            """
            INSERT INTO people_contactrecord (
                id, person_id, source, source_ref, contacted_at, created_at, given_forename,
                given_surname, given_dob, given_phone, given_email, given_address, given_postcode,
                erased_reason
            )
            SELECT %s + rn, %s + rn, 'incident', '', received_at, received_at, 'Victim', 'Bench' || rn,
                   '', '07700 900' || lpad((rn %% 1000)::text, 3, '0'), '', '', '', ''
            FROM bench_victims
            """,
            [record0, person0],
        )
        cur.execute(
            """
            INSERT INTO incidents_incidentperson (incident_id, role, record_id, survey_consent)
            SELECT incident_id, 'victim', %s + rn, rn %% 10 < 7 FROM bench_victims
            """,
            [record0],
        )
        cur.execute("SELECT COUNT(*) FROM bench_victims")
        added = int(cur.fetchone()[0])
        if added:
            cur.execute("SELECT setval(pg_get_serial_sequence('people_person', 'id'), %s)", [person0 + added])
            cur.execute(
                "SELECT setval(pg_get_serial_sequence('people_contactrecord', 'id'), %s)", [record0 + added]
            )
        cur.execute("DROP TABLE bench_victims")
    return int(added)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=2_000_000)
    parser.add_argument("--reuse", action="store_true", help="Keep what an earlier run loaded.")
    args = parser.parse_args()
    vendor = setup_django(flush=not args.reuse)
    from django.apps import apps

    from beacon.core.models import Area
    from beacon.incidents.models import Incident
    from beacon.quality import services
    from beacon.quality.examples import install
    from beacon.quality.models import AuditRound
    from beacon.quality.questionnaires import install as install_questionnaire
    from beacon.quality.survey_calls import draw_call_list, window
    from beacon.quality.survey_models import CallList, Questionnaire, SurveyRules
    from bench_performance import build_places, load_incidents

    install(apps, None)  # the example template (a flush removes what the data migration made)
    install_questionnaire(apps, None)  # and the example questionnaire
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

    rules = SurveyRules.objects.filter(questionnaire__code="asb-callback").order_by("-version").first()
    assert rules is not None
    month = dt.date.fromisoformat(MONTH + "-01")
    start, end = window(rules, month)
    from beacon.incidents.models import IncidentPerson

    if not IncidentPerson.objects.exists():
        t0 = time.perf_counter()
        victims = add_victims(start, end)
        analyze()
        emit(
            bench="quality_victims_load",
            database=vendor,
            victims=victims,
            seconds=round(time.perf_counter() - t0, 1),
        )
    CallList.objects.all().delete()
    areas = list(Area.objects.order_by("code"))
    questionnaire = Questionnaire.objects.get(code="asb-callback")
    draw_call_list(None, questionnaire, areas[0], MONTH, CALLS, 1, save=False)  # warm the cache
    for label, save in (("printed", False), ("stored", True)):
        t0 = time.perf_counter()
        lists = [draw_call_list(None, questionnaire, a, MONTH, CALLS, 2025, save=save) for a in areas]
        seconds = time.perf_counter() - t0
        emit(
            bench=f"quality_call_lists_month_{label}",
            database=vendor,
            incidents=args.incidents,
            areas=len(lists),
            eligible=sum(d.population for d in lists),
            drawn=sum(len(d.rows) for d in lists),
            seconds=round(seconds, 3),
            target_seconds=2,
            met=seconds < 2,
        )


if __name__ == "__main__":
    main()
