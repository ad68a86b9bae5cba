"""The improvement-plan API: who may do what, response shapes, validation, conflicts, query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.inspections.models import (
    Allocation,
    Board,
    Finding,
    GradedArea,
    Inspection,
    Portfolio,
    ProgressUpdate,
    Status,
)
from beacon.inspections.tests.factories import (
    AllocationFactory,
    FindingFactory,
    InspectionFactory,
    PortfolioFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
AS_OF = "2024-07-01"
OWNER_TITLE = "Head of Contact Centre"


@dataclass
class Plan:
    inspection: Inspection
    local: Portfolio
    crime: Portfolio
    r1: Finding
    afi1: Finding
    a_r1: Allocation  # R.1 → Local Policing, owned by the Head of Contact Centre, amber on 1 June
    a_afi1: Allocation  # AFI.1 → Local Policing, no update
    first_update: ProgressUpdate


@pytest.fixture
def plan() -> Plan:
    insp = InspectionFactory.create(
        title="PEEL 2023\u201325: Wessex", kind=Inspection.Kind.FORCE, published=dt.date(2024, 4, 1)
    )
    GradedArea.objects.create(
        inspection=insp,
        name="Responding to the public",
        grade="Requires improvement",
        national_distribution={"Good": 12, "Requires improvement": 20},
    )
    local = PortfolioFactory.create(name="Local Policing", plan_owner="Ch Supt Neighbourhoods")
    crime = PortfolioFactory.create(name="Crime and Justice", plan_owner="Det Ch Supt Crime")
    r1 = FindingFactory.create(
        inspection=insp,
        ref="R.1",
        kind=Finding.Kind.RECOMMENDATION,
        position=1,
        category="Responding to the public",
        pages="4, 12",
        text="Answer emergency calls within ten seconds.",
    )
    afi1 = FindingFactory.create(inspection=insp, ref="AFI.1", parent=r1, position=2, category="Responding")
    a_r1 = AllocationFactory.create(
        finding=r1, portfolio=local, action_owner=OWNER_TITLE, due_date=dt.date(2024, 12, 31)
    )
    a_afi1 = AllocationFactory.create(
        finding=afi1, portfolio=local, action_owner="Supt Neighbourhoods", due_date=dt.date(2024, 7, 10)
    )
    first = ProgressUpdateFactory.create(
        allocation=a_r1, date=dt.date(2024, 6, 1), status=Status.AMBER, text="Recruiting call handlers."
    )
    return Plan(insp, local, crime, r1, afi1, a_r1, a_afi1, first)


def plan_csv(**overrides: str) -> bytes:
    """A one-row plan in the import format (the real importer reads it)."""
    from beacon.inspections.plan_parsing import COLUMNS

    row = {
        "inspection": "PEEL 2025", "ref": "R.1", "kind": "recommendation", "text": "Answer calls faster.",
        "portfolio": "Local Policing", "role": "lead", "action_owner": OWNER_TITLE, "due_date": "2025-12-31",
        "status": "amber", "update_date": "2025-06-01", "update": "Recruiting.", **overrides,
    }  # fmt: skip
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerow(row)
    return out.getvalue().encode()


def csv_upload(content: bytes | None = None, name: str = "plan.csv") -> SimpleUploadedFile:
    content = plan_csv() if content is None else content
    return SimpleUploadedFile(name, content, content_type="text/csv")


def json_post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def json_patch(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.patch(path, body, content_type="application/json")


def fields(response: Any) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


# ---------------------------------------------------------------------------------------------
# Who may do what


def read_paths(p: Plan) -> list[str]:
    return [
        f"{API}/inspections",
        f"{API}/inspections/{p.inspection.pk}",
        f"{API}/inspections/{p.inspection.pk}/summary?as_of={AS_OF}",
        f"{API}/portfolios",
        f"{API}/portfolios/{p.local.pk}/plan?as_of={AS_OF}",
        f"{API}/findings/{p.r1.pk}",
        f"{API}/dashboard?as_of={AS_OF}",
        f"{API}/me/actions?as_of={AS_OF}",
    ]


def do_write(client: Client, p: Plan, what: str) -> Any:
    if what == "update":
        update = {"status": "green", "text": "Calls answered in time.", "date": "2024-06-15"}
        return json_post(client, f"{API}/allocations/{p.a_r1.pk}/updates", update)
    if what == "patch":
        return json_patch(client, f"{API}/allocations/{p.a_r1.pk}", {"version": 1, "due_date": "2025-03-31"})
    if what == "transfer":
        transfer = {"to_portfolio_id": p.crime.pk, "on": "2024-06-20", "action_owner": "DCI Crime"}
        return json_post(client, f"{API}/allocations/{p.a_r1.pk}/transfer", transfer)
    if what == "import":
        return client.post(f"{API}/plans/import", {"file": csv_upload()})
    raise AssertionError(what)


WRITES = ["update", "patch", "transfer", "import"]
READERS = [Role.OFFICER, Role.SUPERVISOR, Role.ANALYST, Role.PERFORMANCE, Role.CHIEF_OFFICER, Role.ADMIN]

# Status code of each write for a user of the role who is not named on the item.
WRITE_EXPECTED: dict[str, dict[str, int]] = {
    Role.OFFICER: {"update": 403, "patch": 403, "transfer": 403, "import": 403},
    Role.SUPERVISOR: {"update": 403, "patch": 403, "transfer": 403, "import": 403},
    Role.ANALYST: {"update": 403, "patch": 403, "transfer": 403, "import": 403},
    Role.CHIEF_OFFICER: {"update": 403, "patch": 403, "transfer": 403, "import": 403},
    Role.PERFORMANCE: {"update": 201, "patch": 200, "transfer": 201, "import": 200},
    # Administrators manage plans (edit, transfer, import) but add updates only to items they own.
    Role.ADMIN: {"update": 403, "patch": 200, "transfer": 201, "import": 200},
    Role.CALL_HANDLER: dict.fromkeys(WRITES, 403),
    Role.PARTNER: dict.fromkeys(WRITES, 403),
}


@pytest.mark.parametrize("role", [Role.CALL_HANDLER, Role.PARTNER])
def test_call_handler_and_partner_are_refused_every_plans_endpoint(
    role: str, plan: Plan, client_for: Callable[..., Client]
) -> None:
    client = client_for(role=role)
    for path in read_paths(plan):
        response = client.get(path)
        assert response.status_code == 403, path
        assert response.json()["errors"][0]["message"]
    for what in WRITES:
        assert do_write(client, plan, what).status_code == 403, what
    assert ProgressUpdate.objects.count() == 1
    assert Allocation.objects.count() == 2
    assert not Inspection.objects.filter(title="PEEL 2025").exists()


@pytest.mark.parametrize("role", READERS)
def test_plan_readers_can_read_everything(role: str, plan: Plan, client_for: Callable[..., Client]) -> None:
    client = client_for(role=role)
    for path in read_paths(plan):
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("what", WRITES)
def test_writes_by_role(
    role: str,
    what: str,
    plan: Plan,
    client_for: Callable[..., Client],
) -> None:
    client = client_for(role=role, job_title="Nobody named in any plan")
    response = do_write(client, plan, what)
    expected = WRITE_EXPECTED[role][what]
    assert response.status_code == expected, response.content
    if expected == 403:
        assert response.json()["errors"][0]["message"]
        assert ProgressUpdate.objects.count() == 1
        assert Allocation.objects.count() == 2
        plan.a_r1.refresh_from_db()
        assert (plan.a_r1.version, plan.a_r1.due_date) == (1, dt.date(2024, 12, 31))
        assert not Inspection.objects.filter(title="PEEL 2025").exists()


def test_officer_who_owns_the_item_adds_an_update_and_the_summary_changes(
    plan: Plan, client_for: Callable[..., Client]
) -> None:
    officer = User.objects.create_user("owner", job_title=OWNER_TITLE, role=Role.OFFICER)
    client = client_for(officer)
    summary_url = f"{API}/inspections/{plan.inspection.pk}/summary?as_of={AS_OF}"

    def local_recs() -> dict[str, int]:
        portfolios = client.get(summary_url).json()["portfolios"]
        entry = next(e for e in portfolios if e["portfolio"] == "Local Policing")
        return entry["recommendations"]

    assert local_recs() == {
        "total": 1,
        "completed": 0,
        "green": 0,
        "amber": 1,
        "red": 0,
        "no_status": 0,
        "overdue": 0,
    }

    body = {
        "status": "green",
        "text": "  Calls answered in time.  ",
        "date": "2024-06-15",
        "based_on_update_id": plan.first_update.pk,
    }
    response = json_post(client, f"{API}/allocations/{plan.a_r1.pk}/updates", body)
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["status"] == "green" and out["status_label"] == "Green"
    assert out["text"] == "Calls answered in time."
    assert out["date"] == "2024-06-15"
    assert out["allocation_id"] == plan.a_r1.pk
    assert out["author_name"] == officer.display_name
    update = ProgressUpdate.objects.get(pk=out["id"])
    assert update.author == officer
    assert AuditEvent.objects.filter(model="progressupdate", object_pk=str(update.pk), source="api").exists()

    assert local_recs() == {
        "total": 1,
        "completed": 0,
        "green": 1,
        "amber": 0,
        "red": 0,
        "no_status": 0,
        "overdue": 0,
    }
    # As at a date before the update, the summary is as it was.
    before = client.get(f"{API}/inspections/{plan.inspection.pk}/summary?as_of=2024-06-10").json()
    assert before["portfolios"][0]["portfolio"] == "Local Policing"
    assert before["portfolios"][0]["recommendations"]["amber"] == 1

    # The owner may not add updates to an item someone else owns.
    other = json_post(client, f"{API}/allocations/{plan.a_afi1.pk}/updates", {"status": "red", "text": "x"})
    assert other.status_code == 403


def test_owner_sees_their_item_in_my_actions(plan: Plan, client_for: Callable[..., Client]) -> None:
    client = client_for(role=Role.OFFICER, job_title=OWNER_TITLE)
    items = client.get(f"{API}/me/actions?as_of={AS_OF}").json()
    assert [i["allocation_id"] for i in items] == [plan.a_r1.pk]
    nobody = client_for(role=Role.OFFICER, job_title="Someone else").get(f"{API}/me/actions?as_of={AS_OF}")
    assert nobody.json() == []


def test_plan_owner_may_update_any_item_of_the_portfolio(
    plan: Plan, client_for: Callable[..., Client]
) -> None:
    client = client_for(role=Role.SUPERVISOR, job_title="Ch Supt Neighbourhoods")
    for a in (plan.a_r1, plan.a_afi1):
        response = json_post(
            client, f"{API}/allocations/{a.pk}/updates", {"status": "red", "text": "Behind."}
        )
        assert response.status_code == 201, response.content


def test_owner_may_edit_their_item(plan: Plan, client_for: Callable[..., Client]) -> None:
    client = client_for(role=Role.OFFICER, job_title=OWNER_TITLE)
    response = json_patch(
        client, f"{API}/allocations/{plan.a_r1.pk}", {"version": 1, "due_date": "2025-01-31"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["due_date"] == "2025-01-31"
    assert response.json()["version"] == 2


# ---------------------------------------------------------------------------------------------
# Validation and conflicts


def test_bad_status_is_422_naming_the_field(plan: Plan, performance_user: User, client_for: Callable) -> None:
    client = client_for(performance_user)
    response = json_post(
        client, f"{API}/allocations/{plan.a_r1.pk}/updates", {"status": "purple", "text": "x"}
    )
    assert response.status_code == 422
    assert response.json() == {
        "errors": [{"field": "status", "message": "Choose a status: Red, Amber, Green, Complete or N/A."}]
    }
    assert ProgressUpdate.objects.count() == 1


def test_every_problem_is_reported_at_once(plan: Plan, performance_user: User, client_for: Callable) -> None:
    client = client_for(performance_user)
    body = {"status": "", "text": "   ", "date": "2150-01-01"}
    response = json_post(client, f"{API}/allocations/{plan.a_r1.pk}/updates", body)
    assert response.status_code == 422
    assert fields(response) == ["status", "text", "date"]


@pytest.mark.parametrize(
    ("body", "missing"),
    [({"text": "Done."}, ["status"]), ({"status": "green"}, ["text"]), ({}, ["status", "text"])],
)
def test_missing_body_field_is_422_naming_it(
    body: dict[str, Any], missing: list[str], plan: Plan, performance_user: User, client_for: Callable
) -> None:
    client = client_for(performance_user)
    response = json_post(client, f"{API}/allocations/{plan.a_r1.pk}/updates", body)
    assert response.status_code == 422
    assert sorted(fields(response)) == missing
    assert all(e["message"] for e in response.json()["errors"])


def test_malformed_date_and_json_are_422(plan: Plan, performance_user: User, client_for: Callable) -> None:
    client = client_for(performance_user)
    url = f"{API}/allocations/{plan.a_r1.pk}/updates"
    response = json_post(client, url, {"status": "green", "text": "x", "date": "1 June 2024"})
    assert response.status_code == 422
    assert fields(response) == ["date"]
    response = client.post(url, "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert response.json()["errors"]
    bad_query = client.get(f"{API}/dashboard?as_of=yesterday")
    assert bad_query.status_code == 422
    assert fields(bad_query) == ["as_of"]


def test_stale_based_on_update_is_409_and_nothing_is_written(
    plan: Plan, performance_user: User, client_for: Callable
) -> None:
    someone = ProgressUpdateFactory.create(
        allocation=plan.a_r1, date=dt.date(2024, 6, 10), status=Status.RED, text="Call times worse.",
        author_name="Insp Jane Doe",
    )  # fmt: skip
    client = client_for(performance_user)
    body = {
        "status": "green",
        "text": "All fine.",
        "date": "2024-06-15",
        "based_on_update_id": plan.first_update.pk,
    }
    response = json_post(client, f"{API}/allocations/{plan.a_r1.pk}/updates", body)
    assert response.status_code == 409
    out = response.json()
    assert out["errors"][0]["message"]
    assert out["changed_by"] == "Insp Jane Doe"
    assert out["changes"]["status"] == ["", "Red"]
    assert out["changes"]["update"] == ["", "Call times worse."]
    assert set(ProgressUpdate.objects.values_list("pk", flat=True)) == {plan.first_update.pk, someone.pk}

    body["based_on_update_id"] = someone.pk  # having seen it, try again
    assert json_post(client, f"{API}/allocations/{plan.a_r1.pk}/updates", body).status_code == 201


def test_patch_with_old_version_is_409_and_first_edit_is_kept(
    plan: Plan, performance_user: User, client_for: Callable
) -> None:
    first = client_for(performance_user)
    second = client_for(role=Role.ADMIN)
    url = f"{API}/allocations/{plan.a_r1.pk}"
    # Both editors loaded version 1.
    r1 = json_patch(first, url, {"version": 1, "action_owner": "Supt Contact", "due_date": "2025-02-28"})
    assert r1.status_code == 200, r1.content
    r2 = json_patch(second, url, {"version": 1, "action_owner": "Someone Else"})
    assert r2.status_code == 409
    out = r2.json()
    assert out["errors"][0]["message"]
    assert out["changed_by"] == performance_user.username
    assert out["changes"]["action_owner"] == [OWNER_TITLE, "Supt Contact"]
    plan.a_r1.refresh_from_db()
    assert (plan.a_r1.action_owner, plan.a_r1.due_date, plan.a_r1.version) == (
        "Supt Contact",
        dt.date(2025, 2, 28),
        2,
    )


def test_patch_needs_version_and_can_clear_the_due_date(
    plan: Plan, performance_user: User, client_for: Callable
) -> None:
    client = client_for(performance_user)
    url = f"{API}/allocations/{plan.a_r1.pk}"
    response = json_patch(client, url, {"action_owner": "Supt Contact"})
    assert response.status_code == 422
    assert fields(response) == ["version"]
    # Leaving due_date out keeps it; sending null clears it.
    response = json_patch(client, url, {"version": 1, "action_owner": "Supt Contact"})
    assert response.json()["due_date"] == "2024-12-31"
    response = json_patch(client, url, {"version": 2, "due_date": None})
    assert response.status_code == 200
    assert response.json()["due_date"] is None
    assert response.json()["action_owner"] == "Supt Contact"


def test_transfer(plan: Plan, performance_user: User, client_for: Callable) -> None:
    client = client_for(performance_user)
    url = f"{API}/allocations/{plan.a_r1.pk}/transfer"
    body = {
        "to_portfolio_id": plan.crime.pk,
        "on": "2024-06-20",
        "action_owner": "DCI Crime",
        "note": "Moved.",
    }
    response = json_post(client, url, body)
    assert response.status_code == 201, response.content
    new = response.json()
    assert new["portfolio"] == "Crime and Justice"
    assert new["action_owner"] == "DCI Crime"
    assert new["started_on"] == "2024-06-20"
    assert new["finding_ref"] == "R.1"
    plan.a_r1.refresh_from_db()
    assert plan.a_r1.ended_on == dt.date(2024, 6, 20) and plan.a_r1.transferred_to == plan.crime

    timeline = client.get(f"{API}/findings/{plan.r1.pk}").json()["timeline"]
    assert [(e["kind"], e["date"]) for e in timeline] == [
        ("update", "2024-06-01"),
        ("transfer", "2024-06-20"),
        ("start", "2024-06-20"),
        ("update", "2024-06-20"),  # the transfer note
    ]
    assert timeline[1]["transferred_to"] == "Crime and Justice"

    # Transferring the ended allocation again, or to where the finding already is, is refused.
    again = json_post(client, url, body)
    assert again.status_code == 422
    assert "to_portfolio_id" in fields(again)


def test_transfer_to_unknown_portfolio_is_422(
    plan: Plan, performance_user: User, client_for: Callable
) -> None:
    client = client_for(performance_user)
    body = {"to_portfolio_id": 999_999, "on": "2024-06-20"}
    response = json_post(client, f"{API}/allocations/{plan.a_r1.pk}/transfer", body)
    assert response.status_code == 422
    assert fields(response) == ["to_portfolio_id"]
    same = json_post(
        client, f"{API}/allocations/{plan.a_r1.pk}/transfer", {**body, "to_portfolio_id": plan.local.pk}
    )
    assert same.status_code == 422
    assert set(fields(same)) == {"to_portfolio_id"}


@pytest.mark.parametrize(
    "path",
    [
        "/inspections/999999",
        "/inspections/999999/summary",
        "/portfolios/999999/plan",
        "/findings/999999",
        "/dashboard?portfolio_id=999999",
        "/dashboard?board_id=999999",
    ],
)
def test_unknown_ids_are_404_json(
    path: str, plan: Plan, performance_user: User, client_for: Callable
) -> None:
    response = client_for(performance_user).get(API + path)
    assert response.status_code == 404
    assert response.json()["errors"][0]["message"]


def test_unknown_allocation_is_404_for_writes(performance_user: User, client_for: Callable) -> None:
    client = client_for(performance_user)
    assert (
        json_post(client, f"{API}/allocations/999999/updates", {"status": "red", "text": "x"}).status_code
        == 404
    )
    assert json_patch(client, f"{API}/allocations/999999", {"version": 1}).status_code == 404
    body = {"to_portfolio_id": 1, "on": "2024-06-01"}
    assert json_post(client, f"{API}/allocations/999999/transfer", body).status_code == 404


# ---------------------------------------------------------------------------------------------
# Response shapes


def test_inspection_list_and_detail(plan: Plan, client_for: Callable) -> None:
    client = client_for(role=Role.ANALYST)
    [row] = client.get(f"{API}/inspections").json()
    assert row == {
        "id": plan.inspection.pk,
        "title": "PEEL 2023\u201325: Wessex",
        "inspectorate": "HMICFRS",
        "kind": "force",
        "published": "2024-04-01",
        "revisit_date": None,
        "finding_count": 2,
    }
    detail = client.get(f"{API}/inspections/{plan.inspection.pk}").json()
    assert detail["graded_areas"] == [
        {
            "name": "Responding to the public",
            "grade": "Requires improvement",
            "national_distribution": {"Good": 12, "Requires improvement": 20},
        }
    ]
    assert detail["findings"][0] == {
        "id": plan.r1.pk,
        "ref": "R.1",
        "kind": "recommendation",
        "parent_ref": None,
        "category": "Responding to the public",
        "text": "Answer emergency calls within ten seconds.",
        "pages": "4, 12",
    }
    assert detail["findings"][1]["parent_ref"] == "R.1"


def test_summary_is_the_command_json(plan: Plan, client_for: Callable) -> None:
    api_out = client_for(role=Role.CHIEF_OFFICER).get(
        f"{API}/inspections/{plan.inspection.pk}/summary?as_of={AS_OF}"
    )
    out = io.StringIO()
    call_command(
        "plans", "summary", "--inspection", plan.inspection.title, "--as-of", AS_OF, "--json", stdout=out
    )
    assert api_out.json() == json.loads(out.getvalue())
    assert api_out.json()["as_of"] == AS_OF
    assert [p["portfolio"] for p in api_out.json()["portfolios"]] == ["Local Policing"]


def test_plan_items(plan: Plan, client_for: Callable) -> None:
    client = client_for(role=Role.OFFICER)
    items = client.get(f"{API}/portfolios/{plan.local.pk}/plan?as_of={AS_OF}").json()
    assert [i["finding_ref"] for i in items] == ["R.1", "AFI.1"]
    r1, afi1 = items
    assert r1["allocation_id"] == plan.a_r1.pk
    assert r1["version"] == 1
    assert r1["finding_kind"] == "recommendation"
    assert r1["inspection"] == plan.inspection.title
    assert r1["due_date"] == "2024-12-31"
    assert r1["action_owner"] == OWNER_TITLE
    assert r1["role"] == "lead"
    assert (r1["status"], r1["status_label"]) == ("amber", "Amber")
    latest = r1["latest_update"]
    assert (latest["id"], latest["date"], latest["text"]) == (
        plan.first_update.pk,
        "2024-06-01",
        "Recruiting call handlers.",
    )
    assert "author_name" in latest
    assert r1["flags"] == []
    assert (afi1["status"], afi1["status_label"], afi1["latest_update"]) == ("", "No update", None)
    assert {f["code"] for f in afi1["flags"]} == {"due_soon", "stale"}
    assert all(f["label"] and f["reason"] for f in afi1["flags"])

    # Filtered to an inspection; and as at a date before the update.
    other = AllocationFactory.create(portfolio=plan.local)
    all_items = client.get(f"{API}/portfolios/{plan.local.pk}/plan?as_of={AS_OF}").json()
    assert other.pk in [i["allocation_id"] for i in all_items]
    only = client.get(
        f"{API}/portfolios/{plan.local.pk}/plan?as_of={AS_OF}&inspection_id={plan.inspection.pk}"
    )
    assert [i["allocation_id"] for i in only.json()] == [plan.a_r1.pk, plan.a_afi1.pk]
    early = client.get(
        f"{API}/portfolios/{plan.local.pk}/plan?as_of=2024-05-01&inspection_id={plan.inspection.pk}"
    )
    assert early.json()[0]["latest_update"] is None


def test_portfolios(plan: Plan, client_for: Callable) -> None:
    rows = client_for(role=Role.OFFICER).get(f"{API}/portfolios").json()
    assert [r["name"] for r in rows] == ["Crime and Justice", "Local Policing"]
    assert rows[1] == {
        "id": plan.local.pk,
        "name": "Local Policing",
        "holder": plan.local.holder,
        "plan_owner": "Ch Supt Neighbourhoods",
    }


def test_finding_detail(plan: Plan, client_for: Callable) -> None:
    out = client_for(role=Role.OFFICER).get(f"{API}/findings/{plan.afi1.pk}").json()
    assert out["ref"] == "AFI.1" and out["parent_ref"] == "R.1"
    assert out["inspection"] == plan.inspection.title
    [alloc] = out["allocations"]
    assert alloc["id"] == plan.a_afi1.pk
    assert alloc["portfolio"] == "Local Policing"
    assert alloc["ended_on"] is None and alloc["transferred_to"] is None
    assert out["timeline"] == []


def test_dashboard_filters(plan: Plan, client_for: Callable) -> None:
    client = client_for(role=Role.SUPERVISOR)
    items = client.get(f"{API}/dashboard?as_of={AS_OF}").json()
    assert [i["finding_ref"] for i in items] == ["AFI.1"]  # due soon and never updated
    assert (
        client.get(f"{API}/dashboard?as_of={AS_OF}&owner=supt neighbourhoods").json()[0]["finding_ref"]
        == "AFI.1"
    )
    assert client.get(f"{API}/dashboard?as_of={AS_OF}&owner=Nobody").json() == []
    assert client.get(f"{API}/dashboard?as_of={AS_OF}&portfolio_id={plan.crime.pk}").json() == []
    board = Board.objects.create(name="Force Performance Board")
    assert client.get(f"{API}/dashboard?as_of={AS_OF}&board_id={board.pk}").json() == []
    board.inspections.add(plan.inspection)
    assert len(client.get(f"{API}/dashboard?as_of={AS_OF}&board_id={board.pk}").json()) == 1
    # Overdue by the end of the year.
    late = client.get(f"{API}/dashboard?as_of=2025-01-15").json()
    assert {f["code"] for i in late for f in i["flags"]} >= {"overdue"}


# ---------------------------------------------------------------------------------------------
# Query counts do not grow with the number of rows


@pytest.fixture
def many_allocations() -> Callable[[int], Portfolio]:
    def make(n: int) -> Portfolio:
        portfolio = PortfolioFactory.create(name=f"Portfolio of {n}")
        for i in range(n):
            a = AllocationFactory.create(
                portfolio=portfolio, due_date=dt.date(2024, 6, 1), action_owner=f"Owner {i % 4}"
            )
            ProgressUpdateFactory.create(allocation=a, date=dt.date(2024, 5, 1), status=Status.RED)
            if i % 2:
                ProgressUpdateFactory.create(allocation=a, date=dt.date(2024, 5, 20), status=Status.AMBER)
        return portfolio

    return make


def count_queries(client: Client, url: str, expected_items: int) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.json()) == expected_items
    return len(ctx.captured_queries)


@pytest.fixture
def session_client(performance_user: User, client_for: Callable) -> Iterator[Client]:
    client = client_for(performance_user)
    client.get(f"{API}/me/actions")  # warm up: creates the plan rules row
    yield client


MAX_QUERIES = 10


@pytest.mark.parametrize("n", [3, 30])
def test_plan_query_count_is_fixed(
    n: int,
    many_allocations: Callable[[int], Portfolio],
    session_client: Client,
    django_assert_max_num_queries: Callable,
) -> None:
    portfolio = many_allocations(n)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = session_client.get(f"{API}/portfolios/{portfolio.pk}/plan?as_of={AS_OF}")
    assert len(response.json()) == n


@pytest.mark.parametrize("n", [3, 30])
def test_dashboard_query_count_is_fixed(
    n: int,
    many_allocations: Callable[[int], Portfolio],
    session_client: Client,
    django_assert_max_num_queries: Callable,
) -> None:
    many_allocations(n)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = session_client.get(f"{API}/dashboard?as_of={AS_OF}")
    assert len(response.json()) == n
    with django_assert_max_num_queries(MAX_QUERIES):
        response = session_client.get(f"{API}/me/actions?as_of={AS_OF}")


def test_list_query_counts_are_equal_for_3_and_30(
    many_allocations: Callable[[int], Portfolio], session_client: Client
) -> None:
    small, large = many_allocations(3), many_allocations(30)
    plan_small = count_queries(session_client, f"{API}/portfolios/{small.pk}/plan?as_of={AS_OF}", 3)
    plan_large = count_queries(session_client, f"{API}/portfolios/{large.pk}/plan?as_of={AS_OF}", 30)
    assert plan_small == plan_large
    dash_small = count_queries(session_client, f"{API}/dashboard?as_of={AS_OF}&portfolio_id={small.pk}", 3)
    dash_large = count_queries(session_client, f"{API}/dashboard?as_of={AS_OF}&portfolio_id={large.pk}", 30)
    assert dash_small == dash_large
    assert count_queries(session_client, f"{API}/inspections", 33) <= MAX_QUERIES
