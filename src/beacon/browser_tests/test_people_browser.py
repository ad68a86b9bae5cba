"""End-to-end: an analyst using the person index in a real browser (Debian chromium), with axe-core
on every page visited."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from beacon.browser_tests.conftest import check_accessibility, login
from beacon.core.models import AuditEvent
from beacon.core.roles import Role
from beacon.core.tests.factories import TEST_PASSWORD, UserFactory
from beacon.people import services
from beacon.people.febrl import load_febrl3
from beacon.people.loading import load_records
from beacon.people.models import ContactRecord, PersonFlag, ReviewPair

pytestmark = pytest.mark.django_db(transaction=True)

CALLER = {
    "forename": "Margaret",
    "surname": "Whitfield",
    "dob": "12/05/1961",
    "phone": "0113 496 0123",
    "address": "4 Kirkgate, Wakefield",
    "postcode": "WF1 1HQ",
}


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A matching model trained once for this module on FEBRL3 (as the people tests' fixture)."""
    from beacon.people import splink_model
    from beacon.people.febrl import febrl_frame

    df, _ = febrl_frame()
    return splink_model.train(df, tmp_path_factory.mktemp("model") / "model.json", seed=1)


@pytest.fixture
def index(trained: dict[str, Any], tmp_path: Path) -> ContactRecord:
    """The model registered, a few hundred FEBRL records and the caller's, one pair for review."""
    from beacon.people.services import register_model

    path = tmp_path / "training.json"
    path.write_text(json.dumps(trained))
    register_model(None, path, trained, records=5000)
    load_records(None, load_febrl3()[:300], source="febrl")
    caller = load_records(None, [CALLER], source="incident", ref_column="none")[0]
    near = load_records(None, [{**CALLER, "forename": "Maggie", "dob": "1961-05-21"}], source="call")[0]
    ReviewPair.objects.create(record_a=caller, record_b=near, probability=0.64, model_version=1)
    return caller


def test_analyst_finds_a_misspelt_caller_and_flags_them_vulnerable(page: Any, index: ContactRecord) -> None:
    UserFactory(username="analyst", role=Role.ANALYST, first_name="Asha", last_name="Patel")
    login(page, "analyst", TEST_PASSWORD)
    page.goto("/people/lookup/")
    expect(page.get_by_role("heading", name="Find a person")).to_be_visible()
    check_accessibility(page)

    # Typing is enough: the results come in through HTMX, without leaving the page.
    page.get_by_label("Why are you looking?").fill("Call 0412: caller reports ASB")
    page.get_by_label("First name").fill("Margaret")
    page.get_by_label("Last name").fill("Whitfeld")
    page.get_by_label("Date of birth").fill("12/05/1961")
    results = page.locator("#lookup-results")
    person_link = results.get_by_role("link", name=f"Person {index.person_id}")
    person_link.wait_for()
    assert page.url.endswith("/people/lookup/")
    card = page.get_by_test_id(f"candidate-{index.person_id}")
    assert "%" in card.get_by_test_id("probability").inner_text()
    why = card.get_by_test_id("why").inner_text()
    assert "date of birth: exact +" in why
    assert results.get_attribute("aria-live") == "polite"
    check_accessibility(page)
    assert AuditEvent.objects.filter(
        action="read", model="person", object_pk=str(index.person_id), reason="Call 0412: caller reports ASB"
    ).exists()

    person_link.click()
    page.wait_for_url(f"**/people/{index.person_id}/**")
    expect(page.get_by_role("heading", name=f"Person {index.person_id}")).to_be_visible()
    expect(page.get_by_role("cell", name="Margaret Whitfield")).to_be_visible()
    check_accessibility(page)

    # A vulnerable flag needs a reason: the error summary says so and links to the field.
    page.get_by_label("Kind of flag").select_option(label="Vulnerable")
    page.get_by_role("button", name="Add flag").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()  # waits for the page the form posted to
    expect(summary).to_contain_text("reason")
    check_accessibility(page)
    page.get_by_label("Kind of flag").select_option(label="Vulnerable")
    page.get_by_label("Reason", exact=True).select_option("mental health")
    page.get_by_role("button", name="Add flag").click()
    expect(page.get_by_text(f"Vulnerable flag added to person {index.person_id}")).to_be_visible()
    flags = page.locator("#open-flags")
    assert "mental health" in flags.inner_text() and "Asha Patel" in flags.inner_text()
    check_accessibility(page)
    flag = PersonFlag.objects.get(person_id=index.person_id, kind__code="vulnerable")
    assert flag.reason == "mental health" and flag.created_by.username == "analyst"
    # The purpose followed the analyst from the lookup to the person page.
    assert (
        AuditEvent.objects.filter(
            action="read", model="person", object_pk=str(index.person_id), actor_label="analyst"
        )
        .exclude(reason="Call 0412: caller reports ASB")
        .count()
        == 0
    )


def test_analyst_decides_pairs_in_the_review_queue_and_sees_a_colleagues_decision(
    page: Any, index: ContactRecord
) -> None:
    UserFactory(username="analyst", role=Role.ANALYST)
    colleague = UserFactory(username="colleague", role=Role.ANALYST, first_name="Cal", last_name="Moss")
    pair = ReviewPair.objects.get()
    a, b = ContactRecord.objects.filter(source="febrl").order_by("id")[:2]
    other = ReviewPair.objects.create(record_a=a, record_b=b, probability=0.41, model_version=1)
    login(page, "analyst", TEST_PASSWORD)
    page.get_by_role("link", name="Review queue").click()
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    expect(page.get_by_text("64.0%")).to_be_visible()
    check_accessibility(page)

    row = page.locator(f"#pair-{pair.pk}")
    row.get_by_label("Note (optional)").fill("Maggie is a short form; same phone")
    row.get_by_role("button", name="Same person").click()
    decided = page.locator(f"#pair-{pair.pk}").get_by_test_id("decision")
    decided.wait_for()
    assert "Same person" in decided.inner_text()
    assert page.url.endswith("/people/review/")  # replaced in place
    check_accessibility(page)
    pair.refresh_from_db()
    assert pair.decision == ReviewPair.Decision.SAME and pair.note.startswith("Maggie")

    # A colleague decides the other pair while this page is open: the 409 replaces that row too.
    services.decide_pair(colleague, other, same=False, note="different dob")
    page.locator(f"#pair-{other.pk}").get_by_role("button", name="Same person").click()
    refused = page.locator(f"#pair-{other.pk}")
    refused.get_by_role("heading", name="Your changes were not saved").wait_for()
    assert "decided by Cal Moss" in refused.inner_text()
    check_accessibility(page)
    other.refresh_from_db()
    assert (other.decision, other.decided_by, other.note) == ("different", colleague, "different dob")


def test_lookup_problems_without_javascript_name_the_field(page: Any, index: ContactRecord) -> None:
    UserFactory(username="handler", role=Role.CALL_HANDLER)
    login(page, "handler", TEST_PASSWORD)
    page.goto("/people/lookup/?purpose=call+9&forename=Margaret&phone=%2B33+1+23+45+67+89")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert summary.get_by_role("link", name="not a UK number").get_attribute("href") == "#id_phone"
    check_accessibility(page)


def test_an_officer_confirms_which_record_has_the_persons_name(page: Any) -> None:
    """The person page says who they are known as (the name given most often), lists each record
    as given, and lets an officer use one record's details as their name, or go back to the rule."""
    from beacon.people.models import Person

    UserFactory(username="officer", role=Role.OFFICER, first_name="Olu", last_name="Ade")
    person = Person.objects.create()
    for extra in ({}, {}, {"forename": "Margret", "surname": "Whitfeild"}):
        services.add_contact(None, {**CALLER, **extra}, source="incident", person=person)
    login(page, "officer", TEST_PASSWORD)
    page.goto(f"/people/{person.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Margaret Whitfield")
    known = page.get_by_test_id("known-as")
    expect(known.get_by_test_id("known-name")).to_have_text("Margaret Whitfield")
    expect(known).to_contain_text("Given on 2 of their 3 records")
    expect(page.get_by_role("cell", name="Margret Whitfeild")).to_be_visible()  # as given
    check_accessibility(page)

    spelt = ContactRecord.objects.get(given_forename="Margret")
    page.get_by_role(
        "button", name=f"Use these details as the person\u2019s name (record {spelt.pk})"
    ).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"The name on record {spelt.pk}")
    expect(known.get_by_test_id("known-name")).to_have_text("Margret Whitfeild")
    expect(known).to_contain_text("Confirmed by Olu Ade")
    check_accessibility(page)

    known.get_by_role("link", name="Change name").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Which name is theirs?")
    check_accessibility(page)
    page.get_by_label("The one given most often (nothing confirmed)").check()
    page.get_by_role("button", name="Use this name").click()
    expect(page.get_by_test_id("known-as").get_by_test_id("known-name")).to_have_text("Margaret Whitfield")
    check_accessibility(page)
