"""`beacon demo`: migrate, load synthetic demo data, print the URL and logins, and serve."""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


@contextmanager
def _matching_library_quiet() -> Iterator[None]:
    """Training the demo's person index makes the matching library talk about its parameters:
    that is for whoever trains a force's model, not for someone starting the demo. Its errors still
    reach the console. (The library resets its logger's level each time, so a handler of ours with
    its own level is what keeps it quiet.)"""
    log = logging.getLogger("splink")
    quiet = logging.StreamHandler()
    quiet.setLevel(logging.ERROR)
    propagate = log.propagate
    log.addHandler(quiet)
    log.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        log.removeHandler(quiet)
        log.propagate = propagate


class Command(BaseCommand):
    help = "Start Beacon with synthetic demo data (migrates and loads it first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Address to serve on.")
        parser.add_argument("--no-serve", action="store_true", help="Load the data, then stop.")

    def handle(self, *args: Any, addr: str, no_serve: bool, **options: Any) -> None:
        from beacon.core.models import Force
        from beacon.demo.casework import load_demo_casework
        from beacon.demo.data import DEMO_PASSWORD, FORCE, USERS, load
        from beacon.demo.history import load_demo_history
        from beacon.demo.intake import load_demo_intake
        from beacon.demo.performance import load_demo_performance

        call_command("migrate", interactive=False, verbosity=0)
        with _matching_library_quiet():
            loaded = load()
            self.stdout.write("Demo data loaded." if loaded else "Demo data already present.")
            intake = load_demo_intake(Force.objects.get(code=FORCE[1]))
            if intake["incidents"]:
                self.stdout.write(
                    f"Demo incidents loaded ({intake['incidents']}); person index trained "
                    f"(model v{intake['model']}). Try a call from Margaret Whitfield, 07700 900123."
                )
            history = load_demo_history()
            if history["incidents"]:
                self.stdout.write(
                    f"Eighteen months of incident history loaded ({history['incidents']}), with "
                    f"{history['repeat_victims']} repeat victims and the town's hot spots."
                )
            casework = load_demo_casework()
            if casework["cases"]:
                self.stdout.write(
                    f"Demo cases loaded ({casework['cases']}): a High case, a Medium case that is Red on the "
                    "sergeant's list, a closed case to reopen, a case whose reviews were sometimes late "
                    "and an action group meeting."
                )
            figures = load_demo_performance()
            self.stdout.write(
                f"KPI values computed ({figures['kpis']} KPIs, {figures['values']:,} values); "
                "try the KPI dashboard and the hot-spot map."
            )
        url = f"http://{addr}/"
        self.stdout.write(f"\nBeacon is at {url}  (database: {settings.DATABASES['default']['NAME']})\n")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, *_ in USERS:
            self.stdout.write(f"  {role.label:34} {username}")
        self.stdout.write("")
        if not no_serve:
            # The README says how a force deploys Beacon; the demo needs no dev-server lecture.
            os.environ.setdefault("DJANGO_RUNSERVER_HIDE_WARNING", "true")
            call_command("runserver", addr, use_reloader=False, skip_checks=True)
