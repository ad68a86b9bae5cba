"""Demo data for risk assessment, case management and partnership work, on top of the intake demo:

- Margaret Whitfield (the repeat caller) is assessed High: her case has a first contact, an action
  plan, a sergeant's review, a referral to the council with her consent and a Community Protection
  Warning against a (synthetic) neighbour;
- Deepak Ormerod was assessed Medium over three weeks ago and nobody has contacted him: his case is
  Red on the sergeant's list, and his latest report is suggested for the case;
- Ruth Calloway's case was Medium for three months, its supervisory reviews held some on time and
  some late (so "supervisory reviews held on time" has figures), and is Standard now;
- Harriet Bexley's case was closed six weeks ago; she has reported again, so her new incident
  suggests reopening it;
- the Northern Area's ASB action group meets next week with an agenda built from those cases.

Every person here is invented. Dates are relative to today so the flags always show."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from beacon.cases import services as case_services
from beacon.cases.models import Case
from beacon.core.models import User
from beacon.incidents import services as incident_services
from beacon.incidents.models import Incident
from beacon.incidents.services import IncidentInput, PersonInput
from beacon.partnership import services as partnership_services
from beacon.partnership import services_meetings as meetings
from beacon.people import services as people_services
from beacon.people.models import Person
from beacon.risk import services as risk_services
from beacon.risk.models import Assessment

DEMO_SOURCE = "demo"
MILL_LANE = {"postcode": "ZY3 3AB", "address": "2 Mill Lane"}
DEEPAK = {"forename": "Deepak", "surname": "Ormerod"}
RUTH = {"forename": "Ruth", "surname": "Calloway", "address": "7 Church Walk", "postcode": "ZY2 2AD"}
HARRIET = {
    "forename": "Harriet",
    "surname": "Bexley",
    "phone": "07700 900456",
    "address": "9 Mill Lane",
    "postcode": "ZY3 3AB",
}

# Answers to the example instrument (asb-vulnerability v1).
HIGH_ANSWERS = {
    "incidents_recent": 2,
    "targeted_before": "yes",
    "hate": "no",
    "disability_health": "yes",
    "age": "65_or_over",
    "daily_life": "a_lot",
    "afraid": "yes",
    "alone": "yes",
    "children": "no",
    "getting_worse": "yes",
    "threats_damage": "no",
    "not_acted_upon": "yes",
    "officer_view": "Lives alone; frightened to go out after dark since the group climbed on her wall.",
}
MEDIUM_ANSWERS = {
    **{k: "no" for k, v in HIGH_ANSWERS.items() if v in ("yes", "no")},
    "incidents_recent": 3,
    "targeted_before": "yes",
    "age": "18_to_64",
    "daily_life": "a_lot",
    "getting_worse": "yes",
    "officer_view": "Works early shifts; the noise stops him sleeping.",
}
STANDARD_ANSWERS = {**MEDIUM_ANSWERS, "incidents_recent": 0, "getting_worse": "no", "daily_life": "a_little"}


def _report(handler: User, source_id: str, days_ago: int, **values: Any) -> Incident:
    existing = Incident.objects.filter(source_system=DEMO_SOURCE, source_id=source_id).first()
    if existing is not None:
        return existing
    data: dict[str, Any] = {
        "channel": "101",
        "received_at": timezone.now() - dt.timedelta(days=days_ago, hours=2),
        "asb_category": "nuisance",
        "type_heading": "noise",
        "source_system": DEMO_SOURCE,
        "source_id": source_id,
        **values,
    }
    return incident_services.create_incident(handler, IncidentInput(**data), source="demo data")


def _victim(incident: Incident) -> Person:
    ip = incident.people.select_related("record").get(role__in=("caller", "victim"))
    return Person.objects.get(pk=ip.record.person_id)


def _backdate(case: Case, opened: dt.datetime, assessment: Assessment | None = None) -> Case:
    """Move a case's opening back in time (the demo's history) and recompute its due dates."""
    Case.objects.filter(pk=case.pk).update(opened_at=opened)
    case.risk_history.update(at=opened)
    if assessment is not None:
        Assessment.objects.filter(pk=assessment.pk).update(completed_at=opened)
    case.refresh_from_db()
    case_services.refresh(case)
    case.save()
    return case


@transaction.atomic
def load_demo_casework() -> dict[str, Any]:
    """Load what is missing (idempotent: nothing is added once the demo's assessments exist)."""
    made: dict[str, Any] = {"cases": 0}
    if Assessment.objects.exists() or not Incident.objects.filter(source_system=DEMO_SOURCE).exists():
        return made
    handler = User.objects.get(username="handler")
    officer = User.objects.get(username="officer")
    sergeant = User.objects.get(username="sergeant")
    now = timezone.now()
    today = timezone.localdate()

    # Margaret Whitfield: High. The case opens from the assessment.
    margaret_call = Incident.objects.get(source_system=DEMO_SOURCE, source_id="demo-2")
    margaret = _victim(margaret_call)
    # The officer confirms her name as she gives it in full (her first call was as "Maggie").
    record = margaret_call.people.get(record__person=margaret).record
    people_services.confirm_details(officer, margaret, record, ("name",), note="confirmed at the visit")
    assessment, high = risk_services.record_assessment(
        officer, completed_as="attending", incident=margaret_call, victim=margaret, answers=HIGH_ANSWERS
    )
    assert high is not None
    high = _backdate(high, now - dt.timedelta(days=10), assessment)
    risk_services.review_assessment(
        sergeant, assessment, expected_version=assessment.version, agree=True, reason=""
    )
    first = Incident.objects.get(source_system=DEMO_SOURCE, source_id="demo-1")
    case_services.add_incident(officer, high.pk, first.pk)
    case_services.record_contact(
        officer,
        high.pk,
        method="visit",
        at=now - dt.timedelta(days=9),
        summary="Visited Mrs Whitfield; agreed weekly calls, gave the neighbourhood team's number.",
    )
    case_services.record_contact(
        officer,
        high.pk,
        method="phone",
        at=now - dt.timedelta(days=2),
        summary="Weekly call: quieter since the warning; still worried about the weekend.",
    )
    for text, due, owner in (
        ("Patrols in Market Square on Friday and Saturday evenings", 14, officer),
        ("Identify the group through the school liaison officer", 7, officer),
        ("Fit a doorbell camera through the council's target-hardening scheme", 21, None),
    ):
        case_services.add_action(
            officer,
            high.pk,
            case_services.ActionInput(
                text=text,
                owner_id=owner.pk if owner else None,
                owner_label="" if owner else "Council ASB team",
                due_on=today + dt.timedelta(days=due),
            ),
        )
    case_services.record_review(
        sergeant,
        high.pk,
        tier="sergeant",
        at=now - dt.timedelta(days=8),
        decision="High risk agreed. Weekly contact; refer to the council for target hardening.",
    )
    partnership_services.create_referral(
        officer,
        partnership_services.ReferralInput(
            agency="council",
            case_id=high.pk,
            reason="Target hardening (doorbell camera) and support for a vulnerable repeat victim.",
            shared_items=["case_summary", "victims", "incidents"],
            consent_by="Margaret Whitfield, verbally at the visit",
            consent_on=(now - dt.timedelta(days=9)).date(),
        ),
    )
    neighbour = Person.objects.exclude(pk=margaret.pk).order_by("pk").first()
    if neighbour is not None:
        party = case_services.add_party(
            officer, high.pk, neighbour.pk, "perpetrator", note="Named by the victim (demo: synthetic)."
        )
        partnership_services.record_power(
            officer,
            high.pk,
            partnership_services.PowerInput(
                kind="cpw",
                subject_id=party.pk,
                issued_on=today - dt.timedelta(days=5),
                expires_on=today + dt.timedelta(days=90),
                terms="Not to congregate outside 14 Market Street or climb on its walls.",
            ),
        )

    # Deepak Ormerod: Medium, opened three weeks ago, never contacted — Red on the sergeant's list.
    earlier = _report(
        handler,
        "demo-6",
        24,
        description="Loud music and shouting from the flat above until the early hours.",
        address=MILL_LANE["address"],
        postcode=MILL_LANE["postcode"],
        people=[PersonInput(role="caller", details={**DEEPAK, **MILL_LANE})],
    )
    deepak = _victim(earlier)
    assessment, medium = risk_services.record_assessment(
        officer, completed_as="attending", incident=earlier, victim=deepak, answers=MEDIUM_ANSWERS
    )
    assert medium is not None
    _backdate(medium, now - dt.timedelta(days=23), assessment)

    # Ruth Calloway: Medium for three months, now lowered to Standard. Her supervisory reviews were
    # held some on time, some late (so "reviews held on time" has figures); her contacts kept up.
    _supervised_case(handler, officer, sergeant, now)

    # Harriet Bexley: a Standard case opened by hand, closed six weeks ago; she has called again.
    old = _report(
        handler,
        "demo-7",
        80,
        description="Neighbour's dog barking all day; shouting when asked to stop.",
        address=HARRIET["address"],
        postcode=HARRIET["postcode"],
        people=[PersonInput(role="caller", details=HARRIET)],
    )
    harriet = _victim(old)
    risk_services.record_assessment(
        officer, completed_as="attending", incident=old, victim=harriet, answers=STANDARD_ANSWERS
    )
    standard = case_services.open_case(
        officer,
        case_services.CaseInput(
            risk_level="standard",
            title="Dog noise and abuse from a neighbour",
            victim_ids=(harriet.pk,),
            incident_ids=(old.pk,),
            reason="Opened by hand: the victim asked for a named officer.",
        ),
    )
    standard = _backdate(standard, now - dt.timedelta(days=79))
    case_services.record_contact(
        officer, standard.pk, method="phone", at=now - dt.timedelta(days=78), summary="Agreed mediation."
    )
    standard.refresh_from_db()
    case_services.close_case(
        sergeant,
        standard.pk,
        standard.version,
        case_services.ClosureInput("harm_stopped", today - dt.timedelta(days=42), "phone"),
    )
    closed_at = now - dt.timedelta(days=42)
    Case.objects.filter(pk=standard.pk).update(closed_at=closed_at)
    old.refresh_from_db()
    incident_services.close_incident(
        officer, old, version=old.version, closure_code="advice-given", note="Mediation agreed; case closed."
    )
    _report(
        handler,
        "demo-8",
        1,
        description="The neighbour's dog again, and the neighbour swore at the caller in the street.",
        address=HARRIET["address"],
        postcode=HARRIET["postcode"],
        people=[PersonInput(role="caller", details=HARRIET)],
    )

    # The Northern Area's ASB action group, meeting next week.
    group = meetings.create_group(
        sergeant,
        name="Northern Area ASB action group",
        area_id=high.area_id,
        agencies=["council", "housing", "victim-support"],
    )
    meeting = meetings.schedule_meeting(
        sergeant,
        group.pk,
        meetings.MeetingInput(
            scheduled_for=(now + dt.timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0),
            venue="Market Street police station",
            chair="Inspector, Northern Area",
        ),
    )
    meetings.build_agenda(sergeant, meeting.pk, meeting.version)
    made["cases"] = Case.objects.count()
    return made


def _supervised_case(handler: User, officer: User, sergeant: User, now: dt.datetime) -> Case:
    """Ruth Calloway's case, opened at Medium 95 days ago (sergeant's review every 28 days, an
    inspector's every 56): reviews held on time and late, in order, each answering the due date the
    one before set (each has a day to spare either side of a clock change); a contact every two or
    three weeks; lowered to Standard today."""
    days = dt.timedelta(days=1)
    call = _report(
        handler,
        "demo-9",
        96,
        type_heading="rowdy-inconsiderate",
        description="The neighbour's son kicks her door at night and shouts abuse through the letterbox.",
        address=RUTH["address"],
        postcode=RUTH["postcode"],
        people=[PersonInput(role="caller", details=RUTH)],
    )
    ruth = _victim(call)
    assessment, case = risk_services.record_assessment(
        officer, completed_as="attending", incident=call, victim=ruth, answers=MEDIUM_ANSWERS
    )
    assert case is not None
    case = _backdate(case, now - 95 * days, assessment)
    risk_services.review_assessment(
        sergeant, assessment, expected_version=assessment.version, agree=True, reason=""
    )
    for ago, method, summary in (
        (94, "visit", "Visited Ms Calloway; agreed fortnightly calls and a diary of incidents."),
        (80, "phone", "Two more nights of door kicking; diary started."),
        (66, "phone", "Quieter since the housing officer's visit to the neighbour."),
        (45, "visit", "Abuse through the letterbox again; doorbell camera fitted."),
        (24, "phone", "Nothing for three weeks."),
        (6, "phone", "The neighbour's family has moved; she feels safe at home."),
    ):
        case_services.record_contact(officer, case.pk, method=method, at=now - ago * days, summary=summary)
    inspector = User.objects.get(username="inspector")
    # Sergeant's: due day -67, held -68 (on time); due -40, held -36 (late); due -8, held -9.
    # Inspector's: due day -39, held -33 (late).
    for by, tier, ago, decision in (
        (sergeant, "sergeant", 68, "Medium agreed. Fortnightly calls; housing to visit the neighbour."),
        (sergeant, "sergeant", 36, "Camera fitted; keep the calls going."),
        (inspector, "inspector", 33, "Plan agreed; ask housing about a tenancy warning."),
        (sergeant, "sergeant", 9, "Quiet for a month; consider lowering the risk level."),
    ):
        case_services.record_review(by, case.pk, tier=tier, at=now - ago * days, decision=decision)
    case.refresh_from_db()
    return case_services.change_risk_level(
        sergeant, case.pk, case.version, "standard", "The neighbour's family has moved away."
    )
