"""Improvement-plan pages (reads). Thin: data comes from selectors, writes go through services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from beacon.core import audit
from beacon.core.errors import EditConflict, PermissionRefused, ValidationFailed
from beacon.core.evidence import evidence_for, overall
from beacon.core.panels import panels_for
from beacon.core.permissions import AuthedRequest, capability_required, refuse
from beacon.core.widgets import typed_date
from beacon.inspections import selectors, services
from beacon.inspections.forms import AllocationForm, DashboardFilterForm, UpdateForm
from beacon.inspections.models import Allocation, Board, Finding, Inspection, Portfolio


def as_of_from(request: HttpRequest) -> dt.date:
    raw = typed_date(request.GET, "as_of")
    if raw:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            messages.error(
                request, "The date as at is not a real date (for example 30 9 2024); showing today."
            )
    return timezone.localdate()


@capability_required("plans.view")
def inspection_list(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "inspections/inspection_list.html",
        {
            "inspections": selectors.inspections_with_counts(),
            "portfolios": Portfolio.objects.all(),
            "boards": Board.objects.prefetch_related("inspections", "meetings"),
        },
    )


@capability_required("plans.view")
def inspection_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = get_object_or_404(Inspection, pk=pk)
    as_of = as_of_from(request)
    summary = selectors.inspection_summary(inspection, as_of)
    has_cc = inspection.findings.filter(kind=Finding.Kind.CAUSE_OF_CONCERN).exists()
    portfolios = {p.name: p for p in Portfolio.objects.filter(name__in=[s["portfolio"] for s in summary])}
    tables = [
        {
            "portfolio": portfolios[str(entry["portfolio"])],
            "rows": selectors.summary_table_rows(entry, show_causes=has_cc),
        }
        for entry in summary
    ]
    force_rows = selectors.summary_table_rows(
        selectors.all_portfolios_summary(summary), show_causes=has_cc, all_findings=True
    )
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "grades": inspection.graded_areas.all(),
            "tree": selectors.finding_tree(inspection),
            "tables": tables,
            "force_rows": force_rows,
            "as_of": as_of,
        },
    )


@capability_required("plans.view")
def portfolio_plan(request: AuthedRequest, pk: int) -> HttpResponse:
    portfolio = get_object_or_404(Portfolio, pk=pk)
    as_of = as_of_from(request)
    inspection = None
    if request.GET.get("inspection"):
        inspection = get_object_or_404(Inspection, pk=request.GET["inspection"])
    items = selectors.portfolio_plan(portfolio, inspection, as_of)
    summaries = []
    inspections = {i.allocation.finding.inspection for i in items}
    for insp in sorted(inspections, key=lambda x: x.title):
        entry = next(
            (s for s in selectors.inspection_summary(insp, as_of) if s["portfolio"] == portfolio.name), None
        )
        if entry is not None:
            has_cc = any(i.finding.kind == Finding.Kind.CAUSE_OF_CONCERN for i in items)
            summaries.append(
                {"inspection": insp, "rows": selectors.summary_table_rows(entry, show_causes=has_cc)}
            )
    return render(
        request,
        "inspections/portfolio_plan.html",
        {
            "portfolio": portfolio,
            "inspection": inspection,
            "items": items,
            "summaries": summaries,
            "show_inspection": inspection is None,
            "as_of": as_of,
            **_evidence_context(items, as_of),
        },
    )


def _evidence_context(items: list[selectors.PlanItem], as_of: dt.date) -> dict[str, object]:
    """Which findings have live evidence moving the right way, the wrong way, or none."""
    findings = list({i.finding.pk: i.finding for i in items}.values())
    lines = evidence_for([f.pk for f in findings], as_of)
    rows = [
        {"finding": f, "lines": lines.get(f.pk, []), "movement": overall(lines.get(f.pk, []))}
        for f in findings
    ]
    kinds = ("right", "wrong", "no-change", "unknown", "none")
    counts = {k.replace("-", "_"): sum(1 for r in rows if r["movement"] == k) for k in kinds}
    return {"evidence_rows": rows, "evidence_counts": counts}


def _finding_context(request: AuthedRequest, finding: Finding, as_of: dt.date) -> dict[str, object]:
    allocations = finding.allocations.select_related("portfolio", "transferred_to").order_by(
        "started_on", "id"
    )
    items = selectors.plan_items(allocations, as_of)
    for item in items:
        item.can_update = item.allocation.ended_on is None and selectors.can_add_update(
            request.user, item.allocation
        )
    panels, panel_context = panels_for("finding", request.user, finding)
    return {
        **panel_context,
        "finding_panels": panels,
        "finding": finding,
        "items": items,
        "timeline": selectors.finding_timeline(finding),
        "children": finding.children.all(),
        "as_of": as_of,
        "can_manage": request.user.can("plans.manage"),
    }


@capability_required("plans.view")
def finding_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    finding = get_object_or_404(Finding.objects.select_related("inspection", "parent"), pk=pk)
    return render(
        request, "inspections/finding_detail.html", _finding_context(request, finding, as_of_from(request))
    )


@capability_required("plans.update")
def add_update(request: AuthedRequest, pk: int) -> HttpResponse:
    allocation = get_object_or_404(
        Allocation.objects.select_related("finding__inspection", "portfolio"), pk=pk
    )
    if not selectors.can_add_update(request.user, allocation):
        return refuse(
            request, "Only the action owner, the plan owner or the performance team may add updates."
        )
    latest = allocation.updates.order_by("-date", "-created_at", "-id").first()
    published = allocation.finding.inspection.published
    conflict = None
    if request.method == "POST":
        form = UpdateForm(request.POST, published=published)
        if form.is_valid():
            try:
                services.add_update(
                    request.user,
                    allocation,
                    status=form.cleaned_data["status"],
                    text=form.cleaned_data["text"],
                    on=form.cleaned_data["date"],
                    based_on_update_id=form.cleaned_data["based_on"],
                )
            except ValidationFailed as exc:
                form.add_problems(exc.problems)
            except EditConflict as exc:
                conflict = exc
                form = UpdateForm(
                    initial={**form.cleaned_data, "based_on": latest.pk if latest else None},
                    published=published,
                )
            except PermissionRefused as exc:
                return refuse(request, str(exc))
            else:
                messages.success(request, f"Update added to {allocation.finding.ref}.")
                return redirect("inspections:finding", pk=allocation.finding_id)
    else:
        form = UpdateForm(initial={"based_on": latest.pk if latest else None}, published=published)
    return render(
        request,
        "inspections/update_form.html",
        {
            "allocation": allocation,
            "latest": latest,
            "form": form,
            "conflict": conflict,
            "problems": form.problems() if form.is_bound else [],
        },
        status=409 if conflict else 200,
    )


@capability_required("plans.update")
def edit_allocation(request: AuthedRequest, pk: int) -> HttpResponse:
    allocation = get_object_or_404(Allocation.objects.select_related("finding", "portfolio"), pk=pk)
    if not (request.user.can("plans.manage") or selectors.can_add_update(request.user, allocation)):
        return refuse(request, "You may not edit this item.")
    conflict = None
    if request.method == "POST":
        form = AllocationForm(request.POST)
        if form.is_valid():
            try:
                services.edit_allocation(
                    request.user,
                    allocation,
                    expected_version=form.cleaned_data["version"],
                    action_owner=form.cleaned_data["action_owner"],
                    due_date=form.cleaned_data["due_date"],
                    clear_due_date=form.cleaned_data["due_date"] is None,
                )
            except EditConflict as exc:
                conflict = exc
                allocation.refresh_from_db()
            else:
                messages.success(request, f"{allocation.finding.ref} saved.")
                return redirect("inspections:finding", pk=allocation.finding_id)
    else:
        form = AllocationForm(
            initial={
                "action_owner": allocation.action_owner,
                "due_date": allocation.due_date,
                "version": allocation.version,
            }
        )
    return render(
        request,
        "inspections/allocation_form.html",
        {
            "allocation": allocation,
            "form": form,
            "conflict": conflict,
            "problems": form.problems() if form.is_bound else [],
        },
        status=409 if conflict else 200,
    )


@capability_required("plans.view")
def dashboard(request: AuthedRequest) -> HttpResponse:
    form = DashboardFilterForm(request.GET or None)
    owner_field = form.fields["owner"]
    assert isinstance(owner_field, forms.ChoiceField)
    owner_field.choices = [("", "All")] + [(o, o) for o in selectors.action_owners()]
    portfolio = board = None
    owner = ""
    as_of = timezone.localdate()
    if form.is_bound and form.is_valid():
        portfolio = form.cleaned_data["portfolio"]
        board = form.cleaned_data["board"]
        owner = form.cleaned_data["owner"]
        as_of = form.cleaned_data["as_of"] or as_of
    items = selectors.dashboard_items(as_of, portfolio=portfolio, owner=owner, board=board)
    groups = [
        (code, label, [i for i in items if i.has(code)])
        for code, label in (("overdue", "Overdue"), ("stale", "Stale"), ("due_soon", "Due soon"))
    ]
    template = (
        "inspections/_dashboard_results.html"
        if request.headers.get("HX-Request")
        else "inspections/dashboard.html"
    )
    return render(request, template, {"form": form, "groups": groups, "as_of": as_of})


@capability_required("plans.view")
def my_actions(request: AuthedRequest) -> HttpResponse:
    as_of = as_of_from(request)
    items = selectors.my_items(request.user, as_of)
    return render(request, "inspections/my_actions.html", {"items": items, "as_of": as_of})


@capability_required("plans.export")
def export(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    from beacon.inspections.exports import content_type, filename, render_appendix

    inspection = get_object_or_404(Inspection, pk=pk)
    if fmt not in ("pdf", "docx", "xlsx"):
        raise Http404("Unknown format")
    as_of = as_of_from(request)
    data = render_appendix(inspection, as_of, fmt)
    audit.record_export(request.user, inspection, reason=f"board-paper appendix ({fmt}, as at {as_of})")
    response = HttpResponse(data, content_type=content_type(fmt))
    response["Content-Disposition"] = f'attachment; filename="{filename(inspection, fmt)}"'
    return response
