"""Minimum standards' due dates, priority points and RAG with their reasons — the database's
ordering and the Python reasons agree — and the supervisor's list (cases and incidents together)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from beacon.cases import selectors, services
from beacon.cases.models import Case
from beacon.cases.priority import AMBER, GREEN, RED, annotate_cases, evaluate_case
from beacon.cases.standards import DueInputs, compute_dues, current_policy, weights
from beacon.cases.tests import factories as f
from beacon.core.models import User
from beacon.incidents.models import InboxItem, ResponseGrade

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def _age(case: Case, days: int) -> Case:
    """Move a case's opening `days` into the past and recompute its dues as the services would."""
    Case.objects.filter(pk=case.pk).update(opened_at=case.opened_at - dt.timedelta(days=days))
    case.refresh_from_db()
    services.refresh(case)
    case.save()
    return case


def test_due_dates_follow_the_policy(db: None) -> None:
    policy = current_policy()
    opened = timezone.make_aware(dt.datetime(2026, 3, 2, 10, 0))
    d = compute_dues(policy, DueInputs("high", opened, None, {}))
    assert d["first_contact_due"] == dt.date(2026, 3, 3)
    assert d["update_due"] is None
    assert d["sergeant_review_due"] == dt.date(2026, 3, 16)
    assert d["chief_inspector_review_due"] == dt.date(2026, 4, 27)
    contact = timezone.make_aware(dt.datetime(2026, 3, 4, 9, 0))
    review = timezone.make_aware(dt.datetime(2026, 3, 10, 9, 0))
    d = compute_dues(policy, DueInputs("medium", opened, contact, {"sergeant": review}))
    assert d["update_due"] == dt.date(2026, 3, 18)
    assert d["sergeant_review_due"] == dt.date(2026, 4, 7)
    assert d["inspector_review_due"] == dt.date(2026, 4, 27)
    assert d["chief_inspector_review_due"] is None
    # Reopened: the clocks restart from the reopening.
    reopened = timezone.make_aware(dt.datetime(2026, 6, 1, 9, 0))
    d = compute_dues(policy, DueInputs("medium", opened, contact, {"sergeant": review}, reopened))
    assert d["update_due"] == dt.date(2026, 6, 15)
    assert d["sergeant_review_due"] == dt.date(2026, 6, 29)


def test_contacts_and_reviews_keep_dues_up_to_date(
    officer: User, sergeant: User, place: dict[str, Any]
) -> None:
    case = _age(f.open_case(officer, level="high", area=place["north"]), 3)
    today = timezone.localdate()
    assert case.first_contact_due == today - 2 * DAY
    services.record_contact(officer, case.pk, method="phone", summary="Spoke to the victim.")
    case.refresh_from_db()
    assert case.first_contact_at is not None and case.update_due == today + 7 * DAY
    services.record_review(sergeant, case.pk, tier="sergeant", decision="Plan is right.")
    case.refresh_from_db()
    assert case.sergeant_review_due == today + 14 * DAY
    assert case.inspector_review_due == today + 25 * DAY  # still from the opening


def _db_view(case: Case, today: dt.date) -> tuple[int, int]:
    w = weights(current_policy())
    row = annotate_cases(Case.objects.filter(pk=case.pk), today, w).values_list("score", "rag").get()
    return row[0], row[1]


def test_high_without_first_contact_is_red_until_contact(officer: User, place: dict[str, Any]) -> None:
    case = f.open_case(officer, level="high", area=place["north"])
    today = timezone.localdate()
    w = weights(current_policy())
    ev = evaluate_case(case, today, w, set())
    assert ev.rag == RED and ev.reasons[0] == "High risk with no first contact yet"
    assert "First contact due in 1 day" in ev.reasons
    assert _db_view(case, today) == (ev.score, RED)
    services.record_contact(officer, case.pk, method="visit", summary="Visited.")
    case.refresh_from_db()
    ev = evaluate_case(case, today, w, set())
    assert ev.rag == AMBER and ev.reasons[0] == "High risk"
    assert _db_view(case, today) == (ev.score, AMBER)


def test_overdue_reasons_and_score(officer: User, place: dict[str, Any]) -> None:
    case = _age(f.open_case(officer, level="medium", area=place["north"]), 5)  # first contact due day 3
    today = timezone.localdate()
    w = weights(current_policy())
    ev = evaluate_case(case, today, w, set())
    assert "First contact overdue by 2 days" in ev.reasons and "Medium risk" in ev.reasons
    assert ev.overdue_days == 2
    assert ev.score == w["risk"]["medium"] + 2 * w["per_day_overdue"]
    assert ev.rag == RED
    assert _db_view(case, today) == (ev.score, RED)
    states = {s.standard: s.state for s in ev.standards}
    assert states == {
        "first_contact": "overdue",
        "update": "not_due",
        "sergeant_review": "not_due",
        "inspector_review": "not_due",
    }
    # Days later the same case scores more, and the list would put it first.
    later = today + 10 * DAY
    assert _db_view(case, later)[0] == evaluate_case(case, later, w, set()).score > ev.score


def test_standard_case_green_then_amber_when_due_soon(officer: User, place: dict[str, Any]) -> None:
    case = f.open_case(officer, level="standard", area=place["north"])
    today = timezone.localdate()
    w = weights(current_policy())
    assert evaluate_case(case, today, w, set()).rag == GREEN
    assert _db_view(case, today)[1] == GREEN
    assert case.first_contact_due is not None
    soon = case.first_contact_due - DAY
    ev = evaluate_case(case, soon, w, set())
    assert ev.rag == AMBER and "First contact due in 1 day" in ev.reasons
    assert _db_view(case, soon)[1] == AMBER


def test_many_cases_db_and_python_agree(officer: User, sergeant: User, place: dict[str, Any]) -> None:
    made = []
    for i, level in enumerate(["standard", "medium", "high"] * 3):
        c = _age(f.open_case(officer, level=level, area=place["north"]), i * 6)
        if i % 2:
            services.record_contact(officer, c.pk, method="phone", summary="Update.")
        if i % 3 == 0 and level != "standard":
            services.record_review(sergeant, c.pk, tier="sergeant", decision="Reviewed.")
        made.append(c.pk)
    w = weights(current_policy())
    for today in (timezone.localdate(), timezone.localdate() + 20 * DAY):
        rows = {c.pk: c for c in annotate_cases(Case.objects.filter(pk__in=made), today, w)}
        for c in rows.values():
            ev = evaluate_case(c, today, w, None)
            assert (c.score, c.rag) == (ev.score, ev.rag), c.reference


def test_supervisor_list_orders_cases_and_incidents(
    officer: User, sergeant: User, place: dict[str, Any], south_officer: User
) -> None:
    green = f.open_case(officer, level="standard", area=place["north"])
    red = _age(f.open_case(officer, level="medium", area=place["north"]), 6)
    f.open_case(south_officer, level="high", area=place["south"])  # another area: not listed
    immediate = ResponseGrade.objects.get(code="immediate")
    inc = f.incident(
        neighbourhood=place["market"], vulnerable_victim=True, response_grade=immediate, is_asb=True
    )
    waiting = f.incident(neighbourhood=place["market"])
    InboxItem.objects.create(
        incident=waiting, neighbourhood=place["market"], placed_at=timezone.now() - dt.timedelta(days=3)
    )
    # Late by the call's time (received three days ago), as the inbox counts.
    type(waiting).objects.filter(pk=waiting.pk).update(received_at=timezone.now() - dt.timedelta(days=3))
    covered = f.incident(neighbourhood=place["market"])
    services.add_incident(officer, green.pk, covered.pk)  # on an open case: the case stands for it
    page = selectors.supervisor_list(sergeant, selectors.SupervisorFilters())
    kinds = [(r.kind, r.obj.pk) for r in page.rows]
    assert ("incident", covered.pk) not in kinds
    assert page.cases_count == 2 and page.incidents_count == 2
    assert kinds[0] == ("case", red.pk) or kinds[0] == ("incident", waiting.pk)
    by = {(r.kind, r.obj.pk): r for r in page.rows}
    assert by[("case", red.pk)].rag_name == "red"
    assert any(x.startswith("First contact overdue by") for x in by[("case", red.pk)].reasons)
    assert by[("incident", waiting.pk)].rag_name == "red"
    assert by[("incident", waiting.pk)].reasons[0].startswith("Not acknowledged by the team: overdue by")
    assert by[("incident", inc.pk)].rag_name == "amber"
    assert "Graded Immediate" in by[("incident", inc.pk)].reasons
    assert by[("case", green.pk)].rag_name == "green"
    assert [r.rag for r in page.rows] == sorted([r.rag for r in page.rows], reverse=True)
    assert page.red_count == 2
    reds = selectors.supervisor_list(sergeant, selectors.SupervisorFilters(rag="red"))
    assert {(r.kind, r.obj.pk) for r in reds.rows} == {("case", red.pk), ("incident", waiting.pk)}
    only = selectors.supervisor_list(
        sergeant, selectors.SupervisorFilters(neighbourhood_id=place["docks"].pk)
    )
    assert only.rows == []
    # Paged: the second page continues the first.
    one = selectors.supervisor_list(sergeant, selectors.SupervisorFilters(), per_page=2)
    two = selectors.supervisor_list(sergeant, selectors.SupervisorFilters(), page=2, per_page=2)
    assert [(r.kind, r.obj.pk) for r in one.rows + two.rows] == kinds


def test_incident_waiting_for_assessment_turns_red(
    officer: User, sergeant: User, place: dict[str, Any]
) -> None:
    victim = f.person()
    inc = f.incident(
        neighbourhood=place["market"],
        victim=victim,
        repeat_victim=True,
        received_at=timezone.now() - dt.timedelta(days=5),
    )
    page = selectors.supervisor_list(sergeant, selectors.SupervisorFilters(kind="incident"))
    row = page.rows[0]
    assert row.obj.pk == inc.pk and row.rag_name == "red"
    # Due 72 hours (the default) after it was received: two days overdue, not five.
    assert "Risk assessment overdue by 2 days" in row.reasons
    f.assessment(officer, victim, "standard", incident=inc)
    row = selectors.supervisor_list(sergeant, selectors.SupervisorFilters(kind="incident")).rows[0]
    assert row.rag_name == "amber" and not any("assessment" in r for r in row.reasons)


def test_a_red_incident_stays_on_the_list_when_a_case_covers_it(
    officer: User, sergeant: User, place: dict[str, Any]
) -> None:
    from beacon.incidents.models import InboxItem

    victim = f.person()
    late = f.incident(neighbourhood=place["market"], victim=victim, vulnerable_victim=True)
    InboxItem.objects.create(
        incident=late, neighbourhood=place["market"], placed_at=timezone.now() - dt.timedelta(days=3)
    )
    type(late).objects.filter(pk=late.pk).update(received_at=timezone.now() - dt.timedelta(days=3))
    f.assessment(officer, victim, "standard", incident=late)  # assessed: only the inbox is late
    quiet = f.incident(neighbourhood=place["market"], victim=victim)
    case = f.open_case(officer, level="medium", area=place["north"], victim=victim)
    services.add_incident(officer, case.pk, late.pk)
    services.add_incident(officer, case.pk, quiet.pk)
    listed = selectors.supervisor_list(sergeant, selectors.SupervisorFilters(kind="incident"))
    assert [(r.obj.pk, r.rag_name) for r in listed.rows] == [(late.pk, "red")]
    assert listed.red_count == 1 and "Part of an open case" in listed.rows[0].reasons[-1]
    # Acknowledged: the case stands for it again.
    InboxItem.objects.filter(incident=late).update(acknowledged_at=timezone.now())
    assert selectors.supervisor_list(sergeant, selectors.SupervisorFilters(kind="incident")).rows == []
