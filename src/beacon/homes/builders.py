"""Each role's home page (`/`): the work that is theirs, each figure a link to the list behind it.

Everything is read through the apps' selectors, as counts: a home shows no record, so it writes
nothing to the access log (the lists it links to do, when they are opened). Every home runs a fixed
number of queries whatever the size of the lists (tests assert it), except the force-wide plan
table, which reads each inspection's summary (two queries an inspection).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.http import urlencode

from beacon.cases import selectors as cases
from beacon.cases.standards import current_policy, weights
from beacon.core.models import User
from beacon.core.roles import Role
from beacon.incidents import selectors as incidents
from beacon.inspections import selectors as plans
from beacon.inspections.models import Allocation, BoardMeeting, Portfolio
from beacon.partnership import selectors as partnership
from beacon.people import selectors as people
from beacon.risk import selectors as risk

RECENT_DAYS = 28  # "what changed" when no board covering the plans has met yet
CHANGES_SHOWN = 10


def _url(name: str, *args: Any, **query: Any) -> str:
    url = reverse(name, args=args or None)
    return f"{url}?{urlencode(query)}" if query else url


@dataclass
class Figure:
    """A count and what it counts ("3 incidents waiting in your team's inbox"), linking to the list."""

    count: int
    singular: str
    plural: str
    url: str
    testid: str = ""

    @property
    def words(self) -> str:
        return self.singular if self.count == 1 else self.plural


@dataclass
class Link:
    label: str
    url: str
    hint: str = ""


@dataclass
class Section:
    title: str
    figures: list[Figure] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    testid: str = ""


# ---------------------------------------------------------------------------------------------
# The parts each home is made of


def _plan_actions(user: User, today: dt.date) -> Section:
    items = [i for i in plans.my_items(user, today) if not i.closed]
    overdue = sum(1 for i in items if i.has("overdue"))
    mine = _url("inspections:my_actions")
    figures = [
        Figure(len(items), "plan action you own is open", "plan actions you own are open", mine, "my-actions")
    ]
    if items:  # "0 of them are overdue" says nothing when there are none
        figures.append(
            Figure(overdue, "of them is overdue", "of them are overdue", mine, "my-actions-overdue")
        )
    return Section(
        "Improvement plans",
        figures,
        [
            Link(
                "Plans dashboard",
                _url("inspections:dashboard"),
                "overdue, stale and due soon across the force",
            )
        ],
        testid="plans",
    )


def _triage(user: User) -> Figure:
    return Figure(
        incidents.triage(user).count(),
        "ASB incident no team was told of is waiting in the triage inbox",
        "ASB incidents no team was told of are waiting in the triage inbox",
        _url("incidents:triage"),
        "triage",
    )


def _team_inbox(user: User) -> Figure:
    return Figure(
        incidents.inbox(user).count(),
        "incident is waiting in your team's inbox",
        "incidents are waiting in your team's inbox",
        _url("incidents:inbox"),
        "inbox",
    )


def _my_cases(user: User) -> Figure:
    return Figure(
        cases.case_list(user, cases.CaseFilters(status="open", mine=True)).count(),
        "open case you lead or supervise",
        "open cases you lead or supervise",
        _url("cases:list", status="open", mine="on"),
        "my-cases",
    )


def _shared_sections(user: User, today: dt.date) -> list[Section]:
    """What a supervisor's and an analyst's homes both end with: case reviews past their deadline
    (for those who run them) and their own plan actions."""
    out = []
    if user.can("partnership.case_review"):
        overdue = Figure(
            partnership.overdue_review_count(user),
            "case review is past its deadline",
            "case reviews are past their deadlines",
            _url("partnership:reviews", overdue="yes"),
            "reviews-overdue",
        )
        out.append(Section("ASB case reviews", [overdue], testid="partnership"))
    if user.can("plans.view"):
        out.append(_plan_actions(user, today))
    return out


def call_handler(user: User, today: dt.date) -> dict[str, Any]:
    sections = []
    if user.can("incidents.triage"):
        sections.append(Section("Triage", [_triage(user)], testid="contact"))
    return {"take_call": user.can("incidents.create"), "sections": sections}


def officer(user: User, today: dt.date) -> dict[str, Any]:
    sections = []
    if user.can("incidents.inbox"):
        sections.append(Section("Your neighbourhood", [_team_inbox(user)], testid="neighbourhood"))
    if user.can("cases.view"):
        sections.append(
            Section(
                "Your cases",
                [_my_cases(user)],
                [Link("All open cases in your areas", _url("cases:list", status="open"))],
                testid="cases",
            )
        )
    if user.can("plans.view"):
        sections.append(_plan_actions(user, today))
    return {"sections": sections, "report_links": user.can("incidents.create")}


def supervisor(user: User, today: dt.date) -> dict[str, Any]:
    w = weights(current_policy())
    red = cases.supervisor_cases(user, cases.SupervisorFilters(rag="red"), today, w).count()
    open_cases = cases.supervisor_cases(user, cases.SupervisorFilters(), today, w).count()
    listed = Section(
        "Supervisor's list",
        [
            Figure(
                red,
                "open case is Red",
                "open cases are Red",
                _url("cases:supervisor", rag="red", kind="case"),
                "red-cases",
            ),
            Figure(
                open_cases,
                "open case in your areas",
                "open cases in your areas",
                _url("cases:supervisor", kind="case"),
                "open-cases",
            ),
            Figure(
                incidents.unacknowledged(user).count(),
                "incident was not acknowledged in time",
                "incidents were not acknowledged in time",
                _url("incidents:unacknowledged"),
                "unacknowledged",
            ),
        ],
        [
            Link(
                "Open the supervisor's list",
                _url("cases:supervisor"),
                "cases and incidents by priority, Red first",
            )
        ],
        testid="supervisor",
    )
    reviews = Section(
        "Risk assessments",
        [
            Figure(
                risk.awaiting_review(user).count(),
                "assessment is waiting for your review",
                "assessments are waiting for your review",
                _url("risk:reviews"),
                "to-review",
            ),
            Figure(
                risk.assessments_due_queryset(user).count(),
                "assessment is due and not done",
                "assessments are due and not done",
                _url("risk:due"),
                "due",
            ),
        ],
        testid="risk",
    )
    team = Section("Your neighbourhoods", [_team_inbox(user)], testid="neighbourhood")
    if user.can("incidents.triage"):
        team.figures.append(_triage(user))
    sections = [listed, reviews, team]
    return {"sections": sections + _shared_sections(user, today)}


def analyst(user: User, today: dt.date) -> dict[str, Any]:
    analysis = Section("Analysis", testid="analysis")
    if user.can("people.review"):
        analysis.figures.append(
            Figure(
                people.review_queue().count(),
                "pair of records is waiting in the review queue",
                "pairs of records are waiting in the review queue",
                _url("people:review"),
                "review-queue",
            )
        )
    candidates = [
        (
            "performance.analysis",
            "Hot spots",
            "performance:hotspots",
            "Gi* hot and cold spots of ASB on the map",
        ),
        (
            "performance.analysis",
            "Patterns",
            "performance:patterns",
            "repeat locations, near repeats and when ASB happens",
        ),
        (
            "performance.view",
            "KPI dashboard",
            "performance:dashboard",
            "figures against last year and targets",
        ),
        (
            "incidents.view",
            "Search incidents",
            "incidents:list",
            "by name, reference, dates, neighbourhood and flag",
        ),
        ("geography.view", "Neighbourhoods", "geography:neighbourhoods", "polygons, grades and teams"),
        (
            "geography.priorities",
            "Local priorities",
            "geography:priorities",
            "where they are and while they last",
        ),
        ("people.batch", "Matching runs", "people:runs", "the nightly clustering of the person index"),
        (
            "partnership.meetings",
            "ASB action groups",
            "partnership:groups",
            "agendas from High and new Medium cases",
        ),
    ]
    analysis.links = [Link(label, _url(name), hint) for cap, label, name, hint in candidates if user.can(cap)]
    sections = [analysis]
    return {"sections": sections + _shared_sections(user, today)}


def performance(user: User, today: dt.date) -> dict[str, Any]:
    items = plans.dashboard_items(today)
    dashboard = _url("inspections:dashboard")
    counted = [
        ("overdue", "lead item is overdue", "lead items are overdue"),
        ("stale", "lead item is stale (no recent update)", "lead items are stale (no recent update)"),
        ("due_soon", "lead item is due soon", "lead items are due soon"),
    ]
    board = Section(
        "Plans dashboard",
        [
            Figure(sum(1 for i in items if i.has(code)), one, many, f"{dashboard}#table-{code}", code)
            for code, one, many in counted
        ],
        [Link("Open the plans dashboard", dashboard, "filter by portfolio, owner, board or date")],
        testid="dashboard",
    )
    manage = Section("Managing plans", testid="manage")
    candidates = [
        ("performance.view", "KPI dashboard", "performance:dashboard", "figures, targets, RAG and packs"),
        ("plans.view", "Improvement plans", "inspections:list", "inspections, portfolio plans and boards"),
        ("plans.manage", "Import a plan", "inspections:import", "CSV or XLSX"),
        ("plans.manage", "Draft an inspection from its report", "inspections:extract", "text or PDF"),
        ("plans.manage", "Boards", "inspections:boards", "who monitors which plans, and when they meet"),
        ("plans.manage", "Plan rules", "inspections:rules", "when an item is stale or due soon"),
    ]
    manage.links = [Link(label, _url(name), hint) for cap, label, name, hint in candidates if user.can(cap)]
    sections = [board, manage]
    if user.can("incidents.crime_review"):
        sections.append(
            Section(
                "Crime recording",
                [
                    Figure(
                        incidents.crime_review(user).count(),
                        "closed incident disclosed a crime with no crime reference or reason",
                        "closed incidents disclosed a crime with no crime reference or reason",
                        _url("incidents:crime_review"),
                        "crime-review",
                    )
                ],
                testid="crime-review",
            )
        )
    return {"sections": sections}


def partner(user: User, today: dt.date) -> dict[str, Any]:
    agency = partnership.agency_for(user)
    referrals = Section(
        f"Referrals to {agency.name}" if agency else "Referrals to your agency",
        [
            Figure(
                partnership.referral_list(user, status="sent").count(),
                "referral is waiting for your response",
                "referrals are waiting for your response",
                _url("partnership:referrals", status="sent"),
                "awaiting-response",
            ),
            Figure(
                partnership.referral_list(user, status="open").count(),
                "referral is waiting for an outcome",
                "referrals are waiting for an outcome",
                _url("partnership:referrals", status="open"),
                "awaiting-outcome",
            ),
        ],
        [Link("All referrals to your agency", _url("partnership:referrals"))],
        testid="referrals",
    )
    return {"sections": [referrals], "agency": agency}


def administrator(user: User, today: dt.date) -> dict[str, Any]:
    candidates = [
        (
            "incidents.configure",
            "Intake settings",
            "incidents:configure",
            "screening questions, grading rules, reference lists",
        ),
        (
            "risk.configure",
            "Risk instruments",
            "risk:instruments",
            "new versions with a scoring preview, publish",
        ),
        ("cases.configure", "Case standards", "cases:standards", "minimum standards and priority weights"),
        (
            "partnership.configure",
            "Partnership settings",
            "partnership:configure",
            "agencies, powers, case review thresholds",
        ),
        ("geography.manage", "Import neighbourhoods", "geography:import", "GeoJSON polygons"),
        ("retention.review", "Retention review queue", "retention:queue", "keep with a reason, or dispose"),
        ("retention.review", "Retention schedule", "retention:rules", "the rules that make records due"),
    ]
    settings = Section(
        "Administration",
        links=[Link(label, _url(name), hint) for cap, label, name, hint in candidates if user.can(cap)],
        testid="administration",
    )
    audit = Section("Audit", testid="audit")
    if user.can("audit.view"):
        audit.links = [
            Link("Audit trail", _url("core:audit"), "every change and every view of personal data"),
            Link("Refused attempts", _url("core:audit", action="refused"), "where probing shows"),
        ]
    sections = [settings] + ([audit] if audit.links else [])
    if user.can("plans.view"):
        sections.append(_plan_actions(user, today))
    return {"sections": sections}


# ---------------------------------------------------------------------------------------------
# The chief officer's portfolio summary


COLUMNS = {
    "total": "total",
    "completed": "completed",
    "green": "green",
    "amber": "amber",
    "red": "red",
    "no_status": "no status yet",
    "overdue": "overdue",
}


@dataclass
class SummaryRow:
    """One line of the chief officer's table: counts now and as at the last board."""

    label: str
    url: str  # the list behind the figures (the portfolio's plan for the inspection)
    overdue_url: str
    now: dict[str, int]
    then: dict[str, int]
    updated: int | None = None  # lead items updated since the board (None: not known)

    @property
    def cells(self) -> list[dict[str, Any]]:
        return [
            {
                "column": c,
                "label": label,
                "now": self.now.get(c, 0),
                "then": self.then.get(c, 0),
                "changed": self.now.get(c, 0) != self.then.get(c, 0),
                "url": self.overdue_url if c == "overdue" else self.url,
            }
            for c, label in COLUMNS.items()
        ]


@dataclass
class Change:
    ref: str
    inspection: str
    url: str
    was: str
    now: str
    on: dt.date | None


@dataclass
class PortfolioSummary:
    name: str
    caption: str
    table_id: str
    url: str
    dashboard_url: str
    rows: list[SummaryRow]
    changes: list[Change]
    more_changes: int = 0


def _long(day: dt.date) -> str:
    return dateformat.format(day, "j F Y")


def _add(into: dict[str, int], counts: dict[str, int]) -> None:
    for column, n in counts.items():
        into[column] = into.get(column, 0) + n


def _by_inspection(items: Iterable[Any]) -> dict[int, tuple[Any, dict[str, int], list[Any]]]:
    """Lead items by inspection: (inspection, counts, items). As the board paper counts: lead
    allocations in force on the day, by their latest status on or before it."""

    out: dict[int, tuple[Any, dict[str, int], list[Any]]] = {}
    for item in items:
        if item.allocation.role != "lead":
            continue
        inspection = item.finding.inspection
        _, counts, listed = out.setdefault(inspection.pk, (inspection, plans.empty_counts(), []))
        plans.count_status(counts, item.status, overdue=item.has("overdue"))
        listed.append(item)
    return out


def held_portfolios(user: User) -> list[Any]:
    """The portfolios the user holds: named as holder by account, or by their name or job title
    (as plans name people). The inspections app has no selector for this yet."""

    q = Q(holder_user=user)
    for name in user.owner_names():
        q |= Q(holder__iexact=name)
    return list(Portfolio.objects.filter(q).order_by("name"))


def last_board(inspection_ids: list[int], today: dt.date) -> tuple[Any | None, Any | None]:
    """The latest meeting, on or before today, of a board monitoring any of the inspections, and the
    next one after today (either may be None). The inspections app has no selector for this yet."""

    meetings = BoardMeeting.objects.filter(board__inspections__in=inspection_ids).select_related("board")
    last = meetings.filter(date__lte=today).order_by("-date", "-id").first()
    upcoming = meetings.filter(date__gt=today).order_by("date", "id").first()
    return last, upcoming


def _portfolio_summary(portfolio: Any, today: dt.date, since: dt.date) -> PortfolioSummary:
    """One held portfolio's lead findings by inspection, now and as at `since`, and what changed:
    each lead item updated since then (its latest update dated after it) or allocated since."""

    now = _by_inspection(plans.portfolio_plan(portfolio, None, today))
    then = _by_inspection(plans.portfolio_plan(portfolio, None, since))
    was = {i.allocation.pk: i for _, _, listed in then.values() for i in listed}
    plan_url = reverse("inspections:portfolio", args=[portfolio.pk])
    dashboard_url = _url("inspections:dashboard", portfolio=portfolio.pk)
    rows: list[SummaryRow] = []
    changes: list[Change] = []
    total_now, total_then, total_updated = plans.empty_counts(), plans.empty_counts(), 0
    inspections = sorted({*now, *then}, key=lambda pk: (now.get(pk) or then[pk])[0].title)
    for pk in inspections:
        inspection = (now.get(pk) or then[pk])[0]
        counts_now = now[pk][1] if pk in now else plans.empty_counts()
        counts_then = then[pk][1] if pk in then else plans.empty_counts()
        updated = 0
        for item in now[pk][2] if pk in now else []:
            before = was.get(item.allocation.pk)
            fresh = item.latest is not None and item.latest.date > since
            if not fresh and before is not None:
                continue
            updated += int(fresh)
            changes.append(
                Change(
                    ref=item.finding.ref,
                    inspection=inspection.title,
                    url=reverse("inspections:finding", args=[item.finding.pk]),
                    was=before.status_label if before is not None else "Not in this portfolio",
                    now=item.status_label,
                    on=item.latest.date if fresh and item.latest is not None else None,
                )
            )
        rows.append(
            SummaryRow(
                label=inspection.title,
                url=f"{plan_url}?{urlencode({'inspection': pk})}",
                overdue_url=dashboard_url,
                now=counts_now,
                then=counts_then,
                updated=updated,
            )
        )
        _add(total_now, counts_now)
        _add(total_then, counts_then)
        total_updated += updated
    if len(rows) > 1:
        rows.append(
            SummaryRow("All inspections", plan_url, dashboard_url, total_now, total_then, total_updated)
        )
    changes.sort(key=lambda c: (c.on or since, c.ref), reverse=True)
    return PortfolioSummary(
        name=portfolio.name,
        caption=f"{portfolio.name}: lead findings as at {_long(today)}, by inspection",
        table_id=f"summary-{portfolio.pk}",
        url=plan_url,
        dashboard_url=dashboard_url,
        rows=rows,
        changes=changes[:CHANGES_SHOWN],
        more_changes=max(0, len(changes) - CHANGES_SHOWN),
    )


def _force_rows(today: dt.date, since: dt.date) -> list[SummaryRow]:
    """Every inspection's force-wide counts (all portfolios), now and as at `since`."""

    def overall(inspection: Any, on: dt.date) -> dict[str, int]:
        entry = plans.all_portfolios_summary(plans.inspection_summary(inspection, on))
        counts = plans.empty_counts()
        for key, _kind, _label in plans.SUMMARY_ROWS:
            _add(counts, entry[key])
        return counts

    dashboard_url = _url("inspections:dashboard")
    return [
        SummaryRow(
            label=i.title,
            url=reverse("inspections:inspection", args=[i.pk]),
            overdue_url=dashboard_url,
            now=overall(i, today),
            then=overall(i, since),
        )
        for i in plans.inspections_with_counts()
    ]


def chief_officer(user: User, today: dt.date) -> dict[str, Any]:
    portfolios = held_portfolios(user)
    if portfolios:
        # Which inspections the portfolios answer: to find the boards that monitor them.
        inspection_ids = list(
            Allocation.objects.filter(portfolio__in=portfolios)
            .values_list("finding__inspection_id", flat=True)
            .distinct()
        )
    else:
        inspection_ids = list(plans.inspections_with_counts().values_list("pk", flat=True))
    board, upcoming = last_board(inspection_ids, today)
    since = board.date if board is not None else today - dt.timedelta(days=RECENT_DAYS)
    context: dict[str, Any] = {
        "board": board,
        "upcoming": upcoming,
        "since": since,
        "recent_days": RECENT_DAYS,
        "today": today,
        "columns": list(COLUMNS.items()),
        "sections": [_plan_actions(user, today)],
    }
    if portfolios:
        context["portfolios"] = [_portfolio_summary(p, today, since) for p in portfolios]
    else:
        context["force_rows"] = _force_rows(today, since)
        context["force_caption"] = f"All portfolios: lead findings as at {_long(today)}, by inspection"
    return context


# ---------------------------------------------------------------------------------------------


HOMES: dict[str, tuple[str, Callable[[User, dt.date], dict[str, Any]]]] = {
    Role.CALL_HANDLER: ("core/home_call_handler.html", call_handler),
    Role.OFFICER: ("core/home_work.html", officer),
    Role.SUPERVISOR: ("core/home_work.html", supervisor),
    Role.ANALYST: ("core/home_work.html", analyst),
    Role.PERFORMANCE: ("core/home_work.html", performance),
    Role.CHIEF_OFFICER: ("core/home_chief.html", chief_officer),
    Role.PARTNER: ("core/home_work.html", partner),
    Role.ADMIN: ("core/home_work.html", administrator),
}


def home_for(user: User, today: dt.date | None = None) -> tuple[str, dict[str, Any]]:
    """The template of the user's home and what it shows."""
    today = today or timezone.localdate()
    template, build = HOMES.get(user.role, ("core/home_work.html", lambda u, d: {"sections": []}))
    return template, build(user, today)
