"""The audit trail: creates, updates, deletes and reads, and who may see it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from beacon.core import audit
from beacon.core.audit import audit_source
from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.inspections.tests.factories import PortfolioFactory

pytestmark = pytest.mark.django_db


def test_create_update_delete_keep_who_when_and_before_after(make_user: Callable[..., User]) -> None:
    actor = make_user(Role.PERFORMANCE, username="auditor")
    p = PortfolioFactory(name="Crime", holder="ACC Crime")
    audit.record_create(actor, p)
    before = audit.snapshot(p)
    p.holder = "ACC Operations"
    p.save()
    audit.record_update(actor, p, before)
    audit.record_delete(actor, p)
    events = list(AuditEvent.objects.filter(model="portfolio", object_pk=str(p.pk)).order_by("id"))
    assert [e.action for e in events] == ["create", "update", "delete"]
    assert all(e.actor == actor and e.actor_label == "auditor" for e in events)
    assert events[0].changes["holder"] == [None, "ACC Crime"]
    assert events[1].changes == {"holder": ["ACC Crime", "ACC Operations"]}
    assert events[2].changes["holder"] == ["ACC Operations", None]


def test_update_without_change_writes_nothing(make_user: Callable[..., User]) -> None:
    p = PortfolioFactory()
    before = audit.snapshot(p)
    assert audit.record_update(make_user(), p, before) is None
    assert not AuditEvent.objects.filter(action="update").exists()


def test_reads_of_personal_data_are_logged_with_purpose_and_source(make_user: Callable[..., User]) -> None:
    officer = make_user(Role.OFFICER, username="reader")
    target = make_user(Role.PARTNER, username="subject")
    with audit_source("web"):
        audit.record_read(officer, target, reason="call taking", fields=["email", "first_name"])
    ev = AuditEvent.objects.get(action="read")
    assert (ev.actor_label, ev.model, ev.object_pk, ev.reason, ev.source) == (
        "reader",
        "user",
        str(target.pk),
        "call taking",
        "web",
    )
    assert ev.changes == {"fields": ["email", "first_name"]}


def test_only_administrators_see_the_audit_trail(client_for: Callable[..., Client]) -> None:
    p = PortfolioFactory(name="Operations")
    audit.record_create(None, p)
    for role in Role:
        c = client_for(role=role)
        r = c.get(reverse("core:audit"))
        r2 = c.get(reverse("core:record_history", args=["inspections", "portfolio", p.pk]))
        if role == Role.ADMIN:
            assert r.status_code == 200 and b"Operations" in r.content
            assert r2.status_code == 200 and b"Operations" in r2.content
        else:
            assert r.status_code == 403, role
            assert r2.status_code == 403, role


def test_audit_list_query_count_does_not_grow(
    client_for: Callable[..., Client], django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    c = client_for(role=Role.ADMIN)
    for i in range(60):
        audit.record_create(None, PortfolioFactory(name=f"P{i}"))
    with django_assert_max_num_queries(8):
        assert c.get(reverse("core:audit")).status_code == 200


def test_bulk_audit_entries_read_back_like_single_ones(make_user: Callable[..., User]) -> None:
    actor = make_user(Role.PERFORMANCE, username="bulk")
    portfolios = [PortfolioFactory.create(name=f"Bulk {i}", holder="ACC") for i in range(3)]
    with audit_source("command:plans import"):
        assert audit.record_creates(actor, portfolios, reason="import x.csv") == 3
        assert audit.record_reads(actor, portfolios, reason="board paper") == 3
    created = AuditEvent.objects.filter(action="create", model="portfolio").order_by("object_pk")
    assert [e.object_pk for e in created] == sorted(str(p.pk) for p in portfolios)
    e = created[0]
    assert e.actor == actor and e.actor_label == "bulk" and e.reason == "import x.csv"
    assert e.source == "command:plans import" and e.app_label == "inspections"
    assert e.changes["holder"] == [None, "ACC"] and e.at is not None
    assert AuditEvent.objects.filter(action="read", model="portfolio", reason="board paper").count() == 3


def test_batched_entries_are_written_together_in_order_at_the_end(make_user: Callable[..., User]) -> None:
    actor = make_user(Role.PERFORMANCE, username="batch")
    p = PortfolioFactory.create(name="One", holder="ACC")
    q = PortfolioFactory.create(name="Two", holder="ACC")
    with audit_source("api"), audit.batched():
        audit.record_create(actor, p, reason="first")
        before = audit.snapshot(p)
        p.holder = "DCC"
        audit.record_update(actor, p, before)
        assert not AuditEvent.objects.exists()  # held back until the block ends
        audit.record_reads(actor, [q], reason="listed")  # written at once: what was held goes first
        audit.record_create(actor, q)
    events = list(AuditEvent.objects.order_by("id"))
    assert [(e.action, e.object_pk) for e in events] == [
        ("create", str(p.pk)),
        ("update", str(p.pk)),
        ("read", str(q.pk)),
        ("create", str(q.pk)),
    ]
    assert events[0].reason == "first" and events[0].changes["holder"] == [None, "ACC"]
    assert events[1].changes == {"holder": ["ACC", "DCC"]}
    assert all(e.actor == actor and e.source == "api" for e in events)
    assert events[0].at <= events[1].at <= events[3].at


def test_batched_entries_are_not_written_when_the_block_fails(make_user: Callable[..., User]) -> None:
    p = PortfolioFactory()
    with pytest.raises(RuntimeError), audit.batched():
        audit.record_create(make_user(), p)
        raise RuntimeError("the write failed")
    assert not AuditEvent.objects.exists()
