"""Taking a report: placing, screening, matching, flagging, grading, the inbox; the feed; closure."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from beacon.core.errors import EditConflict, ValidationFailed
from beacon.core.models import AuditEvent
from beacon.core.roles import Role
from beacon.incidents import selectors, services
from beacon.incidents.models import FeedMessage, InboxItem, Incident, IncidentPerson
from beacon.incidents.services import IncidentInput, PersonInput
from beacon.incidents.tests.factories import caller, report
from beacon.people.models import Person

pytestmark = pytest.mark.django_db


def test_a_report_is_placed_flagged_graded_and_sent_to_its_team(town: dict[str, Any], make_user: Any) -> None:
    handler = make_user(Role.CALL_HANDLER, all_areas=True)
    lat, lon = town["priority_point"]
    inc = services.create_incident(handler, report(lat=lat, lon=lon, answers={"household_disability": "yes"}))
    assert inc.reference.startswith("INC-")
    assert inc.neighbourhood == town["priority_neighbourhood"]
    assert inc.area_id == town["priority_neighbourhood"].area_id
    assert inc.local_priority and town["priority_name"] in inc.priority_names
    assert inc.vulnerable_victim and "household" in inc.flag_reasons["vulnerable_victim"]
    assert inc.suggested_grade is not None and inc.suggested_grade.code == "urgent"
    assert inc.response_grade == inc.suggested_grade
    item = InboxItem.objects.get(incident=inc)
    assert item.neighbourhood == inc.neighbourhood and inc.notified_team == inc.neighbourhood
    assert AuditEvent.objects.filter(model="incident", object_pk=str(inc.pk), action="create").exists()


def test_an_unplaceable_location_is_flagged_not_dropped(town: dict[str, Any], make_user: Any) -> None:
    handler = make_user(Role.CALL_HANDLER, all_areas=True)
    lat, lon = town["outside"]
    inc = services.create_incident(handler, report(lat=lat, lon=lon))
    assert inc.neighbourhood is None and "outside" in inc.location_problem.lower()
    assert not InboxItem.objects.filter(incident=inc).exists()
    assert inc in selectors.visible_to(handler)


def test_every_problem_is_reported_and_nothing_is_written(town: dict[str, Any], make_user: Any) -> None:
    handler = make_user(Role.CALL_HANDLER, all_areas=True)
    bad = IncidentInput(
        channel="pigeon",
        type_heading="no-such-type",
        answers={"happened_before": "maybe", "favourite_colour": "blue"},
        people=[
            PersonInput(role="victim", details={"forename": "Ann", "phone": "12"}),
            PersonInput(role="boss"),
        ],
    )
    with pytest.raises(ValidationFailed) as err:
        services.create_incident(handler, bad)
    fields = {p.field for p in err.value.problems}
    assert {
        "channel",
        "type_heading",
        "asb_category",
        "answers.happened_before",
        "answers.favourite_colour",
    } <= fields
    assert {"people[1].role", "people[1]"} <= fields
    assert Incident.objects.count() == 0 and Person.objects.count() == 0


def test_a_bad_phone_number_rolls_back_the_whole_report(town: dict[str, Any], make_user: Any) -> None:
    handler = make_user(Role.CALL_HANDLER, all_areas=True)
    data = report(people=[caller("Ann", "Smith", phone="+1 212 555 0100")])
    with pytest.raises(ValidationFailed) as err:
        services.create_incident(handler, data)
    assert [p.field for p in err.value.problems] == ["people[0].phone"]
    assert Incident.objects.count() == 0 and Person.objects.count() == 0


def test_overriding_the_suggested_grade_needs_a_reason(town: dict[str, Any], make_user: Any) -> None:
    handler = make_user(Role.CALL_HANDLER, all_areas=True)
    with pytest.raises(ValidationFailed) as err:
        services.create_incident(handler, report(response_grade="immediate"))
    assert err.value.problems[0].field == "grade_override_reason"
    inc = services.create_incident(
        handler, report(response_grade="immediate", grade_override_reason="caller heard glass breaking")
    )
    assert inc.response_grade.code == "immediate" and inc.suggested_grade.code == "other"


def test_a_caller_who_reported_before_under_a_misspelt_name_is_recognised(
    town: dict[str, Any], active_model: Any, make_user: Any
) -> None:
    handler = make_user(Role.CALL_HANDLER, all_areas=True)
    lat, lon = town["inside"]
    first = services.create_incident(
        handler, report(lat=lat, lon=lon, people=[caller("Margaret", "Whitfield", phone="07700 900123")])
    )
    services.create_incident(
        handler, report(lat=lat, lon=lon, people=[caller("Maggie", "Whitfield", phone="07700900123")])
    )
    check = selectors.live_check(
        handler, {"forename": "Margret", "surname": "Whitfeld", "phone": "+44 7700 900123"}, lat=lat, lon=lon
    )
    assert check.people, "the earlier caller is found"
    top = check.people[0]
    assert {c["reference"] for c in top["contacts"]} >= {first.reference}
    assert len(top["contacts"]) == 2
    assert any("phone" in why for why in top["why"])
    assert len(check.nearby) == 2 and all(n["why"] for n in check.nearby)
    # A third report by the same caller sets the repeat-victim flag (3 contacts in 365 days by default).
    third = services.create_incident(
        handler,
        report(lat=lat, lon=lon, people=[caller("Margaret", "Whitfield", phone="07700 900123")]),
    )
    assert third.repeat_victim, third.flag_reasons
    assert third.suggested_grade.code == "urgent"
    person_ids = set(IncidentPerson.objects.values_list("record__person_id", flat=True))
    assert len(person_ids) == 1


def test_the_feed_is_idempotent_and_amendments_keep_history(town: dict[str, Any], make_user: Any) -> None:
    feed = make_user(Role.ADMIN, all_areas=True)
    lat, lon = town["inside"]
    data = report(lat=lat, lon=lon, source_system="storm", source_id="2026-000123", description="Youths")
    payload = {"source_id": "2026-000123", "description": "Youths"}
    outcomes = [services.ingest(feed, data, payload).outcome for _ in range(100)]
    assert outcomes[0] == "created" and set(outcomes[1:]) == {"unchanged"}
    assert Incident.objects.count() == 1 and FeedMessage.objects.count() == 100
    amended = report(
        lat=lat, lon=lon, source_system="storm", source_id="2026-000123", description="Youths, bikes"
    )
    out = services.ingest(feed, amended, {**payload, "description": "Youths, bikes"})
    assert out.outcome == "updated" and out.incident.description == "Youths, bikes"
    assert Incident.objects.count() == 1
    history = AuditEvent.objects.filter(
        model="incident", object_pk=str(out.incident.pk), action="update"
    ).get()
    assert history.changes["description"] == ["Youths", "Youths, bikes"]


def test_crime_disclosed_then_closed_without_a_decision_goes_to_the_registrar(
    town: dict[str, Any], make_user: Any
) -> None:
    handler = make_user(Role.CALL_HANDLER, all_areas=True)
    registrar = make_user(Role.PERFORMANCE, all_areas=True)
    inc = services.create_incident(handler, report(answers={"threats_or_damage": "yes"}))
    assert inc.crime_disclosed and inc.crime_outstanding
    closed = services.close_incident(
        handler, inc, version=inc.version, closure_code="advice-given", note="Advised"
    )
    assert list(selectors.crime_review(registrar)) == [closed]
    decided = services.record_crime_decision(
        registrar, closed, version=closed.version, no_crime_reason="No offence on the facts given"
    )
    assert decided.crime_recorded is False and list(selectors.crime_review(registrar)) == []


def test_a_stale_edit_is_refused_and_the_first_save_kept(town: dict[str, Any], make_user: Any) -> None:
    handler = make_user(Role.CALL_HANDLER, all_areas=True)
    inc = services.create_incident(handler, report(answers={"threats_or_damage": "yes"}))
    services.record_crime_decision(handler, inc, version=inc.version, crime_reference="CR/1/26")
    with pytest.raises(EditConflict):
        services.close_incident(
            handler, inc, version=inc.version, closure_code="advice-given", note="Advised"
        )
    inc.refresh_from_db()
    assert inc.crime_reference == "CR/1/26" and inc.status == Incident.Status.OPEN


def test_unacknowledged_items_reach_the_sergeant_after_the_configured_time(
    town: dict[str, Any], make_user: Any
) -> None:
    handler = make_user(Role.CALL_HANDLER, all_areas=True)
    lat, lon = town["inside"]
    inc = services.create_incident(handler, report(lat=lat, lon=lon))
    sergeant = make_user(Role.SUPERVISOR)
    sergeant.areas.add(inc.area)
    later = timezone.now() + dt.timedelta(hours=25)
    assert list(selectors.unacknowledged(sergeant, now=timezone.now())) == []
    assert [i.incident for i in selectors.unacknowledged(sergeant, now=later)] == [inc]
    officer = make_user(Role.OFFICER)
    officer.areas.add(inc.area)
    services.acknowledge(officer, inc.inbox_item)
    assert list(selectors.unacknowledged(sergeant, now=later)) == []
    elsewhere = make_user(Role.OFFICER)
    assert list(selectors.inbox(elsewhere, open_only=False)) == []


def test_supervision_is_recorded_and_listed(town: dict[str, Any], make_user: Any) -> None:
    handler = make_user(Role.CALL_HANDLER, all_areas=True)
    sergeant = make_user(Role.SUPERVISOR, all_areas=True)
    a = services.create_incident(handler, report())
    b = services.create_incident(handler, report())
    services.add_supervision(sergeant, a, "Grade right; call back the victim tomorrow.")
    assert list(selectors.supervision_list(sergeant, supervised=True)) == [a]
    assert list(selectors.supervision_list(sergeant, supervised=False)) == [b]


def test_non_asb_incidents_need_a_force_category(town: dict[str, Any], make_user: Any) -> None:
    handler = make_user(Role.CALL_HANDLER, all_areas=True)
    inc = services.create_incident(
        handler, report(is_asb=False, asb_category="", type_heading="", other_category="domestic")
    )
    assert not inc.is_asb and inc.crime_disclosed and not InboxItem.objects.filter(incident=inc).exists()


def test_viewing_an_incident_is_logged(town: dict[str, Any], make_user: Any) -> None:
    handler = make_user(Role.CALL_HANDLER, all_areas=True)
    inc = services.create_incident(handler, report())
    selectors.incident_for(handler, inc.pk, reason="reviewing the call")
    read = AuditEvent.objects.get(model="incident", object_pk=str(inc.pk), action="read")
    assert read.reason == "reviewing the call" and read.actor == handler
