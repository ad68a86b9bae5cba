"""The audit trail searched by a reference, a user and the days from and to, and downloaded: the
download names the fields each entry touched (never their values) and is itself logged."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beacon.core import audit
from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(make_user: Callable[..., User]) -> dict[str, AuditEvent]:
    sergeant = make_user(Role.SUPERVISOR, username="sgt_lee")
    before = audit.snapshot(sergeant)
    sergeant.first_name = "Secretname"
    sergeant.save()
    old = audit.record_update(sergeant, sergeant, before)
    before = audit.snapshot(sergeant)
    sergeant.last_name = "Hiddenvalue"
    sergeant.save()
    recent = audit.record_update(sergeant, sergeant, before)
    assert old is not None and recent is not None
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=40))
    return {"old": old, "recent": recent}


def test_search_by_user_and_days_and_download_without_values(
    client_for: Callable[..., Client], entries: dict[str, AuditEvent]
) -> None:
    admin = client_for(role=Role.ADMIN, all_areas=True)
    since = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    page = admin.get(reverse("core:audit"), {"actor": "sgt_lee", "since": since}).content.decode()
    assert f"audit/core/user/{entries['recent'].object_pk}" in page or "sgt_lee" in page
    r = admin.get(reverse("core:audit"), {"actor": "sgt_lee", "since": since, "download": "csv"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 1 and rows[0]["Fields"] == "last_name" and rows[0]["User"] == "sgt_lee"
    assert "Hiddenvalue" not in r.content.decode("utf-8-sig")
    assert AuditEvent.objects.filter(model="auditevent", object_pk="download", action="read").exists()


def test_a_date_that_is_not_a_date_is_reported_and_nothing_downloads(
    client_for: Callable[..., Client], entries: dict[str, AuditEvent]
) -> None:
    admin = client_for(role=Role.ADMIN, all_areas=True)
    r = admin.get(reverse("core:audit"), {"since": "2026-02-31", "download": "csv"})
    assert r["Content-Type"].startswith("text/html")
    assert 'href="#id_since"' in r.content.decode() and "as a real date" in r.content.decode()
