"""Action group pages: the groups, a group's meetings, a meeting (attendance, the agenda built from
the area's High and new Medium cases, minutes and tasks per case — HTMX partials), and the agenda
paper to print. Thin: reads through `selectors` (the cases on an agenda are logged as read),
writes through `services`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from beacon.core.errors import EditConflict, PermissionRefused, ValidationFailed
from beacon.core.models import User
from beacon.core.permissions import AuthedRequest, capability_required
from beacon.core.roles import Role
from beacon.geography.models import Neighbourhood
from beacon.partnership import selectors, services
from beacon.partnership.forms import GroupForm, MeetingForm, MinutesForm, NotesForm, TaskForm, VersionForm
from beacon.partnership.models import ActionGroup, AgendaItem, Meeting, MeetingAttendee, PartnerAgency
from beacon.partnership.services_meetings import AttendeeInput, cancel_meeting, record_notes
from beacon.partnership.views_common import area_choices, form_problems, int_or_none, is_htmx

VIEW_REASON = "action group meeting"
PRINT_REASON = "action group agenda paper"


def _neighbourhood_choices(user: User) -> list[tuple[str, str]]:
    qs = Neighbourhood.objects.select_related("area").order_by("area__name", "name")
    if not user.all_areas:
        qs = qs.filter(area_id__in=user.area_ids())
    return [(str(n.pk), f"{n.name} ({n.area.name})") for n in qs]


def _render_groups(request: AuthedRequest, form: GroupForm, status: int = 200) -> HttpResponse:
    groups = list(selectors.groups_for(request.user).prefetch_related("agencies"))
    upcoming = {
        m.group_id: m
        for m in selectors.meetings_for(request.user)
        .filter(status=Meeting.Status.SCHEDULED)
        .order_by("-scheduled_for")
    }
    rows = [(g, upcoming.get(g.pk)) for g in groups]
    return render(
        request,
        "partnership/group_list.html",
        {"rows": rows, "form": form, "problems": form_problems(form)},
        status=status,
    )


def _group_form(request: AuthedRequest, data: Any = None) -> GroupForm:
    return GroupForm(
        data, areas=area_choices(request.user), neighbourhoods=_neighbourhood_choices(request.user)
    )


@capability_required("partnership.meetings")
def group_list(request: AuthedRequest) -> HttpResponse:
    return _render_groups(request, _group_form(request))


@capability_required("partnership.meetings")
@require_POST
def group_new(request: AuthedRequest) -> HttpResponse:
    form = _group_form(request, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            group = services.create_group(
                request.user,
                name=d["name"],
                kind=d["kind"],
                area_id=int_or_none(d["area_id"]),
                neighbourhood_id=int_or_none(d["neighbourhood_id"]),
                agencies=list(d["agencies"]),
            )
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        else:
            messages.success(request, f"Action group “{group.name}” created.")
            return redirect("partnership:group", group.pk)
    return _render_groups(request, form, status=422)


def _group(request: AuthedRequest, pk: int) -> ActionGroup:
    group = selectors.groups_for(request.user).filter(pk=pk).first()
    if group is None:
        raise Http404("No such action group in your areas.")
    return group


def _render_group(
    request: AuthedRequest, group: ActionGroup, form: MeetingForm, status: int = 200
) -> HttpResponse:
    meetings = list(group.meetings.order_by("-scheduled_for", "-id"))
    return render(
        request,
        "partnership/group_detail.html",
        {
            "group": group,
            "agencies": list(group.agencies.all()),
            "meetings": meetings,
            "form": form,
            "problems": form_problems(form),
        },
        status=status,
    )


@capability_required("partnership.meetings")
def group_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _render_group(request, _group(request, pk), MeetingForm())


@capability_required("partnership.meetings")
@require_POST
def meeting_new(request: AuthedRequest, pk: int) -> HttpResponse:
    group = _group(request, pk)
    form = MeetingForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            meeting = services.schedule_meeting(
                request.user,
                group.pk,
                services.MeetingInput(scheduled_for=form.scheduled_for(), venue=d["venue"], chair=d["chair"]),
            )
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        else:
            messages.success(request, f"Meeting on {meeting.date:%-d %B %Y} scheduled.")
            return redirect("partnership:meeting", meeting.pk)
    return _render_group(request, group, form, status=422)


# ---------------------------------------------------------------------------------------------
# A meeting


def _owners(meeting: Meeting) -> list[tuple[str, str]]:
    users = (
        User.objects.filter(is_active=True, role__in=[Role.OFFICER, Role.SUPERVISOR])
        .filter(Q(areas=meeting.group.area_id) | Q(all_areas=True))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
    return [(str(u.pk), u.display_name) for u in users]


def _item_forms(
    item: AgendaItem,
    owners: list[tuple[str, str]],
    minutes: MinutesForm | None = None,
    task: TaskForm | None = None,
    agencies: list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    return {
        "item": item,
        "minutes_form": minutes
        or MinutesForm(item_id=item.pk, initial={"version": item.version, "minutes": item.minutes}),
        "task_form": task or TaskForm(item_id=item.pk, owners=owners, agencies=agencies),
    }


def _load(request: AuthedRequest, pk: int) -> selectors.MeetingView:
    try:
        return selectors.meeting_for(request.user, pk, reason=VIEW_REASON)
    except Meeting.DoesNotExist as exc:
        raise Http404("No such meeting in your areas.") from exc


def _render_meeting(
    request: AuthedRequest,
    view: selectors.MeetingView,
    *,
    conflict: EditConflict | None = None,
    notes_form: NotesForm | None = None,
    status: int = 200,
) -> HttpResponse:
    meeting = view.meeting
    owners = _owners(meeting)
    notes_form = notes_form or NotesForm(initial={"version": meeting.version, "notes": meeting.notes})
    invited = {a.agency_id for a in view.attendees}
    active = list(PartnerAgency.objects.filter(active=True))
    agencies = [("", "None")] + [(a.code, a.name) for a in active]
    return render(
        request,
        "partnership/meeting_detail.html",
        {
            "view": view,
            "meeting": meeting,
            "items": [_item_forms(i, owners, agencies=agencies) for i in view.items],
            "attendees": view.attendees,
            "more_agencies": [a for a in active if a.pk not in invited],
            "notes_form": notes_form,
            "conflict": conflict,
            "problems": form_problems(notes_form),
        },
        status=status,
    )


@capability_required("partnership.meetings")
def meeting_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _render_meeting(request, _load(request, pk))


@capability_required("partnership.meetings")
def meeting_print(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        view = selectors.meeting_for(request.user, pk, reason=PRINT_REASON)
    except Meeting.DoesNotExist as exc:
        raise Http404("No such meeting in your areas.") from exc
    return render(request, "partnership/meeting_print.html", {"view": view, "meeting": view.meeting})


def _version(request: AuthedRequest) -> int | None:
    form = VersionForm(request.POST)
    return form.cleaned_data["version"] if form.is_valid() else None


def _meeting_action(request: AuthedRequest, pk: int, act: Any, done: str) -> HttpResponse:
    try:
        act(request.user, pk, _version(request))
    except EditConflict as exc:
        return _render_meeting(request, _load(request, pk), conflict=exc, status=409)
    except ValidationFailed as exc:
        for p in exc.problems:
            messages.error(request, p.message)
    except PermissionRefused:
        raise
    else:
        messages.success(request, done)
    return redirect("partnership:meeting", pk)


@capability_required("partnership.meetings")
@require_POST
def meeting_build_agenda(request: AuthedRequest, pk: int) -> HttpResponse:
    _load_guard(request, pk)
    return _meeting_action(request, pk, services.build_agenda, "Agenda built from the group's cases.")


@capability_required("partnership.meetings")
@require_POST
def meeting_held(request: AuthedRequest, pk: int) -> HttpResponse:
    _load_guard(request, pk)
    return _meeting_action(
        request, pk, services.mark_held, "Meeting recorded as held: the agenda is now fixed."
    )


@capability_required("partnership.meetings")
@require_POST
def meeting_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    _load_guard(request, pk)
    return _meeting_action(request, pk, cancel_meeting, "Meeting cancelled.")


def _load_guard(request: AuthedRequest, pk: int) -> None:
    if not selectors.meetings_for(request.user).filter(pk=pk).exists():
        raise Http404("No such meeting in your areas.")


@capability_required("partnership.meetings")
@require_POST
def meeting_notes(request: AuthedRequest, pk: int) -> HttpResponse:
    _load_guard(request, pk)
    form = NotesForm(request.POST)
    if form.is_valid():
        try:
            record_notes(request.user, pk, form.cleaned_data["version"], form.cleaned_data["notes"])
        except EditConflict as exc:
            return _render_meeting(request, _load(request, pk), conflict=exc, status=409)
        messages.success(request, "General minutes saved.")
        return redirect("partnership:meeting", pk)
    return _render_meeting(request, _load(request, pk), notes_form=form, status=422)


PRESENCE = {"yes": True, "no": False}


@capability_required("partnership.meetings")
@require_POST
def meeting_attendance(request: AuthedRequest, pk: int) -> HttpResponse:
    _load_guard(request, pk)
    rows = []
    for a in MeetingAttendee.objects.filter(meeting_id=pk):
        rows.append(
            AttendeeInput(
                attendee_id=a.pk,
                name=request.POST.get(f"name_{a.pk}", a.name),
                present=PRESENCE.get(request.POST.get(f"present_{a.pk}", "")),
                remove=request.POST.get(f"remove_{a.pk}") == "yes",
            )
        )
    added = request.POST.get("add_agency", "")
    if added:
        rows.append(AttendeeInput(agency=added, name=request.POST.get("add_name", "")))
    try:
        services.record_attendance(request.user, pk, rows)
    except ValidationFailed as exc:
        for p in exc.problems:
            messages.error(request, p.message)
    else:
        messages.success(request, "Attendance saved.")
    return redirect(reverse("partnership:meeting", args=[pk]) + "#attendance")


# ---------------------------------------------------------------------------------------------
# One agenda item: minutes and tasks (HTMX partials; whole pages without JavaScript)


def _item(request: AuthedRequest, pk: int) -> AgendaItem:
    item = (
        AgendaItem.objects.filter(pk=pk, meeting__in=selectors.meetings_for(request.user))
        .select_related("meeting__group")
        .first()
    )
    if item is None:
        raise Http404("No such agenda item in your areas.")
    return item


def _item_response(
    request: AuthedRequest,
    pk: int,
    *,
    minutes: MinutesForm | None = None,
    task: TaskForm | None = None,
    conflict: EditConflict | None = None,
    saved: str = "",
) -> HttpResponse:
    if not is_htmx(request):
        if saved:
            messages.success(request, saved)
        else:
            for p in form_problems(minutes, task):
                messages.error(request, p.message)
            if conflict is not None:
                messages.error(request, str(conflict))
        item = _item(request, pk)
        return redirect(reverse("partnership:meeting", args=[item.meeting_id]) + f"#item-{pk}")
    current = selectors.agenda_item_for(request.user, pk, reason=VIEW_REASON)
    ctx = _item_forms(current, _owners(current.meeting), minutes, task)
    ctx.update({"saved": saved, "conflict": conflict, "meeting": current.meeting})
    return render(request, "partnership/_agenda_item.html", ctx)


@capability_required("partnership.meetings")
@require_POST
def item_minutes(request: AuthedRequest, pk: int) -> HttpResponse:
    _item(request, pk)
    form = MinutesForm(request.POST, item_id=pk)
    if form.is_valid():
        try:
            services.record_minutes(
                request.user, pk, form.cleaned_data["version"], form.cleaned_data["minutes"]
            )
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        except EditConflict as exc:
            return _item_response(request, pk, conflict=exc)
        else:
            return _item_response(request, pk, saved="Minutes saved.")
    return _item_response(request, pk, minutes=form)


@capability_required("partnership.meetings")
@require_POST
def item_task(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = TaskForm(request.POST, item_id=pk, owners=_owners(item.meeting))
    if form.is_valid():
        d = form.cleaned_data
        try:
            task = services.record_task(
                request.user,
                pk,
                services.TaskInput(
                    text=d["text"],
                    owner_id=int_or_none(d["owner_id"]),
                    owner_label=d["owner_label"],
                    agency=d["agency"],
                    due_on=d["due_on"],
                ),
            )
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        else:
            return _item_response(
                request, pk, saved=f"Task added to case {item.case_reference} (action {task.action_id})."
            )
    return _item_response(request, pk, task=form)
