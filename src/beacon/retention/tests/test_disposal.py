"""Disposal: a disposed person's data can no longer be found by lookup, search, export or API; the
tombstone and its counts remain; a disposal that fails half-way writes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from beacon.cases.tests import factories as case_factories
from beacon.core import retention as registry
from beacon.core.models import AuditEvent, User
from beacon.core.retention import DisposalScope
from beacon.core.roles import Role
from beacon.core.services import create_api_token
from beacon.people import selectors as people_selectors
from beacon.people import services as people_services
from beacon.people.models import PersonFlag
from beacon.retention import selectors, services
from beacon.retention.models import ReviewDecision, Tombstone
from beacon.retention.tests.factories import MARGARET, case_on, old_incident, person_of, referral
from beacon.risk.models import Assessment

pytestmark = pytest.mark.django_db

# What Margarita gave, in the forms Beacon keeps it (as given, normalised, in free text).
TRACES = ("Quillfeather", "Margarita", "900456", "1951-03-14", "Lantern Row", "stairwell")
OTHER = {"forename": "Bartholomew", "surname": "Inkwright", "phone": "07700 900789"}


def traces(text: str) -> list[str]:
    return [t for t in TRACES if t.lower() in text.lower()]


@pytest.fixture
def api(town: dict[str, Any]) -> Callable[..., dict[str, str]]:
    def headers(user: User | None = None) -> dict[str, str]:
        _, key = create_api_token(user or town["manager"], name="test")
        return {"Authorization": f"Bearer {key}"}

    return headers


@pytest.fixture
def margaret(town: dict[str, Any], active_model: Any) -> dict[str, Any]:
    """Margarita reported the stairwell noise 8 years ago; her case (Medium) and a council
    referral followed. Bartholomew called about something else last year."""
    inc = old_incident(None, years=8, people=[MARGARET], crime_recorded=False)
    case = case_on(town["officer"], inc, level="medium", area=town["north"])
    ref = referral(town["officer"], case)
    victim = person_of(inc)
    people_services.add_flag(town["officer"], victim, kind="vulnerable", reason="mental health")
    risk = case_factories.assessment(town["officer"], victim, "medium", incident=inc)
    Assessment.objects.filter(pk=risk.pk).update(
        officer_note="Margarita Quillfeather is frightened to use the stairwell.",
        answers={"q": "yes", "details": "Margarita Quillfeather, 17 Lantern Row"},
    )
    recent = old_incident(
        None,
        years=1,
        people=[OTHER],
        description="Bins set alight behind the shops.",
        address="2 Quay Street",
    )
    return {
        "incident": inc,
        "person": victim,
        "case": case,
        "referral": ref,
        "recent": recent,
        "assessment": risk,
    }


def everything_visible(town: dict[str, Any], m: dict[str, Any], api: Callable[..., dict[str, str]]) -> str:
    """What lookup, search, export and the API show of Margarita, as one text."""
    c = Client()
    h = api()
    person_id, inc_id, case_id = m["person"].pk, m["incident"].pk, m["case"].pk
    shown = []
    found = people_selectors.lookup(
        {"forename": "Margarita", "surname": "Quillfeather", "dob": "1951-03-14"},
        actor=town["manager"],
        reason="test",
    )
    shown.append(json.dumps([f.as_dict() for f in found if f.person_id == person_id], default=str))
    r = c.get(
        "/api/v1/people/lookup",
        {"purpose": "test", "forename": "Margarita", "surname": "Quillfeather", "phone": "07700 900456"},
        headers=h,
    )
    assert r.status_code == 200
    shown.append(json.dumps([x for x in r.json()["candidates"] if x.get("person_id") == person_id]))
    out = StringIO()
    call_command(
        "incidents", "lookup", "--name", "Margarita Quillfeather", "--phone", "07700 900456",
        "--purpose", "test", "--json", stdout=out,
    )  # fmt: skip
    check = json.loads(out.getvalue())
    shown.append(json.dumps([p for p in check.get("people", []) if p.get("person_id") == person_id]))
    for path in (
        f"/api/v1/people/{person_id}",
        f"/api/v1/people/{person_id}/subject-access?reason=SAR-1",
        f"/api/v1/incidents/{inc_id}",
        f"/api/v1/cases/{case_id}",
        f"/api/v1/partnership/referrals/{m['referral'].pk}",
        f"/api/v1/risk/assessments/{m['assessment'].pk}",
        f"/api/v1/risk/people/{person_id}/assessments",
    ):
        r = c.get(path, headers=h)
        assert r.status_code == 200, (path, r.content[:300])
        shown.append(r.content.decode())
    page = Client()
    page.force_login(town["manager"])
    for path in (
        f"/people/{person_id}/",
        f"/people/{person_id}/subject-access/?reason=SAR-1&format=json",  # the export of a person's data
        f"/incidents/{inc_id}/",
        "/incidents/",
        f"/cases/{case_id}/",
        f"/partnership/referrals/{m['referral'].pk}/",
    ):
        r = page.get(path)
        assert r.status_code == 200, path
        shown.append(r.content.decode())
    return "\n".join(shown)


def test_a_disposed_persons_data_can_no_longer_be_found(
    town: dict[str, Any], margaret: dict[str, Any], api: Callable[..., dict[str, str]]
) -> None:
    before = everything_visible(town, margaret, api)
    assert set(traces(before)) == set(TRACES)  # the test sees her data before disposal

    r = Client().post(
        "/api/v1/retention/decisions",
        {"decision": "dispose", "ids": [margaret["incident"].pk], "reason": "MoPI review 2026/14"},
        content_type="application/json",
        headers=api(),
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["count"] == 1 and body["records"][0]["id"] == margaret["incident"].pk

    after = everything_visible(town, margaret, api)
    assert traces(after) == []
    # Nor in the audit trail: earlier snapshots are scrubbed and the erase entry holds no personal data.
    left = [
        (e["app_label"], e["model"], e["action"], t)
        for e in AuditEvent.objects.values("app_label", "model", "action", "changes", "object_repr", "reason")
        for t in traces(json.dumps(e, default=str))
    ]
    assert left == []
    erase = AuditEvent.objects.get(action=AuditEvent.Action.ERASE, model="incident")
    assert erase.object_pk == str(margaret["incident"].pk) and erase.reason == "MoPI review 2026/14"
    # The tombstone and its counts remain, for statistics.
    stone = Tombstone.objects.get()
    assert (stone.object_pk, stone.reference, stone.area_id) == (
        margaret["incident"].pk, margaret["incident"].reference, margaret["incident"].area_id,
    )  # fmt: skip
    assert stone.counts["incidents.incident"] == 1 and stone.counts["people.contactrecord"] == 1
    assert stone.counts["cases.case"] == 1
    assert selectors.tombstone_totals()["total"] == 1
    assert selectors.tombstone_totals()["by_category"] == {margaret["incident"].asb_category.code: 1}
    # Her flag ended with its reason gone; the assessment keeps its level for statistics.
    flag = PersonFlag.objects.get(person=margaret["person"])
    assert flag.ended_on is not None and flag.reason == ""
    risk = Assessment.objects.get(pk=margaret["assessment"].pk)
    assert (risk.level, risk.answers, risk.officer_note) == ("medium", {}, "")
    # Someone else's record is untouched, and the disposed incident is no longer due.
    recent = Client().get(f"/api/v1/incidents/{margaret['recent'].pk}", headers=api()).content.decode()
    assert "Inkwright" in recent and "Bins set alight" in recent
    assert margaret["incident"].pk not in {i.pk for i in selectors.schedule()}


def _boom(scope: DisposalScope) -> dict[str, int]:
    raise RuntimeError("the archive disposer is offline")


@pytest.fixture
def failing_disposer() -> Iterator[None]:
    registry.register_disposer("zz-failing-for-test", _boom)  # runs after every domain's own
    try:
        yield
    finally:
        registry.unregister_disposer("zz-failing-for-test")


def test_a_disposal_that_fails_half_way_writes_nothing(
    town: dict[str, Any], margaret: dict[str, Any], api: Callable[..., dict[str, str]], failing_disposer: None
) -> None:
    audit_before = AuditEvent.objects.exclude(action=AuditEvent.Action.READ).count()
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match=r"archive disposer is offline.*nothing was written"):
        call_command(
            "retention",
            "dispose",
            "--ids",
            str(margaret["incident"].pk),
            "--reason",
            "MoPI",
            stdout=out,
            stderr=err,
        )
    assert Tombstone.objects.count() == 0
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ERASE).count() == 0
    assert AuditEvent.objects.exclude(action=AuditEvent.Action.READ).count() == audit_before
    registry.unregister_disposer("zz-failing-for-test")
    # Every domain's data is still there, the audit trail's snapshots too.
    assert set(traces(everything_visible(town, margaret, api))) == set(TRACES)
    trail = json.dumps(list(AuditEvent.objects.values("changes")), default=str)
    assert "Quillfeather" in trail
    assert margaret["incident"].pk in {i.pk for i in selectors.due(timezone.localdate())}


def test_dispose_command_needs_a_reason_and_disposes_of_all_due(
    town: dict[str, Any], margaret: dict[str, Any]
) -> None:
    with pytest.raises(CommandError) as exc:
        call_command("retention", "dispose", "--all-due")
    assert "--reason" in str(exc.value)
    out = StringIO()
    call_command("retention", "dispose", "--all-due", "--reason", "Annual MoPI review", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["disposed"] == 1 and data["tombstones"][0]["id"] == margaret["incident"].pk
    erase = AuditEvent.objects.get(action=AuditEvent.Action.ERASE)
    assert erase.actor_label == "system" and erase.source == "command:retention dispose"


def test_api_statuses(
    town: dict[str, Any], margaret: dict[str, Any], api: Callable[..., dict[str, str]]
) -> None:
    c = Client()
    inc = margaret["incident"].pk
    assert c.get("/api/v1/retention/due").status_code == 401
    officer = api(town["officer"])
    assert c.get("/api/v1/retention/due", headers=officer).status_code == 403
    r = c.get("/api/v1/retention/due", headers=api())
    assert r.status_code == 200 and [i["id"] for i in r.json()["items"]] == [inc]
    assert c.get("/api/v1/retention/due?as_of=2026-13-01", headers=api()).status_code == 422
    r = c.get("/api/v1/retention/due?record_type=nope", headers=api())
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "record_type"

    def post(body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
        return c.post(
            "/api/v1/retention/decisions", body, content_type="application/json", headers=headers or api()
        )

    r = post({"decision": "dispose", "ids": [inc], "reason": " "})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    r = post({"decision": "dispose", "ids": [inc, margaret["recent"].pk], "reason": "MoPI"})
    assert r.status_code == 422 and r.json()["errors"] == [
        {"field": "ids", "message": f"incident {margaret['recent'].pk} is not due for review on "
         f"{timezone.localdate()}.", "row": 2}
    ]  # fmt: skip
    assert Tombstone.objects.count() == 0
    assert post({"decision": "shred", "ids": [inc], "reason": "x"}).status_code == 422
    assert post({"decision": "keep", "ids": [], "reason": "x"}).status_code == 422
    assert post({"decision": "keep", "ids": [inc], "reason": "x"}, officer).status_code == 403
    r = post(
        {"decision": "keep", "ids": [inc], "reason": "Linked civil claim", "next_review_on": "2099-01-01"}
    )
    assert r.status_code == 200 and r.json()["records"] == [
        {"id": inc, "next_review_on": "2099-01-01", "tombstone": None, "counts": {}}
    ]
    assert ReviewDecision.objects.get().next_review_on.isoformat() == "2099-01-01"
    assert c.get("/api/v1/retention/due", headers=api()).json()["total"] == 0


def test_review_queue_page_keeps_and_disposes_in_bulk(town: dict[str, Any], margaret: dict[str, Any]) -> None:
    second = old_incident(
        None, years=7, people=[{"forename": "Cressida", "surname": "Mallowby"}], address="9 Mill Lane"
    )
    page = Client()
    page.force_login(town["manager"])
    r = page.get("/retention/")
    assert r.status_code == 200
    text = r.content.decode()
    assert margaret["incident"].reference in text and second.reference in text
    assert traces(text) == [] and "Mallowby" not in text  # the queue shows no personal data
    r = page.post(
        "/retention/decide/",
        {"decision": "dispose", "ids": [margaret["incident"].pk, second.pk], "reason": ""},
    )
    assert r.status_code == 422 and "Give the reason" in r.content.decode()
    r = page.post(
        "/retention/decide/",
        {"decision": "dispose", "ids": [margaret["incident"].pk, second.pk], "reason": "MoPI review"},
    )
    assert r.status_code == 302
    assert set(Tombstone.objects.values_list("object_pk", flat=True)) == {margaret["incident"].pk, second.pk}
    officer = Client()
    officer.force_login(town["officer"])
    assert officer.get("/retention/").status_code == 403
    assert Client().get("/retention/").status_code == 302  # to the login page


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR, Role.ANALYST, Role.CALL_HANDLER])
def test_only_a_records_manager_may_dispose(
    town: dict[str, Any], margaret: dict[str, Any], make_user: Callable[..., User], role: str
) -> None:
    from beacon.core.errors import PermissionRefused

    with pytest.raises(PermissionRefused):
        services.dispose(make_user(role, all_areas=True), [margaret["incident"].pk], reason="x")
    assert Tombstone.objects.count() == 0


def test_an_erasure_before_disposal_leaves_nothing_in_the_audit_trail_either(
    town: dict[str, Any], margaret: dict[str, Any]
) -> None:
    """A subject's erasure keeps its before-values in the audit entry; disposal scrubs them too."""
    record = margaret["person"].records.get()
    people_services.erase_record(town["manager"], record, reason="Erasure request ER-7")
    assert "Quillfeather" in json.dumps(list(AuditEvent.objects.values("changes")), default=str)
    services.dispose(town["manager"], [margaret["incident"].pk], reason="MoPI review")
    assert traces(json.dumps(list(AuditEvent.objects.values("changes", "object_repr")), default=str)) == []
    record.refresh_from_db()
    assert record.erased_reason == "Erasure request ER-7"  # the erasure's own reason stays
