"""Incident pages after the call: an incident (logged), attendance, crime recording, closure,
supervision, the lists of recent incidents, the neighbourhood team's inbox, the sergeant's list of
unacknowledged items and the crime registrar's review list. The pages that take a report are in
views_intake.

Thin: reads through `selectors` (an incident's page logs the view), writes through `services`
(which validate, lock and audit).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from beacon.core import audit
from beacon.core.downloads import FORMATS, MAX_ROWS, table_download
from beacon.core.errors import EditConflict, ValidationFailed
from beacon.core.panels import panels_for
from beacon.core.permissions import AuthedRequest, capability_required, refuse
from beacon.incidents import selectors, services
from beacon.incidents.forms import (
    AttendanceForm,
    CloseForm,
    CrimeDecisionForm,
    ListFilterForm,
    SupervisionForm,
    attendance_initial,
)
from beacon.incidents.models import InboxItem, Incident, IntakeSettings
from beacon.incidents.templatetags.incidents_tags import response_words
from beacon.incidents.views_intake import FLAG_LABELS, form_problems, live_check, new_call, new_report
from beacon.people import selectors as people_selectors
from beacon.people.models import Person

__all__ = [
    "acknowledge",
    "attendance",
    "close",
    "crime_decision",
    "crime_review",
    "detail",
    "inbox",
    "incident_list",
    "live_check",
    "new_call",
    "new_report",
    "supervise",
    "unacknowledged",
]

VIEW_REASON = "viewing incident"
CRIME_REASON = "recording the crime decision"
LIST_PAGE_SIZE = 25
INBOX_PAGE_SIZE = 50


def _is_htmx(request: AuthedRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _visible(request: AuthedRequest, pk: int) -> Incident:
    """An incident in the user's areas, for a write (the page that follows logs the view)."""
    return get_object_or_404(selectors.visible_to(request.user), pk=pk)


def _load(request: AuthedRequest, pk: int, reason: str = VIEW_REASON) -> Incident:
    try:
        return selectors.incident_for(request.user, pk, reason=reason)
    except Incident.DoesNotExist as exc:
        raise Http404("No such incident in your areas.") from exc


# ---------------------------------------------------------------------------------------------
# An incident


def _answers(incident: Incident) -> list[tuple[str, str]]:
    questions = incident.screening_set.questions if incident.screening_set else []
    text = {q["key"]: q["text"] for q in questions}
    return [(text.get(k, k), v) for k, v in incident.answers.items()]


def _render_detail(
    request: AuthedRequest,
    incident: Incident,
    *,
    attendance_form: AttendanceForm | None = None,
    crime_form: CrimeDecisionForm | None = None,
    close_form: CloseForm | None = None,
    supervision_form: SupervisionForm | None = None,
    conflict: EditConflict | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    people = list(incident.people.all())
    persons = {ip.record.person_id for ip in people}
    if persons:
        # Showing who is on the incident is a view of those people too.
        audit.record_reads(
            user, [Person(pk=p) for p in sorted(persons)], reason=f"{VIEW_REASON} {incident.reference}"
        )
    # Whom each record is linked to, by the one-name rule (the name as given stays beside it).
    known = people_selectors.known_as(persons) if persons else {}
    open_incident = incident.status == Incident.Status.OPEN
    can_update = user.can("incidents.update")
    undecided = not incident.crime_reference and not incident.no_crime_reason
    if crime_form is None and can_update and undecided:
        crime_form = CrimeDecisionForm(initial={"version": incident.version})
    if close_form is None and can_update and open_incident:
        close_form = CloseForm(initial={"version": incident.version})
    if attendance_form is None and can_update:
        attendance_form = AttendanceForm(initial=attendance_initial(incident.attended_at, incident.version))
    if supervision_form is None and user.can("incidents.supervise"):
        supervision_form = SupervisionForm()
    all_forms = (attendance_form, crime_form, close_form, supervision_form)
    bound = [f for f in all_forms if f is not None and f.is_bound]
    inbox_item = (
        InboxItem.objects.select_related("neighbourhood", "acknowledged_by").filter(incident=incident).first()
    )
    # Later domains (cases: the cases covering it, closed cases to reopen) add their panels.
    panels, panel_context = panels_for("incident", user, incident)
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "people": people,
            "people_known": [(ip, known.get(ip.record.person_id)) for ip in people],
            "flags": [(FLAG_LABELS[f], incident.flag_reasons.get(f, "")) for f in incident.flags],
            "grade_because": incident.flag_reasons.get("_grade", ""),
            "answers": _answers(incident),
            "inbox_item": inbox_item,
            "supervision": list(incident.supervision.all()),
            "feed": list(incident.feed_messages.all()),
            "attendance_form": attendance_form,
            "crime_form": crime_form if undecided else None,
            "close_form": close_form if open_incident else None,
            "supervision_form": supervision_form,
            "conflict": conflict,
            "problems": [p for f in bound for p in form_problems(f)],
            "panels": panels,
            **panel_context,
        },
        status=status,
    )


@capability_required("incidents.view")
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _load(request, pk))


def _can_decide_crime(request: AuthedRequest) -> bool:
    return request.user.can("incidents.update") or request.user.can("incidents.crime_review")


def crime_decision(http_request: HttpRequest, pk: int) -> HttpResponse:
    """Record a crime reference, or why no crime was recorded: from the incident's page (officers)
    or the crime registrar's review list. Either capability allows it (pages are login-only)."""
    if not http_request.user.is_authenticated:
        return redirect_to_login(http_request.get_full_path())
    request = cast(AuthedRequest, http_request)
    if not _can_decide_crime(request):
        return refuse(request, "Your role does not allow recording crime decisions.")
    conflict = None
    if request.method == "POST":
        form = CrimeDecisionForm(request.POST)
        if form.is_valid():
            try:
                services.record_crime_decision(
                    request.user,
                    _visible(request, pk),
                    version=form.cleaned_data["version"],
                    crime_reference=form.cleaned_data["crime_reference"],
                    no_crime_reason=form.cleaned_data["no_crime_reason"],
                )
            except ValidationFailed as exc:
                form.add_problems(exc.problems)
            except EditConflict as exc:
                conflict = exc
            else:
                messages.success(request, "Crime decision recorded.")
                if request.user.can("incidents.view"):
                    return redirect("incidents:detail", pk=pk)
                return redirect("incidents:crime_review")
        incident = _load(request, pk, CRIME_REASON)
        if conflict is not None:
            form = CrimeDecisionForm(initial={**form.cleaned_data, "version": incident.version})
    else:
        incident = _load(request, pk, CRIME_REASON)
        form = CrimeDecisionForm(initial={"version": incident.version})
    return render(
        request,
        "incidents/crime_decision.html",
        {
            "incident": incident,
            "form": form,
            "conflict": conflict,
            "problems": form_problems(form) if form.is_bound else [],
            "decided": bool(incident.crime_reference or incident.no_crime_reason),
        },
        status=409 if conflict else 200,
    )


@require_POST
@capability_required("incidents.update")
def attendance(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record when the incident was attended (the page says whether its grade's target was met)."""
    form = AttendanceForm(request.POST)
    conflict = None
    if form.is_valid():
        try:
            attended = services.record_attendance(
                request.user,
                _visible(request, pk),
                version=form.cleaned_data["version"],
                attended_at=form.attended_at(),
            )
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        except EditConflict as exc:
            conflict = exc
        else:
            messages.success(request, f"Attendance recorded: {response_words(attended)}.")
            return redirect("incidents:detail", pk=pk)
    incident = _load(request, pk)
    if conflict is not None:
        # What they typed is kept to try again, against the version now saved.
        form = AttendanceForm(
            initial={
                "attended_on": form.cleaned_data["attended_on"],
                "attended_time": form.cleaned_data["attended_time"],
                "version": incident.version,
            }
        )
    return _render_detail(
        request, incident, attendance_form=form, conflict=conflict, status=409 if conflict else 200
    )


@require_POST
@capability_required("incidents.update")
def close(request: AuthedRequest, pk: int) -> HttpResponse:
    form = CloseForm(request.POST)
    conflict = None
    if form.is_valid():
        try:
            closed = services.close_incident(
                request.user,
                _visible(request, pk),
                version=form.cleaned_data["version"],
                closure_code=getattr(form.cleaned_data["closure_code"], "code", ""),
                note=form.cleaned_data["closing_note"],
            )
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        except EditConflict as exc:
            conflict = exc
        else:
            note = " It is on the crime registrar's review list." if closed.crime_outstanding else ""
            messages.success(request, f"{closed.reference} closed.{note}")
            return redirect("incidents:detail", pk=pk)
    incident = _load(request, pk)
    if conflict is not None:
        form = CloseForm(
            initial={
                "closure_code": form.cleaned_data["closure_code"],
                "closing_note": form.cleaned_data["closing_note"],
                "version": incident.version,
            }
        )
    return _render_detail(
        request, incident, close_form=form, conflict=conflict, status=409 if conflict else 200
    )


@require_POST
@capability_required("incidents.supervise")
def supervise(request: AuthedRequest, pk: int) -> HttpResponse:
    form = SupervisionForm(request.POST)
    if form.is_valid():
        try:
            services.add_supervision(request.user, _visible(request, pk), form.cleaned_data["note"])
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        else:
            messages.success(request, "Supervisory note added.")
            return redirect("incidents:detail", pk=pk)
    return _render_detail(request, _load(request, pk), supervision_form=form)


# ---------------------------------------------------------------------------------------------
# Lists


def _query(filters: dict[str, str]) -> str:
    return urlencode({k: v for k, v in filters.items() if v})


LIST_COLUMNS = [
    "Reference",
    "Received",
    "Channel",
    "ASB",
    "Category",
    "Type",
    "Neighbourhood",
    "Area",
    "Address",
    "Postcode",
    "Flags",
    "Grade",
    "Status",
    "Closed",
    "Supervised",
]


def _row(i: Incident) -> list[Any]:
    return [
        i.reference,
        i.received_at,
        i.get_channel_display(),
        i.is_asb,
        (i.asb_category.label if i.asb_category else i.other_category.label if i.other_category else ""),
        i.type_heading.label if i.type_heading else "",
        i.neighbourhood.name if i.neighbourhood else "Not placed",
        i.neighbourhood.area.name if i.neighbourhood else "",
        i.address,
        i.postcode,
        ", ".join(FLAG_LABELS.get(f, f) for f in i.flags),
        i.response_grade.label if i.response_grade else "",
        i.get_status_display(),
        i.closed_at,
        i.last_supervised_at,
    ]


def _search(request: AuthedRequest) -> tuple[ListFilterForm, selectors.IncidentSearch]:
    form = ListFilterForm(request.GET or None, neighbourhoods=selectors.neighbourhood_choices(request.user))
    found = selectors.IncidentSearch()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        found = selectors.IncidentSearch(
            q=d["q"],
            received_from=d["received_from"],
            received_to=d["received_to"],
            neighbourhood_id=int(d["neighbourhood"]) if d["neighbourhood"] else None,
            supervised={"yes": True, "no": False}.get(d["supervised"]),
            flag=d["flag"],
            status=d["status"],
        )
    return form, found


@capability_required("incidents.view")
def incident_list(request: AuthedRequest) -> HttpResponse:
    """The incident list, searched by any of name or reference, dates received, neighbourhood,
    supervision, flag and status; paged, and downloadable as CSV or XLSX (`?download=csv`). Each
    page's incidents, and each downloaded one, are written to the access log."""
    form, search = _search(request)
    qs = selectors.search(request.user, search)
    fmt = request.GET.get("download", "")
    filters = form.as_query() if form.is_valid() else {}
    if fmt in FORMATS and form.is_valid():
        total = qs.count()
        if total > MAX_ROWS:
            messages.error(
                request, f"{total:,} incidents match: narrow the search to {MAX_ROWS:,} or fewer to download."
            )
            return redirect(reverse("incidents:list") + "?" + _query(filters))
        rows = list(qs.select_related("neighbourhood__area"))
        audit.record_exports(request.user, rows, reason=f"incident list downloaded ({FORMATS[fmt]})")
        return table_download("incidents", LIST_COLUMNS, (_row(i) for i in rows), fmt)
    page = Paginator(qs, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _logged(request, list(page.object_list), "incident list")
    query = _query(filters)
    return render(
        request,
        "incidents/list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "filtered": bool(filters),
            "downloads": [
                (label, f"?{query}&download={f}" if query else f"?download={f}")
                for f, label in FORMATS.items()
            ],
        },
    )


def _logged(request: AuthedRequest, incidents: list[Incident], reason: str) -> list[Incident]:
    """Write the incidents a list page shows (one page: at most 50) to the access log, in one
    insert, as the API's lists do."""
    if incidents:
        audit.record_reads(request.user, incidents, reason=reason)
    return incidents


def _with_age(items: list[InboxItem], now: dt.datetime) -> list[InboxItem]:
    hours = IntakeSettings.current().acknowledge_within_hours
    cutoff = now - dt.timedelta(hours=hours)
    for item in items:
        waiting = item.acknowledged_at is None and item.incident.status == Incident.Status.OPEN
        item.overdue = waiting and item.incident.received_at < cutoff  # type: ignore[attr-defined]
    return items


@capability_required("incidents.inbox")
def inbox(request: AuthedRequest) -> HttpResponse:
    """The teams' inbox, most urgent first; narrowed to a team's neighbourhood, with acknowledged
    items too (`show=all`), and downloadable as CSV or XLSX (each downloaded incident logged)."""
    show_all = request.GET.get("show") == "all"
    choices = selectors.neighbourhood_choices(request.user)
    chosen = request.GET.get("neighbourhood", "")
    team = [int(chosen)] if chosen in {pk for pk, _ in choices} else None
    qs = selectors.inbox(request.user, team, open_only=not show_all).select_related("acknowledged_by")
    params = {
        k: v for k, v in (("show", "all" if show_all else ""), ("neighbourhood", chosen if team else "")) if v
    }
    fmt = request.GET.get("download", "")
    if fmt in FORMATS:
        items = _with_age(list(qs.select_related("neighbourhood")[:MAX_ROWS]), timezone.now())
        audit.record_exports(
            request.user,
            [i.incident for i in items],
            reason=f"neighbourhood inbox downloaded ({FORMATS[fmt]})",
        )
        rows = (
            [
                i.incident.reference,
                i.incident.received_at,
                i.neighbourhood.team_name,
                ", ".join(FLAG_LABELS.get(f, f) for f in i.incident.flags),
                i.incident.response_grade.label if i.incident.response_grade else "",
                i.overdue,  # type: ignore[attr-defined]
                i.acknowledged_at,
                i.acknowledged_by.display_name if i.acknowledged_by else "",
            ]
            for i in items
        )
        headers = ["Incident", "Received", "Team", "Flags", "Grade", "Overdue", "Acknowledged", "By"]
        return table_download("inbox", headers, rows, fmt)
    page = Paginator(qs, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    items = _with_age(list(page.object_list), timezone.now())
    _logged(request, [i.incident for i in items], "neighbourhood inbox")
    query = urlencode(params)
    return render(
        request,
        "incidents/inbox.html",
        {
            "page": page,
            "items": items,
            "show_all": show_all,
            "query": query,
            "neighbourhoods": choices,
            "chosen": chosen if team else "",
            "downloads": [
                (label, f"?{query}&download={f}" if query else f"?download={f}")
                for f, label in FORMATS.items()
            ],
            "hours": IntakeSettings.current().acknowledge_within_hours,
        },
    )


@require_POST
@capability_required("incidents.inbox")
def acknowledge(request: AuthedRequest, pk: int) -> HttpResponse:
    visible = selectors.inbox(request.user, open_only=False).select_related("acknowledged_by")
    item = get_object_or_404(visible, pk=pk)
    services.acknowledge(request.user, item)  # PermissionRefused → 403 page (middleware)
    if _is_htmx(request):
        item = visible.get(pk=pk)
        return render(
            request,
            "incidents/_inbox_row.html",
            {"item": _with_age([item], timezone.now())[0], "just_acknowledged": True, "actions": True},
        )
    messages.success(request, f"{item.incident.reference} acknowledged.")
    back = reverse("incidents:inbox")
    if request.POST.get("show") == "all":
        back += "?show=all"
    return redirect(back)


@capability_required("incidents.supervise")
def unacknowledged(request: AuthedRequest) -> HttpResponse:
    qs = selectors.unacknowledged(request.user)
    page = Paginator(qs, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    items = _with_age(list(page.object_list), timezone.now())
    _logged(request, [i.incident for i in items], "unacknowledged incidents")
    return render(
        request,
        "incidents/unacknowledged.html",
        {"page": page, "items": items, "hours": IntakeSettings.current().acknowledge_within_hours},
    )


@capability_required("incidents.crime_review")
def crime_review(request: AuthedRequest) -> HttpResponse:
    qs = selectors.crime_review(request.user).select_related("closure_code")
    page = Paginator(qs, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _logged(request, list(page.object_list), "crime recording review")
    context: dict[str, Any] = {"page": page}
    return render(request, "incidents/crime_review.html", context)
