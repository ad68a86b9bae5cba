"""The service navigation, grouped by job.

The top row of the menu shows one link per job (group) the user's role opens, each going to the
first page of that group the user may open. Every page also shows the current group's pages as a
second list under the menu (base.html), the current page marked `aria-current="page"`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class Page:
    label: str
    url_name: str
    capabilities: tuple[str, ...]  # any one of them opens the page (as the view's guard says)


@dataclass(frozen=True)
class Group:
    label: str
    pages: tuple[Page, ...]
    # Addresses that belong to the group although no page of it starts them (a person's record,
    # a risk assessment): the group is shown as current there.
    prefixes: tuple[str, ...] = ()


def _p(label: str, url_name: str, *capabilities: str) -> Page:
    return Page(label, url_name, capabilities)


# The order of the groups is the order of the top row; each group's pages are in the order its
# second list shows them, the first a user may open being where the group's own link goes.
GROUPS: tuple[Group, ...] = (
    Group(
        "Contact",
        (
            _p("New report", "incidents:new", "incidents.create"),
            _p("Incidents", "incidents:list", "incidents.view"),
            _p("Triage", "incidents:triage", "incidents.triage"),
            _p("People", "people:lookup", "people.lookup"),
            _p("Review queue", "people:review", "people.review"),
            _p("Crime review", "incidents:crime_review", "incidents.crime_review"),
        ),
        prefixes=("/incidents/", "/people/"),
    ),
    Group(
        "Neighbourhood",
        (
            _p("Inbox", "incidents:inbox", "incidents.inbox"),
            _p("Not acknowledged", "incidents:unacknowledged", "incidents.supervise"),
            _p("Neighbourhoods", "geography:neighbourhoods", "geography.view"),
            _p("Local priorities", "geography:priorities", "geography.priorities"),
        ),
        prefixes=("/geography/",),
    ),
    Group(
        "Cases",
        (
            _p("Cases", "cases:list", "cases.view"),
            _p("Supervisor's list", "cases:supervisor", "cases.supervise"),
            _p("Assessments to review", "risk:reviews", "risk.review"),
            _p("Assessments due", "risk:due", "cases.supervise", "risk.review"),
        ),
        prefixes=("/cases/", "/risk/"),
    ),
    Group(
        "Partnership",
        (
            _p("Referrals", "partnership:referrals", "partnership.refer", "partnership.shared"),
            _p("Action groups", "partnership:groups", "partnership.meetings"),
            _p("Case reviews", "partnership:reviews", "partnership.case_review"),
        ),
        prefixes=("/partnership/",),
    ),
    Group(
        "Performance",
        (
            _p("KPI dashboard", "performance:dashboard", "performance.view"),
            _p("Hot spots", "performance:hotspots", "performance.analysis"),
            _p("Patterns", "performance:patterns", "performance.analysis"),
        ),
        prefixes=("/performance/",),
    ),
    Group(
        "Plans",
        (
            _p("Dashboard", "inspections:dashboard", "plans.view"),
            _p("Improvement plans", "inspections:list", "plans.view"),
            _p("My actions", "inspections:my_actions", "plans.view"),
            _p("Import", "inspections:import", "plans.manage"),
            _p("Boards", "inspections:boards", "plans.manage"),
        ),
        prefixes=("/plans/",),
    ),
    Group(
        "Administration",
        (
            _p("Intake settings", "incidents:configure", "incidents.configure"),
            _p("Risk instruments", "risk:instruments", "risk.configure"),
            _p("Case standards", "cases:standards", "cases.configure"),
            _p("Partnership settings", "partnership:configure", "partnership.configure"),
            _p("Audit trail", "core:audit", "audit.view"),
            _p("Retention", "retention:queue", "retention.review"),
        ),
        prefixes=("/audit/", "/retention/"),
    ),
)


def _current(item_url: str, path: str) -> str:
    """aria-current for a page's link: "page" on the page itself, "true" on a page within it (an
    incident under Incidents), "" elsewhere."""
    return "page" if path == item_url else "true"


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu for the signed-in user: `nav_groups` (each with its `items`), `nav_section` (the
    group the page is in, or None) and `nav_items` (every page, flat, as tests and pages read it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_groups": [], "nav_section": None}
    path = request.path
    groups: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    for group in GROUPS:
        pages = []
        for page in group.pages:
            if not any(user.can(c) for c in page.capabilities):
                continue
            item = {"label": page.label, "url": reverse(page.url_name), "group": group.label}
            pages.append(item)
            items.append(item)
        if pages:
            groups.append(
                {"label": group.label, "url": pages[0]["url"], "items": pages, "prefixes": group.prefixes}
            )
    # The one item whose address is the longest start of this page's (so /incidents/new/ marks
    # "New report", not also "Incidents").
    matching = [i for i in items if path.startswith(i["url"]) and i["url"] != "/"]
    best = max(matching, key=lambda i: len(i["url"]), default=None)
    for item in items:
        item["active"] = "1" if item is best else ""
        item["current"] = _current(item["url"], path) if item is best else ""
    section = None
    if best is not None:
        section = next(g for g in groups if g["label"] == best["group"])
    else:  # a page no item starts (a person's record, a risk assessment): the group it belongs to
        section = next((g for g in groups if any(path.startswith(p) for p in g["prefixes"])), None)
    for g in groups:
        g["active"] = g is section
    return {"nav_items": items, "nav_groups": groups, "nav_section": section}
