"""A misspelt name at a call renames nobody (issue 11 §1): a call saved as "Margret Whitfeild" and
linked by the call handler to Margaret Whitfield leaves her case list, her case page (heading,
contacts, how to reach her), the partnership pages, her person page and her risk assessment showing
her name as before; only the history of that call keeps the spelling it was given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beacon.cases import services as case_services
from beacon.cases.models import Case
from beacon.cases.tests import factories as cf
from beacon.core.models import User
from beacon.core.roles import Role
from beacon.incidents.services import PersonInput, create_incident
from beacon.incidents.tests.factories import report
from beacon.partnership import services
from beacon.partnership.services import ReferralInput
from beacon.people import services as people_services
from beacon.people.models import ContactRecord, Person
from beacon.risk.models import Assessment

pytestmark = pytest.mark.django_db

MARGARET = {
    "forename": "Margaret",
    "surname": "Whitfield",
    "dob": "12/05/1961",
    "phone": "07700 900123",
    "address": "14 Elm Street, Leicester",
    "postcode": "LE1 5WW",
}
RIGHT, WRONG = "Margaret Whitfield", "Margret Whitfeild"


@pytest.fixture
def handler(make_user: Callable[..., User], place: dict[str, Any]) -> User:
    u = make_user(Role.CALL_HANDLER, username="call_handler")
    u.areas.add(place["north"])
    return u


@pytest.fixture
def margaret(place: dict[str, Any]) -> Person:
    """Two earlier calls, as Margaret Whitfield."""
    p = Person.objects.create()
    for days in (40, 20):
        people_services.add_contact(
            None, MARGARET, source="incident", person=p, contacted_at=timezone.now() - dt.timedelta(days=days)
        )
    return p


@pytest.fixture
def her_case(officer: User, margaret: Person, place: dict[str, Any]) -> Case:
    """Her High-risk case, opened from an assessment of an earlier incident, with a visit."""
    first = cf.incident(neighbourhood=place["market"], victim=margaret, address="14 Elm Street, Leicester")
    assessment = cf.assessment(officer, margaret, "high", incident=first)
    case = case_services.open_case_from_assessment(officer, assessment)
    assert case is not None
    case_services.record_contact(officer, case.pk, method="visit", summary="Visited.", person_id=margaret.pk)
    return case


@pytest.fixture
def misspelt_call(handler: User, margaret: Person, her_case: Case, officer: User) -> ContactRecord:
    """The call handler picks Margaret from the live check, but the name is saved as spelt."""
    inc = create_incident(
        handler,
        report(
            lat=52.61,
            lon=-1.11,
            people=[
                PersonInput(
                    role="caller",
                    details={"forename": "Margret", "surname": "Whitfeild", "phone": "07700 900123"},
                    person_id=margaret.pk,
                )
            ],
        ),
    )
    case_services.add_incident(officer, her_case.pk, inc.pk)
    record = inc.people.get().record
    assert record.person_id == margaret.pk and record.given_forename == "Margret"
    return record


def shows_her(html: str) -> None:
    assert RIGHT in html, "her name is missing"
    assert "Margret" not in html and "Whitfeild" not in html, "the misspelling renamed her"


def test_a_misspelt_call_leaves_her_name_everywhere(
    officer: User,
    client_for: Callable[..., Client],
    margaret: Person,
    her_case: Case,
    misspelt_call: ContactRecord,
) -> None:
    c = client_for(officer)
    # Her case list and case page: titled by her and her street, the visit "with" her, how to reach her.
    listed = c.get(reverse("cases:list")).content.decode()
    shows_her(listed)
    assert "Margaret Whitfield, Elm Street" in listed
    page = c.get(reverse("cases:detail", args=[her_case.pk])).content.decode()
    shows_her(page)
    heading = page[page.index('data-testid="case-heading"') :]
    heading = heading[: heading.index("</h1>")]
    assert f"Case {her_case.reference}" in heading
    assert heading.endswith("</span> Margaret Whitfield, Elm Street — High risk")
    assert "with Margaret Whitfield (born 12/05/1961)" in page
    contact_block = page[page.index('id="victim-contact"') : page.index('id="details"')]
    assert "07700 900123" in contact_block and "14 Elm Street, Leicester, LE1 5WW" in contact_block

    # The partnership pages: making a referral, and what the partner receives.
    new = c.get(reverse("partnership:referral_new"), {"case": her_case.pk}).content.decode()
    shows_her(new)
    referral = services.create_referral(
        officer,
        ReferralInput(
            agency="council",
            case_id=her_case.pk,
            reason="Please consider a Community Protection Warning.",
            shared_items=["victims"],
            consent_by="Margaret Whitfield, at the visit",
            consent_on=timezone.localdate(),
        ),
    )
    assert referral.shared_snapshot["victims"][0]["name"] == RIGHT
    assert referral.shared_snapshot["victims"][0]["phone"] == "07700 900123"
    shows_her(c.get(reverse("partnership:referral", args=[referral.pk])).content.decode())

    # Her person page: she is Margaret Whitfield; the call keeps its spelling, labelled as given.
    person_page = c.get(reverse("people:person", args=[margaret.pk])).content.decode()
    top, history = person_page.split('id="records-heading"')
    shows_her(top)
    assert "Records as given (3)" in history and WRONG in history

    # Her risk assessment, and one made from the misspelt call itself.
    assessment = Assessment.objects.get()
    shows_her(c.get(reverse("risk:detail", args=[assessment.pk])).content.decode())
    from_call = cf.assessment(officer, margaret, "high", incident=misspelt_call.incident_roles.get().incident)
    Assessment.objects.filter(pk=from_call.pk).update(victim_record=misspelt_call)
    page = c.get(reverse("risk:detail", args=[from_call.pk])).content.decode()
    victim = page[page.index('data-testid="victim"') :]
    victim = victim[: victim.index("</dd>")]
    assert victim.startswith(f'data-testid="victim">{RIGHT}, person {margaret.pk}')
    assert f"as given: “{WRONG}”" in victim


def test_a_confirmed_name_is_what_every_page_shows(
    officer: User,
    client_for: Callable[..., Client],
    margaret: Person,
    her_case: Case,
    misspelt_call: ContactRecord,
) -> None:
    """She really does spell it that way: an officer confirms it, and every page follows."""
    people_services.confirm_details(officer, margaret, misspelt_call, ["name"], note="She spelt it for me")
    c = client_for(officer)
    page = c.get(reverse("cases:detail", args=[her_case.pk])).content.decode()
    assert "Margret Whitfeild, Elm Street — High risk" in page
    assert "with Margret Whitfeild (born 12/05/1961)" in page  # the date of birth is still the rule's
    assert "Margret Whitfeild" in c.get(reverse("cases:list")).content.decode()
    new = c.get(reverse("partnership:referral_new"), {"case": her_case.pk}).content.decode()
    assert "Margret Whitfeild (victim)" in new
