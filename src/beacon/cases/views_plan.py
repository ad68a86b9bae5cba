"""Case page sections that update in place (HTMX): the action plan (optimistic locking on each
action), contacts and supervisory reviews; and the supervisor's list and the standards page.

Each section's POST answers with the section (and, for contacts and reviews, the standards panel
out of band) when HTMX asks, else redirects to the case's page — or shows the page with the
problems and the user's input kept.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from beacon.cases import selectors, services
from beacon.cases.forms import (
    ActionForm,
    ContactForm,
    ReviewForm,
    StandardsForm,
    SupervisorFilterForm,
    edit_form_for,
    form_problems,
)
from beacon.cases.models import Action, StandardsPolicy
from beacon.cases.standards import current_policy, weights
from beacon.cases.views import detail_context, is_htmx, load, render_detail, victims_of, visible
from beacon.core.errors import EditConflict, PermissionRefused, Problem, ValidationFailed
from beacon.core.panels import panels_for
from beacon.core.permissions import AuthedRequest, capability_required, refuse

SUPERVISOR_PAGE_SIZE = 25


def _section(
    request: AuthedRequest, case_id: int, template: str, anchor: str, *, status: int = 200, **forms: Any
) -> HttpResponse:
    """The section after a write: in place (HTMX, always 200 so it swaps), or the page."""
    case = load(request, case_id)
    if is_htmx(request):
        ctx = detail_context(request, case, **forms)
        ctx["partial"] = True
        return render(request, template, ctx)
    if status == 200 and not forms:
        return redirect(reverse("cases:detail", args=[case_id]) + f"#{anchor}")
    return render_detail(request, case, status=status, **forms)


# ---------------------------------------------------------------------------------------------
# Action plan


def _action_input(d: dict[str, Any], *, editing: bool) -> services.ActionInput:
    return services.ActionInput(
        text=d["text"],
        owner_id=d["owner"].pk if d.get("owner") else None,
        clear_owner=d.get("owner") is None and editing,
        owner_label=d.get("owner_label", ""),
        due_on=d.get("due_on"),
        clear_due=d.get("due_on") is None and editing,
        status=d.get("status") or None,
        outcome=d.get("outcome", ""),
    )


_ACTION_FIELDS = {"owner_id": "owner", "due_on": "due_on"}


@require_POST
@capability_required("cases.manage")
def add_action(request: AuthedRequest, pk: int) -> HttpResponse:
    case = visible(request, pk)
    form = ActionForm(request.POST, prefix="action", area_id=case.area_id)
    if form.is_valid():
        try:
            services.add_action(request.user, pk, _action_input(form.cleaned_data, editing=False))
        except ValidationFailed as exc:
            form.add_problems(
                [Problem(p.message, _ACTION_FIELDS.get(p.field, p.field)) for p in exc.problems]
            )
        else:
            if not is_htmx(request):
                messages.success(request, "Action added.")
            return _section(request, pk, "cases/_actions.html", "actions")
    return _section(request, pk, "cases/_actions.html", "actions", status=400, action_form=form)


@capability_required("cases.manage")
def edit_action(request: AuthedRequest, action_pk: int) -> HttpResponse:
    """GET: the action plan with this action's form open. POST: save it; refused with what changed
    when someone saved the action since it was loaded (the user's input is kept)."""
    action = get_object_or_404(Action.objects.select_related("case"), pk=action_pk)
    case = visible(request, action.case_id)
    if request.method != "POST":
        if not is_htmx(request):
            return redirect(reverse("cases:detail", args=[case.pk]) + f"?edit_action={action.pk}#actions")
        return _section(
            request,
            case.pk,
            "cases/_actions.html",
            "actions",
            editing_action=action.pk,
            action_edit_form=edit_form_for(action, case.area_id),
        )
    prefix = f"a{action.pk}"
    form = ActionForm(request.POST, prefix=prefix, area_id=case.area_id)
    if form.is_valid():
        try:
            services.update_action(
                request.user,
                action.pk,
                form.cleaned_data["version"],
                _action_input(form.cleaned_data, editing=True),
            )
        except ValidationFailed as exc:
            form.add_problems(
                [Problem(p.message, _ACTION_FIELDS.get(p.field, p.field)) for p in exc.problems]
            )
        except EditConflict as exc:
            action.refresh_from_db()
            data = request.POST.copy()
            data[f"{prefix}-version"] = str(action.version)
            kept = ActionForm(data, prefix=prefix, area_id=case.area_id)
            kept.is_valid()
            return _section(
                request,
                case.pk,
                "cases/_actions.html",
                "actions",
                status=409,
                section_conflict=exc,
                conflict=exc,
                editing_action=action.pk,
                action_edit_form=kept,
            )
        else:
            if not is_htmx(request):
                messages.success(request, "Action saved.")
            return _section(request, case.pk, "cases/_actions.html", "actions")
    return _section(
        request,
        case.pk,
        "cases/_actions.html",
        "actions",
        status=400,
        editing_action=action.pk,
        action_edit_form=form,
    )


# ---------------------------------------------------------------------------------------------
# Contacts and reviews


@require_POST
@capability_required("cases.manage")
def add_contact(request: AuthedRequest, pk: int) -> HttpResponse:
    case = load(request, pk, "recording a contact")
    labels = selectors.person_labels({p.person_id for p in case.parties.all()})
    form = ContactForm(request.POST, prefix="contact", victims=victims_of(case, labels))
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.record_contact(
                request.user,
                pk,
                method=d["method"],
                summary=d["summary"],
                at=form.when(),
                person_id=int(d["person"]) if d["person"] else None,
            )
        except ValidationFailed as exc:
            form.add_problems(
                [
                    Problem(p.message, {"at": "on", "person_id": "person"}.get(p.field, p.field))
                    for p in exc.problems
                ]
            )
        else:
            if not is_htmx(request):
                messages.success(request, "Contact recorded.")
            return _section(request, pk, "cases/_contacts.html", "contacts")
    return _section(request, pk, "cases/_contacts.html", "contacts", status=400, contact_form=form)


@require_POST
@capability_required("cases.supervise")
def add_review(request: AuthedRequest, pk: int) -> HttpResponse:
    visible(request, pk)
    form = ReviewForm(request.POST, prefix="review")
    if form.is_valid():
        try:
            services.record_review(
                request.user, pk, tier=form.cleaned_data["tier"], decision=form.cleaned_data["decision"]
            )
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        except PermissionRefused as exc:
            return refuse(request, str(exc))
        else:
            if not is_htmx(request):
                messages.success(request, "Review recorded.")
            return _section(request, pk, "cases/_reviews.html", "reviews")
    return _section(request, pk, "cases/_reviews.html", "reviews", status=400, review_form=form)


# ---------------------------------------------------------------------------------------------
# The supervisor's list


@capability_required("cases.supervise")
def supervisor(request: AuthedRequest) -> HttpResponse:
    form = SupervisorFilterForm(request.GET or None, user=request.user)
    filters = selectors.SupervisorFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.SupervisorFilters(
            area_id=d["area"].pk if d["area"] else None,
            neighbourhood_id=d["neighbourhood"].pk if d["neighbourhood"] else None,
            rag=d["rag"],
            kind=d["kind"],
        )
    try:
        page_no = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_no = 1
    result = selectors.supervisor_list(request.user, filters, page=page_no, per_page=SUPERVISOR_PAGE_SIZE)
    query = urlencode([(k, str(v)) for k, v in request.GET.items() if k != "page"])
    # Later domains (partnership: ASB case review thresholds met, reviews overdue) add panels.
    panels, panel_context = panels_for("supervisor", request.user, filters)
    return render(
        request,
        "cases/supervisor.html",
        {
            "form": form,
            "result": result,
            "query": query,
            "filtered": bool(query),
            "problems": form_problems(form) if form.is_bound and form.errors else [],
            "panels": panels,
            **panel_context,
        },
    )


# ---------------------------------------------------------------------------------------------
# Minimum standards and weights


@capability_required("cases.configure")
def standards(request: AuthedRequest) -> HttpResponse:
    policy = current_policy()
    w = weights(policy)
    conflict = None
    if request.method == "POST":
        form = StandardsForm(request.POST)
        if form.is_valid():
            try:
                new = services.publish_policy(
                    request.user,
                    form.levels(),
                    form.weights(w),
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationFailed as exc:
                for p in exc.problems:
                    form.add_error(None, p.message)
            except EditConflict as exc:
                conflict = exc
                data = request.POST.copy()
                data["version"] = str(current_policy().version)
                form = StandardsForm(data)
                form.is_valid()
            else:
                messages.success(
                    request,
                    f"Minimum standards version {new.version} published; open cases' due dates recomputed.",
                )
                return redirect("cases:standards")
    else:
        form = StandardsForm(initial=StandardsForm.initial_from(policy.levels, w, policy.version))
    levels = [
        (
            label,
            [
                form[f"{level}__{name}"]
                for name in ("first_contact_days", "update_days", "sergeant", "inspector", "chief_inspector")
            ],
        )
        for level, label in (("standard", "Standard"), ("medium", "Medium"), ("high", "High"))
    ]
    return render(
        request,
        "cases/standards.html",
        {
            "form": form,
            "policy": policy,
            "levels": levels,
            "weight_fields": [
                form[f"w__{n}"]
                for n in (
                    "risk_standard",
                    "risk_medium",
                    "risk_high",
                    "repeat",
                    "vulnerable",
                    "per_day_overdue",
                    "due_soon_days",
                    "amber_at",
                    "red_at",
                )
            ],
            "history": list(StandardsPolicy.objects.select_related("created_by").order_by("-version")[:20]),
            "conflict": conflict,
            "problems": form_problems(form) if form.is_bound else [],
        },
        status=409 if conflict else (400 if form.is_bound else 200),
    )
