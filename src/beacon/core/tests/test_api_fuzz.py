"""Schemathesis over every /api/v1 operation against a live Beacon server (issue 10 §3).

The server is pytest-django's live server (127.0.0.1 only) holding the synthetic demo data, so
that ids exist; schemathesis runs as its command-line tool (`st run`) with a bounded number of
examples per operation and a fixed seed, once with an administrator's bearer token and once with
a supervisor's (who may write what an administrator may not: incidents, cases, risk reviews). It
fails on any server error, any response that breaks its documented schema, any status code the
OpenAPI does not list, a valid request refused or an invalid one accepted.

All of schemathesis's checks are on except:
- `object_level_authorization`, which needs two users' credentials for one resource in one run
  (areas and roles are proven by each app's access tests);
- `positive_data_acceptance` for the operations listed in `BUSINESS_RULES`: their schema says
  what is well formed, but whether a well-formed request may be done depends on the records stored
  (a case that is already closed, a date before today, an address the gazetteer does not know),
  and the answer is then a 422 naming the field, as it should be.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from beacon.core.models import Force, User
from beacon.core.services import create_api_token

pytestmark = pytest.mark.django_db(transaction=True)

# The data migrations that load what every force starts with (reference lists, the example risk
# instrument, the default standards and retention rules): an earlier transactional test (a browser
# test) flushes their rows, so the demo is seeded on top of them again. Each is idempotent.
REFERENCE_MIGRATIONS = [
    ("incidents", "0002_reference_data"),
    ("risk", "0003_example_instrument"),
    ("cases", "0003_default_policy"),
    ("partnership", "0002_reference_data"),
    ("retention", "0002_example_rules"),
    ("performance", "0002_starter_kpis"),
]

EXAMPLES = int(os.environ.get("BEACON_FUZZ_EXAMPLES", "8"))
SEED = 20261206

# Operations whose well-formed requests can still be refused by a rule about stored records or a
# rule across fields, each answered with 422 naming the field (the rule in brackets).
BUSINESS_RULES: list[str] = [
    "GET /api/v1/cases/due",  # the report looks forward: as_of is today or later
    "GET /api/v1/partnership/trigger-status/location",  # an address, or both lat and lon
    "POST /api/v1/allocations/{allocation_id}/transfer",  # to a portfolio that exists, after start
    "POST /api/v1/incidents",  # a feed's token must send its source system and number; a known type
    "DELETE /api/v1/cases/{case_id}/parties/{party_id}",  # a case keeps at least one victim
    "PATCH /api/v1/cases/actions/{action_id}",  # the owner is an active user
    "POST /api/v1/people/records/{record_id}/erase",  # a record not already erased
    "GET /api/v1/people/lookup",  # at least one detail; a date of birth, phone, email, postcode as such
    "POST /api/v1/plans/import",  # a file that is a plan
    "POST /api/v1/risk/score",  # both lat and lon or neither; answers the instrument asks
    "POST /api/v1/risk/assessments",  # a person linked to the incident; answers the instrument asks
    "GET /api/v1/retention/due",  # a record type a domain registered
    "POST /api/v1/retention/decisions",  # records that are due for review, in the user's areas
    "POST /api/v1/performance/kpis",  # a registered measure, its filters, a unit of its kind; text given
    "POST /api/v1/performance/kpis/{code}/targets",  # a known place; Green no worse than Red
    "POST /api/v1/performance/findings/{finding_id}/evidence",  # a known KPI and place, not linked yet
    "GET /api/v1/performance/kpis/{code}/values",  # a known place; the last month not before the first
    "GET /api/v1/performance/kpis/{code}/records",  # a known place
    "GET /api/v1/performance/hotspots",  # a known place; the end not before the start, at most 3 years
]


def _reload_reference_data() -> None:
    from django.apps import apps
    from django.db.migrations import RunPython
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    for key in REFERENCE_MIGRATIONS:
        for op in loader.disk_migrations[key].operations:
            if isinstance(op, RunPython):
                op.code(apps, None)


def _seed_demo() -> None:
    from beacon.demo.casework import load_demo_casework
    from beacon.demo.data import FORCE, load
    from beacon.demo.intake import load_demo_intake

    _reload_reference_data()
    load()
    load_demo_intake(Force.objects.get(code=FORCE[1]))
    load_demo_casework()


def _config(path: Path) -> Path:
    """Every check on (schemathesis's default) but one; per operation, the business-rule ones off.
    (A `--checks` option would override the per-operation settings, so the file says it all.)"""
    lines = ["checks.object_level_authorization.enabled = false", ""]
    for op in BUSINESS_RULES:
        method, route = op.split(" ", 1)
        lines += [
            "[[operations]]",
            f'include-method = "{method}"',
            f'include-path = "{route}"',
            "checks.positive_data_acceptance.enabled = false",
            "",
        ]
    path.write_text("\n".join(lines))
    return path


def _run_schemathesis(schema_file: Path, base_url: str, token: str, tmp_path: Path, name: str) -> Any:
    st = Path(sys.executable).with_name("st")
    report = tmp_path / f"{name}.json"
    args = [
        str(st),
        "--config-file",
        str(_config(tmp_path / "schemathesis.toml")),
        "run",
        str(schema_file),
        "--url",
        base_url,
        "-H",
        f"Authorization: Bearer {token}",
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        str(SEED),
        "--workers",
        "2",
        # Dates carry a pattern for the years the server accepts (1900-2199), which filters out
        # most generated dates: a generation limit, not a fault of the server.
        "--suppress-health-check",
        "filter_too_much",
        "--generation-database",
        "none",
        "--no-color",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    # A bound on a hung run, not a speed target: on this 2-core machine the admin's run over every
    # operation passed 10 minutes once the API grew to 112 operations.
    done = subprocess.run(args, capture_output=True, text=True, timeout=1500, check=False)
    return done, (json.loads(report.read_text()) if report.exists() else None)


def test_schemathesis_finds_no_fault_in_any_operation(
    live_server: Any, tmp_path: Path, settings: Any
) -> None:
    # schemathesis's `ignored_auth` check sends wrong tokens on purpose: don't throttle them.
    settings.BEACON_TOKEN_FAILURES = 0
    _seed_demo()
    admin = User.objects.get(username="admin")
    browser = Client()
    browser.force_login(admin)
    served = browser.get("/api/v1/openapi.json")  # the docs need a signed-in user, not a token
    assert served.status_code == 200
    schema = served.json()
    operations = [(m, p) for p, item in schema["paths"].items() for m in item]
    assert len(operations) >= 90
    schema_file = tmp_path / "openapi.json"
    schema_file.write_text(json.dumps(schema))

    summaries = []
    for username in ("admin", "sergeant"):
        _, token = create_api_token(User.objects.get(username=username), name="schemathesis")
        done, report = _run_schemathesis(schema_file, live_server.url, token, tmp_path, username)
        assert report is not None, done.stdout[-5000:] + done.stderr[-5000:]
        assert report["operations"]["tested"] == len(operations), report["operations"]
        if report["failures"] or report["errors"] or done.returncode != 0:
            summaries.append(f"--- as {username} ---\n{done.stdout[-20000:]}\n{done.stderr[-3000:]}")
    assert not summaries, "\n".join(summaries)
