"""Tools and powers pages: record one on a case, one power with its breaches, its outcome or a
change of expiry, and a breach. Thin: reads through `selectors` (logged), writes through `services`."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from beacon.cases.models import Case, CaseParty
from beacon.core import audit
from beacon.core.errors import EditConflict, ValidationFailed
from beacon.core.permissions import AuthedRequest, capability_required, refuse
from beacon.partnership import selectors, services
from beacon.partnership.forms import BreachForm, PowerForm, PowerOutcomeForm
from beacon.partnership.models import PowerUse
from beacon.partnership.views_common import form_problems, int_or_none

VIEW_REASON = "viewing tool or power"


def _perpetrators(case: Case) -> list[tuple[str, str]]:
    parties = list(CaseParty.objects.filter(case=case, role=CaseParty.Role.PERPETRATOR).order_by("id"))
    names = selectors.names_of([p.person_id for p in parties])
    return [(str(p.pk), names.get(p.person_id, f"Person {p.person_id}")) for p in parties]


@capability_required("partnership.powers")
def power_new(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = get_object_or_404(Case, pk=case_id)
    if not request.user.can_see_area(case.area_id):
        raise Http404("No such case in your areas.")
    subjects = _perpetrators(case)
    form = PowerForm(request.POST or None, subjects=subjects)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            power = services.record_power(
                request.user,
                case.pk,
                services.PowerInput(
                    kind=d["kind"],
                    subject_id=int_or_none(d["subject_id"]),
                    premises=d["premises"],
                    issued_on=d["issued_on"],
                    expires_on=d["expires_on"],
                    issuing_agency=d["issuing_agency"],
                    officer_label=d["officer_label"],
                    terms=d["terms"],
                ),
            )
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        else:
            messages.success(request, f"{power.kind.label} recorded on case {case.reference}.")
            return redirect("partnership:power", power.pk)
    audit.record_read(request.user, case, reason="recording a tool or power")
    return render(
        request,
        "partnership/power_new.html",
        {"case": case, "form": form, "problems": form_problems(form), "no_subjects": not subjects},
        status=422 if form.is_bound and form.errors else 200,
    )


def _render(
    request: AuthedRequest,
    power: PowerUse,
    *,
    breach_form: BreachForm | None = None,
    outcome_form: PowerOutcomeForm | None = None,
    conflict: EditConflict | None = None,
    status: int = 200,
) -> HttpResponse:
    can_record = request.user.can("partnership.powers")
    if can_record:
        breach_form = breach_form or BreachForm()
        outcome_form = outcome_form or PowerOutcomeForm(
            initial={
                "version": power.version,
                "expires_on": power.expires_on,
                "outcome": power.outcome,
                "outcome_on": power.outcome_on,
            }
        )
    subject = ""
    if power.subject is not None:
        subject = selectors.names_of([power.subject.person_id]).get(power.subject.person_id, "")
    return render(
        request,
        "partnership/power_detail.html",
        {
            "power": power,
            "subject_name": subject,
            "breaches": list(power.breaches.all()),
            "breach_form": breach_form,
            "outcome_form": outcome_form,
            "conflict": conflict,
            "problems": form_problems(breach_form, outcome_form),
        },
        status=status,
    )


def _load(request: AuthedRequest, pk: int) -> PowerUse:
    try:
        return selectors.power_for(request.user, pk, reason=VIEW_REASON)
    except PowerUse.DoesNotExist as exc:
        raise Http404("No such tool or power in your areas.") from exc


def power_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    if not (request.user.can("partnership.powers") or request.user.can("cases.view")):
        return refuse(request, "Your role does not give access to tools and powers.")
    return _render(request, _load(request, pk))


@capability_required("partnership.powers")
@require_POST
def power_breach(request: AuthedRequest, pk: int) -> HttpResponse:
    power = _load(request, pk)
    form = BreachForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.record_breach(
                request.user,
                power.pk,
                occurred_on=d["occurred_on"],
                description=d["description"],
                action_taken=d["action_taken"],
            )
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        else:
            messages.success(request, "Breach recorded.")
            return redirect("partnership:power", pk)
    return _render(request, power, breach_form=form, status=422)


@capability_required("partnership.powers")
@require_POST
def power_update(request: AuthedRequest, pk: int) -> HttpResponse:
    power = _load(request, pk)
    form = PowerOutcomeForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.update_power(
                request.user,
                power.pk,
                d["version"],
                expires_on=d["expires_on"],
                outcome=d["outcome"],
                outcome_on=d["outcome_on"],
            )
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        except EditConflict as exc:
            return _render(request, _load(request, pk), conflict=exc, status=409)
        else:
            messages.success(request, "Saved.")
            return redirect("partnership:power", pk)
    return _render(request, power, outcome_form=form, status=422)
