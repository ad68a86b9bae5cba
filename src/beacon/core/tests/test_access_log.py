"""Gaps in the access log: the audit trail's own pages show personal data (logged as reads, with
the purpose), and refused attempts — a page the role does not open, another area's record — are
written to the trail as "refused", so that probing shows there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from beacon.core import audit
from beacon.core.models import Area, AuditEvent, Force, User
from beacon.core.roles import Role
from beacon.core.services import create_api_token
from beacon.inspections.tests.factories import PortfolioFactory
from beacon.partnership.tests.factories import case, incident, person
from beacon.people.models import ContactRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas(db: None) -> dict[str, Area]:
    force = Force.objects.create(name="Auditshire Police", code="AU")
    return {
        "north": Area.objects.create(force=force, name="North", code="AN"),
        "south": Area.objects.create(force=force, name="South", code="AS"),
    }


def contact_record() -> ContactRecord:
    rec = ContactRecord.objects.create(
        person=person("Morwenna", "Testcase"),
        source="call",
        given_forename="Morwenna",
        given_surname="Testcase",
        given_phone="07700 900456",
        given_address="12 Example Lane",
        given_dob="1970-03-04",
    )
    audit.record_create(None, rec)
    return rec


def test_a_contact_records_history_is_logged_as_a_read_with_its_purpose(
    client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    rec = contact_record()
    admin = make_user(Role.ADMIN, username="admin1")
    url = reverse("core:record_history", args=["people", "contactrecord", rec.pk])
    r = client_for(admin).get(url, {"purpose": "subject access request SAR-12"})
    assert r.status_code == 200 and b"07700 900456" in r.content
    ev = AuditEvent.objects.get(action="read", actor=admin)
    assert (ev.app_label, ev.model, ev.object_pk) == ("people", "contactrecord", str(rec.pk))
    assert "subject access request SAR-12" in ev.reason and ev.source == "web"
    assert {"given_phone", "given_address", "given_dob", "given_surname"} <= set(ev.changes["fields"])
    # without a purpose given, the read is still logged, with the default purpose
    client_for(admin).get(url)
    assert AuditEvent.objects.filter(action="read", actor=admin, reason__contains="audit").count() == 2


def test_the_audit_list_logs_the_personal_data_it_shows_and_not_plan_records(
    client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    rec = contact_record()
    audit.record_create(None, PortfolioFactory(name="Operations"))
    admin = make_user(Role.ADMIN, username="admin2")
    r = client_for(admin).get(reverse("core:audit"), {"purpose": "monthly audit"})
    assert r.status_code == 200 and b"12 Example Lane" in r.content
    reads = AuditEvent.objects.filter(action="read", actor=admin)
    assert [(e.model, e.object_pk) for e in reads] == [("contactrecord", str(rec.pk))]
    assert "monthly audit" in reads[0].reason


def test_a_refused_page_is_written_to_the_trail_and_the_audit_page_filters_it(
    client_for: Callable[..., Client], make_user: Callable[..., User], areas: dict[str, Area]
) -> None:
    partner = make_user(Role.PARTNER, username="council_probe", partner_agency="council")
    c = case(areas["north"])
    assert client_for(partner).get(reverse("cases:detail", args=[c.pk])).status_code == 403
    ev = AuditEvent.objects.get(action="refused")
    assert ev.actor == partner and ev.actor_label == "council_probe" and ev.object_pk == str(c.pk)
    assert f"/cases/{c.pk}/" in ev.object_repr and "403" in ev.object_repr
    assert "role" in ev.reason and ev.source == "web"

    admin = client_for(role=Role.ADMIN)
    page = admin.get(reverse("core:audit"), {"action": "refused"})
    assert page.status_code == 200 and b"council_probe" in page.content
    assert b'value="refused" selected' in page.content


def test_another_areas_record_is_refused_and_written_to_the_trail(
    client_for: Callable[..., Client], make_user: Callable[..., User], areas: dict[str, Area]
) -> None:
    officer = make_user(Role.OFFICER, username="pc_north")
    officer.areas.add(areas["north"])
    theirs = incident(area=areas["south"])
    assert client_for(officer).get(reverse("incidents:detail", args=[theirs.pk])).status_code == 404
    ev = AuditEvent.objects.get(action="refused")
    assert ev.actor == officer and ev.object_pk == str(theirs.pk) and ev.model == "detail"
    assert "your areas" in ev.reason and f"/incidents/{theirs.pk}/" in ev.object_repr


def test_refusals_in_the_api_are_written_to_the_trail(
    make_user: Callable[..., User], areas: dict[str, Area]
) -> None:
    partner = make_user(Role.PARTNER, username="api_probe", partner_agency="council")
    officer = make_user(Role.OFFICER, username="api_pc")
    officer.areas.add(areas["north"])
    theirs = incident(area=areas["south"])
    api = Client()

    def headers(user: User) -> dict[str, Any]:
        return {"Authorization": f"Bearer {create_api_token(user, name='t')[1]}"}

    assert api.get("/api/v1/partnership/thresholds", headers=headers(partner)).status_code == 403
    assert api.get(f"/api/v1/incidents/{theirs.pk}", headers=headers(officer)).status_code in (403, 404)
    refused = {e.actor_label: e for e in AuditEvent.objects.filter(action="refused")}
    assert set(refused) == {"api_probe", "api_pc"}
    assert "/api/v1/partnership/thresholds" in refused["api_probe"].object_repr
    assert refused["api_probe"].source == "api" and refused["api_probe"].reason
    assert f"/api/v1/incidents/{theirs.pk}" in refused["api_pc"].object_repr
    assert refused["api_pc"].object_pk == str(theirs.pk)


def test_anonymous_requests_leave_no_refusal(client: Client) -> None:
    assert client.get("/api/v1/partnership/thresholds").status_code == 401
    assert client.get("/cases/").status_code == 302
    assert not AuditEvent.objects.filter(action="refused").exists()
