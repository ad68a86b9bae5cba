from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The service navigation: only the sections the user's role opens."""
    user = getattr(request, "user", None)
    items: list[dict[str, str]] = []
    if user is not None and user.is_authenticated:
        candidates = [
            ("plans.view", "Improvement plans", reverse("inspections:list")),
            ("plans.view", "Dashboard", reverse("inspections:dashboard")),
            ("plans.view", "My actions", reverse("inspections:my_actions")),
            ("plans.manage", "Import", reverse("inspections:import")),
            ("people.lookup", "People", reverse("people:lookup")),
            ("people.review", "Review queue", reverse("people:review")),
            ("incidents.create", "New report", reverse("incidents:new")),
            ("incidents.view", "Incidents", reverse("incidents:list")),
            ("incidents.inbox", "Inbox", reverse("incidents:inbox")),
            ("incidents.triage", "Triage", reverse("incidents:triage")),
            ("incidents.crime_review", "Crime review", reverse("incidents:crime_review")),
            ("cases.view", "Cases", reverse("cases:list")),
            ("cases.supervise", "Supervisor's list", reverse("cases:supervisor")),
            ("risk.review", "Assessments to review", reverse("risk:reviews")),
            ("partnership.meetings", "Action groups", reverse("partnership:groups")),
            ("partnership.refer", "Referrals", reverse("partnership:referrals")),
            ("partnership.shared", "Referrals", reverse("partnership:referrals")),
            ("partnership.case_review", "Case reviews", reverse("partnership:reviews")),
            ("geography.view", "Neighbourhoods", reverse("geography:neighbourhoods")),
            ("incidents.configure", "Intake settings", reverse("incidents:configure")),
            ("risk.configure", "Risk instruments", reverse("risk:instruments")),
            ("cases.configure", "Case standards", reverse("cases:standards")),
            ("partnership.configure", "Partnership settings", reverse("partnership:configure")),
            ("audit.view", "Audit trail", reverse("core:audit")),
        ]
        items = [{"label": label, "url": url} for cap, label, url in candidates if user.can(cap)]
        # The one item whose address is the longest start of this page's (so /incidents/new/ marks
        # "New report", not also "Incidents").
        path = request.path
        matching = [i for i in items if path.startswith(i["url"]) and i["url"] != "/"]
        best = max(matching, key=lambda i: len(i["url"]), default=None)
        for item in items:
            item["active"] = "1" if item is best else ""
    return {"nav_items": items}
