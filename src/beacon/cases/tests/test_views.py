"""Case pages: who may see and do what (role and area), the case page and its forms (HTMX sections,
conflicts that keep the user's input, access log), opening by hand, closure with sign-off,
reopening, suggestions, the supervisor's list and the standards page; query counts on lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from beacon.cases import services
from beacon.cases.models import Action, Case, CaseContact, StandardsPolicy, SupervisoryReview
from beacon.cases.tests import factories as f
from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
VIEWERS = {Role.OFFICER, Role.SUPERVISOR, Role.ANALYST, Role.ADMIN}
MANAGERS = {Role.OFFICER, Role.SUPERVISOR}


@pytest.fixture
def case(officer: User, place: dict[str, Any]) -> Case:
    victim = f.person("Vera", "Victimson")
    inc = f.incident(
        neighbourhood=place["market"], victim=victim, address="14 Mill Lane", address_key="14 mill"
    )
    made = services.open_case_from_assessment(officer, f.assessment(officer, victim, "high", incident=inc))
    assert made is not None
    return made


@pytest.mark.parametrize("role", list(Role))
def test_pages_by_role(
    role: str, client_for: Callable[..., Client], place: dict[str, Any], case: Case
) -> None:
    c = client_for(role=role, all_areas=True)
    expect = {
        reverse("cases:list"): role in VIEWERS,
        reverse("cases:detail", args=[case.pk]): role in VIEWERS,
        reverse("cases:new"): role in MANAGERS,
        reverse("cases:supervisor"): role == Role.SUPERVISOR,
        reverse("cases:close", args=[case.pk]): role == Role.SUPERVISOR,
        reverse("cases:standards"): role == Role.ADMIN,
    }
    for url, allowed in expect.items():
        assert c.get(url).status_code == (200 if allowed else 403), (role, url)


def test_case_outside_my_areas_is_not_found(
    south_officer: User, client_for: Callable[..., Client], case: Case
) -> None:
    c = client_for(south_officer)
    assert c.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    r = c.post(
        reverse("cases:add_contact", args=[case.pk]), {"contact-method": "phone", "contact-summary": "x"}
    )
    assert r.status_code == 404
    assert not CaseContact.objects.exists()
    assert case.reference not in c.get(reverse("cases:list")).content.decode()


def test_case_page_shows_everything_and_logs_the_view(
    officer: User, client_for: Callable[..., Client], case: Case
) -> None:
    page = client_for(officer).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert case.reference in page and "Vera Victimson" in page
    assert "High risk with no first contact yet" in page
    assert "14 Mill Lane" in page
    assert AuditEvent.objects.filter(
        action="read", model="case", object_pk=str(case.pk), actor=officer
    ).exists()
    victim_id = case.parties.get().person_id
    assert AuditEvent.objects.filter(action="read", model="person", object_pk=str(victim_id)).exists()


def test_case_page_query_count_is_bounded(
    officer: User,
    client_for: Callable[..., Client],
    case: Case,
    place: dict[str, Any],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    c = client_for(officer)
    for i in range(5):
        services.add_action(officer, case.pk, services.ActionInput(text=f"Action {i}"))
        services.record_contact(officer, case.pk, method="phone", summary=f"Call {i}")
        services.add_party(officer, case.pk, f.person("P", f"Perp{i}").pk, "perpetrator")
        services.add_incident(officer, case.pk, f.incident(neighbourhood=place["market"]).pk)
    with django_assert_max_num_queries(60):
        assert c.get(reverse("cases:detail", args=[case.pk])).status_code == 200


def test_list_query_count_and_filters(
    officer: User,
    client_for: Callable[..., Client],
    place: dict[str, Any],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    for level in ["standard", "medium", "high"] * 8:
        f.open_case(officer, level=level, area=place["north"])
    c = client_for(officer)
    with django_assert_max_num_queries(12):
        page = c.get(reverse("cases:list")).content.decode()
    assert "24 cases" in page
    page = c.get(reverse("cases:list"), {"status": "open", "risk_level": "high"}).content.decode()
    assert "8 cases" in page


def test_supervisor_list_page_query_count(
    officer: User,
    sergeant: User,
    client_for: Callable[..., Client],
    place: dict[str, Any],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    for level in ["standard", "medium", "high"] * 10:
        f.open_case(officer, level=level, area=place["north"])
    for _ in range(10):
        f.incident(neighbourhood=place["market"], vulnerable_victim=True)
    c = client_for(sergeant)
    with django_assert_max_num_queries(24):  # a fixed number, however many rows
        r = c.get(reverse("cases:supervisor"))
    page = r.content.decode()
    assert "30 open cases" in page and "10 unresolved incidents" in page
    assert page.count('data-kind="case"') + page.count('data-kind="incident"') == 25
    assert reverse("risk:due") in page  # assessments due on incidents the list does not show


def test_open_case_by_hand_page(
    officer: User, client_for: Callable[..., Client], place: dict[str, Any]
) -> None:
    c = client_for(officer)
    victim = f.person()
    inc = f.incident(neighbourhood=place["market"], victim=victim)
    page = c.get(reverse("cases:new"), {"incident": inc.pk}).content.decode()
    assert inc.reference in page
    r = c.post(reverse("cases:new"), {"risk_level": "", "incident": "NOPE-1"})
    assert r.status_code == 200
    body = r.content.decode()
    assert "Choose the risk level." in body and "No incident has reference NOPE-1." in body
    r = c.post(reverse("cases:new"), {"risk_level": "standard", "incident": inc.reference})
    made = Case.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("cases:detail", args=[made.pk])
    assert made.risk_level == "standard" and made.parties.get().person == victim


def test_contact_by_htmx_updates_section_and_standards(
    officer: User, client_for: Callable[..., Client], case: Case
) -> None:
    c = client_for(officer)
    url = reverse("cases:add_contact", args=[case.pk])
    r = c.post(url, {"contact-method": "phone"}, **HTMX)
    body = r.content.decode()
    assert r.status_code == 200 and "Record what was said." in body
    assert not CaseContact.objects.exists()
    r = c.post(url, {"contact-method": "phone", "contact-summary": "Spoke about the noise."}, **HTMX)
    body = r.content.decode()
    assert 'id="contacts"' in body and "Spoke about the noise." in body
    assert 'hx-swap-oob="true"' in body and "High risk with no first contact yet" not in body
    case.refresh_from_db()
    assert case.first_contact_at is not None
    # Without HTMX: back to the page.
    r = c.post(url, {"contact-method": "visit", "contact-summary": "Visited."})
    assert r.status_code == 302


def test_review_needs_a_supervisor(
    officer: User, sergeant: User, client_for: Callable[..., Client], case: Case
) -> None:
    url = reverse("cases:add_review", args=[case.pk])
    data = {"review-tier": "sergeant", "review-decision": "Plan agreed."}
    assert client_for(officer).post(url, data).status_code == 403
    r = client_for(sergeant).post(url, data, **HTMX)
    assert r.status_code == 200 and "Plan agreed." in r.content.decode()
    assert SupervisoryReview.objects.get().by == sergeant


def test_actions_add_edit_complete(officer: User, client_for: Callable[..., Client], case: Case) -> None:
    c = client_for(officer)
    r = c.post(
        reverse("cases:add_action", args=[case.pk]),
        {"action-text": "Visit the neighbours", "action-due_on": "2030-01-02"},
        **HTMX,
    )
    assert r.status_code == 200 and "Visit the neighbours" in r.content.decode()
    action = Action.objects.get()
    assert action.owner == officer  # defaults to whoever adds it
    form = c.get(reverse("cases:edit_action", args=[action.pk]), **HTMX).content.decode()
    assert f'name="a{action.pk}-version"' in form
    p = f"a{action.pk}-"
    r = c.post(
        reverse("cases:edit_action", args=[action.pk]),
        {
            p + "version": "1",
            p + "text": "Visit the neighbours",
            p + "owner": officer.pk,
            p + "status": "done",
        },
        **HTMX,
    )
    assert "Record the outcome of a completed action." in r.content.decode()
    r = c.post(
        reverse("cases:edit_action", args=[action.pk]),
        {
            p + "version": "1",
            p + "text": "Visit the neighbours",
            p + "owner": officer.pk,
            p + "status": "done",
            p + "outcome": "Agreed quiet hours.",
        },
        **HTMX,
    )
    action.refresh_from_db()
    assert action.status == "done" and action.completed_at is not None and action.version == 2


def test_concurrent_case_edits_refused_and_nothing_lost(
    officer: User, sergeant: User, client_for: Callable[..., Client], case: Case
) -> None:
    """Two people open the case form (version 1); the first save wins; the second is refused with
    what changed, keeps its input, and a deliberate second save then goes through."""
    first, second = client_for(officer), client_for(sergeant)
    url = reverse("cases:edit", args=[case.pk])
    base = {"edit-version": "1", "edit-spoc": officer.pk, "edit-supervisor": sergeant.pk}
    r = first.post(url, {**base, "edit-title": "Noise from number 12", "edit-summary": "Officer's summary"})
    assert r.status_code == 302
    r = second.post(url, {**base, "edit-title": "Sergeant's title", "edit-summary": "Sergeant's words"})
    assert r.status_code == 409
    page = r.content.decode()
    assert "Your changes were not saved" in page and "pc_north" in page
    assert "Noise from number 12" in page  # what the first person saved is shown
    assert "Sergeant&#x27;s words" in page  # and the second person's input is kept
    case.refresh_from_db()
    assert case.title == "Noise from number 12" and case.summary == "Officer's summary"
    assert case.version == 2
    assert 'name="edit-version" value="2"' in page
    r = second.post(
        url, {**base, "edit-version": "2", "edit-title": "Sergeant's title", "edit-summary": "Merged"}
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert (case.title, case.summary, case.version) == ("Sergeant's title", "Merged", 3)


def test_concurrent_action_edits(
    officer: User, sergeant: User, client_for: Callable[..., Client], case: Case
) -> None:
    action = services.add_action(officer, case.pk, services.ActionInput(text="Letter to landlord"))
    p = f"a{action.pk}-"
    url = reverse("cases:edit_action", args=[action.pk])
    data = {p + "version": "1", p + "owner": officer.pk, p + "status": "open"}
    assert (
        client_for(officer)
        .post(url, {**data, p + "text": "Letter to the housing officer"}, **HTMX)
        .status_code
        == 200
    )
    r = client_for(sergeant).post(url, {**data, p + "text": "Phone the landlord"}, **HTMX)
    body = r.content.decode()
    assert r.status_code == 200 and "Your changes were not saved" in body
    assert "Phone the landlord" in body
    action.refresh_from_db()
    assert action.text == "Letter to the housing officer"


def test_close_refused_without_reason_or_victim_told_then_closed(
    officer: User, sergeant: User, client_for: Callable[..., Client], case: Case
) -> None:
    url = reverse("cases:close", args=[case.pk])
    assert client_for(officer).post(url, {"close-version": "1"}).status_code == 403
    s = client_for(sergeant)
    r = s.post(url, {"close-version": "1"})
    body = r.content.decode()
    assert r.status_code == 400
    for msg in (
        "Choose the reason for closing the case.",
        "Give the date the victim was told the case is closing.",
        "Say how the victim was told.",
        "Confirm that you sign off the closure.",
    ):
        assert msg in body
    case.refresh_from_db()
    assert case.status == "open"
    r = s.post(
        url,
        {
            "close-version": "1",
            "close-reason": "harm_stopped",
            "close-victim_told_on": timezone.localdate().isoformat(),
            "close-victim_told_how": "phone",
            "close-sign_off": "on",
        },
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == "closed" and case.closure_signed_off_by == sergeant
    page = s.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "signed off by" in page and "Reopen the case" in page


def test_reopen_and_prompt(
    officer: User, sergeant: User, client_for: Callable[..., Client], case: Case, place: dict[str, Any]
) -> None:
    services.close_case(
        sergeant,
        case.pk,
        case.version,
        services.ClosureInput("harm_stopped", timezone.localdate(), "visit"),
    )
    victim = case.parties.get().person
    later = f.incident(neighbourhood=place["market"], victim=victim)
    c = client_for(officer)
    page = c.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Consider reopening it" in page and later.reference in page
    case.refresh_from_db()
    r = c.post(reverse("cases:reopen", args=[case.pk]), {"reopen-version": case.version, "reopen-reason": ""})
    assert r.status_code == 400 and "Say why the case is reopened." in r.content.decode()
    r = c.post(
        reverse("cases:reopen", args=[case.pk]),
        {"reopen-version": case.version, "reopen-reason": "New incident"},
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == "open" and case.reopen_reason == "New incident"


def test_suggested_incident_one_click(
    officer: User, client_for: Callable[..., Client], case: Case, place: dict[str, Any]
) -> None:
    same_address = f.incident(neighbourhood=place["market"], address="14 Mill Lane", address_key="14 mill")
    c = client_for(officer)
    page = c.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert same_address.reference in page and "same address" in page
    r = c.post(reverse("cases:add_incident", args=[case.pk]), {"inc-incident": same_address.reference})
    assert r.status_code == 302
    assert case.case_incidents.filter(incident=same_address).exists()


def test_add_perpetrator_from_incident_people(
    officer: User, client_for: Callable[..., Client], place: dict[str, Any]
) -> None:
    victim, perp = f.person("Val", "Ictim"), f.person("Pete", "Perpetrator")
    inc = f.incident(neighbourhood=place["market"], victim=victim, perpetrator=perp)
    case = f.open_case(officer, victim=victim, incident_obj=inc)
    c = client_for(officer)
    page = c.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Pete Perpetrator" in page and "Add as perpetrator" in page
    r = c.post(
        reverse("cases:add_party", args=[case.pk]), {"party-person": perp.pk, "party-role": "perpetrator"}
    )
    assert r.status_code == 302
    assert case.parties.filter(person=perp, role="perpetrator").exists()


def test_change_level_page(officer: User, client_for: Callable[..., Client], case: Case) -> None:
    c = client_for(officer)
    url = reverse("cases:level", args=[case.pk])
    r = c.post(url, {"level-version": "1", "level-risk_level": "medium", "level-reason": ""})
    assert r.status_code == 400 and "Say why the risk level changes." in r.content.decode()
    r = c.post(
        url, {"level-version": "1", "level-risk_level": "medium", "level-reason": "Perpetrator moved out"}
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.risk_level == "medium"


def test_standards_page_publishes_a_version(
    admin: User, officer: User, client_for: Callable[..., Client], case: Case
) -> None:
    c = client_for(admin)
    page = c.get(reverse("cases:standards")).content.decode()
    assert "Version 1 applies" in page
    data: dict[str, Any] = {"version": "1"}
    for level, fc, upd, sgt, insp, chief in (
        ("standard", 7, 28, "", "", ""),
        ("medium", 3, 14, 28, 56, ""),
        ("high", 2, 7, 14, 28, 56),
    ):
        data.update(
            {
                f"{level}__first_contact_days": fc,
                f"{level}__update_days": upd,
                f"{level}__sergeant": sgt,
                f"{level}__inspector": insp,
                f"{level}__chief_inspector": chief,
            }
        )
    data.update(
        {
            "w__risk_standard": 10,
            "w__risk_medium": 30,
            "w__risk_high": 60,
            "w__repeat": 15,
            "w__vulnerable": 20,
            "w__per_day_overdue": 5,
            "w__due_soon_days": 3,
            "w__amber_at": 50,
            "w__red_at": 100,
        }
    )
    r = c.post(reverse("cases:standards"), data)
    assert r.status_code == 302
    assert StandardsPolicy.objects.latest("version").version == 2
    case.refresh_from_db()
    assert case.first_contact_due == timezone.localdate(case.opened_at) + dt.timedelta(days=2)
    # A second admin still on version 1: refused, input kept.
    r = c.post(reverse("cases:standards"), {**data, "high__first_contact_days": 3})
    assert r.status_code == 409 and "Your changes were not saved" in r.content.decode()
    r = c.post(reverse("cases:standards"), {**data, "version": "2", "high__first_contact_days": ""})
    assert r.status_code == 400 and "Give a number of days." in r.content.decode()


def test_people_search_finds_someone_to_add(
    officer: User, client_for: Callable[..., Client], case: Case, active_model: Any
) -> None:
    perp = f.person("Gideon", "Blackwood", dob="1979-04-02")
    c = client_for(officer)
    url = reverse("cases:people_search", args=[case.pk])
    r = c.get(url, {"search-forename": "Gideon", "search-surname": "Blackwood"}, **HTMX)
    body = r.content.decode()
    assert r.status_code == 200 and "Gideon Blackwood" in body and f"person {perp.pk}" in body
    assert "Add as perpetrator" in body
    assert AuditEvent.objects.filter(
        action="read",
        model="person",
        object_pk=str(perp.pk),
        reason=f"adding a person to case {case.reference}",
    ).exists()
    assert "Give a name" in c.get(url, **HTMX).content.decode()


def test_incident_page_suggests_reopening_then_adding_to_the_case(
    officer: User, sergeant: User, client_for: Callable[..., Client], case: Case, place: dict[str, Any]
) -> None:
    services.close_case(
        sergeant, case.pk, case.version, services.ClosureInput("harm_stopped", timezone.localdate(), "visit")
    )
    victim = case.parties.get().person
    later = f.incident(neighbourhood=place["market"], victim=victim)
    c = client_for(officer)
    incident_url = reverse("incidents:detail", args=[later.pk])
    page = c.get(incident_url).content.decode()
    assert 'data-testid="reopen-suggestion"' in page and case.reference in page
    assert AuditEvent.objects.filter(
        action="read", model="case", object_pk=str(case.pk), reason=f"viewing incident {later.reference}"
    ).exists()
    # The incident that the case covers does not suggest its own case.
    first = case.case_incidents.get().incident
    page = c.get(reverse("incidents:detail", args=[first.pk])).content.decode()
    assert "reopen-suggestion" not in page and "This incident is part of" in page

    case.refresh_from_db()
    services.reopen_case(officer, case.pk, case.version, "The victim reported again")
    page = c.get(incident_url).content.decode()
    assert "reopen-suggestion" not in page and 'data-testid="victim-open-cases"' in page
    r = c.post(reverse("cases:add_incident", args=[case.pk]), {"inc-incident": later.reference})
    assert r.status_code == 302 and case.case_incidents.filter(incident=later).exists()
    page = c.get(incident_url).content.decode()
    assert "This incident is part of" in page and "victim-open-cases" not in page


def test_incident_page_shows_cases_only_to_roles_that_see_cases(
    sergeant: User, make_user: Callable[..., User], client_for: Callable[..., Client], case: Case
) -> None:
    # A force-wide call handler sees incidents but not cases: no cases panel at all.
    handler = make_user(Role.CALL_HANDLER, username="ch_all", all_areas=True)
    first = case.case_incidents.get().incident
    page = client_for(handler).get(reverse("incidents:detail", args=[first.pk])).content.decode()
    assert 'id="cases-title"' not in page and case.reference not in page
