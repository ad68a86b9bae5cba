"""The improvement-plan API: inspections, plans, progress updates, transfers and imports.

Handlers are thin: reads go through `selectors`, writes through `services` (which check object-level
permission, validate and audit). Every endpoint names the capability it needs with `require`.
Unknown ids in the URL (path or query) answer 404; unknown ids in a request body answer 422 naming
the field. Service errors become JSON by the handlers in beacon.api (422, 403, 409).

No `from __future__ import annotations` here: django-ninja reads the handlers' annotations through
the `require` wrapper, whose module globals would not resolve string annotations.
"""

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Router, UploadedFile
from ninja import Status as WithStatus  # (not the RAG status: an HTTP status with a body)

from beacon.core.api_auth import api_user, get_or_404, require
from beacon.core.errors import Problem, ValidationFailed
from beacon.inspections import selectors, services
from beacon.inspections.models import Allocation, Board, Finding, Inspection, Portfolio, ProgressUpdate
from beacon.inspections.schemas import (
    AllocationOut,
    AllocationPatch,
    FindingDetailOut,
    InspectionDetailOut,
    InspectionOut,
    PlanItemOut,
    PortfolioOut,
    SummaryOut,
    TransferIn,
    UpdateIn,
    UpdateOut,
)

router = Router(tags=["Improvement plans"])

IMPORT_SUFFIXES = (".csv", ".xlsx")
IMPORT_MAX_BYTES = 50 * 1024 * 1024  # as the import page (views_manage.MAX_UPLOAD_BYTES)

# ---------------------------------------------------------------------------------------------
# Shaping records for responses


def _update_out(u: ProgressUpdate) -> dict[str, Any]:
    return {
        "id": u.pk,
        "allocation_id": u.allocation_id,
        "date": u.date,
        "date_given": u.date_given,
        "status": u.status,
        "status_label": u.get_status_display(),
        "text": u.text,
        "author_name": u.author_name,
        "corrects_id": u.corrects_id,
    }


def _plan_item_out(item: selectors.PlanItem) -> dict[str, Any]:
    a = item.allocation
    f = a.finding
    return {
        "allocation_id": a.pk,
        "version": a.version,
        "finding_id": f.pk,
        "finding_ref": f.ref,
        "finding_kind": f.kind,
        "finding_text": f.text,
        "inspection_id": f.inspection_id,
        "inspection": f.inspection.title,
        "portfolio_id": a.portfolio_id,
        "portfolio": a.portfolio.name,
        "due_date": a.due_date,
        "action_owner": a.action_owner,
        "role": a.role,
        "status": item.status,
        "status_label": item.status_label,
        "latest_update": _update_out(item.latest) if item.latest else None,
        "flags": [{"code": fl.code, "label": fl.label, "reason": fl.reason} for fl in item.flags],
    }


def _allocation_out(a: Allocation) -> dict[str, Any]:
    return {
        "id": a.pk,
        "version": a.version,
        "finding_id": a.finding_id,
        "finding_ref": a.finding.ref,
        "portfolio_id": a.portfolio_id,
        "portfolio": a.portfolio.name,
        "role": a.role,
        "action_owner": a.action_owner,
        "due_date": a.due_date,
        "started_on": a.started_on,
        "ended_on": a.ended_on,
        "ended_by_transfer": a.ended_by_transfer,
        "transferred_to_id": a.transferred_to_id,
        "transferred_to": a.transferred_to.name if a.transferred_to else None,
    }


def _finding_out(f: Finding) -> dict[str, Any]:
    return {
        "id": f.pk,
        "ref": f.ref,
        "kind": f.kind,
        "parent_ref": f.parent.ref if f.parent else None,
        "category": f.category,
        "text": f.text,
        "pages": f.pages,
    }


def _inspection_out(i: Inspection, finding_count: int) -> dict[str, Any]:
    return {
        "id": i.pk,
        "title": i.title,
        "inspectorate": i.inspectorate,
        "kind": i.kind,
        "published": i.published,
        "revisit_date": i.revisit_date,
        "finding_count": finding_count,
    }


def _today(as_of: dt.date | None) -> dt.date:
    return as_of or timezone.localdate()


# ---------------------------------------------------------------------------------------------
# Inspections


@router.get("inspections", response=list[InspectionOut], summary="List inspections")
@require("plans.view")
def list_inspections(request: HttpRequest) -> list[dict[str, Any]]:
    rows = selectors.inspections_with_counts()
    return [_inspection_out(i, i.finding_count) for i in rows]  # type: ignore[attr-defined]


@router.get("inspections/{inspection_id}", response=InspectionDetailOut, summary="An inspection")
@require("plans.view")
def get_inspection(request: HttpRequest, inspection_id: int) -> dict[str, Any]:
    insp = get_or_404(Inspection.objects.all(), inspection_id, "inspection")
    findings = list(insp.findings.select_related("parent").order_by("position", "id"))
    return {
        **_inspection_out(insp, len(findings)),
        "fieldwork_start": insp.fieldwork_start,
        "fieldwork_end": insp.fieldwork_end,
        "graded_areas": [
            {"name": g.name, "grade": g.grade, "national_distribution": g.national_distribution}
            for g in insp.graded_areas.all()
        ],
        "findings": [_finding_out(f) for f in findings],
    }


@router.get(
    "inspections/{inspection_id}/summary",
    response=SummaryOut,
    summary="Board-paper summary per portfolio (as `beacon plans summary --json`)",
)
@require("plans.view")
def inspection_summary(
    request: HttpRequest, inspection_id: int, as_of: dt.date | None = None
) -> dict[str, Any]:
    insp = get_or_404(Inspection.objects.all(), inspection_id, "inspection")
    day = _today(as_of)
    summary = selectors.inspection_summary(insp, day)
    return {
        "inspection": insp.title,
        "as_of": day,
        "all_portfolios": selectors.all_portfolios_summary(summary),
        "portfolios": summary,
    }


# ---------------------------------------------------------------------------------------------
# Portfolios, plans, findings


@router.get("portfolios", response=list[PortfolioOut], summary="List portfolios")
@require("plans.view")
def list_portfolios(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"id": p.pk, "name": p.name, "holder": p.holder, "plan_owner": p.plan_owner}
        for p in Portfolio.objects.all()
    ]


@router.get(
    "portfolios/{portfolio_id}/plan", response=list[PlanItemOut], summary="A portfolio's plan as at a date"
)
@require("plans.view")
def portfolio_plan(
    request: HttpRequest, portfolio_id: int, inspection_id: int | None = None, as_of: dt.date | None = None
) -> list[dict[str, Any]]:
    portfolio = get_or_404(Portfolio.objects.all(), portfolio_id, "portfolio")
    inspection = (
        get_or_404(Inspection.objects.all(), inspection_id, "inspection")
        if inspection_id is not None
        else None
    )
    return [_plan_item_out(i) for i in selectors.portfolio_plan(portfolio, inspection, _today(as_of))]


@router.get(
    "findings/{finding_id}", response=FindingDetailOut, summary="A finding, its allocations and timeline"
)
@require("plans.view")
def get_finding(request: HttpRequest, finding_id: int) -> dict[str, Any]:
    finding = get_or_404(Finding.objects.select_related("inspection", "parent"), finding_id, "finding")
    allocations = finding.allocations.select_related("portfolio", "transferred_to").order_by("id")
    timeline = []
    for e in selectors.finding_timeline(finding):
        a = e["allocation"]
        assert isinstance(a, Allocation)
        update = e.get("update")
        timeline.append(
            {
                "kind": e["kind"],
                "date": e["date"],
                "allocation_id": a.pk,
                "portfolio": a.portfolio.name,
                "transferred_to": a.transferred_to.name
                if e["kind"] == "transfer" and a.transferred_to
                else None,
                "update": _update_out(update) if isinstance(update, ProgressUpdate) else None,
            }
        )
    # The allocations' finding is this one: spare a query per allocation.
    for a in allocations:
        a.finding = finding
    return {
        **_finding_out(finding),
        "inspection_id": finding.inspection_id,
        "inspection": finding.inspection.title,
        "allocations": [_allocation_out(a) for a in allocations],
        "timeline": timeline,
    }


# ---------------------------------------------------------------------------------------------
# Writes


@router.post(
    "allocations/{allocation_id}/updates",
    response={201: UpdateOut},
    summary="Add a progress update (action owner, plan owner or performance team)",
)
@require("plans.update")
def add_update(request: HttpRequest, allocation_id: int, payload: UpdateIn) -> WithStatus[dict[str, Any]]:
    allocation = get_or_404(Allocation.objects.all(), allocation_id, "allocation")
    update = services.add_update(
        api_user(request),
        allocation,
        status=payload.status,
        text=payload.text,
        on=payload.date,
        based_on_update_id=payload.based_on_update_id,
    )
    return WithStatus(201, _update_out(update))


@router.patch(
    "allocations/{allocation_id}", response=AllocationOut, summary="Edit an item's owner or due date"
)
@require("plans.update")
def edit_allocation(request: HttpRequest, allocation_id: int, payload: AllocationPatch) -> dict[str, Any]:
    allocation = get_or_404(Allocation.objects.all(), allocation_id, "allocation")
    sent = payload.model_fields_set
    allocation = services.edit_allocation(
        api_user(request),
        allocation,
        expected_version=payload.version,
        action_owner=payload.action_owner,
        due_date=payload.due_date,
        clear_due_date="due_date" in sent and payload.due_date is None,
    )
    return _allocation_out(allocation)


_TRANSFER_FIELDS = {"to": "to_portfolio_id"}


@router.post(
    "allocations/{allocation_id}/transfer",
    response={201: AllocationOut},
    summary="Transfer an item to another portfolio (performance team)",
)
@require("plans.manage")
def transfer_allocation(
    request: HttpRequest, allocation_id: int, payload: TransferIn
) -> WithStatus[dict[str, Any]]:
    allocation = get_or_404(Allocation.objects.all(), allocation_id, "allocation")
    to = Portfolio.objects.filter(pk=payload.to_portfolio_id).first()
    if to is None:
        raise ValidationFailed.one("No portfolio has this id.", "to_portfolio_id")
    try:
        new = services.transfer(
            api_user(request),
            allocation,
            to=to,
            on=payload.on,
            action_owner=payload.action_owner,
            note=payload.note,
        )
    except ValidationFailed as exc:  # name the fields as this API's body does
        raise ValidationFailed(
            [Problem(p.message, _TRANSFER_FIELDS.get(p.field, p.field), p.row) for p in exc.problems]
        ) from exc
    return WithStatus(201, _allocation_out(new))


# ---------------------------------------------------------------------------------------------
# Dashboards


@router.get("dashboard", response=list[PlanItemOut], summary="Overdue, stale and due-soon lead items")
@require("plans.view")
def dashboard(
    request: HttpRequest,
    as_of: dt.date | None = None,
    portfolio_id: int | None = None,
    owner: str = "",
    board_id: int | None = None,
) -> list[dict[str, Any]]:
    portfolio = (
        get_or_404(Portfolio.objects.all(), portfolio_id, "portfolio") if portfolio_id is not None else None
    )
    board = get_or_404(Board.objects.all(), board_id, "board") if board_id is not None else None
    items = selectors.dashboard_items(_today(as_of), portfolio=portfolio, owner=owner.strip(), board=board)
    return [_plan_item_out(i) for i in items]


@router.get("me/actions", response=list[PlanItemOut], summary="Items the caller owns")
@require("plans.view")
def my_actions(request: HttpRequest, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    return [_plan_item_out(i) for i in selectors.my_items(api_user(request), _today(as_of))]


# ---------------------------------------------------------------------------------------------
# Import


@router.post(
    "plans/import", response=dict[str, Any], summary="Import a plan from CSV or XLSX (all rows or none)"
)
@require("plans.manage")
def import_plan(
    request: HttpRequest,
    file: UploadedFile | None = File(None),  # noqa: B008
    as_at: dt.date | None = Form(  # noqa: B008
        None,
        description="The date the plan is as at: updates without a date of update are taken as given on "
        "it (default today). The result's notes list them, and spellings that differ only in case, "
        "spacing or punctuation.",
    ),
) -> dict[str, Any]:
    from beacon.inspections.importer import import_plan as run_import

    if file is None:
        raise ValidationFailed.one("Choose a CSV or XLSX file to upload.", "file")
    name = Path(file.name or "").name  # Django keeps only the base name of an upload
    suffix = Path(name).suffix.lower()
    if suffix not in IMPORT_SUFFIXES:
        raise ValidationFailed.one("Upload a .csv or .xlsx file.", "file")
    if file.size is not None and file.size > IMPORT_MAX_BYTES:
        raise ValidationFailed.one(f"The file is larger than {IMPORT_MAX_BYTES // (1024 * 1024)} MB.", "file")
    # Saved under its own name (so the importer's messages name the user's file, and its suffix picks
    # the reader, lower-cased) in a private temporary directory that is removed afterwards.
    with tempfile.TemporaryDirectory(prefix="beacon-import-") as tmpdir:
        path = Path(tmpdir) / (Path(name).stem + suffix)
        with path.open("wb") as fh:
            for chunk in file.chunks():
                fh.write(chunk)
        result = run_import(path, actor=api_user(request), source_name=name, as_at=as_at)
    return result.as_dict()
