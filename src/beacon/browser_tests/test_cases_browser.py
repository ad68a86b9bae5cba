"""End-to-end: an officer completes a risk assessment that scores High and a case opens; the
sergeant's list shows it Red until the first contact with the victim is recorded; a supervisory
review is recorded; the case is closed with the sergeant's sign-off (refused first without a reason
and a record that the victim was told). Debian chromium, axe-core on every page visited."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from beacon.browser_tests.conftest import check_accessibility, fill_date, login
from beacon.cases.models import Case, CaseContact, SupervisoryReview
from beacon.core.models import Area, AuditEvent, Force
from beacon.core.roles import Role
from beacon.core.tests.factories import TEST_PASSWORD, UserFactory
from beacon.incidents.tests.conftest import make_neighbourhood
from beacon.risk.examples import load_example_instrument
from beacon.risk.models import Assessment
from beacon.risk.tests.factories import make_incident, person_record

pytestmark = pytest.mark.django_db(transaction=True)


def _answer_high(page: Any) -> None:
    """Answers that score 26 points on the example instrument: High."""
    page.locator("#id_answer_incidents_recent").fill("3")
    for key in ("targeted_before", "hate", "afraid", "getting_worse", "threats_damage"):
        page.locator(f"#id_answer_{key}").check()
    for key in ("disability_health", "alone", "children", "not_acted_upon"):
        page.locator(f"#id_answer_{key}_2").check()
    page.locator("#id_answer_age_3").check()  # 65 or over
    page.get_by_label("A lot").check()
    page.get_by_label("The attending officer").check()


def test_a_high_assessment_opens_a_case_that_is_red_until_contact_then_reviewed_and_closed(
    page: Any,
) -> None:
    load_example_instrument(apps)  # the data migration's rows do not survive a transactional test's flush
    force = Force.objects.create(name="Testshire Constabulary", code="TS")
    north = Area.objects.create(force=force, name="North", code="TN")
    market = make_neighbourhood(north, "TN1", "Market", (52.60, -1.12, 52.62, -1.10))
    officer = UserFactory(username="pc_north", role=Role.OFFICER, first_name="Pat", last_name="Lee")
    sergeant = UserFactory(username="ps_north", role=Role.SUPERVISOR, first_name="Sam", last_name="Ray")
    for user in (officer, sergeant):
        user.areas.add(north)
    victim = person_record(forename="Alys", surname="Penhallow")
    incident = make_incident(area=north, neighbourhood=market, victims=[("caller", victim)], vulnerable=True)

    # The officer assesses the victim: High.
    login(page, "pc_north", TEST_PASSWORD)
    page.goto(f"/risk/assess/?incident={incident.pk}&person={victim.person_id}")
    expect(page.get_by_test_id("victim")).to_contain_text("Alys Penhallow")
    check_accessibility(page)
    _answer_high(page)
    page.get_by_role("button", name="Save the assessment").click()
    page.wait_for_url(re.compile(r"/risk/assessments/\d+/$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("High risk")
    check_accessibility(page)
    case = Case.objects.get()
    assessment = Assessment.objects.get()
    assert (case.risk_level, case.opened_from, case.spoc) == ("high", assessment, officer)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(case.reference)

    # The case is in the officer's list of cases, with the victim and the incident on it.
    page.goto("/cases/")
    check_accessibility(page)
    page.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    expect(page.get_by_test_id("spoc")).to_have_text("Pat Lee")
    expect(page.locator("#parties")).to_contain_text("Alys Penhallow")
    expect(page.locator("#case-incidents")).to_contain_text(incident.reference)
    expect(page.get_by_test_id("rag")).to_have_text("Red")
    check_accessibility(page)

    # The sergeant's list: Red, because nobody has contacted the victim yet.
    page.context.clear_cookies()
    login(page, "ps_north", TEST_PASSWORD)
    page.goto("/cases/supervisor/")
    row = page.locator(f'tr[data-ref="{case.reference}"]')
    expect(row.get_by_test_id("rag")).to_have_text("Red")
    expect(row).to_contain_text("High risk with no first contact yet")
    check_accessibility(page)

    # The first contact is recorded on the case's page (an HTMX section; the standards follow).
    row.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    check_accessibility(page)
    page.get_by_text("Record a contact").click()
    contacts = page.locator("#contacts")
    contacts.get_by_role("button", name="Record contact").click()
    expect(page.locator("#contacts .govuk-error-summary")).to_contain_text("Record what was said.")
    check_accessibility(page)
    page.locator("#contacts").get_by_label("Phone call").check()
    page.locator("#contacts").get_by_label("What was said").fill(
        "Explained the plan; she will ring 101 if they come back."
    )
    page.locator("#contacts").get_by_role("button", name="Record contact").click()
    expect(page.locator("#contacts-list")).to_contain_text("she will ring 101")
    expect(page.locator("#standards").get_by_test_id("rag")).to_have_text("Amber")
    expect(page.locator('#standards-table tr[data-standard="first_contact"]')).to_contain_text("Met")
    check_accessibility(page)
    assert page.url.endswith(f"/cases/{case.pk}/")  # updated in place
    assert CaseContact.objects.get().by == sergeant

    page.goto("/cases/supervisor/")
    row = page.locator(f'tr[data-ref="{case.reference}"]')
    expect(row.get_by_test_id("rag")).to_have_text("Amber")
    expect(row).not_to_contain_text("no first contact")
    check_accessibility(page)

    # A sergeant's review.
    row.get_by_role("link", name=case.reference).click()
    page.get_by_text("Record a review").click()
    reviews = page.locator("#reviews")
    reviews.get_by_label("Sergeant").check()
    reviews.get_by_label("What was reviewed and decided").fill("Plan agreed; visit again within the week.")
    reviews.get_by_role("button", name="Record review").click()
    expect(page.locator("#reviews-list")).to_contain_text("Sergeant review")
    expect(page.locator("#reviews-list")).to_contain_text("Plan agreed")
    check_accessibility(page)
    assert SupervisoryReview.objects.get().tier == "sergeant"

    # Closing: refused without a reason and a record that the victim was told; then signed off.
    page.get_by_role("button", name="Close the case").click()
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/close/$"))
    check_accessibility(page)
    page.get_by_role("button", name="Sign off and close").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose the reason for closing the case.")
    expect(summary).to_contain_text("Give the date the victim was told the case is closing.")
    expect(summary).to_contain_text("Confirm that you sign off the closure.")
    check_accessibility(page)
    assert Case.objects.get().status == "open"
    page.get_by_label("The ASB has stopped and the victim feels safe").check()
    fill_date(page, "Date the victim was told", timezone.localdate())
    page.get_by_label("How the victim was told").select_option("phone")
    page.get_by_label("I have reviewed this case and sign off its closure").check()
    page.get_by_role("button", name="Sign off and close").click()
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Case closed.")
    expect(page.get_by_test_id("status")).to_have_text("Closed")
    expect(page.get_by_test_id("closure")).to_contain_text("signed off by Sam Ray")
    check_accessibility(page)

    case.refresh_from_db()
    assert (case.status, case.closure_signed_off_by, case.victim_told_how) == ("closed", sergeant, "phone")
    assert AuditEvent.objects.filter(
        model="case", object_pk=str(case.pk), action="read", actor__username="ps_north"
    ).exists()
    page.goto("/cases/supervisor/")
    expect(page.locator(f'tr[data-ref="{case.reference}"]')).to_have_count(0)
    check_accessibility(page)

    # She reports again: the new incident's page suggests reopening the case; once it is reopened,
    # the incident is added to it from the incident's page.
    again = make_incident(area=north, neighbourhood=market, victims=[("caller", victim)])
    page.goto(f"/incidents/{again.pk}/")
    suggestion = page.get_by_test_id("reopen-suggestion")
    expect(suggestion).to_contain_text(case.reference)
    check_accessibility(page)
    suggestion.get_by_role("link", name=case.reference).click()
    page.get_by_label("Why reopen the case").fill("She reported the group again.")
    page.get_by_role("button", name="Reopen the case").click()
    expect(page.get_by_test_id("status")).to_have_text("Open")
    page.goto(f"/incidents/{again.pk}/")
    expect(page.get_by_test_id("reopen-suggestion")).to_have_count(0)
    check_accessibility(page)
    page.get_by_role("button", name=f"Add this incident to {case.reference}").click()
    expect(page.locator("#case-incidents")).to_contain_text(again.reference)
    assert case.case_incidents.filter(incident=again).exists()


def test_an_officer_opens_a_standard_case_by_hand_and_keeps_its_action_plan(page: Any) -> None:
    """Opening by hand (errors first), the action plan edited in place, and the standards page."""
    force = Force.objects.create(name="Testshire Constabulary", code="TS")
    north = Area.objects.create(force=force, name="North", code="TN")
    market = make_neighbourhood(north, "TN1", "Market", (52.60, -1.12, 52.62, -1.10))
    officer = UserFactory(username="pc_north", role=Role.OFFICER, first_name="Pat", last_name="Lee")
    officer.areas.add(north)
    UserFactory(username="cases_admin", role=Role.ADMIN, all_areas=True)
    victim = person_record(forename="Bryn", surname="Tudor")
    incident = make_incident(area=north, neighbourhood=market, victims=[("victim", victim)])

    login(page, "pc_north", TEST_PASSWORD)
    page.goto(f"/cases/new/?incident={incident.pk}")
    expect(page.get_by_label("Incident reference")).to_have_value(incident.reference)
    check_accessibility(page)
    page.get_by_role("button", name="Open case").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the risk level.")
    check_accessibility(page)
    page.get_by_label("Standard").check()
    page.get_by_role("button", name="Open case").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("opened")
    case = Case.objects.get()
    expect(page.get_by_test_id("rag")).to_have_text("Green")
    expect(page.locator("#parties")).to_contain_text("Bryn Tudor")
    check_accessibility(page)

    # An action, then completed in place: the outcome is required first.
    page.get_by_text("Add an action").click()
    actions = page.locator("#actions")
    actions.get_by_label("Action").fill("Write to the landlord about the noise")
    actions.get_by_role("button", name="Add action").click()
    expect(page.locator("#actions-table")).to_contain_text("Write to the landlord")
    check_accessibility(page)
    page.locator("#actions-table").get_by_role("link", name=re.compile("Change")).click()
    edit = page.locator("#actions-table form")
    edit.get_by_label("Status").select_option("done")
    edit.get_by_role("button", name="Save action").click()
    expect(page.locator("#actions .govuk-error-summary")).to_contain_text("Record the outcome")
    check_accessibility(page)
    page.locator("#actions-table form").get_by_label("Outcome").fill("Landlord has warned the tenant.")
    page.locator("#actions-table form").get_by_role("button", name="Save action").click()
    expect(page.locator("#actions-table")).to_contain_text("Landlord has warned the tenant.")
    expect(page.locator("#actions-table")).to_contain_text("Done")
    check_accessibility(page)
    assert case.actions.get().status == "done"

    page.goto("/cases/?risk_level=standard")
    expect(page.locator("#cases")).to_contain_text(case.reference)
    check_accessibility(page)

    page.context.clear_cookies()
    login(page, "cases_admin", TEST_PASSWORD)
    page.goto("/cases/standards/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Minimum standards and priority points")
    check_accessibility(page)
    page.get_by_label("High: first contact within (days)").fill("2")
    page.get_by_role("button", name="Publish a new version").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("version 2 published")
    check_accessibility(page)


def test_the_case_page_is_titled_by_its_victim_and_says_how_to_reach_her_safely(page: Any) -> None:
    """The heading names the victim and her street (the reference beside it), whatever spelling a
    later call gave; how to reach her is at the top, and whether it is safe to phone her is kept."""
    from beacon.cases import services as case_services
    from beacon.people import services as people_services
    from beacon.people.models import Person

    force = Force.objects.create(name="Testshire Constabulary", code="TS")
    north = Area.objects.create(force=force, name="North", code="TN")
    market = make_neighbourhood(north, "TN1", "Market", (52.60, -1.12, 52.62, -1.10))
    officer = UserFactory(username="pc_north", role=Role.OFFICER, first_name="Pat", last_name="Lee")
    officer.areas.add(north)
    margaret = Person.objects.create()
    details = {"forename": "Margaret", "surname": "Whitfield", "phone": "07700 900123"}
    for extra in ({}, {}, {"forename": "Margret", "surname": "Whitfeild"}):  # the last call misspelt
        rec = people_services.add_contact(
            None,
            {**details, **extra, "address": "14 Elm Street", "postcode": "LE1 5WW"},
            source="incident",
            person=margaret,
        )
    incident = make_incident(area=north, neighbourhood=market, victims=[("caller", rec)])
    incident.address = "14 Elm Street, Leicester"
    incident.save(update_fields=["address"])
    case = case_services.open_case(
        officer, case_services.CaseInput(risk_level="medium", incident_ids=(incident.pk,))
    )

    login(page, "pc_north", TEST_PASSWORD)
    page.goto("/cases/")
    expect(page.locator(f'tr[data-ref="{case.reference}"]')).to_contain_text("Margaret Whitfield, Elm Street")
    check_accessibility(page)
    page.get_by_role("link", name=case.reference).click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(case.reference)
    expect(heading).to_contain_text("Margaret Whitfield, Elm Street — Medium risk")
    block = page.locator("#victim-contact")
    expect(block.get_by_role("heading", name="How to reach the victim")).to_be_visible()
    expect(block.get_by_test_id("victim-phone")).to_have_text("07700 900123")
    expect(block.get_by_test_id("victim-address")).to_have_text("14 Elm Street, LE1 5WW")
    expect(block.get_by_test_id("safe-to-call")).to_contain_text("Not asked yet")
    expect(page.locator("body")).not_to_contain_text("Margret")
    check_accessibility(page)

    block.get_by_role("link", name="Change how to contact them").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How to contact Margaret Whitfield safely")
    check_accessibility(page)
    page.get_by_label("No: do not phone").check()
    page.get_by_label("How to contact them safely (optional)").fill(
        "Text first: her neighbour can see her phone."
    )
    page.get_by_role("button", name="Save how to contact them").click()
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("How to contact the victim saved.")
    block = page.locator("#victim-contact")
    expect(block.get_by_test_id("do-not-phone")).to_contain_text(
        "It is not safe to phone Margaret Whitfield."
    )
    expect(block.get_by_test_id("contact-note")).to_have_text("Text first: her neighbour can see her phone.")
    check_accessibility(page)
    party = case.parties.get(role="victim")
    assert (party.safe_to_call, party.contact_note) == ("no", "Text first: her neighbour can see her phone.")
    assert AuditEvent.objects.filter(model="case", object_pk=str(case.pk), action="read").exists()
