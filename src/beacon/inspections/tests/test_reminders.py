from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from beacon.core.models import User
from beacon.core.roles import Role
from beacon.inspections.models import Status
from beacon.inspections.tests.factories import AllocationFactory, PortfolioFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db
D = dt.date


def test_each_owner_gets_one_email_with_their_overdue_stale_and_due_soon_items(
    make_user: Callable[..., User],
) -> None:
    owner = make_user(Role.OFFICER, job_title="Supt Neighbourhoods", email="supt@force.example")
    plan_owner = make_user(Role.SUPERVISOR, job_title="Ch Supt Neighbourhoods", email="chsupt@force.example")
    p = PortfolioFactory(name="Local Policing", plan_owner="Ch Supt Neighbourhoods")
    overdue = AllocationFactory(portfolio=p, action_owner="Supt Neighbourhoods", due_date=D(2024, 6, 1))
    ProgressUpdateFactory(allocation=overdue, date=D(2024, 6, 20), status=Status.AMBER)
    soon = AllocationFactory(portfolio=p, action_owner="supt neighbourhoods", due_date=D(2024, 7, 10))
    ProgressUpdateFactory(allocation=soon, date=D(2024, 6, 25), status=Status.GREEN)
    fine = AllocationFactory(portfolio=p, action_owner="Supt Neighbourhoods", due_date=D(2025, 1, 1))
    ProgressUpdateFactory(allocation=fine, date=D(2024, 6, 25), status=Status.GREEN)
    nobody = AllocationFactory(portfolio=p, action_owner="Unknown Person", due_date=D(2024, 1, 1))
    ProgressUpdateFactory(allocation=nobody, date=D(2024, 6, 25), status=Status.RED)

    out = StringIO()
    call_command("plans", "remind", "--as-of", "2024-07-01", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["emails"] == 2 and report["items"] == 3 and report["unrouted"] == []
    by_to = {m.to[0]: m for m in mail.outbox}
    assert set(by_to) == {owner.email, plan_owner.email}
    body = str(by_to[owner.email].body)  # typed str | lazy string in django-stubs
    assert overdue.finding.ref in body and soon.finding.ref in body and fine.finding.ref not in body
    assert "Overdue" in body and "Due within" in body
    # an item whose owner has no account goes to the portfolio's plan owner
    assert nobody.finding.ref in str(by_to[plan_owner.email].body)


def test_dry_run_sends_nothing() -> None:
    AllocationFactory(action_owner="Nobody", due_date=D(2024, 1, 1))
    out = StringIO()
    call_command("plans", "remind", "--as-of", "2024-07-01", "--dry-run", "--json", stdout=out)
    assert mail.outbox == []
    assert json.loads(out.getvalue())["dry_run"] is True
