"""Plan pages: who may see and do what, query counts, and refused conflicting edits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.inspections.models import Allocation, PlanRules, ProgressUpdate, Status
from beacon.inspections.tests.factories import (
    AllocationFactory,
    FindingFactory,
    InspectionFactory,
    PortfolioFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db
READERS = {Role.OFFICER, Role.SUPERVISOR, Role.ANALYST, Role.PERFORMANCE, Role.CHIEF_OFFICER, Role.ADMIN}
MANAGERS = {Role.PERFORMANCE, Role.ADMIN}


@pytest.fixture
def plan() -> Allocation:
    a = AllocationFactory.create(action_owner="Head of Audit", due_date=dt.date(2030, 1, 1))
    ProgressUpdateFactory(allocation=a, date=dt.date(2024, 6, 1), status=Status.AMBER, text="first")
    return a


def _urls(a: Allocation) -> dict[str, str]:
    return {
        "list": reverse("inspections:list"),
        "dashboard": reverse("inspections:dashboard"),
        "mine": reverse("inspections:my_actions"),
        "inspection": reverse("inspections:inspection", args=[a.finding.inspection_id]),
        "portfolio": reverse("inspections:portfolio", args=[a.portfolio_id]),
        "finding": reverse("inspections:finding", args=[a.finding_id]),
        "export": reverse("inspections:export", args=[a.finding.inspection_id, "xlsx"]),
    }


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_only_what_it_may(
    role: str, client_for: Callable[..., Client], plan: Allocation
) -> None:
    c = client_for(role=role)
    for name, url in _urls(plan).items():
        status = c.get(url).status_code
        assert status == (200 if role in READERS else 403), (role, name, status)
    for name in ("import", "extract", "rules", "boards"):
        status = c.get(reverse(f"inspections:{name}")).status_code
        assert status == (200 if role in MANAGERS else 403), (role, name, status)
    transfer = c.get(reverse("inspections:transfer", args=[plan.pk])).status_code
    assert transfer == (200 if role in MANAGERS else 403)
    # Adding an update: only the action owner, the plan owner or the performance team.
    update = c.get(reverse("inspections:add_update", args=[plan.pk])).status_code
    assert update == (200 if role == Role.PERFORMANCE else 403), (role, update)


def test_action_owner_and_plan_owner_may_add_updates_others_may_not(
    client_for: Callable[..., Client], make_user: Callable[..., User], plan: Allocation
) -> None:
    url = reverse("inspections:add_update", args=[plan.pk])
    owner = client_for(make_user(Role.OFFICER, job_title="Head of Audit"))
    plan_owner = client_for(make_user(Role.SUPERVISOR, job_title=plan.portfolio.plan_owner))
    stranger = client_for(make_user(Role.CHIEF_OFFICER, job_title="ACC Crime"))
    assert owner.get(url).status_code == 200
    assert plan_owner.get(url).status_code == 200
    r = stranger.post(url, {"status": "green", "text": "sneaky"})
    assert r.status_code == 403
    assert not ProgressUpdate.objects.filter(text="sneaky").exists()
    r = owner.post(url, {"status": "green", "text": "Done the work", "based_on": plan.updates.get().pk})
    assert r.status_code == 302
    u = ProgressUpdate.objects.get(text="Done the work")
    assert u.status == Status.GREEN and u.author_name
    assert AuditEvent.objects.filter(model="progressupdate", object_pk=str(u.pk), action="create").exists()


def test_update_form_reports_every_problem_and_saves_nothing(
    client_for: Callable[..., Client], make_user: Callable[..., User], plan: Allocation
) -> None:
    c = client_for(make_user(Role.PERFORMANCE))
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    r = c.post(reverse("inspections:add_update", args=[plan.pk]), {"status": "", "text": "", "date": future})
    assert r.status_code == 200
    fields = {p.field for p in r.context["problems"]}
    assert {"status", "text"} <= fields
    assert plan.updates.count() == 1


def test_an_update_based_on_a_stale_view_is_refused_showing_the_other_update(
    client_for: Callable[..., Client], make_user: Callable[..., User], plan: Allocation
) -> None:
    first_seen = plan.updates.get().pk
    a = client_for(make_user(Role.PERFORMANCE, username="alice"))
    b = client_for(make_user(Role.OFFICER, username="bob", job_title="Head of Audit"))
    url = reverse("inspections:add_update", args=[plan.pk])
    assert a.post(url, {"status": "red", "text": "Alice says red", "based_on": first_seen}).status_code == 302
    r = b.post(url, {"status": "green", "text": "Bob says green", "based_on": first_seen})
    assert r.status_code == 409
    assert b"Alice says red" in r.content
    assert not ProgressUpdate.objects.filter(text="Bob says green").exists()
    assert ProgressUpdate.objects.filter(text="Alice says red").exists()


def test_concurrent_allocation_edits_second_save_is_refused_and_nothing_lost(
    client_for: Callable[..., Client], make_user: Callable[..., User], plan: Allocation
) -> None:
    url = reverse("inspections:edit_allocation", args=[plan.pk])
    a = client_for(make_user(Role.PERFORMANCE, username="ann"))
    b = client_for(make_user(Role.PERFORMANCE, username="ben"))
    v = plan.version
    assert (
        a.post(
            url, {"action_owner": "Head of Performance", "due_date": "2030-02-01", "version": v}
        ).status_code
        == 302
    )
    r = b.post(url, {"action_owner": "Someone Else", "due_date": "2031-01-01", "version": v})
    assert r.status_code == 409
    assert b"ann" in r.content and b"action_owner" in r.content
    plan.refresh_from_db()
    assert plan.action_owner == "Head of Performance" and plan.due_date == dt.date(2030, 2, 1)


def test_rules_change_is_versioned_and_audited(
    client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    c = client_for(make_user(Role.PERFORMANCE))
    v = PlanRules.current().version
    assert (
        c.post(
            reverse("inspections:rules"), {"stale_after_days": 30, "due_soon_days": 7, "version": v}
        ).status_code
        == 302
    )
    assert PlanRules.current().stale_after_days == 30
    r = c.post(reverse("inspections:rules"), {"stale_after_days": 60, "due_soon_days": 7, "version": v})
    assert r.status_code == 409
    assert PlanRules.current().stale_after_days == 30
    assert AuditEvent.objects.filter(model="planrules", action="update").count() == 1


def test_transfer_moves_the_item_and_the_summary(
    client_for: Callable[..., Client], make_user: Callable[..., User], plan: Allocation
) -> None:
    target = PortfolioFactory.create(name="Crime")
    c = client_for(make_user(Role.PERFORMANCE))
    r = c.post(
        reverse("inspections:transfer", args=[plan.pk]),
        {"to": target.pk, "on": "2024-07-01", "action_owner": "Force Crime Registrar", "note": "Moved"},
    )
    assert r.status_code == 302
    plan.refresh_from_db()
    assert plan.ended_by_transfer and plan.ended_on == dt.date(2024, 7, 1) and plan.transferred_to == target
    new = Allocation.objects.get(finding=plan.finding, portfolio=target)
    assert new.started_on == dt.date(2024, 7, 1) and new.action_owner == "Force Crime Registrar"


@pytest.mark.parametrize("name", ["list", "dashboard", "mine", "inspection", "portfolio"])
def test_list_pages_run_a_fixed_number_of_queries(
    name: str,
    client_for: Callable[..., Client],
    make_user: Callable[..., User],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    user = make_user(Role.PERFORMANCE, job_title="Head of Audit")
    c = client_for(user)
    insp = InspectionFactory()
    p = PortfolioFactory()
    PlanRules.current()
    counts = []
    for n in (3, 30):
        for i in range(n):
            a = AllocationFactory(
                finding=FindingFactory(inspection=insp),
                portfolio=p,
                action_owner="Head of Audit",
                due_date=dt.date(2024, 1, 1) + dt.timedelta(days=i),
            )
            ProgressUpdateFactory(allocation=a, date=dt.date(2023, 1, 1), status=Status.RED)
        url = {
            "list": reverse("inspections:list"),
            "dashboard": reverse("inspections:dashboard"),
            "mine": reverse("inspections:my_actions"),
            "inspection": reverse("inspections:inspection", args=[insp.pk]),
            "portfolio": reverse("inspections:portfolio", args=[p.pk]),
        }[name]
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], f"{name}: {counts[0]} queries for 3 items but {counts[1]} for 30"
    with django_assert_max_num_queries(20):
        c.get(url)


def test_import_page_reports_problems_with_rows_and_imports_good_files(
    client_for: Callable[..., Client], make_user: Callable[..., User], tmp_path: Path
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_for(make_user(Role.PERFORMANCE))
    header = (
        "inspection,ref,kind,parent_ref,category,text,pages,portfolio,portfolio_holder,plan_owner,role,"
        "action_owner,due_date,status,update_date,update,transferred_to,transferred_on\n"
    )
    bad = header + "T,R.1,recommendation,,,Text,,Crime,,,boss,,2024-13-01,GREEN,2024-01-01,ok,,\n"
    r = c.post(reverse("inspections:import"), {"file": SimpleUploadedFile("bad.csv", bad.encode())})
    assert r.status_code == 422
    problems = {(p.row, p.field) for p in r.context["problems"]}
    assert (2, "role") in problems and (2, "due_date") in problems
    good = header + "T,R.1,recommendation,,,Text,,Crime,,,lead,,2024-12-01,GREEN,2024-01-01,ok,,\n"
    r = c.post(reverse("inspections:import"), {"file": SimpleUploadedFile("good.csv", good.encode())})
    assert r.status_code == 302
    assert Allocation.objects.filter(finding__ref="R.1", portfolio__name="Crime").exists()


def test_extract_then_accept_creates_the_inspection(
    client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    from beacon.inspections.models import Inspection

    sample = Path(__file__).resolve().parents[4] / "testdata" / "inspection-report-sample.txt"
    c = client_for(make_user(Role.PERFORMANCE))
    r = c.post(
        reverse("inspections:extract"),
        {"step": "upload", "file": SimpleUploadedFile("report.txt", sample.read_bytes())},
    )
    assert r.status_code == 200
    draft = r.context["draft"]
    assert len(draft["grades"]) == 3 and len(draft["recommendations"]) == 4
    post = {
        "step": "accept",
        "title": "Wessex 2009",
        "inspectorate": "HMIC",
        "kind": "force",
        "published": "2009-03-01",
        "grade-count": 3,
        "rec-count": 4,
        "afi-count": len(draft["areas_for_improvement"]),
    }
    for i, g in enumerate(draft["grades"]):
        post |= {
            f"grade-{i}-keep": "on",
            f"grade-{i}-area": g["area"],
            f"grade-{i}-grade": g["grade"],
            f"grade-{i}-distribution": ", ".join(f"{k}: {v}" for k, v in g["national_distribution"].items()),
        }
    for i, rec in enumerate(draft["recommendations"]):
        post |= {
            f"rec-{i}-keep": "on",
            f"rec-{i}-number": rec["number"],
            f"rec-{i}-text": rec["text"],
            f"rec-{i}-area": rec["area"],
        }
    for i, a in enumerate(draft["areas_for_improvement"]):
        if i == 0:
            continue  # the reviewer drops the first one
        post |= {f"afi-{i}-keep": "on", f"afi-{i}-text": a["text"], f"afi-{i}-area": a["area"]}
    post["rec-0-text"] = "Edited by the reviewer."
    r = c.post(reverse("inspections:extract"), post)
    assert r.status_code == 302
    insp = Inspection.objects.get(title="Wessex 2009")
    assert insp.graded_areas.count() == 3
    assert insp.graded_areas.get(name="Call handling").national_distribution == {
        "Excellent": 3,
        "Good": 22,
        "Fair": 16,
        "Poor": 2,
    }
    assert insp.findings.filter(kind="recommendation").count() == 4
    assert insp.findings.get(ref="R.1").text == "Edited by the reviewer."
    assert (
        insp.findings.filter(kind="area_for_improvement").count() == len(draft["areas_for_improvement"]) - 1
    )


def test_dashboard_filters_by_action_owner(client_for: Callable[..., Client]) -> None:
    PlanRules.current()
    mine = AllocationFactory(action_owner="Head of Audit", due_date=dt.date(2020, 1, 1))
    other = AllocationFactory(action_owner="Head of Contact Centre", due_date=dt.date(2020, 1, 1))
    c = client_for(role=Role.PERFORMANCE)
    r = c.get(reverse("inspections:dashboard"), {"owner": "Head of Audit"})
    assert r.status_code == 200 and not r.context["form"].errors
    refs = {i.finding.ref for _, _, items in r.context["groups"] for i in items}
    assert mine.finding.ref in refs and other.finding.ref not in refs
