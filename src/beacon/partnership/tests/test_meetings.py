"""Action groups: the agenda takes the High cases and the Medium cases opened, raised to Medium or
reopened since the group's last meeting, from the group's area (or neighbourhood) only; it is kept
as it was once the meeting is held; minutes per case; tasks become case actions with their owner,
due date and source."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beacon.cases.models import Action, Case, RiskLevelChange
from beacon.core.errors import EditConflict, PermissionRefused, ValidationFailed
from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.partnership import services
from beacon.partnership.models import AgendaItem, Meeting, MeetingTask
from beacon.partnership.services import MeetingInput, TaskInput
from beacon.partnership.tests.factories import case, days_ago

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def at(days: int) -> dt.datetime:
    """A meeting time `days` from now (negative: in the past)."""
    return timezone.now() + dt.timedelta(days=days)


@pytest.fixture
def group(officer: User, place: dict[str, Any]) -> Any:
    return services.create_group(
        officer, name="North ASBAG", area_id=place["north"].pk, agencies=["council", "housing"]
    )


@pytest.fixture
def cases(place: dict[str, Any]) -> dict[str, Case]:
    north, south = place["north"], place["south"]
    return {
        "high": case(north, level="high", opened_at=days_ago(90), neighbourhood=place["market"]),
        "high_mill": case(north, level="high", opened_at=days_ago(80), neighbourhood=place["mill"]),
        "old_medium": case(north, level="medium", opened_at=days_ago(40)),
        "new_medium": case(north, level="medium", opened_at=days_ago(5), neighbourhood=place["market"]),
        "standard": case(north, level="standard", opened_at=days_ago(3)),
        "closed_high": case(north, level="high", opened_at=days_ago(60), status=Case.Status.CLOSED),
        "south_high": case(south, level="high", opened_at=days_ago(20)),
    }


def refs(meeting: Meeting) -> list[str]:
    return [i.case_reference for i in AgendaItem.objects.filter(meeting=meeting)]


def test_the_first_agenda_takes_every_high_and_every_medium_case_in_the_area(
    officer: User, group: Any, cases: dict[str, Case]
) -> None:
    m = services.schedule_meeting(officer, group.pk, MeetingInput(scheduled_for=at(7), venue="Town hall"))
    services.build_agenda(officer, m.pk, m.version)
    c = cases
    assert refs(m) == [
        c["high"].reference,
        c["high_mill"].reference,
        c["old_medium"].reference,
        c["new_medium"].reference,
    ]
    m.refresh_from_db()
    assert m.new_since is None and m.agenda_built_at is not None
    items = list(AgendaItem.objects.filter(meeting=m))
    assert [i.reason for i in items] == ["high", "high", "new_medium", "new_medium"]
    assert [i.position for i in items] == [1, 2, 3, 4]


def test_later_agendas_take_only_medium_cases_opened_since_the_last_meeting(
    officer: User, group: Any, cases: dict[str, Case]
) -> None:
    last = services.schedule_meeting(officer, group.pk, MeetingInput(scheduled_for=days_ago(20)))
    cancelled = services.schedule_meeting(officer, group.pk, MeetingInput(scheduled_for=days_ago(10)))
    services.cancel_meeting(officer, cancelled.pk, cancelled.version)
    m = services.schedule_meeting(officer, group.pk, MeetingInput(scheduled_for=at(7)))
    services.build_agenda(officer, m.pk)
    assert refs(m) == [cases["high"].reference, cases["high_mill"].reference, cases["new_medium"].reference]
    m.refresh_from_db()
    assert m.new_since == last.scheduled_for  # the cancelled meeting does not count


def test_medium_cases_raised_or_reopened_since_the_last_meeting_are_new_to_the_group(
    officer: User, group: Any, place: dict[str, Any], cases: dict[str, Case]
) -> None:
    north = place["north"]
    services.schedule_meeting(officer, group.pk, MeetingInput(scheduled_for=days_ago(20)))

    def medium(opened: int, *, raised: int | None = None, reopened: int | None = None) -> Case:
        c = case(north, level="medium", opened_at=days_ago(opened))
        RiskLevelChange.objects.create(case=c, level="standard", at=days_ago(opened))
        if raised is not None:
            RiskLevelChange.objects.create(case=c, level="medium", at=days_ago(raised))
        if reopened is not None:
            Case.objects.filter(pk=c.pk).update(reopened_at=days_ago(reopened))
        return c

    raised_since = medium(60, raised=3)
    raised_before = medium(60, raised=30)
    reopened_since = medium(90, reopened=2)
    reopened_before = medium(90, reopened=25)
    # Raised to Medium since, but Standard again now: not on the agenda.
    back_down = case(north, level="standard", opened_at=days_ago(60))
    RiskLevelChange.objects.create(case=back_down, level="medium", at=days_ago(4))
    m = services.schedule_meeting(officer, group.pk, MeetingInput(scheduled_for=at(7)))
    services.build_agenda(officer, m.pk)
    reasons = {i.case_id: i.reason for i in AgendaItem.objects.filter(meeting=m)}
    assert reasons == {
        cases["high"].pk: "high",
        cases["high_mill"].pk: "high",
        cases["new_medium"].pk: "new_medium",
        raised_since.pk: "new_medium",
        reopened_since.pk: "new_medium",
    }
    assert not {raised_before.pk, reopened_before.pk, back_down.pk, cases["old_medium"].pk} & set(reasons)


def test_a_neighbourhood_group_takes_only_its_neighbourhoods_cases(
    officer: User, place: dict[str, Any], cases: dict[str, Case]
) -> None:
    market = services.create_group(
        officer,
        name="Market case conference",
        kind="case_conference",
        area_id=place["north"].pk,
        neighbourhood_id=place["market"].pk,
    )
    m = services.schedule_meeting(officer, market.pk, MeetingInput(scheduled_for=at(3)))
    services.build_agenda(officer, m.pk)
    assert refs(m) == [cases["high"].reference, cases["new_medium"].reference]


def test_the_agenda_is_kept_as_it_was_after_the_meeting(
    officer: User, group: Any, cases: dict[str, Case]
) -> None:
    m = services.schedule_meeting(officer, group.pk, MeetingInput(scheduled_for=at(-1)))
    services.build_agenda(officer, m.pk)
    m = services.mark_held(officer, m.pk, Meeting.objects.get(pk=m.pk).version)
    high = cases["high"]
    high.title, high.risk_level = "Renamed", "medium"
    high.save()
    case(high.area, level="high")  # a new High case after the meeting
    item = AgendaItem.objects.get(meeting=m, case=high)
    assert item.case_title.startswith("Neighbour dispute") and item.risk_level == "high"
    with pytest.raises(ValidationFailed) as err:
        services.build_agenda(officer, m.pk)
    assert "fixed" in str(err.value)
    assert len(refs(m)) == 4


def test_refreshing_keeps_minuted_items_and_drops_ones_that_no_longer_qualify(
    officer: User, group: Any, cases: dict[str, Case]
) -> None:
    m = services.schedule_meeting(officer, group.pk, MeetingInput(scheduled_for=at(7)))
    services.build_agenda(officer, m.pk)
    kept = AgendaItem.objects.get(meeting=m, case=cases["high"])
    services.record_minutes(officer, kept.pk, kept.version, "Discussed before the meeting.")
    for key in ("high", "high_mill"):
        Case.objects.filter(pk=cases[key].pk).update(status=Case.Status.CLOSED)
    newcomer = case(cases["high"].area, level="high")
    services.build_agenda(officer, m.pk)
    assert set(refs(m)) == {
        cases["high"].reference,
        cases["old_medium"].reference,
        cases["new_medium"].reference,
        newcomer.reference,
    }
    assert AuditEvent.objects.filter(action="delete", model="agendaitem").count() == 1


def test_cases_can_be_added_by_hand_from_the_groups_area(
    officer: User, group: Any, cases: dict[str, Case]
) -> None:
    m = services.schedule_meeting(officer, group.pk, MeetingInput(scheduled_for=at(7)))
    services.build_agenda(officer, m.pk)
    item = services.add_agenda_case(officer, m.pk, cases["standard"].pk)
    assert item.reason == "added" and item.position == 5
    with pytest.raises(ValidationFailed):
        services.add_agenda_case(officer, m.pk, cases["south_high"].pk)
    with pytest.raises(ValidationFailed):
        services.add_agenda_case(officer, m.pk, cases["standard"].pk)
    services.build_agenda(officer, m.pk)
    assert cases["standard"].reference in refs(m)


def test_groups_and_meetings_stay_in_their_area(
    officer: User, south_officer: User, group: Any, place: dict[str, Any], make_user: Callable[..., User]
) -> None:
    with pytest.raises(PermissionRefused):
        services.schedule_meeting(south_officer, group.pk, MeetingInput(scheduled_for=at(1)))
    with pytest.raises(PermissionRefused):
        services.create_group(south_officer, name="x", area_id=place["north"].pk)
    with pytest.raises(PermissionRefused):
        services.create_group(
            make_user(Role.CALL_HANDLER, all_areas=True), name="x", area_id=place["north"].pk
        )
    with pytest.raises(ValidationFailed) as err:
        services.create_group(officer, name="", area_id=place["north"].pk, neighbourhood_id=place["docks"].pk)
    assert {p.field for p in err.value.problems} == {"name", "neighbourhood_id"}


# ---------------------------------------------------------------------------------------------
# Minutes and tasks


def test_a_task_becomes_a_case_action_with_owner_due_date_and_source(
    officer: User, sergeant: User, group: Any, cases: dict[str, Case]
) -> None:
    m = services.schedule_meeting(officer, group.pk, MeetingInput(scheduled_for=days_ago(0, hour=9)))
    services.build_agenda(officer, m.pk)
    item = AgendaItem.objects.get(meeting=m, case=cases["high"])
    due = timezone.localdate() + dt.timedelta(days=14)
    task = services.record_task(
        officer, item.pk, TaskInput(text="Visit the victim with housing", owner_id=sergeant.pk, due_on=due)
    )
    action = Action.objects.get(pk=task.action_id)
    assert action.case_id == cases["high"].pk and action.owner == sergeant and action.due_on == due
    assert action.source == f"action group {timezone.localdate():%Y-%m-%d}" and action.status == "open"
    partner_task = services.record_task(
        officer,
        item.pk,
        TaskInput(text="Send a warning letter", agency="housing", owner_label="J. Tenancy", due_on=due),
    )
    partner_action = Action.objects.get(pk=partner_task.action_id)
    assert partner_action.owner is None and partner_action.owner_label == "J. Tenancy (Housing provider)"
    assert AuditEvent.objects.filter(action="create", model="action", object_pk=str(action.pk)).exists()
    assert AuditEvent.objects.filter(action="create", model="meetingtask").count() == 2


def test_a_task_needs_text_an_owner_and_a_due_date_not_before_the_meeting(
    officer: User, group: Any, cases: dict[str, Case]
) -> None:
    m = services.schedule_meeting(officer, group.pk, MeetingInput(scheduled_for=at(0)))
    services.build_agenda(officer, m.pk)
    item = AgendaItem.objects.filter(meeting=m).first()
    assert item is not None
    with pytest.raises(ValidationFailed) as err:
        services.record_task(officer, item.pk, TaskInput(text=" ", due_on=None))
    assert {p.field for p in err.value.problems} == {"text", "owner_id", "due_on"}
    with pytest.raises(ValidationFailed) as err:
        services.record_task(
            officer,
            item.pk,
            TaskInput(text="x", owner_id=officer.pk, due_on=timezone.localdate() - dt.timedelta(days=2)),
        )
    assert {p.field for p in err.value.problems} == {"due_on"}
    assert not Action.objects.exists() and not MeetingTask.objects.exists()


def test_minutes_refuse_a_stale_edit(
    officer: User, sergeant: User, group: Any, cases: dict[str, Case]
) -> None:
    m = services.schedule_meeting(officer, group.pk, MeetingInput(scheduled_for=at(0)))
    services.build_agenda(officer, m.pk)
    item = AgendaItem.objects.filter(meeting=m).first()
    assert item is not None
    services.record_minutes(sergeant, item.pk, item.version, "Agreed joint visit.")
    with pytest.raises(EditConflict) as err:
        services.record_minutes(officer, item.pk, item.version, "Something else.")
    assert err.value.changed_by == "ps_north"
    item.refresh_from_db()
    assert item.minutes == "Agreed joint visit."


def test_attendance_is_recorded(officer: User, group: Any) -> None:
    m = services.schedule_meeting(officer, group.pk, MeetingInput(scheduled_for=at(0)))
    rows = list(m.attendees.order_by("id"))
    assert [a.agency.code if a.agency else None for a in rows] == [None, "council", "housing"]
    from beacon.partnership.services_meetings import AttendeeInput

    services.record_attendance(
        officer,
        m.pk,
        [
            AttendeeInput(attendee_id=rows[0].pk, name="PS Sergeant", present=True),
            AttendeeInput(attendee_id=rows[2].pk, remove=True),
            AttendeeInput(agency="health", name="Nurse Nightingale"),
        ],
    )
    now = {(a.agency.code if a.agency else None, a.name, a.present) for a in m.attendees.all()}
    assert now == {(None, "PS Sergeant", True), ("council", "", None), ("health", "Nurse Nightingale", None)}


# ---------------------------------------------------------------------------------------------
# Pages


def test_the_meeting_pages_build_the_agenda_and_record_minutes_and_tasks(
    client_for: Callable[..., Client], officer: User, group: Any, cases: dict[str, Case]
) -> None:
    client = client_for(officer)
    r = client.post(
        reverse("partnership:meeting_new", args=[group.pk]),
        {"date": timezone.localdate().isoformat(), "time": "10:00", "venue": "Town hall"},
    )
    m = Meeting.objects.get()
    assert r.status_code == 302 and r.url == reverse("partnership:meeting", args=[m.pk])
    page = client.get(r.url).content.decode()
    assert "The agenda has not been built yet" in page
    client.post(reverse("partnership:meeting_agenda", args=[m.pk]), {"version": m.version})
    page = client.get(reverse("partnership:meeting", args=[m.pk])).content.decode()
    assert cases["high"].reference in page and cases["south_high"].reference not in page
    assert cases["standard"].reference not in page
    assert AuditEvent.objects.filter(
        actor=officer, action="read", model="case", object_pk=str(cases["high"].pk)
    ).exists()
    item = AgendaItem.objects.get(meeting=m, case=cases["high"])
    p = f"i{item.pk}-"
    part = client.post(
        reverse("partnership:item_minutes", args=[item.pk]),
        {p + "version": item.version, p + "minutes": "Agreed."},
        **HTMX,
    )
    html = part.content.decode()
    assert part.status_code == 200 and "<html" not in html and "Minutes saved." in html and "Agreed." in html
    t = f"t{item.pk}-"
    bad = client.post(reverse("partnership:item_task", args=[item.pk]), {t + "text": "Visit"}, **HTMX)
    assert bad.status_code == 200 and "govuk-error-message" in bad.content.decode()
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    good = client.post(
        reverse("partnership:item_task", args=[item.pk]),
        {t + "text": "Visit the victim", t + "owner_id": str(officer.pk), t + "due_on": due},
        **HTMX,
    )
    assert "Task added to case" in good.content.decode() and "Visit the victim" in good.content.decode()
    assert Action.objects.get().source.startswith("action group ")
    # Without JavaScript the forms post and come back to the page.
    plain = client.post(
        reverse("partnership:item_minutes", args=[item.pk]), {p + "version": 1, p + "minutes": "x"}
    )
    assert plain.status_code == 302 and plain.url.endswith(f"#item-{item.pk}")
    printed = client.get(reverse("partnership:meeting_print", args=[m.pk])).content.decode()
    assert "North ASBAG: agenda" in printed and cases["high"].reference in printed


def test_meeting_pages_are_for_meeting_roles_in_the_area(
    client_for: Callable[..., Client],
    officer: User,
    south_officer: User,
    group: Any,
    make_user: Callable[..., User],
) -> None:
    m = services.schedule_meeting(officer, group.pk, MeetingInput(scheduled_for=at(1)))
    assert client_for(south_officer).get(reverse("partnership:meeting", args=[m.pk])).status_code == 404
    assert client_for(south_officer).get(reverse("partnership:group", args=[group.pk])).status_code == 404
    for role in (Role.CALL_HANDLER, Role.PARTNER, Role.ADMIN, Role.PERFORMANCE):
        assert (
            client_for(make_user(role, all_areas=True)).get(reverse("partnership:groups")).status_code == 403
        )
    analyst = make_user(Role.ANALYST, all_areas=True)
    assert client_for(analyst).get(reverse("partnership:meeting", args=[m.pk])).status_code == 200


def test_group_pages_create_groups_and_meetings(
    client_for: Callable[..., Client], officer: User, place: dict[str, Any]
) -> None:
    client = client_for(officer)
    bad = client.post(reverse("partnership:group_new"), {"name": "", "kind": "asbag"})
    assert bad.status_code == 422 and "There is a problem" in bad.content.decode()
    ok = client.post(
        reverse("partnership:group_new"),
        {"name": "North ASBAG", "kind": "asbag", "area_id": place["north"].pk, "agencies": ["council"]},
    )
    assert ok.status_code == 302
    page = client.get(reverse("partnership:groups")).content.decode()
    assert "North ASBAG" in page and "Local council ASB team" in page


def test_the_group_list_and_meeting_page_take_a_bounded_number_of_queries(
    client_for: Callable[..., Client],
    officer: User,
    place: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    for g in range(8):
        grp = services.create_group(
            officer, name=f"Group {g}", area_id=place["north"].pk, agencies=["council"]
        )
        services.schedule_meeting(officer, grp.pk, MeetingInput(scheduled_for=at(g + 1)))
    for n in range(20):
        case(place["north"], level="high", opened_at=days_ago(n + 1))
    m = Meeting.objects.order_by("id").first()
    assert m is not None
    services.build_agenda(officer, m.pk)
    item = AgendaItem.objects.filter(meeting=m).first()
    assert item is not None
    for _ in range(3):
        due = timezone.localdate() + dt.timedelta(days=30)
        services.record_task(officer, item.pk, TaskInput(text="t", owner_id=officer.pk, due_on=due))
    client = client_for(officer)
    client.get(reverse("partnership:groups"))
    # session, user, areas, the form's areas, neighbourhoods and agencies, groups, their agencies,
    # next meetings, the session's save: the same for 1 group or 100.
    with django_assert_max_num_queries(12):
        assert client.get(reverse("partnership:groups")).content.decode().count("Group ") >= 8
    with django_assert_max_num_queries(20):
        page = client.get(reverse("partnership:meeting", args=[m.pk])).content.decode()
    assert page.count('data-testid="agenda-item"') == 20
