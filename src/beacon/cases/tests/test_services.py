"""Opening cases (from an assessment and by hand), parties, incidents, locations, the risk level
and its history, and the audit trail of each write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from beacon.cases import services
from beacon.cases.models import Case, CaseParty, RiskLevelChange, StandardsPolicy
from beacon.cases.tests import factories as f
from beacon.core.errors import PermissionRefused, ValidationFailed
from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role

pytestmark = pytest.mark.django_db


def test_default_policy_is_shipped_by_migration() -> None:
    policy = StandardsPolicy.objects.get(version=1)
    assert policy.levels["high"] == {
        "first_contact_days": 1,
        "update_days": 7,
        "reviews": {"sergeant": 14, "inspector": 28, "chief_inspector": 56},
    }
    assert policy.levels["medium"]["reviews"] == {"sergeant": 28, "inspector": 56}
    assert policy.levels["standard"]["first_contact_days"] == 7
    assert policy.weights["risk"]["high"] > policy.weights["risk"]["medium"]


def test_high_assessment_opens_a_case(officer: User, place: dict[str, Any]) -> None:
    victim = f.person()
    inc = f.incident(
        neighbourhood=place["market"], victim=victim, address="14 Mill Lane", address_key="14 mill"
    )
    a = f.assessment(officer, victim, "high", incident=inc)
    case = services.open_case_from_assessment(officer, a)
    assert case is not None
    assert case.reference == f"C-{timezone.localdate().year}-{case.pk:06d}"
    assert case.risk_level == "high" and case.status == Case.Status.OPEN
    assert case.area == place["north"] and case.neighbourhood == place["market"]
    assert case.spoc == officer and case.opened_from == a
    assert list(case.parties.values_list("person_id", "role")) == [(victim.pk, "victim")]
    assert list(case.case_incidents.values_list("incident_id", flat=True)) == [inc.pk]
    assert case.locations.get().address == "14 Mill Lane"
    history = list(case.risk_history.all())
    assert [(h.level, h.assessment_id) for h in history] == [("high", a.pk)]
    today = timezone.localdate()
    assert case.first_contact_due == today + dt.timedelta(days=1)
    assert case.update_due is None  # until the first contact
    assert case.sergeant_review_due == today + dt.timedelta(days=14)
    assert case.inspector_review_due == today + dt.timedelta(days=28)
    assert case.chief_inspector_review_due == today + dt.timedelta(days=56)
    assert AuditEvent.objects.filter(model="case", object_pk=str(case.pk), action="create").exists()


def test_medium_uses_medium_standards_and_reviewed_level_counts(officer: User, place: dict[str, Any]) -> None:
    victim = f.person()
    inc = f.incident(neighbourhood=place["market"], victim=victim)
    # The instrument said Standard; the supervisor changed it to Medium: that is what counts.
    a = f.assessment(officer, victim, "standard", incident=inc, reviewed_level="medium")
    case = services.open_case_from_assessment(officer, a)
    assert case is not None and case.risk_level == "medium"
    today = timezone.localdate()
    assert case.first_contact_due == today + dt.timedelta(days=3)
    assert case.chief_inspector_review_due is None


def test_standard_assessment_opens_nothing(officer: User, place: dict[str, Any]) -> None:
    victim = f.person()
    a = f.assessment(officer, victim, "standard", incident=f.incident(neighbourhood=place["market"]))
    assert services.open_case_from_assessment(officer, a) is None
    assert not Case.objects.exists()


def test_existing_open_case_gets_the_incident_and_a_higher_level(
    officer: User, place: dict[str, Any]
) -> None:
    victim = f.person()
    first = f.incident(neighbourhood=place["market"], victim=victim)
    case = services.open_case_from_assessment(
        officer, f.assessment(officer, victim, "medium", incident=first)
    )
    assert case is not None
    later = f.incident(neighbourhood=place["market"], victim=victim)
    a2 = f.assessment(officer, victim, "high", incident=later)
    again = services.open_case_from_assessment(officer, a2)
    assert again is not None and again.pk == case.pk
    again.refresh_from_db()
    assert again.risk_level == "high"
    assert set(again.case_incidents.values_list("incident_id", flat=True)) == {first.pk, later.pk}
    assert [h.level for h in RiskLevelChange.objects.filter(case=case)] == ["medium", "high"]
    assert again.first_contact_due == timezone.localdate() + dt.timedelta(days=1)
    # A lower level later does not lower the case, but the incident is still linked.
    third = f.incident(neighbourhood=place["market"], victim=victim)
    services.open_case_from_assessment(officer, f.assessment(officer, victim, "medium", incident=third))
    again.refresh_from_db()
    assert again.risk_level == "high" and again.case_incidents.count() == 3
    assert Case.objects.count() == 1


def test_open_by_hand_standard_from_incident_takes_its_people(officer: User, place: dict[str, Any]) -> None:
    victim, perp = f.person("Vic", "Tim"), f.person("Per", "Pet")
    inc = f.incident(neighbourhood=place["market"], victim=victim, perpetrator=perp)
    case = services.open_case(
        officer,
        services.CaseInput(risk_level="standard", incident_ids=(inc.pk,), perpetrator_ids=(perp.pk,)),
    )
    assert case.risk_level == "standard" and case.area == place["north"]
    assert set(case.parties.values_list("person_id", "role")) == {
        (victim.pk, "victim"),
        (perp.pk, "perpetrator"),
    }
    assert case.sergeant_review_due is None
    assert case.first_contact_due == timezone.localdate() + dt.timedelta(days=7)


def test_open_by_hand_reports_every_problem(officer: User) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.open_case(officer, services.CaseInput(risk_level="extreme", perpetrator_ids=(999999,)))
    fields = {p.field for p in exc.value.problems}
    assert {"risk_level", "victim_ids", "perpetrator_ids"} <= fields
    assert not Case.objects.exists()


def test_open_by_hand_outside_my_areas_is_refused(south_officer: User, place: dict[str, Any]) -> None:
    with pytest.raises(PermissionRefused):
        f.open_case(south_officer, area=place["north"])


def test_change_level_needs_a_reason_and_recomputes_dues(officer: User, place: dict[str, Any]) -> None:
    case = f.open_case(officer, level="medium", area=place["north"])
    with pytest.raises(ValidationFailed) as exc:
        services.change_risk_level(officer, case.pk, case.version, "high", "  ")
    assert exc.value.problems[0].field == "reason"
    changed = services.change_risk_level(officer, case.pk, case.version, "high", "Threats escalated")
    assert changed.risk_level == "high" and changed.version == case.version + 1
    assert changed.first_contact_due == timezone.localdate() + dt.timedelta(days=1)
    assert changed.chief_inspector_review_due is not None
    last = changed.risk_history.last()
    assert last is not None and (last.level, last.reason, last.by) == ("high", "Threats escalated", officer)
    assert changed.base_score > case.base_score


def test_parties_incidents_locations(officer: User, place: dict[str, Any]) -> None:
    case = f.open_case(officer, area=place["north"])
    perp = f.person("Pat", "Perp")
    services.add_party(officer, case.pk, perp.pk, "perpetrator")
    with pytest.raises(ValidationFailed):
        services.add_party(officer, case.pk, perp.pk, "perpetrator")
    inc = f.incident(neighbourhood=place["market"], address="3 Quay Street", address_key="3 quay")
    services.add_incident(officer, case.pk, inc.pk)
    assert case.locations.filter(address_key="3 quay").exists()
    with pytest.raises(ValidationFailed):
        services.add_incident(officer, case.pk, inc.pk)
    loc = services.add_location(
        officer, case.pk, services.LocationInput(address="The park", lat=52.61, lon=-1.11)
    )
    assert loc.neighbourhood == place["market"]
    victim_party = case.parties.get(role=CaseParty.Role.VICTIM)
    with pytest.raises(ValidationFailed):
        services.remove_party(officer, case.pk, victim_party.pk)
    # Additions do not change the case's version (nothing was overwritten).
    case.refresh_from_db()
    assert case.version == 1


def test_closure_rules(officer: User, sergeant: User, place: dict[str, Any]) -> None:
    case = f.open_case(officer, area=place["north"])
    today = timezone.localdate()
    with pytest.raises(PermissionRefused):  # no sign-off without a supervisor
        services.close_case(officer, case.pk, 1, services.ClosureInput("harm_stopped", today, "phone"))
    with pytest.raises(ValidationFailed) as exc:
        services.close_case(sergeant, case.pk, 1, services.ClosureInput("", None, ""))
    assert {p.field for p in exc.value.problems} == {"reason", "victim_told_on", "victim_told_how"}
    with pytest.raises(ValidationFailed) as exc:
        services.close_case(
            sergeant, case.pk, 1, services.ClosureInput("other", today + dt.timedelta(days=1), "phone")
        )
    assert {p.field for p in exc.value.problems} == {"victim_told_on", "note"}
    case.refresh_from_db()
    assert case.status == "open"
    closed = services.close_case(sergeant, case.pk, 1, services.ClosureInput("victim_moved", today, "letter"))
    assert closed.status == "closed" and closed.closure_signed_off_by == sergeant and closed.version == 2
    with pytest.raises(ValidationFailed):  # nothing more is recorded on a closed case
        services.record_contact(officer, case.pk, method="phone", summary="x")
    # Reopen needs a reason; the clocks restart.
    with pytest.raises(ValidationFailed):
        services.reopen_case(officer, case.pk, 2, " ")
    again = services.reopen_case(officer, case.pk, 2, "Another incident")
    assert again.status == "open" and again.closed_at is None and again.reopen_reason == "Another incident"
    assert again.closure_reason == "" and again.victim_told_on is None


def test_new_incident_within_90_days_suggests_reopening(
    officer: User, sergeant: User, place: dict[str, Any]
) -> None:
    from beacon.cases import selectors

    victim = f.person()
    case = f.open_case(officer, area=place["north"], victim=victim)
    services.close_case(
        sergeant, case.pk, 1, services.ClosureInput("harm_stopped", timezone.localdate(), "visit")
    )
    case.refresh_from_db()
    soon = f.incident(neighbourhood=place["market"], victim=victim)
    assert selectors.closed_cases_to_reopen(soon) == [case]
    assert selectors.reopen_prompts(case) == [soon]
    late = f.incident(
        neighbourhood=place["market"], victim=victim, received_at=timezone.now() + dt.timedelta(days=91)
    )
    assert selectors.closed_cases_to_reopen(late) == []
    assert selectors.closed_cases_to_reopen(f.incident(neighbourhood=place["market"])) == []


def test_suggestions_same_victim_address_or_within_50m(officer: User, place: dict[str, Any]) -> None:
    from beacon.cases import selectors

    victim = f.person()
    first = f.incident(
        neighbourhood=place["market"],
        victim=victim,
        address="14 Mill Lane",
        address_key="14 mill",
        lat=52.61,
        lon=-1.11,
    )
    case = f.open_case(officer, victim=victim, incident_obj=first)
    same_victim = f.incident(neighbourhood=place["market"], victim=victim)
    same_address = f.incident(neighbourhood=place["market"], address="14 Mill Ln", address_key="14 mill")
    near = f.incident(neighbourhood=place["market"], lat=52.6102, lon=-1.1101)  # about 25 m
    far = f.incident(neighbourhood=place["market"], lat=52.612, lon=-1.11)  # about 220 m
    earlier = f.incident(
        neighbourhood=place["market"], victim=victim, received_at=timezone.now() - dt.timedelta(days=30)
    )
    got = {inc.pk: why for inc, why in selectors.linkable_incidents(case)}
    assert got[same_victim.pk] == "same victim"
    assert got[same_address.pk] == "same address"
    assert got[near.pk].endswith("m from a case location")
    assert far.pk not in got and earlier.pk not in got and first.pk not in got


def test_concurrent_updates_refused_nothing_lost(
    officer: User, sergeant: User, place: dict[str, Any]
) -> None:
    from beacon.core.errors import EditConflict

    case = f.open_case(officer, area=place["north"])
    services.update_case(officer, case.pk, 1, services.CaseUpdate(summary="First editor's notes"))
    with pytest.raises(EditConflict) as exc:
        services.update_case(sergeant, case.pk, 1, services.CaseUpdate(summary="Second editor's notes"))
    assert exc.value.changed_by == officer.username and "summary" in exc.value.changes
    case.refresh_from_db()
    assert case.summary == "First editor's notes"
    # A contact recorded meanwhile does not make the editor's version stale.
    services.record_contact(officer, case.pk, method="phone", summary="Called.")
    services.update_case(sergeant, case.pk, 2, services.CaseUpdate(title="Agreed title"))
    case.refresh_from_db()
    assert (case.title, case.summary, case.version) == ("Agreed title", "First editor's notes", 3)
    # A stale editor is told every change since their version (not the contact's derived dates),
    # with labels and names as the page shows them.
    services.update_case(officer, case.pk, 3, services.CaseUpdate(spoc_id=sergeant.pk))
    services.record_contact(officer, case.pk, method="visit", summary="Visited.")
    with pytest.raises(EditConflict) as exc:
        services.update_case(sergeant, case.pk, 2, services.CaseUpdate(summary="Late edit"))
    assert set(exc.value.changes) == {"title", "spoc_id"}
    assert exc.value.changed_by == f"{sergeant.username}, {officer.username}"
    shown = exc.value.shown
    assert shown["Title"][1] == "Agreed title"
    spoc = next(v for k, v in shown.items() if k.lower().startswith("single point") or k.lower() == "spoc")
    assert spoc == [str(officer), str(sergeant)]


def test_writes_outside_my_areas_refused(officer: User, south_officer: User, place: dict[str, Any]) -> None:
    case = f.open_case(officer, area=place["north"])
    with pytest.raises(PermissionRefused):
        services.record_contact(south_officer, case.pk, method="phone", summary="x")
    with pytest.raises(PermissionRefused):
        services.add_action(south_officer, case.pk, services.ActionInput(text="x"))


def test_every_write_is_audited(officer: User, sergeant: User, place: dict[str, Any]) -> None:
    case = f.open_case(officer, area=place["north"])
    services.record_contact(officer, case.pk, method="phone", summary="Called.")
    services.record_review(sergeant, case.pk, tier="sergeant", decision="Fine.")
    services.add_action(officer, case.pk, services.ActionInput(text="Visit"))
    created = set(AuditEvent.objects.filter(action="create").values_list("model", flat=True))
    assert {"case", "caseparty", "risklevelchange", "casecontact", "supervisoryreview", "action"} <= created
    assert AuditEvent.objects.filter(action="update", model="case", object_pk=str(case.pk)).exists()


def test_a_supervisor_lowering_an_assessment_lowers_the_case_it_set_and_supervises_it(
    officer: User, sergeant: User, place: dict[str, Any]
) -> None:
    from beacon.risk import services as risk_services

    victim = f.person()
    inc = f.incident(neighbourhood=place["market"], victim=victim)
    high = f.assessment(officer, victim, "high", incident=inc)
    case = services.open_case_from_assessment(officer, high)
    assert case is not None and case.risk_level == "high" and case.supervisor is None
    risk_services.review_assessment(
        sergeant, high, expected_version=1, agree=False, level="medium", reason="Family now staying with her."
    )
    case.refresh_from_db()
    assert case.risk_level == "medium" and case.supervisor == sergeant and case.version == 2
    last = case.risk_history.order_by("-at", "-id").first()
    assert last is not None and last.level == "medium" and "Family now staying with her." in last.reason
    assert case.sergeant_review_due == (case.opened_at + dt.timedelta(days=28)).date()  # Medium's cadence


def test_a_review_does_not_lower_a_case_below_what_an_earlier_assessment_set(
    officer: User, sergeant: User, place: dict[str, Any]
) -> None:
    from beacon.risk import services as risk_services

    victim = f.person()
    medium = f.assessment(
        officer, victim, "medium", incident=f.incident(neighbourhood=place["market"], victim=victim)
    )
    case = services.open_case_from_assessment(officer, medium)
    high = f.assessment(
        officer, victim, "high", incident=f.incident(neighbourhood=place["market"], victim=victim)
    )
    assert services.open_case_from_assessment(officer, high) == case
    case.refresh_from_db()
    assert case.risk_level == "high"
    risk_services.review_assessment(
        sergeant, high, expected_version=1, agree=False, level="standard", reason="Overstated."
    )
    case.refresh_from_db()
    assert case.risk_level == "medium"  # where the earlier assessment had put it
    # A later change by hand is not undone by reviewing an older assessment.
    services.change_risk_level(officer, case.pk, case.version, "high", "New threats.")
    risk_services.review_assessment(
        sergeant, medium, expected_version=1, agree=False, level="standard", reason="x"
    )
    case.refresh_from_db()
    assert case.risk_level == "high"


def test_an_inspectors_review_needs_an_inspector(
    officer: User, sergeant: User, make_user: Callable[..., User], place: dict[str, Any]
) -> None:
    case = f.open_case(officer, level="high", area=place["north"])
    with pytest.raises(ValidationFailed) as refused:
        services.record_review(sergeant, case.pk, tier="inspector", decision="Plan agreed.")
    assert refused.value.problems[0].field == "tier"
    assert "inspector rank or above" in refused.value.problems[0].message
    assert "no rank recorded" in refused.value.problems[0].message
    inspector = make_user(Role.SUPERVISOR, username="insp_north", rank="inspector")
    inspector.areas.add(place["north"])
    services.record_review(inspector, case.pk, tier="inspector", decision="Plan agreed.")
    with pytest.raises(ValidationFailed, match="chief inspector rank or above"):
        services.record_review(inspector, case.pk, tier="chief_inspector", decision="Plan agreed.")
    # A sergeant's review: any supervisor (acting sergeants have no sergeant's rank on record).
    services.record_review(sergeant, case.pk, tier="sergeant", decision="Seen.")
    assert sorted(case.reviews.values_list("tier", flat=True)) == ["inspector", "sergeant"]


def test_an_assessment_soon_after_closure_reopens_the_case(
    officer: User, sergeant: User, place: dict[str, Any]
) -> None:
    victim = f.person()
    first = f.assessment(
        officer, victim, "medium", incident=f.incident(neighbourhood=place["market"], victim=victim)
    )
    case = services.open_case_from_assessment(officer, first)
    assert case is not None
    services.close_case(
        sergeant, case.pk, case.version, services.ClosureInput("harm_stopped", timezone.localdate(), "visit")
    )
    again = f.incident(neighbourhood=place["market"], victim=victim)
    high = f.assessment(officer, victim, "high", incident=again)
    reopened = services.open_case_from_assessment(officer, high)
    assert reopened is not None and reopened.pk == case.pk and Case.objects.count() == 1
    reopened.refresh_from_db()
    assert reopened.status == "open" and reopened.risk_level == "high"
    assert "within 90 days of the case closing" in reopened.reopen_reason
    assert reopened.case_incidents.filter(incident=again).exists()
    # Closed longer ago than that: a new case.
    services.close_case(
        sergeant,
        case.pk,
        reopened.version,
        services.ClosureInput("harm_stopped", timezone.localdate(), "visit"),
    )
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - dt.timedelta(days=91))
    later = f.assessment(
        officer, victim, "high", incident=f.incident(neighbourhood=place["market"], victim=victim)
    )
    new = services.open_case_from_assessment(officer, later)
    assert new is not None and new.pk != case.pk


def test_a_victims_new_flag_raises_their_open_cases_priority(
    officer: User, make_user: Callable[..., User], place: dict[str, Any]
) -> None:
    from beacon.cases.services_plan import recompute_open_cases
    from beacon.people import services as people_services

    victim = f.person()
    case = f.open_case(officer, level="medium", area=place["north"], victim=victim)
    assert not case.vulnerable_victim
    handler = make_user(Role.CALL_HANDLER, all_areas=True)
    flag = people_services.add_flag(
        handler, victim, kind="vulnerable", reason="disability or long-term illness"
    )
    case.refresh_from_db()
    assert case.vulnerable_victim and case.version == 1  # derived: an open editor is not refused
    raised = case.base_score
    people_services.end_flag(handler, flag)
    case.refresh_from_db()
    assert not case.vulnerable_victim and case.base_score < raised
    # The overnight recompute reads the flags afresh too (e.g. after a bulk import of flags).
    Case.objects.filter(pk=case.pk).update(vulnerable_victim=True, base_score=999)
    recompute_open_cases()
    case.refresh_from_db()
    assert not case.vulnerable_victim and case.base_score < raised


@pytest.mark.django_db(transaction=True)
def test_a_level_change_outside_any_outer_transaction_locks_the_case_in_its_own(
    officer: User, place: dict[str, Any]
) -> None:
    # As a request without ATOMIC_REQUESTS calls it: on PostgreSQL the row lock needs the service's
    # own transaction (the fuzzer found a 500 here; SQLite takes no row locks, so only PG shows it).
    case = f.open_case(officer, level="medium", area=place["north"])
    changed = services.change_risk_level(officer, case.pk, case.version, "high", "Threats escalated")
    assert Case.objects.get(pk=case.pk).risk_level == "high" == changed.risk_level
