"""ASB case review pages: the list (with who and where meets the threshold now, and what is
overdue), opening a review, one review with its threshold decision, outcome and response; and the
administrators' page for the reference lists and the case review policy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from beacon.core.errors import EditConflict, ValidationFailed
from beacon.core.forms import GovukForm
from beacon.core.permissions import AuthedRequest, capability_required, refuse
from beacon.partnership import selectors, services
from beacon.partnership.forms import (
    AgencyForm,
    CaseReviewForm,
    DecisionForm,
    PolicyForm,
    PowerKindForm,
    ReviewOutcomeForm,
)
from beacon.partnership.models import CaseReview, CaseReviewPolicy, PartnerAgency, PowerKind
from beacon.partnership.services_reviews import POLICY_NUMBERS
from beacon.partnership.views_common import area_choices, form_problems, int_or_none

VIEW_REASON = "viewing ASB case review"
STATUS_FILTERS = [("open", "Open"), ("", "All"), *CaseReview.Status.choices]


@capability_required("partnership.case_review")
def review_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in {s for s, _ in STATUS_FILTERS}:
        status = "open"
    overdue = request.GET.get("overdue") == "yes"
    reviews = selectors.review_list(request.user, status=status, overdue=overdue)
    hits = selectors.triggers_for_supervisor(request.user)
    return render(
        request,
        "partnership/review_list.html",
        {
            "reviews": reviews,
            "hits": hits,
            "status": status,
            "overdue": overdue,
            "statuses": STATUS_FILTERS,
            "today": timezone.localdate(),
            "policy": CaseReviewPolicy.current(),
        },
    )


def thresholds_panel(request: AuthedRequest) -> HttpResponse:
    """The threshold list as an HTML fragment, for another page to load (e.g. with hx-get)."""
    if not (request.user.can("cases.supervise") or request.user.can("partnership.case_review")):
        return refuse(request, "Your role does not give access to the case review thresholds.")
    hits = selectors.triggers_for_supervisor(request.user)
    if request.GET.get("compact"):  # the supervisor's list: a summary line, the table folded away
        context = {"hits": hits, "overdue": selectors.overdue_review_count(request.user)}
        return render(request, "partnership/_supervisor_thresholds.html", context)
    return render(request, "partnership/_threshold_hits.html", {"hits": hits})


@capability_required("partnership.case_review")
def review_new(request: AuthedRequest) -> HttpResponse:
    initial: dict[str, Any] = {"received_on": timezone.localdate(), "route": "application"}
    for key, name in (("person", "applicant_id"), ("case", "case_id"), ("address", "location_address")):
        if request.GET.get(key):
            initial[name] = request.GET[key]
    if request.GET.get("route") in ("application", "threshold"):
        initial["route"] = request.GET["route"]
    form = CaseReviewForm(request.POST or None, initial=initial, areas=area_choices(request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            review = services.open_case_review(
                request.user,
                services.CaseReviewInput(
                    route=d["route"],
                    applicant_id=d["applicant_id"],
                    applicant_name=d["applicant_name"],
                    case_id=d["case_id"],
                    area_id=int_or_none(d["area_id"]),
                    location_address=d["location_address"],
                    received_on=d["received_on"],
                    summary=d["summary"],
                ),
            )
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        else:
            messages.success(
                request,
                f"Case review {review.reference} opened: decision due by {review.decision_due:%-d %B %Y}.",
            )
            return redirect("partnership:review", review.pk)
    return render(
        request,
        "partnership/review_new.html",
        {"form": form, "problems": form_problems(form), "policy": CaseReviewPolicy.current()},
        status=422 if form.is_bound and form.errors else 200,
    )


def _load(request: AuthedRequest, pk: int) -> CaseReview:
    try:
        return selectors.review_for(request.user, pk, reason=VIEW_REASON)
    except CaseReview.DoesNotExist as exc:
        raise Http404("No such case review in your areas.") from exc


def _render(
    request: AuthedRequest,
    review: CaseReview,
    *,
    decision_form: DecisionForm | None = None,
    outcome_form: ReviewOutcomeForm | None = None,
    conflict: EditConflict | None = None,
    status: int = 200,
) -> HttpResponse:
    if review.status == CaseReview.Status.AWAITING_DECISION and decision_form is None:
        decision_form = DecisionForm(initial={"version": review.version, "decision_on": timezone.localdate()})
    if review.status == CaseReview.Status.UNDER_REVIEW and outcome_form is None:
        outcome_form = ReviewOutcomeForm(
            initial={
                "version": review.version,
                "review_held_on": review.review_held_on,
                "outcome": review.outcome,
                "recommendations": review.recommendations,
            }
        )
    snap = review.threshold_at_opening or {}
    return render(
        request,
        "partnership/review_detail.html",
        {
            "review": review,
            "today": timezone.localdate(),
            "snap_person": snap.get("person"),
            "snap_location": snap.get("location"),
            "decision_form": decision_form if review.status == CaseReview.Status.AWAITING_DECISION else None,
            "outcome_form": outcome_form if review.status == CaseReview.Status.UNDER_REVIEW else None,
            "conflict": conflict,
            "problems": form_problems(decision_form, outcome_form),
        },
        status=status,
    )


@capability_required("partnership.case_review")
def review_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _render(request, _load(request, pk))


@capability_required("partnership.case_review")
@require_POST
def review_decision(request: AuthedRequest, pk: int) -> HttpResponse:
    review = _load(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.record_review_decision(
                request.user,
                review.pk,
                d["version"],
                threshold_met=d["threshold_met"] == "yes",
                decision_on=d["decision_on"],
                note=d["decision_note"],
            )
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        except EditConflict as exc:
            return _render(request, _load(request, pk), conflict=exc, status=409)
        else:
            messages.success(request, "Threshold decision recorded.")
            return redirect("partnership:review", pk)
    return _render(request, review, decision_form=form, status=422)


@capability_required("partnership.case_review")
@require_POST
def review_outcome(request: AuthedRequest, pk: int) -> HttpResponse:
    review = _load(request, pk)
    form = ReviewOutcomeForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.record_review_outcome(
                request.user,
                review.pk,
                d["version"],
                review_held_on=d["review_held_on"],
                outcome=d["outcome"],
                recommendations=d["recommendations"],
                response_sent_on=d["response_sent_on"],
            )
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        except EditConflict as exc:
            return _render(request, _load(request, pk), conflict=exc, status=409)
        else:
            messages.success(request, "Review outcome recorded.")
            return redirect("partnership:review", pk)
    return _render(request, review, outcome_form=form, status=422)


# ---------------------------------------------------------------------------------------------
# Administrators: reference lists and the case review policy


def _policy_initial(policy: CaseReviewPolicy) -> dict[str, Any]:
    return {
        **{name: getattr(policy, name) for name in POLICY_NUMBERS},
        "holidays": "\n".join(policy.holidays or []),
    }


def _render_configure(
    request: AuthedRequest,
    *,
    agency_form: GovukForm | None = None,
    kind_form: GovukForm | None = None,
    policy_form: GovukForm | None = None,
    status: int = 200,
) -> HttpResponse:
    policy = CaseReviewPolicy.current()
    agency_form = agency_form or AgencyForm(prefix="agency")
    kind_form = kind_form or PowerKindForm(prefix="kind")
    policy_form = policy_form or PolicyForm(prefix="policy", initial=_policy_initial(policy))
    return render(
        request,
        "partnership/configure.html",
        {
            "agencies": list(PartnerAgency.objects.all()),
            "kinds": list(PowerKind.objects.all()),
            "policy": policy,
            "policies": list(CaseReviewPolicy.objects.order_by("-version")[:10]),
            "agency_form": agency_form,
            "kind_form": kind_form,
            "policy_form": policy_form,
            "problems": form_problems(agency_form, kind_form, policy_form),
        },
        status=status,
    )


@capability_required("partnership.configure")
def configure(request: AuthedRequest) -> HttpResponse:
    return _render_configure(request)


def _configure_save(
    request: AuthedRequest, form: GovukForm, save: Callable[[dict[str, Any]], str]
) -> HttpResponse:
    """One of the configuration page's forms: save it (`save` returns the message to show) and go
    back to the page, or show the page again with every problem at its input."""
    if form.is_valid():
        try:
            message = save(form.cleaned_data)
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        else:
            messages.success(request, message)
            return redirect("partnership:configure")
    return _render_configure(request, status=422, **{f"{form.prefix}_form": form})


@capability_required("partnership.configure")
@require_POST
def configure_agency(request: AuthedRequest) -> HttpResponse:
    def save(d: dict[str, Any]) -> str:
        services.save_agency(request.user, code=d["code"], name=d["name"], kind=d["kind"])
        return f"Partner agency “{d['name']}” saved."

    return _configure_save(request, AgencyForm(request.POST, prefix="agency"), save)


@capability_required("partnership.configure")
@require_POST
def configure_power_kind(request: AuthedRequest) -> HttpResponse:
    def save(d: dict[str, Any]) -> str:
        services.save_power_kind(
            request.user, code=d["code"], label=d["label"], about_premises=d["about_premises"]
        )
        return f"“{d['label']}” saved."

    return _configure_save(request, PowerKindForm(request.POST, prefix="kind"), save)


@capability_required("partnership.configure")
@require_POST
def configure_policy(request: AuthedRequest) -> HttpResponse:
    def save(d: dict[str, Any]) -> str:
        values = {**d, "holidays": [h.strip() for h in d["holidays"].splitlines() if h.strip()]}
        policy = services.publish_policy(request.user, values)
        return f"Case review policy version {policy.version} published."

    return _configure_save(request, PolicyForm(request.POST, prefix="policy"), save)
