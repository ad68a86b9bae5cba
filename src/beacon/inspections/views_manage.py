"""Improvement-plan pages for the performance and inspection team: import, extract a report,
transfer items, set the plan rules, manage boards."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render

from beacon.core.errors import EditConflict, PermissionRefused, Problem, ValidationFailed
from beacon.core.permissions import AuthedRequest, capability_required, refuse
from beacon.core.widgets import typed_date
from beacon.inspections import services
from beacon.inspections.forms import BoardForm, PlanImportForm, RulesForm, TransferForm, UploadForm
from beacon.inspections.models import Allocation, Board, Inspection, PlanRules

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def _save_upload(upload: Any) -> Path:
    suffix = Path(upload.name).suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return Path(fh.name)


@capability_required("plans.manage")
def import_plan(request: AuthedRequest) -> HttpResponse:
    from beacon.inspections.importer import import_plan as run_import

    problems: list[Problem] = []
    form = PlanImportForm(request.POST or None, request.FILES or None)
    form.fields["file"].label = "Improvement plan (CSV or XLSX)"
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            problems = [Problem("The file is larger than 50 MB.", "file")]
        else:
            path = _save_upload(upload)
            try:
                result = run_import(
                    path, actor=request.user, source_name=upload.name, as_at=form.cleaned_data["as_at"]
                )
            except ValidationFailed as exc:
                problems = exc.problems
            else:
                if not result.notes:
                    messages.success(request, result.describe())
                    return redirect("inspections:list")
                # Imported, with notes to read: they are shown here rather than lost in a redirect.
                return render(
                    request,
                    "inspections/import.html",
                    {"form": PlanImportForm(), "problems": [], "result": result},
                )
            finally:
                path.unlink(missing_ok=True)
    elif form.is_bound:
        problems = form.problems()
    return render(
        request,
        "inspections/import.html",
        {"form": form, "problems": problems},
        status=422 if problems else 200,
    )


def _draft_from_post(post: QueryDict) -> dict[str, Any]:
    """Rebuild the reviewed draft from the review form (rows the user unticked are left out)."""

    def rows(prefix: str, fields: list[str]) -> list[dict[str, Any]]:
        out = []
        for i in range(int(post.get(f"{prefix}-count", "0") or 0)):
            if post.get(f"{prefix}-{i}-keep") != "on":
                continue
            out.append({f: post.get(f"{prefix}-{i}-{f}", "").strip() for f in fields})
        return out

    grades = rows("grade", ["area", "grade", "distribution"])
    for g in grades:
        dist: dict[str, int] = {}
        for part in g.pop("distribution").split(","):
            if ":" in part:
                k, v = part.split(":", 1)
                if v.strip().isdigit():
                    dist[k.strip()] = int(v.strip())
        g["national_distribution"] = dist
    published = typed_date(post, "published") or ""
    return {
        "title": post.get("title", "").strip(),
        "inspectorate": post.get("inspectorate", "").strip(),
        "kind": post.get("kind", Inspection.Kind.FORCE),
        "published": dt.date.fromisoformat(published) if published else None,
        "grades": grades,
        "recommendations": rows("rec", ["number", "text", "area"]),
        "areas_for_improvement": rows("afi", ["area", "text"]),
    }


@capability_required("plans.manage")
def extract_report(request: AuthedRequest) -> HttpResponse:
    from beacon.inspections.extract import extract_file

    problems: list[Problem] = []
    draft: dict[str, Any] | None = None
    if request.method == "POST" and request.POST.get("step") == "accept":
        try:
            draft = _draft_from_post(request.POST)
            inspection = services.create_inspection_from_draft(request.user, draft)
        except ValueError:
            problems = [
                Problem("Enter the publication date as a real date, for example 30 9 2024.", "published")
            ]
        except ValidationFailed as exc:
            problems = exc.problems
        except PermissionRefused as exc:
            return refuse(request, str(exc))
        else:
            messages.success(request, f"Inspection “{inspection.title}” created with its findings.")
            return redirect("inspections:inspection", pk=inspection.pk)
        form = UploadForm()
    else:
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            path = _save_upload(upload)
            try:
                extracted: dict[str, Any] = extract_file(path)
                extracted.setdefault("title", Path(upload.name).stem.replace("_", " "))
                draft = extracted
            except ValidationFailed as exc:
                problems = exc.problems
            finally:
                path.unlink(missing_ok=True)
        elif form.is_bound:
            problems = form.problems()
    form.fields["file"].label = "Inspection report (text or PDF)"
    return render(
        request,
        "inspections/extract.html",
        {"form": form, "draft": draft, "problems": problems, "kinds": Inspection.Kind.choices},
        status=422 if problems else 200,
    )


@capability_required("plans.manage")
def transfer(request: AuthedRequest, pk: int) -> HttpResponse:
    allocation = get_object_or_404(Allocation.objects.select_related("finding", "portfolio"), pk=pk)
    form = TransferForm(request.POST or None)
    to_field = form.fields["to"]
    assert isinstance(to_field, forms.ModelChoiceField) and to_field.queryset is not None
    to_field.queryset = to_field.queryset.exclude(pk=allocation.portfolio_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer(
                request.user,
                allocation,
                to=form.cleaned_data["to"],
                on=form.cleaned_data["on"],
                action_owner=form.cleaned_data["action_owner"],
                note=form.cleaned_data["note"],
            )
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        else:
            messages.success(request, f"{allocation.finding.ref} transferred to {form.cleaned_data['to']}.")
            return redirect("inspections:finding", pk=allocation.finding_id)
    return render(
        request,
        "inspections/transfer_form.html",
        {"allocation": allocation, "form": form, "problems": form.problems() if form.is_bound else []},
    )


@capability_required("plans.manage")
def rules(request: AuthedRequest) -> HttpResponse:
    current = PlanRules.current()
    conflict = None
    form = RulesForm(
        request.POST or None,
        initial={
            "stale_after_days": current.stale_after_days,
            "due_soon_days": current.due_soon_days,
            "version": current.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_rules(
                request.user,
                stale_after_days=form.cleaned_data["stale_after_days"],
                due_soon_days=form.cleaned_data["due_soon_days"],
                expected_version=form.cleaned_data["version"],
            )
        except EditConflict as exc:
            conflict = exc
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        else:
            messages.success(request, "Plan rules saved.")
            return redirect("inspections:rules")
    return render(
        request,
        "inspections/rules.html",
        {"form": form, "conflict": conflict, "problems": form.problems() if form.is_bound else []},
        status=409 if conflict else 200,
    )


@capability_required("plans.manage")
def boards(request: AuthedRequest) -> HttpResponse:
    form = BoardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        dates = []
        bad = []
        for line in form.cleaned_data["meeting_dates"].split():
            try:
                dates.append(dt.date.fromisoformat(line.strip()))
            except ValueError:
                bad.append(line)
        if bad:
            form.add_error("meeting_dates", f"Not dates in the form YYYY-MM-DD: {', '.join(bad)}")
        else:
            board = services.save_board(
                request.user,
                name=form.cleaned_data["name"],
                chair=form.cleaned_data["chair"],
                inspections=list(form.cleaned_data["inspections"]),
                meeting_dates=dates,
            )
            messages.success(request, f"Board “{board.name}” saved.")
            return redirect("inspections:boards")
    return render(
        request,
        "inspections/boards.html",
        {
            "form": form,
            "boards": Board.objects.prefetch_related("inspections", "meetings"),
            "problems": form.problems() if form.is_bound else [],
        },
    )
