"""Old incidents with their people, cases, assessments and referrals, for the retention tests
(synthetic people only). Incidents are taken through the incidents service, as at a call; their
dates are then moved back years, as history that has reached its review."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from beacon.cases.models import Case, CaseContact
from beacon.cases.tests import factories as case_factories
from beacon.core.models import Area, User
from beacon.incidents import services as incident_services
from beacon.incidents.models import Incident
from beacon.incidents.tests.factories import caller, report
from beacon.partnership.models import PartnerAgency, Referral
from beacon.people.models import Person
from beacon.retention.models import RetentionRule

_seq = itertools.count(1)

MARGARET = {
    "forename": "Margarita",
    "surname": "Quillfeather",
    "dob": "1951-03-14",
    "phone": "07700 900456",
    "address": "17 Lantern Row",
    "postcode": "LE1 5WW",
}


def years_ago(years: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=round(365.25 * years))


def old_incident(
    actor: User | None,
    *,
    years: float,
    people: list[dict[str, str]] | None = None,
    description: str = "Neighbours shouting in the stairwell every night.",
    address: str = "17 Lantern Row",
    **fields: Any,
) -> Incident:
    """An ASB incident reported `years` ago by phone, with its callers as contact records."""
    data = report(
        description=description,
        address=address,
        postcode="LE1 5WW",
        people=[
            caller(
                p["forename"],
                p["surname"],
                **{k: v for k, v in p.items() if k not in ("forename", "surname")},
            )
            for p in (people or [])
        ],
    )
    inc = incident_services.create_incident(actor, data, notify_team=False)
    when = years_ago(years)
    Incident.objects.filter(pk=inc.pk).update(received_at=when, created_at=when, **fields)
    inc.refresh_from_db()
    return inc


def person_of(inc: Incident) -> Person:
    ip = inc.people.select_related("record__person").first()
    assert ip is not None
    return ip.record.person


def case_on(officer: User, inc: Incident, *, level: str = "medium", area: Area) -> Case:
    victim = person_of(inc)
    c = case_factories.open_case(officer, level=level, area=area, victim=victim, incident_obj=inc)
    CaseContact.objects.create(
        case=c,
        person=victim,
        by=officer,
        method="phone",
        summary="Spoke to Margarita Quillfeather on 07700 900456 about the stairwell.",
        at=timezone.now(),
    )
    return c


def referral(officer: User, c: Case, *, kind: str = PartnerAgency.Kind.COUNCIL) -> Referral:
    n = next(_seq)
    agency, _ = PartnerAgency.objects.get_or_create(
        code=f"agency-{kind}", defaults={"name": f"Test {kind} agency", "kind": kind}
    )
    return Referral.objects.create(
        reference=f"REF-T-{n:05d}",
        agency=agency,
        case=c,
        person=c.parties.first().person if c.parties.exists() else None,  # type: ignore[union-attr]
        area=c.area,
        reason="Margarita Quillfeather needs support with noise from the flat above.",
        shared_items=["victim_details"],
        shared_snapshot={"victims": [{"name": "Margarita Quillfeather", "phone": "07700 900456"}]},
        shared_information="Lives alone at 17 Lantern Row.",
        consent_by="Margarita Quillfeather (victim)",
        consent_on=timezone.localdate(),
        referred_by=officer,
    )


def rule(code: str) -> RetentionRule:
    return RetentionRule.objects.get(code=code)
