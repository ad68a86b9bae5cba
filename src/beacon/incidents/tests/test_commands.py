"""`beacon incidents import` and `beacon incidents lookup`."""

from __future__ import annotations

import getpass
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from beacon.core.models import AuditEvent
from beacon.incidents import services
from beacon.incidents.importer import POLICE_UK_COLUMNS
from beacon.incidents.models import Incident
from beacon.incidents.tests.factories import caller, report
from beacon.incidents.tests.test_import import police_row, write_csv

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("incidents", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_a_summary(town: dict[str, Any], tmp_path: Path) -> None:
    rows = [police_row("a" * 64, town["inside"], crime_type="Drugs"), police_row("", location="No Location")]
    path = write_csv(tmp_path / "month.csv", POLICE_UK_COLUMNS, rows)
    out, _ = run("import", str(path), "--format", "police-uk")
    assert "2 rows; 2 incidents created, 0 already imported; 1 placed" in out
    assert "not placed, No location given: 1" in out
    out, _ = run("import", str(path), "--format", "police-uk", "--json")
    summary = json.loads(out)
    assert summary["rows"] == 2 and summary["created"] == 0 and summary["already_imported"] == 2
    assert Incident.objects.count() == 2
    event = AuditEvent.objects.filter(model="incident", action="create").first()
    assert event is not None and event.source == "command:incidents import"


def test_import_lists_every_problem_and_writes_nothing(town: dict[str, Any], tmp_path: Path) -> None:
    rows = [
        police_row("a" * 64, town["inside"]),
        police_row("b" * 64, month="2024-13"),
        police_row("c" * 64, crime_type="Kidnapping"),
    ]
    path = write_csv(tmp_path / "bad.csv", POLICE_UK_COLUMNS, rows)
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("incidents", "import", str(path), "--format", "police-uk", stdout=StringIO(), stderr=err)
    assert exc.value.returncode == 1 and "2 problem(s)" in str(exc.value)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("row 3, Month: ") and lines[1].startswith("row 4, Crime type: ")
    assert Incident.objects.count() == 0


def test_import_of_a_missing_file_fails(town: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        run("import", str(tmp_path / "nope.csv"))


def test_lookup_prints_what_the_form_shows(town: dict[str, Any], active_model: Any) -> None:
    lat, lon = town["inside"]
    first = services.create_incident(
        None, report(lat=lat, lon=lon, people=[caller("Margaret", "Whitfield", phone="07700 900123")])
    )
    out, _ = run(
        "lookup",
        "--purpose",
        "call 4411 from the caller",
        "--name",
        "Margret Whitfeld",
        "--phone",
        "07700 900123",
        "--lat",
        str(lat),
        "--lon",
        str(lon),
        "--json",
    )
    found = json.loads(out)
    assert set(found) == {"people", "nearby_incidents", "window_days", "location_problem"}
    top = found["people"][0]
    assert {"person_id", "probability", "why", "flags", "contacts"} <= set(top)
    assert [c["reference"] for c in top["contacts"]] == [first.reference]
    assert [n["reference"] for n in found["nearby_incidents"]] == [first.reference]
    read = AuditEvent.objects.get(action="read", model="person", object_pk=str(top["person_id"]))
    assert read.reason == "command-line lookup: call 4411 from the caller" and read.actor is None
    assert read.actor_label == f"os:{getpass.getuser()}"  # the shell's user, not "system"
    text, _ = run("lookup", "--purpose", "x", "--name", "Margaret Whitfield", "--postcode", "LE1 5WW")
    assert f"person {top['person_id']}: " in text


def test_lookup_refuses_unusable_details(town: dict[str, Any], active_model: Any) -> None:
    with pytest.raises(CommandError):
        run("lookup", "--purpose", "x", "--name", "Ann Smith", "--phone", "+1 212 555 0100", "--json")
    with pytest.raises(CommandError):
        run("lookup", "--purpose", "x", "--json")
    with pytest.raises(CommandError):
        run("lookup", "--purpose", "x", "--name", "Ann Smith", "--lat", "52.6")


def test_lookup_without_a_purpose_is_refused_with_exit_2(town: dict[str, Any], active_model: Any) -> None:
    for purpose in ([], ["--purpose", "  "]):
        with pytest.raises(CommandError, match="--purpose is required") as exc:
            run("lookup", *purpose, "--name", "Margaret Whitfield", "--json")
        assert exc.value.returncode == 2
    assert not AuditEvent.objects.filter(action="read").exists()


def test_lookup_without_a_matching_model_says_so(town: dict[str, Any]) -> None:
    with pytest.raises(CommandError, match="No matching model"):
        run("lookup", "--purpose", "x", "--name", "Ann Smith")
