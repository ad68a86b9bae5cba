"""Writes for partnership: referrals to partner agencies (with the consent or legal basis for
sharing, and a record of exactly what was shared), their response and outcome, and the tools and
powers used on a case with their breaches. Action groups are in `services_meetings`, ASB case
reviews in `services_reviews`; both are re-exported here so callers use one module.

Every write is in a transaction and audited; edits of an existing record send the version they
were based on and are refused (EditConflict) when someone saved it since.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from beacon.cases.models import Case, CaseIncident, CaseLocation, CaseParty
from beacon.core import audit
from beacon.core.concurrency import check_version
from beacon.core.errors import PermissionRefused, Problem, ValidationFailed
from beacon.core.models import Area, User
from beacon.partnership.models import (
    CASE_ITEMS,
    LegalBasis,
    PartnerAgency,
    PowerBreach,
    PowerKind,
    PowerUse,
    Referral,
    SharedItem,
)
from beacon.partnership.numbering import next_reference, pending_reference
from beacon.partnership.selectors import agency_for, known_people
from beacon.people.models import Person
from beacon.people.selectors import KnownAs


def today() -> dt.date:
    return timezone.localdate()


def check_case_area(actor: User, case: Case) -> None:
    if not actor.can_see_area(case.area_id):
        raise PermissionRefused("This case is outside your areas.")


def visible_case(
    actor: User, case_id: int | None, problems: list[Problem], field: str = "case_id"
) -> Case | None:
    """The case for a write, or a problem naming the field; PermissionRefused outside the user's areas."""
    if case_id is None:
        return None
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        problems.append(Problem(f"No case has id {case_id}.", field))
        return None
    check_case_area(actor, case)
    return case


def not_future(day: dt.date | None, field: str, label: str, problems: list[Problem]) -> None:
    if day is not None and day > today():
        problems.append(Problem(f"{label} cannot be in the future.", field))


# ---------------------------------------------------------------------------------------------
# Referrals


@dataclass
class ReferralInput:
    agency: str = ""  # the agency's code
    case_id: int | None = None
    person_id: int | None = None
    area_id: int | None = None  # needed only for a person referred without a case
    reason: str = ""
    shared_items: list[str] = field(default_factory=list)
    shared_information: str = ""
    consent_by: str = ""
    consent_on: dt.date | None = None
    legal_basis: str = ""
    legal_basis_detail: str = ""


def basis_problems(
    consent_by: str, consent_on: dt.date | None, legal_basis: str, legal_basis_detail: str
) -> list[Problem]:
    """Sharing needs consent (who gave it and when) or a legal basis; refuse a referral with neither."""
    problems: list[Problem] = []
    has_consent = bool(consent_by.strip() or consent_on)
    if legal_basis:
        if legal_basis not in LegalBasis.values:
            problems.append(Problem("Choose a legal basis from the list.", "legal_basis"))
        elif legal_basis == LegalBasis.OTHER and not legal_basis_detail.strip():
            problems.append(Problem("Give the legal basis in the detail.", "legal_basis_detail"))
    elif not has_consent:
        problems.append(
            Problem(
                "Record who gave consent and when, or the legal basis for sharing without consent.",
                "legal_basis",
            )
        )
    if has_consent:
        if not consent_by.strip():
            problems.append(Problem("Say who gave consent.", "consent_by"))
        if consent_on is None:
            problems.append(Problem("Give the date consent was given.", "consent_on"))
        not_future(consent_on, "consent_on", "The date consent was given", problems)
    return problems


def _person_details(person_id: int, known: dict[int, KnownAs]) -> dict[str, Any]:
    """A person's details as shared: as known (what an officer confirmed, else what they have given
    most often), never a one-off spelling at a call."""
    k = known.get(person_id)
    if k is None or not k.known:
        return {"person_id": person_id, "name": "", "details": "not held"}
    return {
        "person_id": person_id,
        "name": k.name,
        "dob": k.dob,
        "phone": k.phone,
        "email": k.email,
        "address": k.address,
        "postcode": k.postcode,
    }


def shared_snapshot(case: Case | None, person: Person | None, items: list[str]) -> dict[str, Any]:
    """What the partner receives, as it is now: the referral keeps it, so the partner's view (and the
    record of the disclosure) never changes when the case does."""
    out: dict[str, Any] = {}
    parties: list[CaseParty] = list(case.parties.all()) if case is not None else []
    wanted_people = {p.person_id for p in parties} | ({person.pk} if person is not None else set())
    records = known_people(sorted(wanted_people)) if wanted_people else {}
    if case is not None and SharedItem.CASE_SUMMARY in items:
        out["case_summary"] = {
            "reference": case.reference,
            "title": case.title,
            "risk_level": case.get_risk_level_display(),
            "status": case.get_status_display(),
            "opened_on": timezone.localtime(case.opened_at).date().isoformat(),
            "summary": case.summary,
        }
    if SharedItem.VICTIMS in items:
        out["victims"] = [
            _person_details(p.person_id, records) for p in parties if p.role == CaseParty.Role.VICTIM
        ]
    if SharedItem.PERPETRATORS in items:
        out["perpetrators"] = [
            {
                k: v
                for k, v in _person_details(p.person_id, records).items()
                if k in ("person_id", "name", "address", "postcode")
            }
            for p in parties
            if p.role == CaseParty.Role.PERPETRATOR
        ]
    if case is not None and SharedItem.LOCATIONS in items:
        out["locations"] = [
            {"address": loc.address, "postcode": loc.postcode}
            for loc in CaseLocation.objects.filter(case=case).order_by("id")
        ]
    if case is not None and SharedItem.INCIDENTS in items:
        links = CaseIncident.objects.filter(case=case).select_related(
            "incident__type_heading", "incident__other_category"
        )
        out["incidents"] = [
            {
                "reference": ci.incident.reference,
                "received_on": timezone.localtime(ci.incident.received_at).date().isoformat(),
                "type": str(ci.incident.type_heading or ci.incident.other_category or "ASB"),
                "address": ci.incident.address,
                "postcode": ci.incident.postcode,
            }
            for ci in links
        ]
    if person is not None and SharedItem.PERSON in items:
        out["person"] = _person_details(person.pk, records)
    return out


@transaction.atomic
def create_referral(actor: User, data: ReferralInput) -> Referral:
    """Refer a case (or a person) to a partner agency. Refused, with every problem, without consent
    or a legal basis, without a reason, or sharing nothing."""
    if not actor.can("partnership.refer"):
        raise PermissionRefused("Your role does not allow referrals.")
    problems: list[Problem] = []
    agency = PartnerAgency.objects.filter(code=data.agency, active=True).first() if data.agency else None
    if agency is None:
        problems.append(Problem("Choose the partner agency.", "agency"))
    case = visible_case(actor, data.case_id, problems)
    if case is not None and case.status != Case.Status.OPEN:
        problems.append(Problem(f"Case {case.reference} is closed: reopen it to refer it.", "case_id"))
    person: Person | None = None
    if data.person_id is not None:
        person = Person.objects.filter(pk=data.person_id).first()
        if person is None:
            problems.append(Problem(f"No person has id {data.person_id}.", "person_id"))
        elif person.merged_into_id is not None:
            problems.append(
                Problem(f"Person {person.pk} was merged into person {person.merged_into_id}.", "person_id")
            )
        elif case is not None and not CaseParty.objects.filter(case=case, person=person).exists():
            problems.append(Problem(f"Person {person.pk} is not on case {case.reference}.", "person_id"))
    if data.case_id is None and data.person_id is None:
        problems.append(Problem("Choose the case, or the person, to refer.", "case_id"))
    area: Area | None = None
    if case is not None:
        area = case.area
    elif data.case_id is None:
        area = Area.objects.filter(pk=data.area_id).first() if data.area_id else None
        if area is None:
            problems.append(Problem("Choose the area the referral is made from.", "area_id"))
        elif not actor.can_see_area(area.pk):
            problems.append(Problem("Choose one of your areas.", "area_id"))
    if not data.reason.strip():
        problems.append(Problem("Say why you are referring and what you ask of the partner.", "reason"))
    items = list(dict.fromkeys(data.shared_items))
    for item in items:
        if item not in SharedItem.values:
            problems.append(Problem(f"“{item}” is not something a referral can share.", "shared_items"))
        elif item in CASE_ITEMS and data.case_id is None:
            problems.append(
                Problem("Case details can only be shared in a referral of a case.", "shared_items")
            )
        elif item == SharedItem.PERSON and data.person_id is None:
            problems.append(Problem("Choose the person whose details are shared.", "shared_items"))
    if not items and not data.shared_information.strip():
        problems.append(Problem("Choose what is shared, or describe it.", "shared_items"))
    problems += basis_problems(data.consent_by, data.consent_on, data.legal_basis, data.legal_basis_detail)
    if problems:
        raise ValidationFailed(problems)
    assert agency is not None and area is not None
    referral = Referral.objects.create(
        reference=pending_reference(),
        agency=agency,
        case=case,
        person=person,
        area=area,
        reason=data.reason.strip(),
        shared_items=[i for i in SharedItem.values if i in items],
        shared_snapshot=shared_snapshot(case, person, items),
        shared_information=data.shared_information.strip(),
        consent_by=data.consent_by.strip(),
        consent_on=data.consent_on,
        legal_basis=data.legal_basis,
        legal_basis_detail=data.legal_basis_detail.strip(),
        referred_by=actor,
    )
    referral.reference = next_reference(referral, "REF")
    referral.save(update_fields=["reference"])
    audit.record_create(actor, referral)
    why = f"shared with {agency.name} in referral {referral.reference}"
    if case is not None:
        audit.record_export(actor, case, reason=why)
    people = {
        p.get("person_id") for k in ("victims", "perpetrators") for p in referral.shared_snapshot.get(k, [])
    }
    if person is not None and SharedItem.PERSON in items:
        people.add(person.pk)
    for pid in sorted(p for p in people if p):
        audit.record_export(actor, Person(pk=pid), reason=why)
    return referral


def _referral_for_update(actor: User, referral_id: int, expected_version: int | None) -> Referral:
    referral = Referral.objects.select_for_update().select_related("agency").filter(pk=referral_id).first()
    if referral is None:
        raise ValidationFailed.one(f"No referral has id {referral_id}.", "referral")
    if actor.can("partnership.shared"):
        agency = agency_for(actor)
        if agency is None or agency.pk != referral.agency_id:
            raise PermissionRefused("This referral was not made to your agency.")
    elif actor.can("partnership.refer"):
        if not actor.can_see_area(referral.area_id):
            raise PermissionRefused("This referral is outside your areas.")
    else:
        raise PermissionRefused("Your role does not allow this.")
    check_version(referral, expected_version, referral.reference)
    return referral


def _not_before_referral(
    day: dt.date | None, referral: Referral, field: str, problems: list[Problem]
) -> None:
    if day is not None and day < timezone.localtime(referral.referred_at).date():
        problems.append(Problem("This cannot be before the referral was made.", field))


@transaction.atomic
def record_response(
    actor: User,
    referral_id: int,
    expected_version: int | None,
    *,
    response: str,
    responded_on: dt.date | None,
    note: str = "",
) -> Referral:
    """The partner's response (accepted, declined, more information requested) and its date; the
    partner agency's own users may record it too."""
    referral = _referral_for_update(actor, referral_id, expected_version)
    problems: list[Problem] = []
    if response not in Referral.Response.values:
        problems.append(Problem("Choose the partner's response.", "response"))
    if responded_on is None:
        problems.append(Problem("Give the date of the response.", "responded_on"))
    not_future(responded_on, "responded_on", "The date of the response", problems)
    _not_before_referral(responded_on, referral, "responded_on", problems)
    if response == Referral.Response.DECLINED and not note.strip():
        problems.append(Problem("Say why the partner declined.", "response_note"))
    if referral.status == Referral.Status.CLOSED:
        problems.append(Problem(f"{referral.reference} already has its outcome.", "response"))
    if problems:
        raise ValidationFailed(problems)
    before = audit.snapshot(referral)
    referral.response = response
    referral.responded_on = responded_on
    referral.response_note = note.strip()
    referral.response_by = actor
    referral.status = response
    referral.version += 1
    referral.updated_at = timezone.now()
    referral.save()
    audit.record_update(actor, referral, before)
    return referral


@transaction.atomic
def record_outcome(
    actor: User, referral_id: int, expected_version: int | None, *, outcome: str, outcome_on: dt.date | None
) -> Referral:
    """What came of the referral, and when; the referral is then closed."""
    referral = _referral_for_update(actor, referral_id, expected_version)
    problems: list[Problem] = []
    if not outcome.strip():
        problems.append(Problem("Describe the outcome.", "outcome"))
    if outcome_on is None:
        problems.append(Problem("Give the date of the outcome.", "outcome_on"))
    not_future(outcome_on, "outcome_on", "The date of the outcome", problems)
    _not_before_referral(outcome_on, referral, "outcome_on", problems)
    if problems:
        raise ValidationFailed(problems)
    before = audit.snapshot(referral)
    referral.outcome = outcome.strip()
    referral.outcome_on = outcome_on
    referral.outcome_by = actor
    referral.status = Referral.Status.CLOSED
    referral.version += 1
    referral.updated_at = timezone.now()
    referral.save()
    audit.record_update(actor, referral, before)
    return referral


# ---------------------------------------------------------------------------------------------
# Tools and powers


@dataclass
class PowerInput:
    kind: str = ""  # the kind's code
    subject_id: int | None = None  # a perpetrator party on the case
    premises: str = ""
    issued_on: dt.date | None = None
    expires_on: dt.date | None = None
    issuing_agency: str = ""  # an agency's code; blank: the police
    issued_by_id: int | None = None  # the issuing officer (default: the person recording it)
    officer_label: str = ""  # or their name, when not a user
    terms: str = ""


def _power_case(actor: User, case_id: int) -> Case:
    if not actor.can("partnership.powers"):
        raise PermissionRefused("Your role does not allow recording tools and powers.")
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        raise ValidationFailed.one(f"No case has id {case_id}.", "case_id")
    check_case_area(actor, case)
    return case


@transaction.atomic
def record_power(actor: User, case_id: int, data: PowerInput) -> PowerUse:
    case = _power_case(actor, case_id)
    problems: list[Problem] = []
    kind = PowerKind.objects.filter(code=data.kind, active=True).first() if data.kind else None
    if kind is None:
        problems.append(Problem("Choose the tool or power.", "kind"))
    subject: CaseParty | None = None
    if data.subject_id is not None:
        subject = CaseParty.objects.filter(pk=data.subject_id, case=case).first()
        if subject is None or subject.role != CaseParty.Role.PERPETRATOR:
            problems.append(Problem("Choose a perpetrator on this case.", "subject_id"))
    elif kind is not None and not kind.about_premises:
        problems.append(Problem(f"Choose who the {kind.label.lower()} was given to.", "subject_id"))
    if kind is not None and kind.about_premises and not data.premises.strip():
        problems.append(Problem("Give the address of the premises.", "premises"))
    if data.issued_on is None:
        problems.append(Problem("Give the date it was issued.", "issued_on"))
    not_future(data.issued_on, "issued_on", "The date it was issued", problems)
    if data.expires_on and data.issued_on and data.expires_on < data.issued_on:
        problems.append(Problem("The expiry date must be on or after the date it was issued.", "expires_on"))
    agency: PartnerAgency | None = None
    if data.issuing_agency:
        agency = PartnerAgency.objects.filter(code=data.issuing_agency).first()
        if agency is None:
            problems.append(Problem("Choose the issuing agency from the list.", "issuing_agency"))
    issued_by: User | None = None
    if data.issued_by_id is not None:
        issued_by = User.objects.filter(pk=data.issued_by_id, is_active=True).first()
        if issued_by is None:
            problems.append(Problem(f"No active user {data.issued_by_id}.", "issued_by_id"))
    elif not data.officer_label.strip() and agency is None:
        issued_by = actor
    if agency is not None and not data.officer_label.strip() and issued_by is None:
        problems.append(Problem("Name the officer who issued it.", "officer_label"))
    if problems:
        raise ValidationFailed(problems)
    assert kind is not None and data.issued_on is not None
    power = PowerUse.objects.create(
        case=case,
        kind=kind,
        subject=subject,
        premises=data.premises.strip(),
        issued_on=data.issued_on,
        expires_on=data.expires_on,
        issued_by=issued_by,
        issuing_agency=agency,
        officer_label=data.officer_label.strip(),
        terms=data.terms.strip(),
        recorded_by=actor,
    )
    audit.record_create(actor, power)
    return power


_UNSET: Any = object()


@transaction.atomic
def update_power(
    actor: User,
    power_id: int,
    expected_version: int | None,
    *,
    expires_on: dt.date | None = _UNSET,
    terms: str | None = None,
    outcome: str | None = None,
    outcome_on: dt.date | None = _UNSET,
) -> PowerUse:
    """Change the expiry (an extension, a discharge) or the terms, or record the outcome."""
    power = PowerUse.objects.select_for_update().select_related("kind").filter(pk=power_id).first()
    if power is None:
        raise ValidationFailed.one(f"No tool or power has id {power_id}.", "power")
    _power_case(actor, power.case_id)
    check_version(power, expected_version, f"{power.kind.label} of {power.issued_on:%-d %B %Y}")
    before = audit.snapshot(power)
    problems: list[Problem] = []
    if expires_on is not _UNSET:
        if expires_on is not None and expires_on < power.issued_on:
            problems.append(
                Problem("The expiry date must be on or after the date it was issued.", "expires_on")
            )
        power.expires_on = expires_on
    if terms is not None:
        power.terms = terms.strip()
    if outcome is not None:
        power.outcome = outcome.strip()
    if outcome_on is not _UNSET:
        not_future(outcome_on, "outcome_on", "The date of the outcome", problems)
        if outcome_on is not None and outcome_on < power.issued_on:
            problems.append(Problem("The outcome cannot be before it was issued.", "outcome_on"))
        power.outcome_on = outcome_on
    if power.outcome_on is not None and not power.outcome:
        problems.append(Problem("Describe the outcome.", "outcome"))
    if power.outcome and power.outcome_on is None:
        problems.append(Problem("Give the date of the outcome.", "outcome_on"))
    if problems:
        raise ValidationFailed(problems)
    power.version += 1
    power.updated_at = timezone.now()
    power.save()
    audit.record_update(actor, power, before)
    return power


@transaction.atomic
def record_breach(
    actor: User, power_id: int, *, occurred_on: dt.date | None, description: str, action_taken: str = ""
) -> PowerBreach:
    power = PowerUse.objects.select_related("kind").filter(pk=power_id).first()
    if power is None:
        raise ValidationFailed.one(f"No tool or power has id {power_id}.", "power")
    _power_case(actor, power.case_id)
    problems: list[Problem] = []
    if occurred_on is None:
        problems.append(Problem("Give the date of the breach.", "occurred_on"))
    else:
        not_future(occurred_on, "occurred_on", "The date of the breach", problems)
        if occurred_on < power.issued_on:
            problems.append(
                Problem(
                    f"A breach cannot be before the {power.kind.label.lower()} was issued.", "occurred_on"
                )
            )
    if not description.strip():
        problems.append(Problem("Describe the breach.", "description"))
    if problems:
        raise ValidationFailed(problems)
    assert occurred_on is not None
    breach = PowerBreach.objects.create(
        power=power,
        occurred_on=occurred_on,
        description=description.strip(),
        action_taken=action_taken.strip(),
        recorded_by=actor,
    )
    audit.record_create(actor, breach)
    return breach


# Action groups and case reviews: re-exported so callers use one module.
from beacon.partnership.services_meetings import (  # noqa: E402
    AttendeeInput,
    MeetingInput,
    TaskInput,
    add_agenda_case,
    build_agenda,
    cancel_meeting,
    create_group,
    mark_held,
    record_attendance,
    record_minutes,
    record_notes,
    record_task,
    schedule_meeting,
)
from beacon.partnership.services_reviews import (  # noqa: E402
    CaseReviewInput,
    open_case_review,
    publish_policy,
    record_review_decision,
    record_review_outcome,
)

__all__ = [
    "AttendeeInput",
    "CaseReviewInput",
    "MeetingInput",
    "PowerInput",
    "ReferralInput",
    "TaskInput",
    "add_agenda_case",
    "build_agenda",
    "cancel_meeting",
    "create_group",
    "create_referral",
    "mark_held",
    "open_case_review",
    "publish_policy",
    "record_attendance",
    "record_breach",
    "record_minutes",
    "record_notes",
    "record_outcome",
    "record_power",
    "record_response",
    "record_review_decision",
    "record_review_outcome",
    "record_task",
    "save_agency",
    "save_power_kind",
    "schedule_meeting",
    "update_power",
]


# ---------------------------------------------------------------------------------------------
# Reference lists (administrators)


@transaction.atomic
def save_agency(actor: User, *, code: str, name: str, kind: str, active: bool = True) -> PartnerAgency:
    """Add a partner agency, or change one's name, kind or whether it is offered (by its code)."""
    if not actor.can("partnership.configure"):
        raise PermissionRefused("Your role does not allow changing the reference lists.")
    problems: list[Problem] = []
    if not code.strip():
        problems.append(Problem("Give the agency a code.", "code"))
    if not name.strip():
        problems.append(Problem("Give the agency's name.", "name"))
    if kind not in PartnerAgency.Kind.values:
        problems.append(Problem("Choose the kind of agency.", "kind"))
    clash = PartnerAgency.objects.filter(name=name.strip()).exclude(code=code.strip()).first()
    if clash is not None:
        problems.append(Problem(f"“{clash.name}” already has code {clash.code}.", "name"))
    if problems:
        raise ValidationFailed(problems)
    agency = PartnerAgency.objects.select_for_update().filter(code=code.strip()).first()
    if agency is None:
        agency = PartnerAgency.objects.create(code=code.strip(), name=name.strip(), kind=kind, active=active)
        audit.record_create(actor, agency)
        return agency
    before = audit.snapshot(agency)
    agency.name, agency.kind, agency.active = name.strip(), kind, active
    agency.save()
    audit.record_update(actor, agency, before)
    return agency


@transaction.atomic
def save_power_kind(
    actor: User, *, code: str, label: str, about_premises: bool = False, active: bool = True
) -> PowerKind:
    """Add a tool or power to the list, or change one (by its code)."""
    if not actor.can("partnership.configure"):
        raise PermissionRefused("Your role does not allow changing the reference lists.")
    problems: list[Problem] = []
    if not code.strip():
        problems.append(Problem("Give it a code.", "code"))
    if not label.strip():
        problems.append(Problem("Give its name.", "label"))
    if problems:
        raise ValidationFailed(problems)
    kind = PowerKind.objects.select_for_update().filter(code=code.strip()).first()
    if kind is None:
        kind = PowerKind.objects.create(
            code=code.strip(), label=label.strip(), about_premises=about_premises, active=active
        )
        audit.record_create(actor, kind)
        return kind
    before = audit.snapshot(kind)
    kind.label, kind.about_premises, kind.active = label.strip(), about_premises, active
    kind.save()
    audit.record_update(actor, kind, before)
    return kind
