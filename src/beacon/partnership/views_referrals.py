"""Referral pages: the list (a partner sees only its agency's), making a referral of a case or a
person, one referral with what was shared, and the partner's response and outcome.

Thin: reads through `selectors` (which decide what a partner may see and log every view), writes
through `services`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from beacon.cases.models import Case, CaseParty
from beacon.core import audit
from beacon.core.downloads import FORMATS, MAX_ROWS, table_download
from beacon.core.errors import EditConflict, ValidationFailed
from beacon.core.permissions import AuthedRequest, capability_required, refuse
from beacon.partnership import selectors, services
from beacon.partnership.forms import OutcomeForm, ReferralFilterForm, ReferralForm, ResponseForm
from beacon.partnership.models import Referral
from beacon.partnership.views_common import area_choices, form_problems, int_or_none
from beacon.people.models import Person

LIST_REASON = "referral list"
VIEW_REASON = "viewing referral"
PAGE_SIZE = 25


def _may_act(request: AuthedRequest) -> bool:
    return request.user.can("partnership.refer") or request.user.can("partnership.shared")


@capability_required(*selectors.SEE_REFERRALS)
def referral_list(request: AuthedRequest) -> HttpResponse:
    form = ReferralFilterForm(request.GET or None)
    valid = form.is_bound and form.is_valid()
    d = form.cleaned_data if valid else {}
    qs = selectors.referral_list(
        request.user,
        status=d.get("status", ""),
        referred_from=d.get("referred_from"),
        referred_to=d.get("referred_to"),
    )
    fmt = request.GET.get("download", "")
    if fmt in FORMATS and (valid or not form.is_bound):
        return _download(request, list(qs[:MAX_ROWS]), fmt)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    selectors.log_referral_list(request.user, rows, LIST_REASON)
    query = urlencode(form.as_query()) if valid else ""
    return render(
        request,
        "partnership/referral_list.html",
        {
            "form": form,
            "page": page,
            "referrals": rows,
            "query": query,
            "downloads": [
                (label, f"?{query}&download={f}" if query else f"?download={f}")
                for f, label in FORMATS.items()
            ],
            "partner": request.user.can("partnership.shared"),
            "agency": selectors.agency_for(request.user),
        },
    )


REFERRAL_COLUMNS = [
    "Reference",
    "Agency",
    "Case",
    "Referred",
    "Status",
    "Response",
    "Responded",
    "Outcome on",
]


def _download(request: AuthedRequest, referrals: list[Referral], fmt: str) -> HttpResponse:
    """The listed referrals as CSV or XLSX: what was referred where and when, and what came of it
    (not the reasons or what was shared: open the referral for those); each one logged."""
    audit.record_exports(request.user, referrals, reason=f"{LIST_REASON} downloaded ({FORMATS[fmt]})")
    rows = (
        [
            r.reference,
            r.agency.name,
            r.case.reference if r.case else "",
            r.referred_at,
            r.get_status_display(),
            r.get_response_display() if r.response else "",
            r.responded_on,
            r.outcome_on,
        ]
        for r in referrals
    )
    return table_download("referrals", REFERRAL_COLUMNS, rows, fmt)


def _case_people(case: Case) -> list[tuple[str, str]]:
    parties = list(CaseParty.objects.filter(case=case).order_by("role", "id"))
    names = selectors.names_of(sorted({p.person_id for p in parties}))
    return [
        (
            str(p.person_id),
            f"{names.get(p.person_id, f'Person {p.person_id}')} ({p.get_role_display().lower()})",
        )
        for p in parties
    ]


@capability_required("partnership.refer")
def referral_new(request: AuthedRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    case_id = int_or_none(source.get("case"))
    person_id = int_or_none(source.get("person"))
    case = None
    if case_id is not None:
        case = get_object_or_404(Case, pk=case_id)
        if not request.user.can_see_area(case.area_id):
            raise Http404("No such case in your areas.")
    elif person_id is None or not Person.objects.filter(pk=person_id).exists():
        messages.error(request, "Start a referral from a case, or from a person's record.")
        return redirect("partnership:referrals")
    people = _case_people(case) if case is not None else []
    areas = area_choices(request.user) if case is None else []
    kwargs: dict[str, Any] = {"people": people, "areas": areas, "for_case": case is not None}
    form = ReferralForm(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            referral = services.create_referral(
                request.user,
                services.ReferralInput(
                    agency=d["agency"],
                    case_id=case.pk if case is not None else None,
                    person_id=int_or_none(d.get("person_id")) if case is not None else person_id,
                    area_id=int_or_none(d.get("area_id")),
                    reason=d["reason"],
                    shared_items=list(d["shared_items"]),
                    shared_information=d["shared_information"],
                    consent_by=d["consent_by"],
                    consent_on=d["consent_on"],
                    legal_basis=d["legal_basis"],
                    legal_basis_detail=d["legal_basis_detail"],
                ),
            )
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        else:
            messages.success(request, f"Referral {referral.reference} made to {referral.agency.name}.")
            return redirect("partnership:referral", referral.pk)
    reason = "making a referral"
    if case is not None:
        audit.record_read(request.user, case, reason=reason)
        if people:
            audit.record_reads(request.user, [Person(pk=int(p)) for p, _ in people], reason=reason)
    elif person_id is not None:
        audit.record_read(request.user, Person(pk=person_id), reason=reason)
    return render(
        request,
        "partnership/referral_new.html",
        {
            "form": form,
            "case": case,
            "person_id": person_id,
            "person_name": selectors.names_of([person_id]).get(person_id, "")
            if person_id and not case
            else "",
            "problems": form_problems(form),
        },
        status=422 if form.is_bound and form.errors else 200,
    )


def _render_detail(
    request: AuthedRequest,
    referral: Referral,
    *,
    response_form: ResponseForm | None = None,
    outcome_form: OutcomeForm | None = None,
    conflict: EditConflict | None = None,
    status: int = 200,
) -> HttpResponse:
    open_ = referral.status != Referral.Status.CLOSED
    can_act = _may_act(request)
    if can_act and open_ and response_form is None:
        response_form = ResponseForm(initial={"version": referral.version})
    if can_act and open_ and outcome_form is None:
        outcome_form = OutcomeForm(initial={"version": referral.version})
    return render(
        request,
        "partnership/referral_detail.html",
        {
            "referral": referral,
            "snapshot": referral.shared_snapshot or {},
            "partner": request.user.can("partnership.shared"),
            "response_form": response_form if open_ else None,
            "outcome_form": outcome_form if open_ else None,
            "conflict": conflict,
            "problems": form_problems(response_form, outcome_form),
        },
        status=status,
    )


def _load(request: AuthedRequest, pk: int) -> Referral:
    try:
        return selectors.referral_for(request.user, pk, reason=VIEW_REASON)
    except Referral.DoesNotExist as exc:
        raise Http404("No such referral.") from exc


@capability_required(*selectors.SEE_REFERRALS)
def referral_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _load(request, pk))


@require_POST
def referral_response(request: AuthedRequest, pk: int) -> HttpResponse:
    if not _may_act(request):
        return refuse(request, "Your role does not allow recording a response.")
    referral = _load(request, pk)
    form = ResponseForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.record_response(
                request.user,
                referral.pk,
                d["version"],
                response=d["response"],
                responded_on=d["responded_on"],
                note=d["response_note"],
            )
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        except EditConflict as exc:
            return _render_detail(request, _load(request, pk), conflict=exc, status=409)
        else:
            messages.success(request, f"Response to {referral.reference} recorded.")
            return redirect(reverse("partnership:referral", args=[pk]))
    return _render_detail(request, referral, response_form=form, status=422)


@require_POST
def referral_outcome(request: AuthedRequest, pk: int) -> HttpResponse:
    if not _may_act(request):
        return refuse(request, "Your role does not allow recording an outcome.")
    referral = _load(request, pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.record_outcome(
                request.user, referral.pk, d["version"], outcome=d["outcome"], outcome_on=d["outcome_on"]
            )
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        except EditConflict as exc:
            return _render_detail(request, _load(request, pk), conflict=exc, status=409)
        else:
            messages.success(request, f"Outcome of {referral.reference} recorded.")
            return redirect(reverse("partnership:referral", args=[pk]))
    return _render_detail(request, referral, outcome_form=form, status=422)
