"""Writes for multi-agency action groups: groups, meetings, attendance, the agenda (built from the
High cases and the Medium cases new to the group — opened, raised to Medium or reopened since its
last meeting — in the group's area), minutes per item, and tasks — each task
is a case action (cases.Action) created through the cases domain's services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from beacon.cases.models import Case, RiskLevelChange
from beacon.core import audit
from beacon.core.concurrency import check_version
from beacon.core.errors import PermissionRefused, Problem, ValidationFailed
from beacon.core.models import Area, User
from beacon.geography.models import Neighbourhood
from beacon.partnership.models import (
    ActionGroup,
    AgendaItem,
    Meeting,
    MeetingAttendee,
    MeetingTask,
    PartnerAgency,
)
from beacon.risk.models import RiskLevel

REASON_ORDER: dict[str, int] = {
    AgendaItem.Reason.HIGH.value: 0,
    AgendaItem.Reason.NEW_MEDIUM.value: 1,
    AgendaItem.Reason.ADDED.value: 2,
}


def _may_meet(actor: User, area_id: int | None) -> None:
    if not actor.can("partnership.meetings"):
        raise PermissionRefused("Your role does not allow action group work.")
    if not actor.can_see_area(area_id):
        raise PermissionRefused("This action group is outside your areas.")


def _agencies(codes: list[str], problems: list[Problem], field: str = "agencies") -> list[PartnerAgency]:
    wanted = list(dict.fromkeys(c for c in codes if c))
    found = {a.code: a for a in PartnerAgency.objects.filter(code__in=wanted)}
    for code in wanted:
        if code not in found:
            problems.append(Problem(f"No partner agency has code “{code}”.", field))
    return [found[c] for c in wanted if c in found]


@transaction.atomic
def create_group(
    actor: User,
    *,
    name: str,
    kind: str = ActionGroup.Kind.ASBAG,
    area_id: int | None,
    neighbourhood_id: int | None = None,
    agencies: list[str] | None = None,
) -> ActionGroup:
    problems: list[Problem] = []
    if not name.strip():
        problems.append(Problem("Give the group a name.", "name"))
    if kind not in ActionGroup.Kind.values:
        problems.append(Problem("Choose the kind of group.", "kind"))
    area = Area.objects.filter(pk=area_id).first() if area_id else None
    if area is None:
        problems.append(Problem("Choose the area the group covers.", "area_id"))
    neighbourhood = None
    if neighbourhood_id:
        neighbourhood = Neighbourhood.objects.filter(pk=neighbourhood_id).first()
        if neighbourhood is None or (area is not None and neighbourhood.area_id != area.pk):
            problems.append(Problem("Choose a neighbourhood in the group's area.", "neighbourhood_id"))
    members = _agencies(agencies or [], problems)
    if problems:
        raise ValidationFailed(problems)
    assert area is not None
    _may_meet(actor, area.pk)
    group = ActionGroup.objects.create(
        name=name.strip(), kind=kind, area=area, neighbourhood=neighbourhood, created_by=actor
    )
    group.agencies.set(members)
    audit.record_create(actor, group)
    return group


@dataclass
class MeetingInput:
    scheduled_for: dt.datetime | None = None
    venue: str = ""
    chair: str = ""
    agencies: list[str] | None = None  # invited agencies' codes (default: the group's members)


@transaction.atomic
def schedule_meeting(actor: User, group_id: int, data: MeetingInput) -> Meeting:
    group = ActionGroup.objects.filter(pk=group_id).first()
    if group is None:
        raise ValidationFailed.one(f"No action group has id {group_id}.", "group")
    _may_meet(actor, group.area_id)
    problems: list[Problem] = []
    if data.scheduled_for is None:
        problems.append(Problem("Give the date and time of the meeting.", "scheduled_for"))
    invited = _agencies(data.agencies, problems) if data.agencies is not None else list(group.agencies.all())
    if problems:
        raise ValidationFailed(problems)
    assert data.scheduled_for is not None
    meeting = Meeting.objects.create(
        group=group,
        scheduled_for=data.scheduled_for,
        venue=data.venue.strip(),
        chair=data.chair.strip(),
        created_by=actor,
    )
    attendees = [MeetingAttendee(meeting=meeting, agency=None)] + [
        MeetingAttendee(meeting=meeting, agency=a) for a in invited
    ]
    MeetingAttendee.objects.bulk_create(attendees)
    audit.record_create(actor, meeting)
    return meeting


def _locked_meeting(actor: User, meeting_id: int, expected_version: int | None = None) -> Meeting:
    meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
    if meeting is None:
        raise ValidationFailed.one(f"No meeting has id {meeting_id}.", "meeting")
    group = ActionGroup.objects.get(pk=meeting.group_id)
    meeting.group = group
    _may_meet(actor, group.area_id)
    check_version(meeting, expected_version, f"The meeting of {meeting.date:%-d %B %Y}")
    return meeting


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The group's last meeting before this one (cancelled meetings do not count)."""
    return (
        Meeting.objects.filter(group_id=meeting.group_id, scheduled_for__lt=meeting.scheduled_for)
        .exclude(status=Meeting.Status.CANCELLED)
        .exclude(pk=meeting.pk)
        .order_by("-scheduled_for", "-id")
        .first()
    )


def agenda_cases(group: ActionGroup, new_since: dt.datetime | None) -> list[tuple[Case, str]]:
    """The open cases in the group's area (or neighbourhood) that the agenda takes: every High case,
    and the Medium cases new to the group since `new_since` (all of them when the group has not
    met): opened since, raised to Medium since (a change to Medium in the case's risk history),
    or reopened since."""
    scope = Case.objects.filter(status=Case.Status.OPEN, area_id=group.area_id)
    if group.neighbourhood_id is not None:
        scope = scope.filter(neighbourhood_id=group.neighbourhood_id)
    medium = Q(risk_level=RiskLevel.MEDIUM)
    if new_since is not None:
        raised = RiskLevelChange.objects.filter(
            case_id=OuterRef("pk"), level=RiskLevel.MEDIUM, at__gt=new_since
        )
        medium &= Q(opened_at__gt=new_since) | Q(reopened_at__gt=new_since) | Q(Exists(raised))
    found = scope.filter(Q(risk_level=RiskLevel.HIGH) | medium).order_by("opened_at", "id")
    return [
        (c, AgendaItem.Reason.HIGH if c.risk_level == RiskLevel.HIGH else AgendaItem.Reason.NEW_MEDIUM)
        for c in found
    ]


def _renumber(meeting: Meeting) -> None:
    items = list(AgendaItem.objects.filter(meeting=meeting))
    items.sort(key=lambda i: (REASON_ORDER.get(i.reason, 9), i.case_opened_at, i.case_id))
    for n, item in enumerate(items, start=1):
        item.position = n
    AgendaItem.objects.bulk_update(items, ["position"])


def _snapshot_case(item: AgendaItem, case: Case) -> None:
    item.case_reference = case.reference
    item.case_title = case.title
    item.risk_level = case.risk_level
    item.case_opened_at = case.opened_at


@transaction.atomic
def build_agenda(actor: User, meeting_id: int, expected_version: int | None = None) -> Meeting:
    """Build (or, until the meeting is held, refresh) the agenda. Items already minuted, tasked or
    added by hand stay; items that no longer qualify and hold nothing are dropped."""
    meeting = _locked_meeting(actor, meeting_id, expected_version)
    if meeting.agenda_frozen:
        raise ValidationFailed.one(
            "The agenda is fixed once the meeting has been held or cancelled.", "agenda"
        )
    before = audit.snapshot(meeting)
    previous = previous_meeting(meeting)
    new_since = previous.scheduled_for if previous is not None else None
    wanted = agenda_cases(meeting.group, new_since)
    wanted_ids = {c.pk for c, _ in wanted}
    existing = {i.case_id: i for i in AgendaItem.objects.filter(meeting=meeting).prefetch_related("tasks")}
    for case_id, item in existing.items():
        if case_id in wanted_ids or item.reason == AgendaItem.Reason.ADDED:
            continue
        if item.minutes or item.tasks.all():
            continue
        audit.record_delete(actor, item, reason="no longer qualifies for the agenda")
        item.delete()
    created: list[AgendaItem] = []
    for case, reason in wanted:
        kept = existing.get(case.pk)
        if kept is not None:
            if kept.reason != AgendaItem.Reason.ADDED:
                kept.reason = reason
            _snapshot_case(kept, case)
            kept.save()
            continue
        new = AgendaItem(meeting=meeting, case=case, position=0, reason=reason)
        _snapshot_case(new, case)
        created.append(new)
    AgendaItem.objects.bulk_create(created)
    _renumber(meeting)
    if created:
        audit.record_creates(
            actor, AgendaItem.objects.filter(meeting=meeting, case_id__in=[c.case_id for c in created])
        )
    meeting.new_since = new_since
    meeting.agenda_built_at = timezone.now()
    meeting.version += 1
    meeting.updated_at = meeting.agenda_built_at
    meeting.save()
    audit.record_update(actor, meeting, before, reason="agenda built")
    return meeting


@transaction.atomic
def add_agenda_case(actor: User, meeting_id: int, case_id: int) -> AgendaItem:
    """Put another open case from the group's area on the agenda (before the meeting is held)."""
    meeting = _locked_meeting(actor, meeting_id)
    if meeting.agenda_frozen:
        raise ValidationFailed.one(
            "The agenda is fixed once the meeting has been held or cancelled.", "case_id"
        )
    case = Case.objects.filter(pk=case_id).first()
    if case is None or case.area_id != meeting.group.area_id:
        raise ValidationFailed.one("Choose an open case in the group's area.", "case_id")
    if case.status != Case.Status.OPEN:
        raise ValidationFailed.one(f"Case {case.reference} is closed.", "case_id")
    if AgendaItem.objects.filter(meeting=meeting, case=case).exists():
        raise ValidationFailed.one(f"Case {case.reference} is already on the agenda.", "case_id")
    item = AgendaItem(meeting=meeting, case=case, position=0, reason=AgendaItem.Reason.ADDED)
    _snapshot_case(item, case)
    item.save()
    _renumber(meeting)
    item.refresh_from_db()
    audit.record_create(actor, item)
    return item


def _locked_item(actor: User, item_id: int, expected_version: int | None = None) -> AgendaItem:
    item = AgendaItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise ValidationFailed.one(f"No agenda item has id {item_id}.", "item")
    meeting = Meeting.objects.select_related("group").get(pk=item.meeting_id)
    item.meeting = meeting
    _may_meet(actor, meeting.group.area_id)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationFailed.one("The meeting was cancelled.", "item")
    check_version(item, expected_version, f"The minutes of {item.case_reference}")
    return item


@transaction.atomic
def record_minutes(actor: User, item_id: int, expected_version: int | None, minutes: str) -> AgendaItem:
    item = _locked_item(actor, item_id, expected_version)
    if not minutes.strip():
        raise ValidationFailed.one("Write the minutes for this case.", "minutes")
    before = audit.snapshot(item)
    item.minutes = minutes.strip()
    item.minuted_at = timezone.now()
    item.minuted_by = actor
    item.version += 1
    item.save()
    audit.record_update(actor, item, before)
    return item


@dataclass
class TaskInput:
    text: str = ""
    owner_id: int | None = None  # a police user
    owner_label: str = ""  # or a named person
    agency: str = ""  # the agency doing it (its code)
    due_on: dt.date | None = None


@transaction.atomic
def record_task(actor: User, item_id: int, data: TaskInput) -> MeetingTask:
    """A task for the item's case: it becomes an action in the case's plan, with its owner, due
    date, and "action group YYYY-MM-DD" as its source."""
    from beacon.cases import services as case_services

    item = _locked_item(actor, item_id)
    problems: list[Problem] = []
    agency = None
    if data.agency:
        agency = PartnerAgency.objects.filter(code=data.agency).first()
        if agency is None:
            problems.append(Problem("Choose the agency from the list.", "agency"))
    if not data.text.strip():
        problems.append(Problem("Say what the task is.", "text"))
    if data.owner_id is None and not data.owner_label.strip() and agency is None:
        problems.append(
            Problem("Choose who will do it: an officer, a named person or an agency.", "owner_id")
        )
    if data.due_on is None:
        problems.append(Problem("Give the date it is due.", "due_on"))
    elif data.due_on < item.meeting.date:
        problems.append(Problem("The due date cannot be before the meeting.", "due_on"))
    if problems:
        raise ValidationFailed(problems)
    label = data.owner_label.strip()
    if agency is not None:
        label = f"{label} ({agency.name})" if label else agency.name
    action = case_services.add_action(
        actor,
        item.case_id,
        case_services.ActionInput(
            text=data.text.strip(),
            owner_id=data.owner_id,
            owner_label=label,
            due_on=data.due_on,
            source=f"action group {item.meeting.date:%Y-%m-%d}",
        ),
    )
    task = MeetingTask.objects.create(item=item, action=action, agency=agency, created_by=actor)
    audit.record_create(actor, task)
    return task


@dataclass
class AttendeeInput:
    agency: str = ""  # blank: the police
    name: str = ""
    present: bool | None = None
    attendee_id: int | None = None  # to change an existing row
    remove: bool = False


@dataclass
class AttendanceResult:
    added: list[MeetingAttendee] = field(default_factory=list)
    changed: list[MeetingAttendee] = field(default_factory=list)


@transaction.atomic
def record_attendance(actor: User, meeting_id: int, rows: list[AttendeeInput]) -> AttendanceResult:
    """Who was invited and who came: change existing rows, add agencies, remove invitations."""
    meeting = _locked_meeting(actor, meeting_id)
    problems: list[Problem] = []
    existing = {a.pk: a for a in MeetingAttendee.objects.filter(meeting=meeting)}
    codes = [r.agency for r in rows if r.attendee_id is None and r.agency]
    agencies = {a.code: a for a in _agencies(codes, problems, "agency")}
    result = AttendanceResult()
    for r in rows:
        if r.attendee_id is not None and r.attendee_id not in existing:
            problems.append(Problem(f"No attendee {r.attendee_id} at this meeting.", "attendee_id"))
    if problems:
        raise ValidationFailed(problems)
    for r in rows:
        if r.attendee_id is not None:
            row = existing[r.attendee_id]
            if r.remove:
                audit.record_delete(actor, row)
                row.delete()
                continue
            before = audit.snapshot(row)
            row.name = r.name.strip()[:200]
            row.present = r.present
            row.save()
            audit.record_update(actor, row, before)
            result.changed.append(row)
        else:
            row = MeetingAttendee.objects.create(
                meeting=meeting, agency=agencies.get(r.agency), name=r.name.strip()[:200], present=r.present
            )
            audit.record_create(actor, row)
            result.added.append(row)
    return result


@transaction.atomic
def record_notes(actor: User, meeting_id: int, expected_version: int | None, notes: str) -> Meeting:
    meeting = _locked_meeting(actor, meeting_id, expected_version)
    before = audit.snapshot(meeting)
    meeting.notes = notes.strip()
    meeting.version += 1
    meeting.updated_at = timezone.now()
    meeting.save()
    audit.record_update(actor, meeting, before)
    return meeting


@transaction.atomic
def mark_held(actor: User, meeting_id: int, expected_version: int | None) -> Meeting:
    """The meeting took place: its agenda is fixed from now on (minutes and tasks may follow)."""
    meeting = _locked_meeting(actor, meeting_id, expected_version)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ValidationFailed.one(
            f"The meeting is already {meeting.get_status_display().lower()}.", "status"
        )
    if meeting.agenda_built_at is None:
        raise ValidationFailed.one("Build the agenda before recording that the meeting was held.", "status")
    before = audit.snapshot(meeting)
    meeting.status = Meeting.Status.HELD
    meeting.held_at = timezone.now()
    meeting.version += 1
    meeting.updated_at = meeting.held_at
    meeting.save()
    audit.record_update(actor, meeting, before)
    return meeting


@transaction.atomic
def cancel_meeting(actor: User, meeting_id: int, expected_version: int | None) -> Meeting:
    meeting = _locked_meeting(actor, meeting_id, expected_version)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ValidationFailed.one(
            f"The meeting is already {meeting.get_status_display().lower()}.", "status"
        )
    if MeetingTask.objects.filter(item__meeting=meeting).exists():
        raise ValidationFailed.one("The meeting has tasks: it took place.", "status")
    before = audit.snapshot(meeting)
    meeting.status = Meeting.Status.CANCELLED
    meeting.version += 1
    meeting.updated_at = timezone.now()
    meeting.save()
    audit.record_update(actor, meeting, before)
    return meeting
