"""Completing an assessment (stored with its version, location and points; Medium and High open a
case), a supervisor's review (agree, change with a reason, refused when stale), the list of
assessments due, a victim's history and what the person lookup shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from beacon.cases.models import Case
from beacon.core.errors import EditConflict, PermissionRefused, ValidationFailed
from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.incidents.models import Channel, Incident
from beacon.people.models import ContactRecord, Person
from beacon.people.selectors import SUMMARY_PROVIDERS
from beacon.risk import selectors, services
from beacon.risk.models import Assessment, RiskSettings
from beacon.risk.tests.factories import HIGH, MEDIUM, STANDARD, example_version, make_incident, person_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def victim() -> ContactRecord:
    return person_record()


@pytest.fixture
def incident(town: dict[str, Any], victim: ContactRecord) -> Incident:
    """In Market (a priority neighbourhood), inside Operation Lantern."""
    return make_incident(
        area=town["north"],
        neighbourhood=town["market"],
        point=town["in_priority"],
        victims=[("caller", victim)],
    )


def assess(
    actor: User, incident: Incident, record: ContactRecord, answers: dict[str, Any], **kw: Any
) -> Assessment:
    return services.complete_assessment(
        actor,
        completed_as="attending",
        incident=incident,
        victim=record.person,
        answers=answers,
        officer_note=kw.pop("note", ""),
        **kw,
    )


# ---------------------------------------------------------------------------------------------
# Completing an assessment


def test_an_assessment_keeps_answers_place_score_level_points_and_version(
    officer: User, incident: Incident, victim: ContactRecord, town: dict[str, Any]
) -> None:
    a = assess(officer, incident, victim, {**STANDARD, "hate": "yes"}, note="  Calm but worried.  ")
    a.refresh_from_db()
    assert a.instrument_version == example_version()
    assert a.score == 4 + 2 + 1  # hate, priority neighbourhood, Operation Lantern
    assert a.level == "standard" and a.effective_level == "standard"
    assert a.answers["hate"] == "yes" and a.answers["incidents_recent"] == 0
    assert a.location_context == {
        "neighbourhood": "TN1",
        "neighbourhood_name": "Market",
        "grade": "priority",
        "priorities": ["Operation Lantern"],
        "problem": "",
    }
    assert a.contributions[-2:] == [
        {
            "question": "location:neighbourhood_grade:priority",
            "answer": "Priority neighbourhood: Market (TN1), graded priority",
            "points": 2,
        },
        {
            "question": "location:local_priority",
            "answer": "Inside an active local priority: Operation Lantern",
            "points": 1,
        },
    ]
    assert (a.area, a.neighbourhood, a.victim_record, a.incident) == (
        town["north"],
        town["market"],
        victim,
        incident,
    )
    assert a.officer_note == "Calm but worried." and a.completed_by == officer
    assert AuditEvent.objects.filter(model="assessment", object_pk=str(a.pk), action="create").exists()


@pytest.mark.parametrize(("answers", "level"), [(MEDIUM, "medium"), (HIGH, "high")])
def test_medium_and_high_outcomes_open_a_case_for_the_victim(
    officer: User, town: dict[str, Any], victim: ContactRecord, answers: dict[str, Any], level: str
) -> None:
    incident = make_incident(area=town["north"], neighbourhood=town["docks"], victims=[("victim", victim)])
    a, case = services.record_assessment(
        officer, completed_as="attending", incident=incident, victim=victim.person, answers=answers
    )
    assert a.level == level
    assert case is not None and case.opened_from == a and case.risk_level == level
    assert Case.objects.filter(opened_from=a).count() == 1


def test_a_standard_outcome_opens_no_case(officer: User, incident: Incident, victim: ContactRecord) -> None:
    a, case = services.record_assessment(
        officer, completed_as="attending", incident=incident, victim=victim.person, answers=STANDARD
    )
    assert case is None and not Case.objects.exists()
    assert a.level == "standard"


def test_a_victim_with_an_open_case_gets_it_raised_not_a_second_one(
    officer: User, town: dict[str, Any], victim: ContactRecord
) -> None:
    first = make_incident(area=town["north"], neighbourhood=town["docks"], victims=[("caller", victim)])
    second = make_incident(area=town["north"], neighbourhood=town["docks"], victims=[("caller", victim)])
    _, case = services.record_assessment(
        officer, completed_as="attending", incident=first, victim=victim.person, answers=MEDIUM
    )
    _, again = services.record_assessment(
        officer, completed_as="attending", incident=second, victim=victim.person, answers=HIGH
    )
    assert case is not None and again is not None and again.pk == case.pk
    assert Case.objects.count() == 1
    case.refresh_from_db()
    assert case.risk_level == "high"


def test_every_problem_is_reported_and_nothing_is_written(
    officer: User, incident: Incident, town: dict[str, Any]
) -> None:
    stranger = person_record(forename="Bryn", surname="Tregear")
    with pytest.raises(ValidationFailed) as exc:
        assess(officer, incident, stranger, {**STANDARD, "hate": "perhaps", "afraid": None, "nope": 1})
    assert [p.field for p in exc.value.problems] == ["victim", "nope", "hate", "afraid"]
    assert not Assessment.objects.exists()


def test_only_officers_and_supervisors_in_the_incidents_area_assess(
    make_user: Callable[..., User], incident: Incident, victim: ContactRecord, town: dict[str, Any]
) -> None:
    for role in (Role.CALL_HANDLER, Role.ANALYST, Role.PARTNER, Role.ADMIN):
        with pytest.raises(PermissionRefused):
            assess(make_user(role, all_areas=True), incident, victim, STANDARD)
    southerner = make_user(Role.OFFICER)
    southerner.areas.add(town["south"])
    with pytest.raises(PermissionRefused):
        assess(southerner, incident, victim, STANDARD)
    assert not Assessment.objects.exists()


# ---------------------------------------------------------------------------------------------
# Review


@pytest.fixture
def assessed(officer: User, incident: Incident, victim: ContactRecord) -> Assessment:
    return assess(officer, incident, victim, STANDARD)


def test_a_supervisor_agrees_with_the_level(sergeant: User, assessed: Assessment) -> None:
    done = services.review_assessment(sergeant, assessed, expected_version=1, agree=True)
    done.refresh_from_db()
    assert done.review_decision == "agreed" and done.reviewed_by == sergeant and done.reviewed_at is not None
    assert done.effective_level == "standard" and done.version == 2
    event = AuditEvent.objects.get(model="assessment", object_pk=str(done.pk), action="update")
    assert event.changes["review_decision"] == ["", "agreed"]


def test_changing_the_level_needs_a_different_level_and_a_reason(
    sergeant: User, assessed: Assessment
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.review_assessment(sergeant, assessed, expected_version=1, agree=False, level="standard")
    assert [p.field for p in exc.value.problems] == ["level", "reason"]
    with pytest.raises(ValidationFailed) as exc:
        services.review_assessment(sergeant, assessed, expected_version=1, agree=False, level="severe")
    assert [p.field for p in exc.value.problems] == ["level", "reason"]
    assessed.refresh_from_db()
    assert assessed.reviewed_at is None and assessed.version == 1


def test_raising_the_level_on_review_opens_a_case(sergeant: User, assessed: Assessment) -> None:
    done = services.review_assessment(
        sergeant,
        assessed,
        expected_version=1,
        agree=False,
        level="high",
        reason="Threats made since the call.",
    )
    assert (done.level, done.reviewed_level, done.effective_level) == ("standard", "high", "high")
    assert done.review_reason == "Threats made since the call."
    case = Case.objects.get()
    assert case.risk_level == "high"


def test_a_stale_review_is_refused_and_the_first_stands(
    sergeant: User, north_user: Callable[..., User], assessed: Assessment
) -> None:
    inspector = north_user(Role.SUPERVISOR, username="insp_north")
    services.review_assessment(sergeant, assessed, expected_version=1, agree=True)
    with pytest.raises(EditConflict) as exc:
        services.review_assessment(
            inspector, assessed, expected_version=1, agree=False, level="medium", reason="Looks worse to me."
        )
    assert exc.value.changed_by == "ps_north" and "review_decision" in exc.value.changes
    assessed.refresh_from_db()
    assert assessed.review_decision == "agreed" and assessed.reviewed_by == sergeant
    # Loading it again shows it was already reviewed.
    with pytest.raises(ValidationFailed, match="already reviewed"):
        services.review_assessment(inspector, assessed, expected_version=2, agree=True)


def test_reviews_are_for_other_supervisors_in_the_area(
    make_user: Callable[..., User], sergeant: User, officer: User, incident: Incident, victim: ContactRecord
) -> None:
    own = assess(sergeant, incident, victim, STANDARD)
    with pytest.raises(PermissionRefused):
        services.review_assessment(sergeant, own, expected_version=1, agree=True)
    other = assess(officer, incident, victim, STANDARD)
    with pytest.raises(PermissionRefused):
        services.review_assessment(officer, other, expected_version=1, agree=True)
    elsewhere = make_user(Role.SUPERVISOR)
    with pytest.raises(PermissionRefused):
        services.review_assessment(elsewhere, other, expected_version=1, agree=True)


# ---------------------------------------------------------------------------------------------
# History and the person lookup


def test_a_victims_history_follows_their_records_when_people_merge(
    officer: User, incident: Incident, victim: ContactRecord, sergeant: User
) -> None:
    first = assess(officer, incident, victim, STANDARD)
    second = assess(officer, incident, victim, MEDIUM)
    survivor = Person.objects.create()
    ContactRecord.objects.filter(pk=victim.pk).update(person=survivor)  # a merge moved the record
    Person.objects.filter(pk=victim.person_id).update(merged_into=survivor)
    found = selectors.assessments_for_person(sergeant, survivor.pk)
    assert [a.pk for a in found] == [second.pk, first.pk]
    reads = AuditEvent.objects.filter(model="assessment", action="read", actor=sergeant)
    assert sorted(int(e.object_pk) for e in reads) == sorted([first.pk, second.pk])


def test_history_is_limited_to_the_users_areas(
    officer: User,
    incident: Incident,
    victim: ContactRecord,
    make_user: Callable[..., User],
    town: dict[str, Any],
) -> None:
    assess(officer, incident, victim, STANDARD)
    southerner = make_user(Role.OFFICER)
    southerner.areas.add(town["south"])
    assert selectors.assessments_for_person(southerner, victim.person_id) == []
    assert (
        len(selectors.assessments_for_person(make_user(Role.ANALYST, all_areas=True), victim.person_id)) == 1
    )


def test_the_person_lookup_shows_the_latest_level_the_supervisor_decided(
    officer: User, sergeant: User, incident: Incident, victim: ContactRecord
) -> None:
    assert selectors.risk_summaries in SUMMARY_PROVIDERS
    older = assess(officer, incident, victim, HIGH)
    Assessment.objects.filter(pk=older.pk).update(completed_at=timezone.now() - dt.timedelta(days=30))
    latest = assess(officer, incident, victim, STANDARD)
    services.review_assessment(
        sergeant, latest, expected_version=1, agree=False, level="medium", reason="Fear."
    )
    nobody = Person.objects.create()
    out = selectors.risk_summaries([victim.person_id, nobody.pk])
    assert out == {
        victim.person_id: {"risk_level": "Medium", "risk_assessed_on": timezone.localdate().isoformat()}
    }


def test_the_live_lookup_carries_the_risk_level(
    active_model: Any, officer: User, incident: Incident, victim: ContactRecord
) -> None:
    from beacon.people.selectors import lookup

    assess(officer, incident, victim, HIGH)
    found = lookup({"forename": "Alys", "surname": "Penhallow"}, actor=officer, reason="test", limit=3)
    assert found and found[0].person_id == victim.person_id
    assert found[0].as_dict()["risk_level"] == "High"


# ---------------------------------------------------------------------------------------------
# Assessments due


def _hours_ago(hours: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=hours)


def test_flagged_incidents_whose_victim_was_not_assessed_in_time_are_due(
    sergeant: User, officer: User, town: dict[str, Any], make_user: Callable[..., User]
) -> None:
    hours = RiskSettings.current().assessment_due_hours
    late = person_record(forename="Cai")
    overdue = make_incident(
        area=town["north"], repeat=True, received_at=_hours_ago(hours + 5), victims=[("caller", late)]
    )
    # Not due: not flagged; too recent; no victim; imported; another area.
    quiet = person_record(forename="Dee")
    make_incident(area=town["north"], received_at=_hours_ago(hours + 5), victims=[("caller", quiet)])
    make_incident(
        area=town["north"], vulnerable=True, received_at=_hours_ago(hours - 1), victims=[("victim", quiet)]
    )
    make_incident(area=town["north"], vulnerable=True, received_at=_hours_ago(hours + 9))
    make_incident(
        area=town["north"],
        vulnerable=True,
        channel=Channel.HISTORIC,
        received_at=_hours_ago(hours + 9),
        victims=[("victim", quiet)],
    )
    make_incident(
        area=town["south"], vulnerable=True, received_at=_hours_ago(hours + 9), victims=[("victim", quiet)]
    )
    due = selectors.assessments_due(sergeant)
    assert [d.incident.pk for d in due] == [overdue.pk]
    assert due[0].overdue_hours == 5 and due[0].victims == [late.person_id]
    assert due[0].due_at == overdue.received_at + dt.timedelta(hours=hours)
    # An assessment of the victim since the report (even for another incident) takes it off the list.
    other = make_incident(area=town["north"], victims=[("caller", late)])
    assess(officer, other, late, STANDARD)
    assert selectors.assessments_due(sergeant) == []


def test_an_assessment_before_the_report_does_not_count_but_one_of_the_incident_does(
    sergeant: User, officer: User, town: dict[str, Any]
) -> None:
    record = person_record(forename="Elin")
    earlier = make_incident(area=town["north"], victims=[("caller", record)])
    before = assess(officer, earlier, record, STANDARD)
    Assessment.objects.filter(pk=before.pk).update(completed_at=_hours_ago(200))
    flagged = make_incident(
        area=town["north"], vulnerable=True, received_at=_hours_ago(100), victims=[("victim", record)]
    )
    assert [d.incident.pk for d in selectors.assessments_due(sergeant)] == [flagged.pk]
    settings = RiskSettings.current()
    RiskSettings.objects.create(
        version=settings.version + 1, assessment_due_hours=120, instrument=settings.instrument
    )
    assert selectors.assessments_due(sergeant) == []  # not due for another 20 hours
