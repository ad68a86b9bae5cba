"""Geography pages: neighbourhoods and their priorities, the GeoJSON import, and local priorities.

Thin: reads through `selectors`, writes through `services` (which check, validate and audit).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from beacon.core.errors import EditConflict, Problem, ValidationFailed
from beacon.core.forms import GovukForm
from beacon.core.permissions import AuthedRequest, capability_required
from beacon.geography import selectors, services
from beacon.geography.forms import EndPriorityForm, ImportForm, PriorityForm
from beacon.geography.models import LocalPriority, Neighbourhood

NEIGHBOURHOODS_PAGE_SIZE = 200
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _problems(form: GovukForm) -> list[Problem]:
    """The form's problems; a problem with the whole form names no field (so links nowhere)."""
    return [Problem(p.message, "" if p.field == "__all__" else p.field) for p in form.problems()]


# ---------------------------------------------------------------------------------------------
# Neighbourhoods


@capability_required("geography.view")
def neighbourhoods(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    page = Paginator(selectors.neighbourhood_list(today=today), NEIGHBOURHOODS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "geography/neighbourhood_list.html", {"page": page, "today": today})


@capability_required("geography.view")
def neighbourhood(request: AuthedRequest, pk: int) -> HttpResponse:
    n = get_object_or_404(Neighbourhood.objects.select_related("area"), pk=pk)
    detail = selectors.neighbourhood_detail(n, today=timezone.localdate())
    return render(request, "geography/neighbourhood_detail.html", {"n": n, "detail": detail})


@require_GET
@capability_required("geography.view")
def neighbourhoods_geojson(request: AuthedRequest) -> HttpResponse:
    """The neighbourhoods' polygons as a GeoJSON FeatureCollection: the map picker's only layer on
    the report forms (read-only; not personal data)."""
    return HttpResponse(selectors.neighbourhood_features(), content_type="application/geo+json")


@capability_required("geography.manage")
def import_geojson(request: AuthedRequest) -> HttpResponse:
    problems: list[Problem] = []
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        force = form.cleaned_data.get("force")
        if upload.size > MAX_UPLOAD_BYTES:
            problems = [Problem("The file is larger than 20 MB", "file")]
        else:
            try:
                result = services.import_geojson(
                    request.user,
                    upload.read(),
                    force_code=force.code if force else None,
                    source_name=upload.name,
                )
            except ValidationFailed as exc:
                problems = exc.problems
            else:
                messages.success(request, result.describe())
                return redirect("geography:neighbourhoods")
    elif form.is_bound:
        problems = _problems(form)
    return render(
        request,
        "geography/import.html",
        {"form": form, "problems": problems},
        status=422 if problems else 200,
    )


# ---------------------------------------------------------------------------------------------
# Local priorities


@capability_required("geography.priorities")
def priorities(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    show_ended = request.GET.get("ended") == "1"
    rows = list(selectors.priority_list(today=today, include_ended=show_ended))
    for p in rows:
        p.state = (  # type: ignore[attr-defined]
            "Active"
            if selectors.is_active(p, today)
            else ("Starts later" if p.active_from > today else "Ended")
        )
    return render(
        request,
        "geography/priority_list.html",
        {"priorities": rows, "show_ended": show_ended, "today": today},
    )


def _priority_page(
    request: AuthedRequest,
    form: PriorityForm,
    priority: LocalPriority | None,
    conflict: EditConflict | None = None,
) -> HttpResponse:
    problems = _problems(form) if form.is_bound else []
    status = 409 if conflict else (422 if problems else 200)
    context: dict[str, Any] = {"form": form, "priority": priority, "problems": problems, "conflict": conflict}
    return render(request, "geography/priority_form.html", context, status=status)


@capability_required("geography.priorities")
def priority_new(request: AuthedRequest) -> HttpResponse:
    initial: dict[str, Any] = {"active_from": timezone.localdate()}
    if request.GET.get("neighbourhood", "").isdigit():
        initial["neighbourhood"] = int(request.GET["neighbourhood"])
    form = PriorityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            p = services.create_priority(request.user, form.values())
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        else:
            messages.success(request, f"Local priority “{p.name}” saved.")
            return redirect("geography:priorities")
    return _priority_page(request, form, None)


@capability_required("geography.priorities")
def priority_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    priority = get_object_or_404(LocalPriority, pk=pk)
    form = PriorityForm(request.POST or None, initial=PriorityForm.initial_for(priority))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            p = services.update_priority(
                request.user, priority, form.values(), expected_version=form.cleaned_data.get("version")
            )
        except EditConflict as exc:
            conflict = exc
            priority.refresh_from_db()
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        else:
            messages.success(request, f"Local priority “{p.name}” saved.")
            return redirect("geography:priorities")
    return _priority_page(request, form, priority, conflict)


@capability_required("geography.priorities")
def priority_end(request: AuthedRequest, pk: int) -> HttpResponse:
    priority = get_object_or_404(LocalPriority.objects.select_related("neighbourhood", "area"), pk=pk)
    form = EndPriorityForm(
        request.POST or None, initial={"on": timezone.localdate(), "version": priority.version}
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.end_priority(
                request.user,
                priority,
                on=form.cleaned_data["on"],
                expected_version=form.cleaned_data["version"],
            )
        except EditConflict as exc:
            conflict = exc
            priority.refresh_from_db()
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        else:
            messages.success(
                request, f"Local priority “{priority.name}” ends on {form.cleaned_data['on']:%-d %B %Y}."
            )
            return redirect("geography:priorities")
    problems = _problems(form) if form.is_bound else []
    return render(
        request,
        "geography/priority_end.html",
        {"priority": priority, "form": form, "problems": problems, "conflict": conflict},
        status=409 if conflict else (422 if problems else 200),
    )
