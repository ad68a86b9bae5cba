"""The records manager's pages: the review queue (bulk keep or dispose) and the rules."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from beacon.core.errors import PermissionRefused, Problem, ValidationFailed
from beacon.core.permissions import AuthedRequest, capability_required, refuse
from beacon.core.retention import TAG_LABELS
from beacon.retention import selectors, services
from beacon.retention.models import RetentionRule

PAGE = 200


def _as_of(value: str) -> tuple[dt.date, list[Problem]]:
    today = timezone.localdate()
    if not value:
        return today, []
    try:
        return dt.date.fromisoformat(value), []
    except ValueError:
        return today, [Problem("Enter the date as YYYY-MM-DD.", "as_of")]


def _queue(request: AuthedRequest, problems: list[Problem], status: int = 200) -> HttpResponse:
    as_of, date_problems = _as_of(request.GET.get("as_of", ""))
    items = selectors.due(as_of, user=request.user)
    return render(
        request,
        "retention/queue.html",
        {
            "as_of": as_of,
            "today": timezone.localdate(),
            "items": items[:PAGE],
            "total": len(items),
            "rules": selectors.rules(),
            "tag_labels": TAG_LABELS,
            "totals": selectors.tombstone_totals(),
            "problems": problems + date_problems,
            "posted": request.POST if request.method == "POST" else {},
        },
        status=status,
    )


@capability_required("retention.review")
def queue(request: AuthedRequest) -> HttpResponse:
    return _queue(request, [])


@capability_required("retention.review")
@require_POST
def decide(request: AuthedRequest) -> HttpResponse:
    decision = request.POST.get("decision", "")
    reason = request.POST.get("reason", "")
    problems: list[Problem] = []
    try:
        ids = [int(v) for v in request.POST.getlist("ids")]
    except ValueError:
        ids = []
        problems.append(Problem("Choose records from the list.", "ids"))
    if decision not in ("keep", "dispose"):
        problems.append(Problem("Choose keep or dispose.", "decision"))
    next_review = None
    if request.POST.get("next_review_on"):
        try:
            next_review = dt.date.fromisoformat(request.POST["next_review_on"])
        except ValueError:
            problems.append(Problem("Enter the date as YYYY-MM-DD.", "next_review_on"))
    if not problems:
        try:
            if decision == "keep":
                kept = services.keep(request.user, ids, reason=reason, next_review_on=next_review)
                messages.success(request, f"{len(kept)} record(s) kept for another review.")
            else:
                stones = services.dispose(request.user, ids, reason=reason)
                messages.success(
                    request,
                    f"{len(stones)} record(s) disposed of: their personal data is gone, tombstones kept.",
                )
            return redirect("retention:queue")
        except ValidationFailed as exc:
            problems = list(exc.problems)
        except PermissionRefused as exc:
            return refuse(request, str(exc))
    return _queue(request, problems, status=422)


@capability_required("retention.review")
def rules(request: AuthedRequest) -> HttpResponse:
    """The schedule: change a rule's years, tags or order (each change is a new, audited version)."""
    problems: list[Problem] = []
    if request.method == "POST":
        code = request.POST.get("code", "")
        values: dict[str, object] = {}
        for key in ("review_after_years", "review_every_years", "order"):
            raw = request.POST.get(key, "").strip()
            if raw:
                try:
                    values[key] = int(raw)
                except ValueError:
                    problems.append(Problem("A whole number.", key))
        for key in ("when_any", "when_none"):
            if key in request.POST:
                values[key] = [t.strip() for t in request.POST[key].split(",") if t.strip()]
        if "label" in request.POST and request.POST["label"].strip():
            values["label"] = request.POST["label"].strip()[:200]
        values["active"] = request.POST.get("active") == "1"
        if not problems:
            try:
                services.save_rule(request.user, code, values)
                messages.success(request, "Rule saved as a new version.")
                return redirect("retention:rules")
            except ValidationFailed as exc:
                problems = list(exc.problems)
    return render(
        request,
        "retention/rules.html",
        {"rules": RetentionRule.objects.all(), "tag_labels": TAG_LABELS, "problems": problems},
        status=422 if problems else 200,
    )
