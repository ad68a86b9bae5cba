"""Case pages: the list, opening a case by hand, a case's page (logged) and its forms — the case
record (optimistic locking), risk level, parties, incidents and suggestions, locations, closure and
reopening. The action plan, contacts, reviews, the supervisor's list and the standards page are in
views_plan.

Thin: reads through `selectors` (a case's page logs the view), writes through `services`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from beacon.cases import selectors, services
from beacon.cases.forms import (
    ActionForm,
    CaseEditForm,
    CaseFilterForm,
    CloseForm,
    ContactForm,
    IncidentLinkForm,
    LevelForm,
    LocationForm,
    OpenCaseForm,
    PartyForm,
    PeopleSearchForm,
    ReopenForm,
    ReviewForm,
    VictimContactForm,
    edit_form_for,
    form_problems,
)
from beacon.cases.models import Case, CaseParty
from beacon.cases.reference import CLOSURE_REASONS, VICTIM_TOLD_METHODS
from beacon.cases.services_plan import ClosureInput
from beacon.core import audit
from beacon.core.downloads import FORMATS, MAX_ROWS, table_download
from beacon.core.errors import EditConflict, PermissionRefused, Problem, ValidationFailed
from beacon.core.forms import GovukForm
from beacon.core.panels import panels_for
from beacon.core.permissions import AuthedRequest, capability_required, refuse
from beacon.incidents.models import Incident
from beacon.people.models import Person

VIEW_REASON = "viewing case"
LIST_PAGE_SIZE = 25


def is_htmx(request: AuthedRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def load(request: AuthedRequest, pk: int, reason: str = VIEW_REASON) -> Case:
    try:
        return selectors.case_for(request.user, pk, reason=reason)
    except Case.DoesNotExist as exc:
        raise Http404("No such case in your areas.") from exc


def visible(request: AuthedRequest, pk: int) -> Case:
    """A case in the user's areas, for a write (the page that follows logs the view)."""
    return get_object_or_404(selectors.visible_cases(request.user), pk=pk)


def victims_of(case: Case, labels: dict[int, str]) -> list[tuple[int, str]]:
    return [(p.person_id, labels[p.person_id]) for p in case.parties.all() if p.role == CaseParty.Role.VICTIM]


def detail_context(request: AuthedRequest, case: Case, **forms: Any) -> dict[str, Any]:
    """Everything a case's page shows; `forms` replace the blank ones (bound, with errors)."""
    user = request.user
    parties = list(case.parties.all())
    known = selectors.known_people({p.person_id for p in parties})
    labels = {pid: selectors.label_of(k) for pid, k in known.items()}
    if parties:  # showing who is on the case is a view of those people too
        audit.record_reads(
            user, [Person(pk=p) for p in sorted(labels)], reason=f"{VIEW_REASON} {case.reference}"
        )
    is_open = case.status == Case.Status.OPEN
    can_manage = user.can("cases.manage")
    can_supervise = user.can("cases.supervise")
    ev = selectors.evaluation(case)
    incident_people = selectors.incident_people(case) if can_manage and is_open else []
    ip_labels = selectors.person_labels({pid for pid, _r, _i in incident_people})
    contacts = list(case.contacts.all())
    for c in contacts:
        c.person_label = labels.get(c.person_id, "") if c.person_id else ""  # type: ignore[attr-defined]
    ctx: dict[str, Any] = {
        "case": case,
        "heading": selectors.heading_for(case, known),
        "victim_contacts": selectors.victim_contacts(case, known),
        "can_change_contact": can_manage,
        "evaluation": ev,
        "victims": [(p, labels[p.person_id]) for p in parties if p.role == CaseParty.Role.VICTIM],
        "perpetrators": [(p, labels[p.person_id]) for p in parties if p.role == CaseParty.Role.PERPETRATOR],
        "incident_people": [(pid, ip_labels[pid], role, ref) for pid, role, ref in incident_people],
        "case_incidents": list(case.case_incidents.all()),
        "locations": list(case.locations.all()),
        "history": list(case.risk_history.all()),
        "actions": list(case.actions.all()),
        "contacts": contacts,
        "reviews": list(case.reviews.all()),
        "labels": labels,
        "is_open": is_open,
        "can_manage": can_manage and is_open,
        "can_supervise": can_supervise and is_open,
        "suggestions": selectors.linkable_incidents(case) if can_manage and is_open else [],
        "reopen_prompts": selectors.reopen_prompts(case, user),
        "closure_reason_label": dict(CLOSURE_REASONS).get(case.closure_reason, case.closure_reason),
        "victim_told_label": dict(VICTIM_TOLD_METHODS).get(case.victim_told_how, case.victim_told_how),
        "conflict": forms.pop("conflict", None),
        "section_conflict": forms.pop("section_conflict", None),
        "editing_action": forms.pop("editing_action", None),
    }
    if can_manage and is_open:
        ctx["edit_form"] = forms.get("edit_form") or CaseEditForm(
            prefix="edit",
            area_id=case.area_id,
            initial={
                "version": case.version,
                "title": case.title,
                "summary": case.summary,
                "spoc": case.spoc_id,
                "supervisor": case.supervisor_id,
                "neighbourhood": case.neighbourhood_id,
            },
        )
        ctx["level_form"] = forms.get("level_form") or LevelForm(
            prefix="level", initial={"version": case.version}
        )
        ctx["party_form"] = forms.get("party_form") or PartyForm(prefix="party")
        ctx["search_form"] = PeopleSearchForm(prefix="search")
        ctx["incident_form"] = forms.get("incident_form") or IncidentLinkForm(prefix="inc")
        ctx["location_form"] = forms.get("location_form") or LocationForm(prefix="loc")
        ctx["action_form"] = forms.get("action_form") or ActionForm(prefix="action", area_id=case.area_id)
        ctx["contact_form"] = forms.get("contact_form") or ContactForm(
            prefix="contact", victims=victims_of(case, labels)
        )
    if can_supervise and is_open:
        ctx["review_form"] = forms.get("review_form") or ReviewForm(prefix="review")
    if not is_open and can_manage:
        ctx["reopen_form"] = forms.get("reopen_form") or ReopenForm(
            prefix="reopen", initial={"version": case.version}
        )
    if "action_edit_form" in forms:
        ctx["action_edit_form"] = forms["action_edit_form"]
    # Later domains (partnership: referrals, tools and powers, case reviews) add their panels.
    ctx["case_panels"], panel_context = panels_for("case", user, case)
    ctx.update(panel_context)
    bound = [f for f in forms.values() if isinstance(f, GovukForm) and f.is_bound]
    ctx["problems"] = [p for f in bound for p in form_problems(f)]
    ctx["section_problems"] = ctx["problems"]
    return ctx


def render_detail(request: AuthedRequest, case: Case, *, status: int = 200, **forms: Any) -> HttpResponse:
    return render(request, "cases/detail.html", detail_context(request, case, **forms), status=status)


# ---------------------------------------------------------------------------------------------
# Lists and opening


@capability_required("cases.view")
def case_list(request: AuthedRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None, user=request.user)
    filters = selectors.CaseFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.CaseFilters(
            status=d["status"] or "",
            risk_level=d["risk_level"],
            area_id=d["area"].pk if d["area"] else None,
            neighbourhood_id=d["neighbourhood"].pk if d["neighbourhood"] else None,
            mine=d["mine"],
            q=d["q"],
        )
    elif not form.is_bound:
        form = CaseFilterForm(initial={"status": "open"}, user=request.user)
    cases = selectors.case_list(request.user, filters)
    fmt = request.GET.get("download", "")
    if fmt in FORMATS and (not form.is_bound or form.is_valid()):
        return _download(request, list(cases[:MAX_ROWS]), fmt)
    paginator = Paginator(cases, LIST_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    shown = list(page.object_list)
    headings, named = selectors.headings(shown)
    if shown:  # each case is titled by its victim: a view of those people too (one insert)
        audit.record_reads(request.user, [*shown, *(Person(pk=p) for p in named)], reason="list of cases")
    query = urlencode([(k, str(v)) for k, v in request.GET.items() if k not in ("page", "download")])
    return render(
        request,
        "cases/list.html",
        {
            "form": form,
            "page": page,
            "cases": [(c, headings[c.pk]) for c in shown],
            "query": query,
            "filtered": bool(query),
            "downloads": [
                (label, f"?{query}&download={f}" if query else f"?download={f}")
                for f, label in FORMATS.items()
            ],
        },
    )


CASE_COLUMNS = [
    "Reference",
    "Case",
    "Risk level",
    "Status",
    "Area",
    "Neighbourhood",
    "SPOC",
    "Opened",
    "Closed",
]


def _download(request: AuthedRequest, cases: list[Case], fmt: str) -> HttpResponse:
    """The searched cases as CSV or XLSX: each case, and each victim it names, in the access log."""
    headings, named = selectors.headings(cases)
    reason = f"list of cases downloaded ({FORMATS[fmt]})"
    audit.record_exports(request.user, [*cases, *(Person(pk=p) for p in named)], reason=reason)
    rows = (
        [
            c.reference,
            headings[c.pk].text,
            c.get_risk_level_display(),
            c.get_status_display(),
            c.area.name,
            c.neighbourhood.name if c.neighbourhood else "",
            c.spoc.display_name if c.spoc else "",
            c.opened_at,
            c.closed_at,
        ]
        for c in cases
    )
    return table_download("cases", CASE_COLUMNS, rows, fmt)


@capability_required("cases.manage")
def new_case(request: AuthedRequest) -> HttpResponse:
    """Open a case by hand (Standard allowed) for a person and/or an incident."""
    user = request.user
    if request.method == "POST":
        form = OpenCaseForm(request.POST, user=user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                case = services.open_case(
                    user,
                    services.CaseInput(
                        risk_level=d["risk_level"],
                        title=d["title"],
                        summary=d["summary"],
                        victim_ids=(d["victim"],) if d["victim"] else (),
                        incident_ids=(d["incident"],) if d["incident"] else (),
                        area_id=d["area"].pk if d["area"] else None,
                        reason=d["reason"],
                    ),
                )
            except ValidationFailed as exc:
                fields = {"victim_ids": "victim", "incident_ids": "incident", "area_id": "area"}
                form.add_problems([Problem(p.message, fields.get(p.field, p.field)) for p in exc.problems])
            except PermissionRefused as exc:
                form.add_error("area", str(exc))
            else:
                messages.success(request, f"Case {case.reference} opened.")
                return redirect("cases:detail", pk=case.pk)
    else:
        initial: dict[str, Any] = {"risk_level": request.GET.get("level", "")}
        if request.GET.get("person", "").isdigit():
            initial["victim"] = int(request.GET["person"])
        if request.GET.get("incident", "").isdigit():
            inc = Incident.objects.filter(pk=int(request.GET["incident"])).first()
            initial["incident"] = inc.reference if inc else ""
        form = OpenCaseForm(initial=initial, user=user)
    return render(
        request,
        "cases/new.html",
        {"form": form, "problems": form_problems(form) if form.is_bound else []},
    )


# ---------------------------------------------------------------------------------------------
# A case


@capability_required("cases.view")
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    case = load(request, pk)
    editing = request.GET.get("edit_action", "")
    if editing.isdigit() and request.user.can("cases.manage"):
        action = next((a for a in case.actions.all() if a.pk == int(editing)), None)
        if action is not None:
            return render_detail(
                request, case, editing_action=action.pk, action_edit_form=edit_form_for(action, case.area_id)
            )
    return render_detail(request, case)


def _keep_input(form_cls: Any, request: AuthedRequest, prefix: str, case: Case, **kwargs: Any) -> Any:
    """After a conflict: the user's input kept, with the version now saved (so a deliberate
    second save goes through)."""
    data = request.POST.copy()
    data[f"{prefix}-version"] = str(case.version)
    form = form_cls(data, prefix=prefix, **kwargs)
    form.is_valid()
    return form


def _versioned_save(
    request: AuthedRequest,
    pk: int,
    form: Any,
    save: Callable[[dict[str, Any]], object],
    *,
    success: str,
    fields: dict[str, str] | None = None,
    **form_kwargs: Any,
) -> HttpResponse:
    """A form on the case page that changes the case record itself (carrying the version loaded):
    save it, or re-show the page with every problem (400), or, when someone saved the case since,
    with what changed and the user's input kept (409). `fields` renames service fields to form ones."""
    key = f"{form.prefix}_form"
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationFailed as exc:
            names = fields or {}
            form.add_problems([Problem(p.message, names.get(p.field, p.field)) for p in exc.problems])
        except EditConflict as exc:
            case = load(request, pk)
            kept = _keep_input(type(form), request, form.prefix, case, **form_kwargs)
            return render_detail(request, case, status=409, conflict=exc, **{key: kept})
        else:
            messages.success(request, success)
            return redirect("cases:detail", pk=pk)
    return render_detail(request, load(request, pk), status=400, **{key: form})


@require_POST
@capability_required("cases.manage")
def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    case = visible(request, pk)

    def save(d: dict[str, Any]) -> object:
        return services.update_case(
            request.user,
            pk,
            d["version"],
            services.CaseUpdate(
                title=d["title"],
                summary=d["summary"],
                spoc_id=d["spoc"].pk,
                supervisor_id=d["supervisor"].pk if d["supervisor"] else None,
                clear_supervisor=d["supervisor"] is None,
                neighbourhood_id=d["neighbourhood"].pk if d["neighbourhood"] else None,
            ),
        )

    return _versioned_save(
        request,
        pk,
        CaseEditForm(request.POST, prefix="edit", area_id=case.area_id),
        save,
        success="Case details saved.",
        fields={"spoc_id": "spoc", "supervisor_id": "supervisor", "neighbourhood_id": "neighbourhood"},
        area_id=case.area_id,
    )


@require_POST
@capability_required("cases.manage")
def change_level(request: AuthedRequest, pk: int) -> HttpResponse:
    visible(request, pk)
    return _versioned_save(
        request,
        pk,
        LevelForm(request.POST, prefix="level"),
        lambda d: services.change_risk_level(request.user, pk, d["version"], d["risk_level"], d["reason"]),
        success="Risk level changed; the minimum standards follow the new level.",
    )


def _people_section(request: AuthedRequest, case_id: int, status: int = 200, **forms: Any) -> HttpResponse:
    case = load(request, case_id)
    if is_htmx(request):
        return render(request, "cases/_parties.html", detail_context(request, case, **forms))
    return render_detail(request, case, status=status, **forms)


@require_POST
@capability_required("cases.manage")
def add_party(request: AuthedRequest, pk: int) -> HttpResponse:
    visible(request, pk)
    form = PartyForm(request.POST, prefix="party")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.add_party(request.user, pk, d["person"], d["role"], d["note"])
        except ValidationFailed as exc:
            form.add_problems(
                [Problem(p.message, "person" if p.field == "person_id" else p.field) for p in exc.problems]
            )
        else:
            if not is_htmx(request):
                messages.success(request, f"Person {d['person']} added.")
                return redirect(reverse("cases:detail", args=[pk]) + "#people")
            return _people_section(request, pk)
    return _people_section(request, pk, status=400, party_form=form)


@capability_required("cases.manage")
def victim_contact(request: AuthedRequest, pk: int, party_pk: int) -> HttpResponse:
    """Whether it is safe to phone a victim on the case, and how to contact them safely."""
    case = load(request, pk, "recording how to contact the victim")
    party = next(
        (p for p in case.parties.all() if p.pk == party_pk and p.role == CaseParty.Role.VICTIM), None
    )
    if party is None:
        raise Http404("No such victim on this case.")
    if request.method == "POST":
        form = VictimContactForm(request.POST, prefix="contact")
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.set_victim_contact(
                    request.user,
                    pk,
                    party.pk,
                    safe_to_call=d["safe_to_call"] or "",
                    contact_note=d["contact_note"],
                )
            except ValidationFailed as exc:
                form.add_problems(exc.problems)
            except PermissionRefused as exc:
                return refuse(request, str(exc))
            else:
                messages.success(request, "How to contact the victim saved.")
                return redirect(reverse("cases:detail", args=[pk]) + "#victim-contact")
    else:
        form = VictimContactForm(
            prefix="contact",
            initial={"safe_to_call": party.safe_to_call, "contact_note": party.contact_note},
        )
    known = selectors.known_people(
        {p.person_id for p in case.parties.all() if p.role == CaseParty.Role.VICTIM}
    )
    audit.record_read(request.user, Person(pk=party.person_id), reason=f"{VIEW_REASON} {case.reference}")
    return render(
        request,
        "cases/victim_contact.html",
        {
            "case": case,
            "party": party,
            "known": known[party.person_id],
            "heading": selectors.heading_for(case, known),
            "form": form,
            "problems": form_problems(form) if form.is_bound else [],
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
@capability_required("cases.manage")
def remove_party(request: AuthedRequest, pk: int, party_pk: int) -> HttpResponse:
    visible(request, pk)
    try:
        services.remove_party(request.user, pk, party_pk)
    except ValidationFailed as exc:
        messages.error(request, str(exc.problems[0].message))
    return redirect(reverse("cases:detail", args=[pk]) + "#people")


@capability_required("cases.manage")
def people_search(request: AuthedRequest, pk: int) -> HttpResponse:
    """Find a person in the person index to add to the case (the lookup logs who was found)."""
    from beacon.people import selectors as people_selectors

    case = visible(request, pk)
    form = PeopleSearchForm(request.GET, prefix="search")
    found: list[tuple[int, str, str]] = []
    note = ""
    if form.is_valid() and any(form.cleaned_data.values()):
        try:
            candidates = people_selectors.lookup(
                {k: v for k, v in form.cleaned_data.items() if v},
                actor=request.user,
                reason=f"adding a person to case {case.reference}",
                limit=5,
            )
        except ValidationFailed as exc:
            note = "; ".join(p.message for p in exc.problems)
        except LookupError as exc:
            note = str(exc)
        else:
            labels = selectors.person_labels({c.person_id for c in candidates})
            found = [(c.person_id, labels[c.person_id], f"{round(c.probability * 100)}%") for c in candidates]
            if not found:
                note = "Nobody in the person index matches."
    else:
        note = "Give a name, date of birth or postcode."
    return render(request, "cases/_people_search.html", {"case": case, "found": found, "note": note})


@require_POST
@capability_required("cases.manage")
def add_incident(request: AuthedRequest, pk: int) -> HttpResponse:
    visible(request, pk)
    form = IncidentLinkForm(request.POST, prefix="inc")
    if form.is_valid():
        ref = form.cleaned_data["incident"].strip()
        found = Incident.objects.filter(reference__iexact=ref).values_list("pk", flat=True).first()
        if found is None and ref.isdigit():
            found = Incident.objects.filter(pk=int(ref)).values_list("pk", flat=True).first()
        if found is None:
            form.add_error("incident", f"No incident has reference {ref}.")
        else:
            try:
                link = services.add_incident(request.user, pk, found)
            except ValidationFailed as exc:
                form.add_problems([Problem(p.message, "incident") for p in exc.problems])
            else:
                messages.success(request, f"Incident {link.incident.reference} added to the case.")
                return redirect(reverse("cases:detail", args=[pk]) + "#incidents")
    return render_detail(request, load(request, pk), status=400, incident_form=form)


@require_POST
@capability_required("cases.manage")
def add_location(request: AuthedRequest, pk: int) -> HttpResponse:
    visible(request, pk)
    form = LocationForm(request.POST, prefix="loc")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.add_location(
                request.user,
                pk,
                services.LocationInput(address=d["address"], postcode=d["postcode"], note=d["note"]),
            )
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        else:
            messages.success(request, "Location added.")
            return redirect(reverse("cases:detail", args=[pk]) + "#locations")
    return render_detail(request, load(request, pk), status=400, location_form=form)


# ---------------------------------------------------------------------------------------------
# Closure and reopening


@capability_required("cases.supervise")
def close(request: AuthedRequest, pk: int) -> HttpResponse:
    """Close with sign-off: the supervisor, a reason from the list, and when and how the victim
    was told. Anything missing is refused with every problem."""
    conflict = None
    if request.method == "POST":
        visible(request, pk)
        form = CloseForm(request.POST, prefix="close")
        valid = form.is_valid()
        d = form.cleaned_data
        data = ClosureInput(
            reason=d.get("reason") or "",
            victim_told_on=d.get("victim_told_on"),
            victim_told_how=d.get("victim_told_how") or "",
            note=d.get("note", ""),
        )
        if not valid:  # say everything that is missing, not only what the form could check
            form.add_problems(
                [
                    p
                    for p in services.closure_problems(visible(request, pk), data)
                    if p.field not in form.errors
                ]
            )
        else:
            try:
                services.close_case(request.user, pk, d["version"], data)
            except ValidationFailed as exc:
                form.add_problems(exc.problems)
            except EditConflict as exc:
                conflict = exc
            except PermissionRefused as exc:
                return refuse(request, str(exc))
            else:
                messages.success(request, "Case closed.")
                return redirect("cases:detail", pk=pk)
        case = load(request, pk, "closing case")
        if conflict is not None:
            form = _keep_input(CloseForm, request, "close", case)
    else:
        case = load(request, pk, "closing case")
        form = CloseForm(prefix="close", initial={"version": case.version})
    if case.status != Case.Status.OPEN:
        messages.info(request, "The case is already closed.")
        return redirect("cases:detail", pk=pk)
    open_actions = [a for a in case.actions.all() if a.status == "open"]
    return render(
        request,
        "cases/close.html",
        {
            "case": case,
            "form": form,
            "conflict": conflict,
            "open_actions": open_actions,
            "evaluation": selectors.evaluation(case),
            "problems": form_problems(form) if form.is_bound else [],
        },
        status=409 if conflict else (400 if form.is_bound else 200),
    )


@require_POST
@capability_required("cases.manage")
def reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    visible(request, pk)
    return _versioned_save(
        request,
        pk,
        ReopenForm(request.POST, prefix="reopen"),
        lambda d: services.reopen_case(request.user, pk, d["version"], d["reason"]),
        success="Case reopened.",
    )
