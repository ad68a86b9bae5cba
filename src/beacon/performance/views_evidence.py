"""Linking a KPI to an inspection finding as its live evidence, and unlinking it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_POST

from beacon.core.errors import Problem, ValidationFailed
from beacon.core.permissions import AuthedRequest, capability_required, refuse
from beacon.inspections.models import Finding
from beacon.performance import places, selectors, services
from beacon.performance.models import FindingEvidence
from beacon.performance.views import month_param


@require_POST
@capability_required("performance.evidence")
def link_evidence(request: AuthedRequest, pk: int) -> HttpResponse:
    finding = get_object_or_404(Finding, pk=pk)
    back = reverse("inspections:finding", args=[finding.pk]) + "#live-evidence"
    baseline = month_param(request.POST.get("baseline"))
    try:
        if baseline is None:
            raise ValidationFailed([Problem("Give the baseline month as YYYY-MM, e.g. 2024-03.", "baseline")])
        place = places.from_key(request.POST.get("place") or places.FORCE)
        if not places.may_see(request.user, place):
            return refuse(request, "You may link the figures of your own areas only.")
        kpi = selectors.kpi_named(request.POST.get("kpi", ""))
        services.link_evidence(request.user, finding, kpi, baseline_month=baseline, place=place)
    except ValidationFailed as exc:
        for p in exc.problems:
            messages.error(request, p.message)
    else:
        messages.success(request, f"{kpi.code} is now evidence for {finding.ref}.")
    return HttpResponseRedirect(back)


@require_POST
@capability_required("performance.evidence")
def unlink_evidence(request: AuthedRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(FindingEvidence.objects.select_related("kpi"), pk=pk)
    finding_id = link.finding_id
    services.unlink_evidence(request.user, link)
    messages.success(request, f"{link.kpi.code} is no longer linked.")
    return HttpResponseRedirect(reverse("inspections:finding", args=[finding_id]) + "#live-evidence")
