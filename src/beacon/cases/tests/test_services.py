"""Opening cases (from an assessment and by hand), parties, incidents, locations, the risk level
and its history, and the audit trail of each write."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from beacon.cases import services
from beacon.cases.models import Case, CaseParty, RiskLevelChange, StandardsPolicy
from beacon.cases.tests import factories as f
from beacon.core.errors import PermissionRefused, ValidationFailed
from beacon.core.models import AuditEvent, User

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
