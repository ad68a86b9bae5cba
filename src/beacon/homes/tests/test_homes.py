"""Each role's home (`/`) shows its own work, each figure linking to the list behind it, in a fixed
number of queries; the menu is grouped by job and still offers every page it offered before."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone

from beacon.cases.models import Case
from beacon.cases.tests import factories as case_factories
from beacon.core.models import Area, Force, User
from beacon.core.roles import Role
from beacon.incidents.models import InboxItem, TriageItem
from beacon.incidents.tests.conftest import make_neighbourhood
from beacon.inspections.models import Allocation, Board, BoardMeeting, Finding, Portfolio, Status
from beacon.inspections.tests.factories import (
    AllocationFactory,
    FindingFactory,
    InspectionFactory,
    PortfolioFactory,
    ProgressUpdateFactory,
)
from beacon.partnership.models import PartnerAgency, Referral

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def beat(db: None) -> dict[str, Any]:
    force = Force.objects.create(name="Homeshire Constabulary", code="HS")
    north = Area.objects.create(force=force, name="North", code="HN")
    market = make_neighbourhood(north, "HN1", "Market", (52.60, -1.12, 52.62, -1.10))
    return {"force": force, "north": north, "market": market}


def _user(role: str, area: Area | None = None, **kwargs: Any) -> User:
    from beacon.core.tests.factories import UserFactory

    user = User.objects.get(pk=UserFactory(role=role, **kwargs).pk)
    if area is not None:
        user.areas.add(area)
    return user


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _home(user: User) -> tuple[Any, str]:
    r = _client(user).get("/")
    assert r.status_code == 200, r.status_code  # never the plans dashboard's redirect
    assert "core/home.html" in [t.name for t in r.templates]
    return r, r.content.decode()


def _figure(html: str, testid: str) -> tuple[str, int]:
    """The link and the count of the figure `testid`."""
    m = re.search(
        rf'<a class="govuk-link" href="([^"]+)" data-testid="figure-{testid}"><strong[^>]*>(\d+)</strong>',
        html,
    )
    assert m, f"no figure {testid}"
    return m.group(1).replace("&amp;", "&"), int(m.group(2))


def _inbox_item(neighbourhood: Any, *, hours_ago: float = 0) -> InboxItem:
    received = timezone.now() - dt.timedelta(hours=hours_ago)
    inc = case_factories.incident(neighbourhood=neighbourhood, received_at=received)
    return InboxItem.objects.create(incident=inc, neighbourhood=neighbourhood, placed_at=received)


def _case(area: Area, *, spoc: User | None = None, n: int = 0) -> Case:
    return Case.objects.create(
        reference=f"CASE-H-{area.pk}-{n:04d}-{Case.objects.count()}",
        title="Noise from the flat above",
        risk_level="medium",
        area=area,
        spoc=spoc,
    )


def _owned_item(user: User, *, status: str = Status.AMBER, due: dt.date | None = None) -> Allocation:
    alloc = AllocationFactory(action_owner_user=user, action_owner=user.get_full_name(), due_date=due)
    ProgressUpdateFactory(allocation=alloc, status=status, date=TODAY - dt.timedelta(days=3))
    return Allocation.objects.get(pk=alloc.pk)


# ---------------------------------------------------------------------------------------------
# Each role's home


def test_the_call_handler_lands_on_take_a_call_with_the_triage_inbox_count(beat: dict[str, Any]) -> None:
    handler = _user(Role.CALL_HANDLER, beat["north"])
    inc = case_factories.incident(area=beat["north"])
    TriageItem.objects.create(incident=inc, reason="No postcode")
    _, html = _home(handler)
    assert 'data-testid="home-take-call"' in html
    assert f'href="{reverse("incidents:new")}"' in html and "Start a new report" in html
    assert f'href="{reverse("incidents:report")}"' in html
    assert _figure(html, "triage") == (reverse("incidents:triage"), 1)


def test_the_officer_sees_their_team_inbox_their_cases_and_their_plan_actions(beat: dict[str, Any]) -> None:
    officer = _user(Role.OFFICER, beat["north"])
    for _ in range(2):
        _inbox_item(beat["market"])
    acknowledged = _inbox_item(beat["market"])
    acknowledged.acknowledged_at = timezone.now()
    acknowledged.save()
    _case(beat["north"], spoc=officer)
    _case(beat["north"])  # someone else's
    _owned_item(officer, due=TODAY - dt.timedelta(days=5))
    _owned_item(officer, due=TODAY + dt.timedelta(days=60))
    _owned_item(officer, status=Status.COMPLETE)
    _, html = _home(officer)
    assert _figure(html, "inbox") == (reverse("incidents:inbox"), 2)
    url, n = _figure(html, "my-cases")
    assert n == 1 and url.startswith(reverse("cases:list")) and "mine=on" in url and "status=open" in url
    assert _figure(html, "my-actions") == (reverse("inspections:my_actions"), 2)
    assert _figure(html, "my-actions-overdue")[1] == 1
    # The figure's link is the list behind it: the case list answers with that one case.
    listed = _client(officer).get(url)
    assert listed.status_code == 200 and listed.context["page"].paginator.count == 1


def test_the_sergeant_sees_the_supervisors_list_unacknowledged_and_assessments_to_review(
    beat: dict[str, Any],
) -> None:
    sergeant = _user(Role.SUPERVISOR, beat["north"], rank="sergeant")
    _inbox_item(beat["market"], hours_ago=200)  # long past the time to acknowledge
    _inbox_item(beat["market"])
    _case(beat["north"])
    victim = case_factories.person()
    case_factories.assessment(sergeant, victim, "high", area=beat["north"])
    _, html = _home(sergeant)
    assert f'href="{reverse("cases:supervisor")}"' in html
    assert _figure(html, "unacknowledged") == (reverse("incidents:unacknowledged"), 1)
    assert _figure(html, "inbox")[1] == 2
    assert _figure(html, "to-review") == (reverse("risk:reviews"), 1)
    url, n = _figure(html, "open-cases")
    assert n == 1 and url.startswith(reverse("cases:supervisor"))
    red_url, _ = _figure(html, "red-cases")
    assert "rag=red" in red_url
    for testid in ("due", "triage", "reviews-overdue", "my-actions"):
        _figure(html, testid)


def test_the_analyst_sees_the_review_queue_and_the_analysis_pages() -> None:
    analyst = _user(Role.ANALYST, all_areas=True)
    _, html = _home(analyst)
    assert _figure(html, "review-queue") == (reverse("people:review"), 0)
    for name in ("incidents:list", "geography:neighbourhoods", "geography:priorities", "partnership:groups"):
        assert f'href="{reverse(name)}"' in html, name


def test_the_performance_team_sees_the_plans_dashboard_counts() -> None:
    perf = _user(Role.PERFORMANCE, all_areas=True)
    AllocationFactory(due_date=TODAY - dt.timedelta(days=3))  # overdue (and stale: never updated)
    AllocationFactory(due_date=TODAY + dt.timedelta(days=5))  # due soon
    _, html = _home(perf)
    url, overdue = _figure(html, "overdue")
    assert url.startswith(reverse("inspections:dashboard")) and overdue == 1
    assert _figure(html, "due_soon")[1] == 1
    assert _figure(html, "stale")[1] == 2
    assert f'href="{reverse("inspections:import")}"' in html
    _figure(html, "crime-review")


def test_the_partner_sees_its_own_agencys_referrals(beat: dict[str, Any]) -> None:
    council, _ = PartnerAgency.objects.update_or_create(
        code="council", defaults={"name": "Homeshire Council", "kind": "council"}
    )
    housing, _ = PartnerAgency.objects.update_or_create(
        code="housing", defaults={"name": "Homes Trust", "kind": "housing"}
    )
    officer = _user(Role.OFFICER, beat["north"])
    for n, agency in enumerate((council, council, housing)):
        Referral.objects.create(
            reference=f"REF-H-{n}",
            agency=agency,
            area=beat["north"],
            person=case_factories.person(),
            reason="Support with noise.",
            consent_by="The victim",
            consent_on=TODAY,
            referred_by=officer,
        )
    partner = _user(Role.PARTNER, partner_agency="council")
    _, html = _home(partner)
    assert "Referrals to Homeshire Council" in html
    url, n = _figure(html, "awaiting-response")
    assert n == 2 and url.startswith(reverse("partnership:referrals"))


def test_the_administrator_sees_the_administration_pages() -> None:
    admin = _user(Role.ADMIN, all_areas=True)
    _, html = _home(admin)
    for name in (
        "incidents:configure",
        "risk:instruments",
        "cases:standards",
        "partnership:configure",
        "core:audit",
        "retention:queue",
        "retention:rules",
    ):
        assert f'href="{reverse(name)}"' in html, name


# ---------------------------------------------------------------------------------------------
# The chief officer's portfolio


@pytest.fixture
def portfolio_plan() -> dict[str, Any]:
    """Local Policing, held by the chief officer (by job title, as plans name holders), with five
    lead findings in two inspections and one supporting; Crime, held by someone else."""
    chief = _user(Role.CHIEF_OFFICER, job_title="ACC Local Policing", all_areas=True)
    mine = PortfolioFactory(name="Local Policing", holder="ACC Local Policing")
    other = PortfolioFactory(name="Crime", holder="ACC Crime")
    asb = InspectionFactory(title="ASB thematic", published=TODAY - dt.timedelta(days=300))
    force = InspectionFactory(title="Force inspection", published=TODAY - dt.timedelta(days=300))
    board = Board.objects.create(name="Programme Board")
    board.inspections.add(asb, force)
    met = TODAY - dt.timedelta(days=20)
    BoardMeeting.objects.create(board=board, date=met)
    BoardMeeting.objects.create(board=board, date=TODAY + dt.timedelta(days=40))

    def item(inspection: Any, portfolio: Any, *updates: tuple[int, str], **kw: Any) -> Allocation:
        kw.setdefault("due_date", TODAY + dt.timedelta(days=90))
        alloc = AllocationFactory(finding=FindingFactory(inspection=inspection), portfolio=portfolio, **kw)
        for days_ago, status in updates:
            ProgressUpdateFactory(allocation=alloc, status=status, date=TODAY - dt.timedelta(days=days_ago))
        return Allocation.objects.select_related("finding").get(pk=alloc.pk)

    red_to_green = item(asb, mine, (60, Status.RED), (5, Status.GREEN))
    item(asb, mine, (60, Status.AMBER))
    completed = item(asb, mine, (60, Status.AMBER), (10, Status.COMPLETE))
    item(asb, mine, due_date=TODAY - dt.timedelta(days=1))  # no update, overdue
    item(force, mine, (50, Status.RED))
    item(force, mine, (2, Status.GREEN), role=Allocation.Role.SUPPORTING)  # not counted
    item(asb, other, (3, Status.RED))
    return {
        "chief": chief,
        "mine": mine,
        "asb": asb,
        "met": met,
        "changed": {red_to_green.finding.ref, completed.finding.ref},
    }


def _row(html: str, label: str) -> dict[str, tuple[int, int | None]]:
    """A summary table row: each column's figure now, and what it was where it changed."""
    start = f'<tr class="govuk-table__row" role="row" data-row="{re.escape(label)}">'
    row = re.search(rf"{start}(.*?)</tr>", html, re.S)
    assert row, label
    out: dict[str, tuple[int, int | None]] = {}
    for col, cell in re.findall(r'data-col="(\w+)">(.*?)</td>', row.group(1), re.S):
        numbers = re.search(r">(\d+)<", cell)
        was = re.search(r'data-was="(\d+)"', cell)
        if numbers is None:
            out[col] = (int(cell.strip()), None)
        else:
            out[col] = (int(numbers.group(1)), int(was.group(1)) if was else None)
    return out


def test_the_chief_officer_sees_their_portfolios_summary_and_what_changed_since_the_board(
    portfolio_plan: dict[str, Any],
) -> None:
    _, html = _home(portfolio_plan["chief"])
    assert "Your portfolio: Local Policing" in html and "Your portfolio: Crime" not in html
    assert f"the Programme Board, on {dateformat.format(portfolio_plan['met'], 'j F Y')}" in html
    asb = _row(html, "ASB thematic")
    assert {c: v[0] for c, v in asb.items()} == {
        "total": 4,
        "completed": 1,
        "green": 1,
        "amber": 1,
        "red": 0,
        "no_status": 1,
        "overdue": 1,
        "updated": 2,
    }
    # As at the board: one Red (now Green), two Amber (one now Complete), none completed.
    assert asb["red"] == (0, 1) and asb["completed"] == (1, 0) and asb["amber"] == (1, 2)
    assert asb["total"] == (4, None)
    force = _row(html, "Force inspection")
    assert force["total"][0] == 1 and force["red"][0] == 1  # the supporting allocation is not counted
    total = _row(html, "All inspections")
    assert total["total"][0] == 5 and total["red"] == (1, 2)
    # Every figure links to the plan behind it.
    plan = reverse("inspections:portfolio", args=[portfolio_plan["mine"].pk])
    assert f'href="{plan}?inspection={portfolio_plan["asb"].pk}"' in html
    changes = re.search(r'data-testid="changes">(.*?)</table>', html, re.S)
    assert changes
    refs = set(re.findall(r'<a class="govuk-link" href="/plans/findings/\d+/">([^<]+)</a>', changes.group(1)))
    assert refs == portfolio_plan["changed"]
    assert (
        _client(portfolio_plan["chief"]).get(f"{plan}?inspection={portfolio_plan['asb'].pk}").status_code
        == 200
    )


def test_with_no_board_yet_the_chief_officer_sees_the_last_28_days_said_so(
    portfolio_plan: dict[str, Any],
) -> None:
    BoardMeeting.objects.filter(date__lte=TODAY).delete()
    _, html = _home(portfolio_plan["chief"])
    assert "No board that monitors these plans has met yet" in html
    assert "last 28 days" in html and "Programme Board meets on" in html


def test_a_chief_officer_holding_no_portfolio_sees_the_force_wide_summary_said_so(
    portfolio_plan: dict[str, Any],
) -> None:
    other_chief = _user(Role.CHIEF_OFFICER, job_title="Deputy Chief Constable", all_areas=True)
    _, html = _home(other_chief)
    assert "No portfolio names you as its holder" in html and 'data-testid="force-summary"' in html
    asb = _row(html, "ASB thematic")
    # Crime's item counts force-wide: Red now (no update at the board), so Red is one either way.
    assert asb["total"][0] == 5 and asb["red"] == (1, None) and asb["no_status"] == (1, 2)
    assert f'href="{reverse("inspections:inspection", args=[portfolio_plan["asb"].pk])}"' in html


def test_a_chief_officer_linked_by_account_sees_their_portfolio(portfolio_plan: dict[str, Any]) -> None:
    other_chief = _user(Role.CHIEF_OFFICER, job_title="", all_areas=True)
    Portfolio.objects.filter(name="Crime").update(holder_user=other_chief)
    _, html = _home(other_chief)
    assert "Your portfolio: Crime" in html and _row(html, "ASB thematic")["red"][0] == 1


# ---------------------------------------------------------------------------------------------
# Bounded queries


def _queries(user: User) -> int:
    c = _client(user)
    c.get("/")  # the first read of the force's settings creates them: count a home as it usually runs
    with CaptureQueriesContext(connection) as ctx:
        assert c.get("/").status_code == 200
    return len(ctx.captured_queries)


def test_the_officers_home_runs_a_fixed_number_of_queries(beat: dict[str, Any]) -> None:
    officer = _user(Role.OFFICER, beat["north"])
    _inbox_item(beat["market"])
    _case(beat["north"], spoc=officer)
    _owned_item(officer)
    few = _queries(officer)
    for n in range(8):
        _inbox_item(beat["market"])
        _case(beat["north"], spoc=officer, n=n + 1)
        _owned_item(officer, due=TODAY - dt.timedelta(days=n))
    assert _queries(officer) == few
    assert few <= 12, few


def test_the_chief_officers_home_runs_a_fixed_number_of_queries(portfolio_plan: dict[str, Any]) -> None:
    chief = portfolio_plan["chief"]
    few = _queries(chief)
    inspection = InspectionFactory(title="Another inspection", published=TODAY - dt.timedelta(days=100))
    for n in range(10):
        alloc = AllocationFactory(
            finding=FindingFactory(inspection=inspection if n % 2 else portfolio_plan["asb"]),
            portfolio=portfolio_plan["mine"],
        )
        ProgressUpdateFactory(allocation=alloc, status=Status.RED, date=TODAY - dt.timedelta(days=n + 1))
    assert Finding.objects.count() > 15
    assert _queries(chief) == few
    assert few <= 18, few  # session and user, 3 to find the portfolios and the board, 3 a plan read


def test_the_sergeants_home_runs_a_fixed_number_of_queries(beat: dict[str, Any]) -> None:
    sergeant = _user(Role.SUPERVISOR, beat["north"])
    _inbox_item(beat["market"], hours_ago=100)
    few = _queries(sergeant)
    for n in range(6):
        _inbox_item(beat["market"], hours_ago=100 + n)
        _case(beat["north"], n=n + 1)
    assert _queries(sergeant) == few


# ---------------------------------------------------------------------------------------------
# The menu, grouped by job

# What the menu offered each role before it was grouped (capability, label, URL name): every one
# must still be in the role's menu.
BEFORE = [
    ("plans.view", "Improvement plans", "inspections:list"),
    ("plans.view", "Dashboard", "inspections:dashboard"),
    ("plans.view", "My actions", "inspections:my_actions"),
    ("plans.manage", "Import", "inspections:import"),
    ("people.lookup", "People", "people:lookup"),
    ("people.review", "Review queue", "people:review"),
    ("incidents.create", "New report", "incidents:new"),
    ("incidents.view", "Incidents", "incidents:list"),
    ("incidents.inbox", "Inbox", "incidents:inbox"),
    ("incidents.triage", "Triage", "incidents:triage"),
    ("incidents.crime_review", "Crime review", "incidents:crime_review"),
    ("cases.view", "Cases", "cases:list"),
    ("cases.supervise", "Supervisor's list", "cases:supervisor"),
    ("risk.review", "Assessments to review", "risk:reviews"),
    ("partnership.meetings", "Action groups", "partnership:groups"),
    ("partnership.refer", "Referrals", "partnership:referrals"),
    ("partnership.shared", "Referrals", "partnership:referrals"),
    ("partnership.case_review", "Case reviews", "partnership:reviews"),
    ("geography.view", "Neighbourhoods", "geography:neighbourhoods"),
    ("incidents.configure", "Intake settings", "incidents:configure"),
    ("risk.configure", "Risk instruments", "risk:instruments"),
    ("cases.configure", "Case standards", "cases:standards"),
    ("partnership.configure", "Partnership settings", "partnership:configure"),
    ("audit.view", "Audit trail", "core:audit"),
]

GROUPS_BY_ROLE: dict[str, list[str]] = {
    Role.CALL_HANDLER: ["Contact", "Neighbourhood"],
    Role.OFFICER: ["Contact", "Neighbourhood", "Cases", "Partnership", "Performance", "Plans"],
    Role.SUPERVISOR: ["Contact", "Neighbourhood", "Cases", "Partnership", "Performance", "Plans"],
    Role.ANALYST: ["Contact", "Neighbourhood", "Cases", "Partnership", "Performance", "Plans"],
    Role.PERFORMANCE: ["Contact", "Neighbourhood", "Performance", "Plans"],
    Role.CHIEF_OFFICER: ["Neighbourhood", "Performance", "Plans"],
    Role.PARTNER: ["Partnership"],
    Role.ADMIN: ["Contact", "Neighbourhood", "Cases", "Performance", "Plans", "Administration"],
}


def _menu(html: str) -> list[tuple[str, str]]:
    menu = re.search(r'<ul class="govuk-service-navigation__list" id="navigation">(.*?)</ul>', html, re.S)
    assert menu
    return re.findall(
        r'<a class="govuk-service-navigation__link" href="([^"]+)"[^>]*>(?:<strong[^>]*>)?([^<]+)',
        menu.group(1),
    )


def _subnav(html: str) -> tuple[str, list[tuple[str, str, str]]]:
    nav = re.search(r'<nav class="beacon-subnav" aria-label="Pages in ([^"]+)"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "no sub-navigation"
    links = re.findall(
        r'<a class="govuk-service-navigation__link" href="([^"]+)"(?: aria-current="(\w+)")?>'
        r"(?:<strong[^>]*>)?([^<]+)",
        nav.group(2),
    )
    return nav.group(1), links


@pytest.mark.parametrize("role", list(Role))
def test_the_menu_shows_the_roles_groups_and_every_page_it_offered_before(role: str) -> None:
    user = _user(role, all_areas=True, partner_agency="council" if role == Role.PARTNER else "")
    c = _client(user)
    r = c.get("/")
    groups = r.context["nav_groups"]
    assert [g["label"] for g in groups] == GROUPS_BY_ROLE[role]
    assert len(groups) <= 6
    menu = _menu(r.content.decode())
    assert [label for _, label in menu] == [*GROUPS_BY_ROLE[role], "API tokens"]
    for group in groups:  # each group's link goes to the first of its pages the user may open
        assert (group["url"], group["label"]) in menu
        assert group["url"] == group["items"][0]["url"]
    assert "Sign out" in r.content.decode()
    offered = {(i["label"], i["url"]) for i in r.context["nav_items"]}
    for capability, label, name in BEFORE:
        if user.can(capability):
            assert (label, reverse(name)) in offered, (role, label)
    # Every page in the menu opens for the role, and shows its group's pages with itself current.
    for item in r.context["nav_items"]:
        page = c.get(item["url"])
        assert page.status_code == 200, (role, item["url"], page.status_code)
        section, links = _subnav(page.content.decode())
        assert section == item["group"]
        current = [(href, label) for href, how, label in links if how == "page"]
        assert current == [(item["url"], item["label"].replace("'", "&#x27;"))], (role, item["url"])
        group = next(g for g in groups if g["label"] == section)
        assert [href for href, _, _ in links] == [i["url"] for i in group["items"]]


def test_the_triage_inbox_and_the_retention_queue_are_in_the_menu() -> None:
    sergeant = _client(_user(Role.SUPERVISOR)).get("/")
    assert ("Triage", reverse("incidents:triage")) in {
        (i["label"], i["url"]) for i in sergeant.context["nav_items"]
    }
    admin = _client(_user(Role.ADMIN, all_areas=True)).get("/")
    assert reverse("retention:queue") in {i["url"] for i in admin.context["nav_items"]}


def test_a_page_within_a_group_marks_its_group_and_its_list(beat: dict[str, Any]) -> None:
    officer = _user(Role.OFFICER, beat["north"])
    case = _case(beat["north"], spoc=officer)
    html = _client(officer).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert re.search(r'href="/cases/" aria-current="true"><strong[^>]*>Cases</strong>', html)  # the group
    section, links = _subnav(html)
    assert section == "Cases" and ("/cases/", "true", "Cases") in links  # the list it is in
    assert not [link for link in links if link[1] == "page"]
    # A page no menu item starts is still in its group: a risk assessment under Cases.
    html = _client(officer).get(reverse("risk:assess"), {"incident": 0}).content.decode()
    assert _subnav(html)[0] == "Cases"


def test_the_home_and_the_token_page_are_in_no_group() -> None:
    c = _client(_user(Role.OFFICER))
    home = c.get("/")
    assert home.context["nav_section"] is None and 'class="beacon-subnav"' not in home.content.decode()
    tokens = c.get(reverse("core:tokens")).content.decode()
    assert re.search(r'href="/account/tokens/" aria-current="page">API tokens', tokens)


def test_nobody_signed_in_gets_no_menu(client: Client) -> None:
    html = client.get(reverse("core:login")).content.decode()
    assert 'id="navigation"' not in html and "beacon-subnav" not in html


def test_the_menu_is_grouped_for_every_page_that_renders_base(
    client_for: Callable[..., Client],
) -> None:
    r = client_for(role=Role.OFFICER).get("/no-such-page/")
    assert r.status_code == 404 and r.context["nav_groups"]
