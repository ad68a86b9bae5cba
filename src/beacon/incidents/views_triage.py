"""The force's triage inbox: ASB incidents that could not be placed in a neighbourhood, so no team
was told of them. Each waits, with a clock from when it was received, until someone places it (its
team is then told) or records why no team takes it. Thin: reads through `selectors` (the pages log
the incidents they show), writes through `services`."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from beacon.core import audit
from beacon.core.errors import EditConflict, ValidationFailed
from beacon.core.permissions import AuthedRequest, capability_required
from beacon.incidents import selectors, services
from beacon.incidents.forms import TriageNoTeamForm, TriagePlaceForm
from beacon.incidents.models import IntakeSettings, TriageItem

PAGE_SIZE = 50


def _overdue(items: list[TriageItem], now: dt.datetime) -> list[TriageItem]:
    cutoff = now - dt.timedelta(hours=IntakeSettings.current().acknowledge_within_hours)
    for item in items:
        item.overdue = item.resolved_at is None and item.incident.received_at < cutoff  # type: ignore[attr-defined]
    return items


@capability_required("incidents.triage")
def triage_list(request: AuthedRequest) -> HttpResponse:
    show_all = request.GET.get("show") == "all"
    page = Paginator(selectors.triage(request.user, open_only=not show_all), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    items = _overdue(list(page.object_list), timezone.now())
    if items:
        audit.record_reads(request.user, [i.incident for i in items], reason="triage inbox")
    return render(
        request,
        "incidents/triage.html",
        {
            "page": page,
            "items": items,
            "show_all": show_all,
            "query": "show=all" if show_all else "",
            "hours": IntakeSettings.current().acknowledge_within_hours,
        },
    )


def _item(request: AuthedRequest, pk: int) -> TriageItem:
    item = get_object_or_404(selectors.triage(request.user, open_only=False), pk=pk)
    audit.record_reads(request.user, [item.incident], reason="triage inbox")
    return item


def _render(
    request: AuthedRequest,
    item: TriageItem,
    place_form: TriagePlaceForm | None = None,
    no_team_form: TriageNoTeamForm | None = None,
    *,
    conflict: EditConflict | None = None,
    status: int = 200,
) -> HttpResponse:
    incident = item.incident
    place_form = place_form or TriagePlaceForm(
        initial={
            "postcode": incident.postcode,
            "address": incident.address,
            "lat": incident.lat,
            "lon": incident.lon,
            "version": incident.version,
        }
    )
    forms = [f for f in (place_form, no_team_form) if f is not None and f.is_bound]
    return render(
        request,
        "incidents/triage_item.html",
        {
            "item": _overdue([item], timezone.now())[0],
            "incident": incident,
            "place_form": place_form,
            "no_team_form": no_team_form or TriageNoTeamForm(),
            "problems": [p for f in forms for p in f.problems()],
            "conflict": conflict,
        },
        status=status,
    )


@capability_required("incidents.triage")
def triage_item(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET: the incident in triage and the forms to place it or say why no team takes it.
    POST: place it (refused with every problem, the input kept, when it still places nowhere)."""
    item = _item(request, pk)
    if request.method != "POST":
        return _render(request, item)
    form = TriagePlaceForm(request.POST)
    conflict = None
    if form.is_valid() and item.resolved_at is None:
        d = form.cleaned_data
        try:
            incident = services.place_from_triage(
                request.user,
                item,
                version=d["version"],
                postcode=d["postcode"],
                address=d["address"],
                lat=d["lat"],
                lon=d["lon"],
            )
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        except EditConflict as exc:
            conflict = exc
        else:
            team = incident.neighbourhood.team_name if incident.neighbourhood else ""
            messages.success(request, f"{incident.reference} placed; {team} has it in their inbox.")
            return redirect("incidents:triage")
    if conflict is not None:
        item.incident.refresh_from_db()
    return _render(request, item, form, conflict=conflict, status=409 if conflict else 200)


@require_POST
@capability_required("incidents.triage")
def triage_no_team(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = TriageNoTeamForm(request.POST)
    if form.is_valid() and item.resolved_at is None:
        try:
            services.no_team_from_triage(request.user, item, note=form.cleaned_data["note"])
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        else:
            messages.success(request, f"{item.incident.reference} left triage: no team takes it.")
            return redirect("incidents:triage")
    return _render(request, item, no_team_form=form)
