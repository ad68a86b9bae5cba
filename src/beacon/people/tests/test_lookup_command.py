"""`beacon people lookup`: a required --purpose, and the access log names the operating-system user
who ran it (not "system"); the JSON printed is unchanged."""

from __future__ import annotations

import getpass
import json
import os
import subprocess
import sys
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from beacon.core.models import AuditEvent
from beacon.people import batch
from beacon.people.loading import load_records
from beacon.people.models import ContactRecord

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("people", "lookup", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_lookup_is_logged_with_the_system_user_and_the_purpose(active_model: Any) -> None:
    load_records(
        None,
        [
            {
                "record_id": "r1",
                "forename": "Ada",
                "surname": "Byrne",
                "dob": "1980-02-03",
                "postcode": "TE1 2AB",
            }
        ],
        source="test",
    )
    batch.run(None)
    out = run("--forename", "Ada", "--surname", "Byrne", "--purpose", "call 77 from the victim", "--json")
    found = json.loads(out)
    assert set(found) == {"query", "candidates"} and found["query"] == {"forename": "Ada", "surname": "Byrne"}
    person_id = ContactRecord.objects.get().person_id
    assert [c["person_id"] for c in found["candidates"]] == [person_id]
    read = AuditEvent.objects.get(action="read", model="person", object_pk=str(person_id))
    assert read.actor is None and read.actor_label == f"os:{getpass.getuser()}"
    assert read.reason == "command-line lookup: call 77 from the victim"
    assert read.source == "command:people lookup"


def test_a_lookup_without_a_purpose_is_refused(active_model: Any) -> None:
    with pytest.raises(CommandError, match="--purpose is required") as exc:
        run("--forename", "Ada", "--surname", "Byrne", "--json")
    assert exc.value.returncode == 2
    assert not AuditEvent.objects.filter(action="read").exists()


def test_from_the_shell_it_exits_2_with_a_clear_message() -> None:
    beacon = os.path.join(os.path.dirname(sys.executable), "beacon")
    done = subprocess.run(
        [beacon, "people", "lookup", "--forename", "Ada", "--surname", "Byrne", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "--purpose is required" in done.stderr and done.stdout == ""
