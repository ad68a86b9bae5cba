"""The demo command: migrates, loads synthetic data once, prints logins, and serves the login page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from beacon.cases import selectors
from beacon.cases.models import Case
from beacon.core.models import User
from beacon.core.roles import Role
from beacon.demo.data import ASB, CDI
from beacon.incidents.models import InboxItem, Incident
from beacon.inspections.models import Allocation, Inspection, ProgressUpdate
from beacon.partnership import selectors as partnership_selectors
from beacon.partnership.models import AgendaItem, PowerUse, Referral
from beacon.risk.models import Assessment


@pytest.mark.django_db
def test_demo_loads_once_with_one_login_per_role_and_plans_in_mixed_states() -> None:
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    text = out.getvalue()
    assert "Demo data loaded." in text and "http://127.0.0.1:8000/" in text
    assert {u.role for u in User.objects.all()} == set(Role.values)
    for role in Role:
        assert role.label in text
    assert set(Inspection.objects.values_list("title", flat=True)) == {ASB, CDI}
    statuses = set(ProgressUpdate.objects.values_list("status", flat=True))
    assert {"red", "amber", "green", "complete", "na"} <= statuses
    assert Allocation.objects.filter(ended_by_transfer=True).exists()
    assert Allocation.objects.filter(role="supporting").exists()
    _casework_to_show()
    _history_to_show()
    counts = (Inspection.objects.count(), ProgressUpdate.objects.count(), Case.objects.count())
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    assert "already present" in out.getvalue()
    assert (Inspection.objects.count(), ProgressUpdate.objects.count(), Case.objects.count()) == counts


def _casework_to_show() -> None:
    """The demo shows each part of case management with something in it."""
    sergeant = User.objects.get(username="sergeant")
    high = Case.objects.get(risk_level="high", status="open")
    assert high.contacts.exists() and high.reviews.exists() and high.actions.count() == 3
    assert Referral.objects.filter(case=high).exists() and PowerUse.objects.filter(case=high).exists()
    # The council's partner user sees the referral made to the council (and nothing else).
    partner = User.objects.get(username="partner")
    assert list(partnership_selectors.referral_list(partner)) == list(Referral.objects.filter(case=high))
    assert Assessment.objects.filter(reviewed_by=sergeant).exists()
    # Deepak's Medium case is Red on the sergeant's list (no first contact), above the High one.
    listed = selectors.supervisor_list(sergeant, selectors.SupervisorFilters(kind="case"))
    assert [(r.kind, r.obj, r.rag) for r in listed.rows][:1] == [
        ("case", Case.objects.get(risk_level="medium"), 2)
    ]
    # Harriet's new incident suggests reopening her closed case.
    closed = Case.objects.get(status="closed")
    again = Incident.objects.get(source_system="demo", source_id="demo-8")
    assert selectors.closed_cases_to_reopen(again) == [closed]
    assert AgendaItem.objects.filter(case__in=[high, Case.objects.get(risk_level="medium")]).count() == 2


def _history_to_show() -> None:
    """Eighteen months of closed history, placed, with repeat victims flagged by the importer."""
    from beacon.demo.history import SYSTEM

    past = Incident.objects.filter(source_system=SYSTEM)
    assert past.count() > 3000
    assert not past.filter(neighbourhood__isnull=True).exists()
    assert not past.exclude(status=Incident.Status.CLOSED).exists()
    assert past.filter(repeat_victim=True).exists()
    assert not InboxItem.objects.filter(incident__in=past).exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_demo_command_serves_its_login_page(tmp_path: Path) -> None:
    """What the README's first command ends with: `beacon demo` serving the login page."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "beacon", "demo", "--addr", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None  # stdout=PIPE
    try:
        deadline = time.time() + 120
        body = ""
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as r:
                    body = r.read().decode()
                    break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.5)
        assert "Sign in to Beacon" in body, proc.stdout.read() if proc.poll() is not None else "no answer"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/vendor/beacon.css", timeout=5) as r:
            assert r.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    # It starts quietly: what it printed is for the person starting it (no library warnings).
    printed = proc.stdout.read()
    assert "Beacon is at" in printed and "handler" in printed
    assert "warning" not in printed.lower(), printed
