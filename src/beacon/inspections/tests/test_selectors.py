"""Status as at a date, derived flags with reasons, and the board-paper summary."""

from __future__ import annotations

import datetime as dt

import pytest
from pytest_django import DjangoAssertNumQueries

from beacon.inspections import selectors
from beacon.inspections.models import Allocation, Finding, PlanRules, Status
from beacon.inspections.tests.factories import (
    AllocationFactory,
    FindingFactory,
    InspectionFactory,
    PortfolioFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db
D = dt.date


def _item(alloc: Allocation, as_of: dt.date) -> selectors.PlanItem:
    (item,) = selectors.plan_items(Allocation.objects.filter(pk=alloc.pk), as_of)
    return item


def test_status_as_at_is_the_latest_update_on_or_before_the_date() -> None:
    a = AllocationFactory()
    ProgressUpdateFactory(allocation=a, date=D(2024, 3, 1), status=Status.RED, text="one")
    ProgressUpdateFactory(allocation=a, date=D(2024, 5, 1), status=Status.AMBER, text="two")
    ProgressUpdateFactory(allocation=a, date=D(2024, 7, 1), status=Status.GREEN, text="three")
    assert _item(a, D(2024, 2, 28)).latest is None
    assert _item(a, D(2024, 3, 1)).status == Status.RED
    assert _item(a, D(2024, 6, 30)).status == Status.AMBER
    assert _item(a, D(2025, 1, 1)).status == Status.GREEN


def test_a_correction_on_the_same_day_wins_over_the_update_it_corrects() -> None:
    a = AllocationFactory()
    first = ProgressUpdateFactory(allocation=a, date=D(2024, 3, 1), status=Status.GREEN, text="typo")
    ProgressUpdateFactory(
        allocation=a, date=D(2024, 3, 1), status=Status.RED, text="corrected", corrects=first
    )
    assert _item(a, D(2024, 3, 2)).status == Status.RED


def test_updates_are_never_edited_in_place() -> None:
    u = ProgressUpdateFactory.create()
    u.text = "changed"
    with pytest.raises(ValueError, match="never edited"):
        u.save()


def test_overdue_stale_and_no_owner_flags_each_give_their_reason() -> None:
    a = AllocationFactory(due_date=D(2024, 6, 30), action_owner="")
    ProgressUpdateFactory(allocation=a, date=D(2024, 5, 1), status=Status.AMBER)
    item = _item(a, D(2024, 7, 10))
    codes = {f.code: f.reason for f in item.flags}
    assert set(codes) == {"overdue", "stale", "no_owner"}
    assert "30 June 2024" in codes["overdue"] and "10 days ago" in codes["overdue"]
    assert "70 days ago" in codes["stale"] and "limit 42" in codes["stale"]


def test_closed_items_are_never_flagged() -> None:
    a = AllocationFactory(due_date=D(2024, 1, 1), action_owner="")
    ProgressUpdateFactory(allocation=a, date=D(2023, 6, 1), status=Status.COMPLETE)
    assert _item(a, D(2024, 12, 1)).flags == []
    b = AllocationFactory(due_date=D(2024, 1, 1))
    ProgressUpdateFactory(allocation=b, date=D(2023, 6, 1), status=Status.NA)
    assert _item(b, D(2024, 12, 1)).flags == []


def test_stale_limit_is_configurable_and_due_soon_window_too() -> None:
    a = AllocationFactory(due_date=D(2024, 7, 20))
    ProgressUpdateFactory(allocation=a, date=D(2024, 6, 1), status=Status.GREEN)
    as_of = D(2024, 7, 11)  # 40 days since the update, due in 9
    assert {f.code for f in _item(a, as_of).flags} == {"due_soon"}
    rules = PlanRules.current()
    rules.stale_after_days = 30
    rules.due_soon_days = 5
    rules.save()
    assert {f.code for f in _item(a, as_of).flags} == {"stale"}


def test_summary_counts_as_board_papers_do() -> None:
    insp = InspectionFactory()
    p, other = PortfolioFactory(name="Local"), PortfolioFactory(name="Other")
    statuses = [Status.COMPLETE, Status.NA, Status.GREEN, Status.AMBER, Status.RED, Status.BLANK]
    for i, s in enumerate(statuses):
        a = AllocationFactory(finding=FindingFactory(inspection=insp, ref=f"AFI.{i}"), portfolio=p)
        ProgressUpdateFactory(allocation=a, date=D(2024, 1, 1), status=s)
    no_update = AllocationFactory(finding=FindingFactory(inspection=insp, ref="AFI.9"), portfolio=p)
    rec = AllocationFactory(
        finding=FindingFactory(inspection=insp, ref="R.1", kind=Finding.Kind.RECOMMENDATION), portfolio=p
    )
    ProgressUpdateFactory(allocation=rec, date=D(2024, 1, 1), status=Status.GREEN)
    # supporting and transferred-out allocations do not count where they are
    AllocationFactory(finding=no_update.finding, portfolio=other, role=Allocation.Role.SUPPORTING)
    moved = AllocationFactory(
        finding=FindingFactory(inspection=insp, ref="AFI.20"),
        portfolio=other,
        ended_on=D(2024, 2, 1),
        ended_by_transfer=True,
        transferred_to=p,
    )
    AllocationFactory(finding=moved.finding, portfolio=p, started_on=D(2024, 2, 1))

    summary = {s["portfolio"]: s for s in selectors.inspection_summary(insp, D(2024, 3, 1))}
    # the update without a status, AFI.9 (no update) and AFI.20 (no update since it moved here)
    assert summary["Local"]["areas_for_improvement"] == {
        "total": 8,
        "completed": 2,
        "green": 1,
        "amber": 1,
        "red": 1,
        "no_status": 3,
        "overdue": 0,
    }
    assert summary["Local"]["recommendations"] == {
        "total": 1,
        "completed": 0,
        "green": 1,
        "amber": 0,
        "red": 0,
        "no_status": 0,
        "overdue": 0,
    }
    assert summary["Local"]["causes_of_concern"]["total"] == 0
    assert summary["Other"]["areas_for_improvement"]["total"] == 0  # listed, counts nothing
    # Before the transfer the item counted in the old portfolio, not the new one.
    before = {s["portfolio"]: s for s in selectors.inspection_summary(insp, D(2024, 1, 15))}
    assert before["Other"]["areas_for_improvement"]["total"] == 1
    assert before["Local"]["areas_for_improvement"]["total"] == 7


def test_summary_table_rows_show_causes_of_concern_only_where_there_are_any() -> None:
    entry = {k: selectors.empty_counts() for k, _, _ in selectors.SUMMARY_ROWS}
    labels = [r["label"] for r in selectors.summary_table_rows(entry, show_causes=False)]
    assert labels == ["Recommendations", "Areas for improvement"]
    labels = [r["label"] for r in selectors.summary_table_rows(entry, show_causes=True)]
    assert labels[-1] == "Causes of concern"


def test_finding_tree_nests_concerns_recommendations_and_afis() -> None:
    insp = InspectionFactory()
    cc = FindingFactory(inspection=insp, ref="CC.1", kind=Finding.Kind.CAUSE_OF_CONCERN)
    r1 = FindingFactory(inspection=insp, ref="R.1", kind=Finding.Kind.RECOMMENDATION, parent=cc)
    FindingFactory(inspection=insp, ref="AFI.1", parent=r1)
    FindingFactory(inspection=insp, ref="AFI.2")
    tree = selectors.finding_tree(insp)
    assert [n[0].ref for n in tree] == ["CC.1", "AFI.2"]
    assert tree[0][1][0][0].ref == "R.1"
    assert tree[0][1][0][1][0][0].ref == "AFI.1"


def test_plan_items_runs_a_fixed_number_of_queries(
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    p = PortfolioFactory()
    PlanRules.current()  # the rules row exists in any running force
    for n in (3, 40):
        for _ in range(n):
            ProgressUpdateFactory(allocation=AllocationFactory(portfolio=p))
        with django_assert_max_num_queries(3):
            selectors.portfolio_plan(p, None, D(2024, 12, 31))
