"""Incident pages: who may see and do what, taking a report (errors on the fields they belong to,
nothing written), the live check, an incident's page and its forms (conflicts, access log), the
lists, the inbox and its acknowledgement, query counts, navigation."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.incidents import services
from beacon.incidents.models import InboxItem, Incident, IncidentPerson, SupervisionNote
from beacon.incidents.tests.factories import caller, report
from beacon.people import selectors as people_selectors
from beacon.people.models import Person

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
CREATORS = {Role.CALL_HANDLER, Role.OFFICER, Role.SUPERVISOR}
VIEWERS = {Role.CALL_HANDLER, Role.OFFICER, Role.SUPERVISOR, Role.ANALYST, Role.ADMIN}
INBOX = {Role.OFFICER, Role.SUPERVISOR}
SUPERVISORS = {Role.SUPERVISOR}
REGISTRARS = {Role.SUPERVISOR, Role.PERFORMANCE, Role.ADMIN}
CRIME_DECIDERS = CREATORS | REGISTRARS
LIVE_REASON = "live check while taking a report"


@pytest.fixture
def handler(make_user: Callable[..., User]) -> User:
    return make_user(Role.CALL_HANDLER, username="handler", all_areas=True)


@pytest.fixture
def incident(town: dict[str, Any], handler: User) -> Incident:
    lat, lon = town["priority_point"]
    return services.create_incident(
        handler,
        report(
            lat=lat,
            lon=lon,
            answers={"threats_or_damage": "yes"},
            people=[caller("Ann", "Smith", phone="07700 900456")],
        ),
    )


def _form(town: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """A complete call as the call-taking page posts it."""
    lat, lon = town["inside"]
    data: dict[str, Any] = {
        "action": "save",
        "screening_version": "1",
        "channel": "101",
        "p0_role": "caller",
        "p0_forename": "Ann",
        "p0_surname": "Smith",
        "p0_phone": "07700 900456",
        "p1_role": "subject",
        "lat": str(lat),
        "lon": str(lon),
        "is_asb": "yes",
        "asb_category": "nuisance",
        "type_heading": "rowdy-inconsiderate",
        "description": "Youths kicking a ball against cars.",
        "answer_happened_before": "no",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _summary_links(html: str) -> set[str]:
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</div>\n</div>", 1)[0]
    return set(re.findall(r'href="#([^"]+)"', summary))


# ---------------------------------------------------------------------------------------------
# Who may see what


PAGES: list[tuple[str, set[Role]]] = [
    ("incidents:list", VIEWERS),
    ("incidents:new", CREATORS),
    ("incidents:report", CREATORS),
    ("incidents:detail", VIEWERS),
    ("incidents:crime_decision", CRIME_DECIDERS),
    ("incidents:inbox", INBOX),
    ("incidents:unacknowledged", SUPERVISORS),
    ("incidents:crime_review", REGISTRARS),
]


@pytest.mark.parametrize("role", list(Role))
def test_every_page_answers_each_role_as_its_capabilities_say(
    role: str, incident: Incident, client_for: Callable[..., Client]
) -> None:
    c = client_for(role=role, all_areas=True)
    for name, allowed in PAGES:
        args = [incident.pk] if name in ("incidents:detail", "incidents:crime_decision") else []
        r = c.get(reverse(name, args=args))
        expected = 200 if role in allowed else 403
        assert r.status_code == expected, (name, role, r.status_code)
    # The live check and every form that writes.
    posts = [
        (reverse("incidents:check"), {"p0_surname": "Smith"}, CREATORS),
        (reverse("incidents:close", args=[incident.pk]), {"version": "999"}, CREATORS),
        (reverse("incidents:supervise", args=[incident.pk]), {"note": ""}, SUPERVISORS),
        (reverse("incidents:acknowledge", args=[incident.inbox_item.pk]), {}, INBOX),
    ]
    for url, data, allowed in posts:
        r = c.post(url, data)
        assert (r.status_code != 403) == (role in allowed), (url, role, r.status_code)
    if role == Role.PARTNER:
        assert Incident.objects.get().status == Incident.Status.OPEN


def test_anonymous_visitors_are_sent_to_sign_in(incident: Incident) -> None:
    c = Client()
    for name, _ in PAGES:
        args = [incident.pk] if name in ("incidents:detail", "incidents:crime_decision") else []
        r = c.get(reverse(name, args=args))
        assert r.status_code == 302 and r["Location"].startswith("/login/"), name
    r = c.post(reverse("incidents:check"), {"p0_surname": "Smith"})
    assert r.status_code == 302 and r["Location"].startswith("/login/")


def test_incidents_outside_the_users_areas_are_not_shown(
    town: dict[str, Any], incident: Incident, client_for: Callable[..., Client], make_user: Any
) -> None:
    south = make_user(Role.OFFICER)
    south.areas.add(town["docks"].area)
    c = client_for(south)
    assert c.get(reverse("incidents:detail", args=[incident.pk])).status_code == 404
    assert incident.reference not in c.get(reverse("incidents:list")).content.decode()
    assert incident.reference not in c.get(reverse("incidents:inbox")).content.decode()
    r = c.post(reverse("incidents:acknowledge", args=[incident.inbox_item.pk]))
    assert r.status_code == 404
    assert not AuditEvent.objects.filter(model="incident", action="read").exists()


def test_navigation_offers_the_incident_pages_by_role(client_for: Callable[..., Client]) -> None:
    def labels(role: str, path: str = "/incidents/") -> dict[str, str]:
        r = client_for(role=role, all_areas=True).get(path)
        return {i["label"]: i["active"] for i in r.context["nav_items"]}

    handler = labels(Role.CALL_HANDLER, reverse("incidents:new"))
    assert handler["New report"] == "1" and handler["Incidents"] == ""
    assert "Inbox" not in handler and "Crime review" not in handler
    officer = labels(Role.OFFICER, reverse("incidents:inbox"))
    assert officer["Inbox"] == "1" and "New report" in officer and "Crime review" not in officer
    assert "Crime review" in labels(Role.PERFORMANCE, reverse("incidents:crime_review"))
    partner = client_for(role=Role.PARTNER).get("/")
    assert not {"New report", "Incidents", "Inbox", "Crime review"} & {
        i["label"] for i in partner.context["nav_items"]
    }


# ---------------------------------------------------------------------------------------------
# Taking a report


def test_the_call_taking_page_renders_the_current_questions_and_posts_its_details(
    town: dict[str, Any], client_for: Callable[..., Client], handler: User
) -> None:
    r = client_for(handler).get(reverse("incidents:new"))
    html = r.content.decode()
    assert r.status_code == 200
    assert '<form method="post"' in html and 'id="intake-form"' in html
    assert "Has this happened to you before?" in html and 'name="answer_impact"' in html
    assert 'hx-post="/incidents/check/"' in html and 'aria-live="polite"' in html
    assert 'value="101"' in html and 'value="front_counter"' not in html
    assert "Vehicle abandoned (not stolen)" in html and "Not recorded (historic record)" not in html
    report_page = client_for(handler).get(reverse("incidents:report")).content.decode()
    assert 'value="front_counter"' in report_page and 'value="patrol"' in report_page
    assert 'value="101"' not in report_page
    # The check never takes details in the address: GET is refused.
    assert client_for(handler).get(reverse("incidents:check")).status_code == 405


def test_a_report_is_saved_and_the_banner_says_flags_team_and_grade(
    town: dict[str, Any], client_for: Callable[..., Client], handler: User
) -> None:
    lat, lon = town["priority_point"]
    c = client_for(handler)
    r = c.post(reverse("incidents:new"), _form(town, lat=str(lat), lon=str(lon)), follow=True)
    inc = Incident.objects.get()
    assert r.redirect_chain[-1][0] == reverse("incidents:detail", args=[inc.pk])
    html = r.content.decode()
    assert f"Report {inc.reference} saved." in html
    assert "Local priority" in html and "Market neighbourhood team notified" in html
    assert "Response grade: Urgent" in html
    assert inc.channel == "101" and inc.local_priority and inc.notified_team == town["market"]
    assert InboxItem.objects.filter(incident=inc, neighbourhood=town["market"]).exists()
    ip = IncidentPerson.objects.get(incident=inc)
    assert ip.role == "caller" and ip.record.given_forename == "Ann"


def test_form_problems_are_shown_in_the_summary_and_on_their_fields(
    town: dict[str, Any], client_for: Callable[..., Client], handler: User
) -> None:
    r = client_for(handler).post(reverse("incidents:new"), _form(town, channel="", description=""))
    html = r.content.decode()
    assert r.status_code == 200 and "<title>Error:" in html
    assert {"id_channel_0", "id_description"} <= _summary_links(html)
    assert "Choose how it was reported." in html and "Describe what happened." in html
    assert 'id="id_description-error"' in html
    assert Incident.objects.count() == 0 and Person.objects.count() == 0


def test_service_problems_go_on_the_fields_they_name_and_nothing_is_written(
    town: dict[str, Any], client_for: Callable[..., Client], handler: User
) -> None:
    data = _form(
        town,
        p0_phone="+1 212 555 0100",
        type_heading="",
        answer_impact="",
        p1_forename="Kyle",
        p1_dob="31/02/1990",
        postcode="NOT A POSTCODE",
    )
    r = client_for(handler).post(reverse("incidents:new"), data)
    html = r.content.decode()
    assert r.status_code == 200
    links = _summary_links(html)
    assert {"id_p0_phone", "id_p1_dob", "id_type_heading", "id_postcode"} <= links
    assert 'id="id_p0_phone-error"' in html and "Choose the type of ASB." in html
    # What was typed is kept.
    assert 'value="+1 212 555 0100"' in html and 'value="Kyle"' in html
    assert Incident.objects.count() == 0 and Person.objects.count() == 0


def test_a_disclosed_crime_asks_for_a_crime_reference_or_a_reason(
    town: dict[str, Any], client_for: Callable[..., Client], handler: User
) -> None:
    c = client_for(handler)
    url = reverse("incidents:report")
    data = _form(town, channel="front_counter", answer_threats_or_damage="yes")
    r = c.post(url, data)
    html = r.content.decode()
    assert "id_crime_recorded_0" in _summary_links(html)
    assert "A crime may have been disclosed" in html
    assert '<div id="crime-section">' in html  # shown, not hidden
    r = c.post(url, {**data, "crime_recorded": "yes"})
    assert "id_crime_reference" in _summary_links(r.content.decode())
    r = c.post(url, {**data, "crime_recorded": "no"})
    assert "id_no_crime_reason" in _summary_links(r.content.decode())
    assert Incident.objects.count() == 0
    r = c.post(url, {**data, "crime_recorded": "yes", "crime_reference": "CR/123/26"})
    inc = Incident.objects.get()
    assert r.status_code == 302 and inc.crime_reference == "CR/123/26" and inc.crime_recorded
    # A type heading that suggests a crime asks too; "not decided yet" is an answer.
    r = c.post(url, {**_form(town, channel="patrol", type_heading="malicious-communications")})
    assert "id_crime_recorded_0" in _summary_links(r.content.decode())
    c.post(
        url,
        {**_form(town, channel="patrol", type_heading="malicious-communications"), "crime_recorded": "later"},
    )
    later = Incident.objects.latest("id")
    assert later.crime_disclosed and later.crime_outstanding


def test_a_crime_section_is_hidden_until_a_crime_is_disclosed(
    town: dict[str, Any], client_for: Callable[..., Client], handler: User
) -> None:
    html = client_for(handler).get(reverse("incidents:new")).content.decode()
    assert '<div id="crime-section" hidden>' in html
    r = client_for(handler).post(reverse("incidents:new"), _form(town, description=""))
    assert '<div id="crime-section" hidden>' in r.content.decode()


def test_a_different_grade_needs_a_reason(
    town: dict[str, Any], client_for: Callable[..., Client], handler: User
) -> None:
    c = client_for(handler)
    r = c.post(reverse("incidents:new"), _form(town, response_grade="immediate"))
    assert "id_grade_override_reason" in _summary_links(r.content.decode())
    assert Incident.objects.count() == 0
    c.post(
        reverse("incidents:new"),
        _form(town, response_grade="immediate", grade_override_reason="Glass breaking heard"),
    )
    inc = Incident.objects.get()
    assert inc.response_grade.code == "immediate" and inc.grade_override_reason == "Glass breaking heard"


def test_checking_without_javascript_shows_the_panel_and_saves_nothing(
    town: dict[str, Any], client_for: Callable[..., Client], handler: User
) -> None:
    lat, lon = town["outside"]
    r = client_for(handler).post(
        reverse("incidents:new"), _form(town, action="check", description="", lat=str(lat), lon=str(lon))
    )
    html = r.content.decode()
    assert r.status_code == 200 and "There is a problem" not in html
    assert "outside the force" in html and 'data-testid="location-problem"' in html
    assert Incident.objects.count() == 0


# ---------------------------------------------------------------------------------------------
# The live check


@pytest.fixture
def whitfield(town: dict[str, Any], handler: User, active_model: Any) -> list[Incident]:
    """Two earlier reports by the same caller, under slightly different names."""
    lat, lon = town["inside"]
    return [
        services.create_incident(
            handler, report(lat=lat, lon=lon, people=[caller("Margaret", "Whitfield", phone="07700 900123")])
        ),
        services.create_incident(
            handler, report(lat=lat, lon=lon, people=[caller("Maggie", "Whitfield", phone="07700900123")])
        ),
    ]


def test_the_live_check_shows_earlier_reports_the_repeat_flag_and_nearby_incidents(
    town: dict[str, Any],
    whitfield: list[Incident],
    client_for: Callable[..., Client],
    handler: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    person_id = IncidentPerson.objects.filter(incident=whitfield[0]).get().record.person_id
    monkeypatch.setattr(
        people_selectors,
        "SUMMARY_PROVIDERS",
        [lambda ids: {i: {"open_cases": ["ASB-CASE-7"], "risk_level": "High"} for i in ids}],
    )
    lat, lon = town["inside"]
    data = {
        "p0_forename": "Margret",
        "p0_surname": "Whitfeld",
        "p0_phone": "07700900123",
        "p0_role": "caller",
        "lat": str(lat),
        "lon": str(lon),
        "screening_version": "1",
        "channel": "101",
    }
    r = client_for(handler).post(reverse("incidents:check"), data, **HTMX)
    html = r.content.decode()
    assert r.status_code == 200 and "<html" not in html
    card = html.split(f'data-testid="match-{person_id}"', 1)[1].split("</details>", 1)[0]
    assert whitfield[0].reference in card and whitfield[1].reference in card
    assert "Repeat victim" in card and "2 earlier contacts" in card
    # Who they are and what to ask, beside the choice (the name by the person index's rule).
    candidate = html.split(f'data-testid="candidate-{person_id}"', 1)[1].split(
        'class="govuk-radios__item"', 1
    )[0]
    assert "Margaret Whitfield" in candidate and "Last contact" in candidate
    assert re.search(r"\d+(\.\d)?%|over 99\.9%", candidate)
    assert re.search(r"(Very likely|Likely|Possible|Unlikely)", candidate)
    assert "phone" in card  # the why list
    assert "Open cases" in card and "ASB-CASE-7" in card and "Risk level" in card and "High" in card
    nearby = html.split('data-testid="nearby"', 1)[1].split("</ul>", 1)[0]
    assert whitfield[0].reference in nearby and " m away" in nearby
    assert "Market neighbourhood" in html
    assert 'hx-swap-oob="true"' in html and "Suggested grade" in html
    # Both the people and the incidents shown are in the access log.
    assert AuditEvent.objects.filter(
        action="read", model="person", object_pk=str(person_id), reason=LIVE_REASON, actor=handler
    ).exists()
    for inc in whitfield:
        assert AuditEvent.objects.filter(
            action="read", model="incident", object_pk=str(inc.pk), reason=LIVE_REASON
        ).exists()
    # Choosing the person previews the flag the save will raise.
    r = client_for(handler).post(
        reverse("incidents:check"), {**data, "caller_person": str(person_id)}, **HTMX
    )
    flags = r.content.decode().split('data-testid="preview-flags"', 1)[1].split("</ul>", 1)[0]
    assert "Repeat victim" in flags and "Urgent" in r.content.decode()


def test_the_live_check_says_what_it_cannot_use(
    town: dict[str, Any], client_for: Callable[..., Client], handler: User, active_model: Any
) -> None:
    c = client_for(handler)
    r = c.post(reverse("incidents:check"), {"p0_surname": "Smith", "p0_phone": "+33 1 23 45 67 89"}, **HTMX)
    html = r.content.decode()
    assert 'href="#id_p0_phone"' in html
    lat, lon = town["outside"]
    r = c.post(reverse("incidents:check"), {"lat": str(lat), "lon": str(lon)}, **HTMX)
    assert "outside the force" in r.content.decode()
    r = c.post(reverse("incidents:check"), {"postcode": "LE1 7ZZ"}, **HTMX)
    assert "not known" in r.content.decode()
    r = c.post(
        reverse("incidents:check"),
        {"answer_threats_or_damage": "yes", "screening_version": "1", "p0_surname": "Smith"},
        **HTMX,
    )
    assert "data-crime-disclosed" in r.content.decode()
    r = c.post(reverse("incidents:check"), {}, **HTMX)
    assert 'data-testid="live-idle"' in r.content.decode()


def test_the_live_check_works_before_any_matching_model_exists(
    town: dict[str, Any], client_for: Callable[..., Client], handler: User
) -> None:
    r = client_for(handler).post(reverse("incidents:check"), {"p0_surname": "Smith"}, **HTMX)
    assert r.status_code == 200 and "People cannot be matched yet" in r.content.decode()


def test_the_person_chosen_in_the_live_check_is_the_caller(
    town: dict[str, Any], whitfield: list[Incident], client_for: Callable[..., Client], handler: User
) -> None:
    person_id = IncidentPerson.objects.filter(incident=whitfield[0]).get().record.person_id
    data = _form(
        town,
        p0_forename="Margret",
        p0_surname="Whitfeld",
        p0_phone="07700900123",
        caller_person=str(person_id),
    )
    r = client_for(handler).post(reverse("incidents:new"), data)
    assert r.status_code == 302
    inc = Incident.objects.latest("id")
    assert IncidentPerson.objects.get(incident=inc).record.person_id == person_id
    assert inc.repeat_victim and f"person {person_id}" in inc.flag_reasons["repeat_victim"]
    # A person who does not exist is refused on the choice itself.
    r = client_for(handler).post(reverse("incidents:new"), {**data, "caller_person": "999999"})
    assert "id_caller_person_0" in _summary_links(r.content.decode())


# ---------------------------------------------------------------------------------------------
# An incident


def test_an_incident_page_shows_what_was_recorded_and_logs_the_view(
    town: dict[str, Any], incident: Incident, client_for: Callable[..., Client], handler: User
) -> None:
    r = client_for(handler).get(reverse("incidents:detail", args=[incident.pk]))
    html = r.content.decode()
    person_id = IncidentPerson.objects.get(incident=incident).record.person_id
    assert "Local priority" in html and town["priority_name"] in html
    assert "Crime disclosed" in html and "Has anyone been threatened" in html
    assert "Market neighbourhood team notified" in html and "not acknowledged yet" in html
    assert f'href="/people/{person_id}/?purpose={incident.reference}"' in html
    assert "Ann Smith" in html and "Not supervised yet." in html
    read = AuditEvent.objects.get(model="incident", object_pk=str(incident.pk), action="read")
    assert read.reason == "viewing incident" and read.actor == handler and read.source == "web"
    assert AuditEvent.objects.filter(
        model="person",
        object_pk=str(person_id),
        action="read",
        reason=f"viewing incident {incident.reference}",
    ).exists()


def test_a_stale_crime_decision_shows_the_conflict_and_keeps_the_first(
    incident: Incident, client_for: Callable[..., Client], make_user: Any
) -> None:
    officer = make_user(Role.OFFICER, all_areas=True, username="pc_first")
    services.record_crime_decision(officer, incident, version=incident.version, crime_reference="CR/1/26")
    r = client_for(role=Role.SUPERVISOR, all_areas=True).post(
        reverse("incidents:crime_decision", args=[incident.pk]),
        {"version": str(incident.version), "no_crime_reason": "No offence"},
    )
    html = r.content.decode()
    assert r.status_code == 409 and "Your changes were not saved" in html
    assert "pc_first" in html and "CR/1/26" in html
    incident.refresh_from_db()
    assert incident.crime_reference == "CR/1/26" and incident.no_crime_reason == ""


def test_a_stale_close_shows_the_conflict_and_nothing_is_closed(
    incident: Incident, client_for: Callable[..., Client], make_user: Any
) -> None:
    officer = make_user(Role.OFFICER, all_areas=True, username="pc_first")
    services.record_crime_decision(officer, incident, version=incident.version, crime_reference="CR/1/26")
    r = client_for(role=Role.OFFICER, all_areas=True).post(
        reverse("incidents:close", args=[incident.pk]),
        {"version": str(incident.version), "closure_code": "advice-given", "closing_note": "Advised"},
    )
    html = r.content.decode()
    assert r.status_code == 409 and "Your changes were not saved" in html and "Crime reference" in html
    assert "Advised</textarea>" in html  # what they wrote is kept to try again
    incident.refresh_from_db()
    assert incident.status == Incident.Status.OPEN


def test_closing_without_a_crime_decision_puts_it_on_the_registrars_list(
    incident: Incident, client_for: Callable[..., Client], make_user: Any
) -> None:
    officer = client_for(role=Role.OFFICER, all_areas=True)
    url = reverse("incidents:close", args=[incident.pk])
    r = officer.post(url, {"version": str(incident.version), "closure_code": "", "closing_note": ""})
    assert {"id_closure_code", "id_closing_note"} <= _summary_links(r.content.decode())
    r = officer.post(
        url,
        {"version": str(incident.version), "closure_code": "advice-given", "closing_note": "Advised"},
        follow=True,
    )
    assert "crime registrar" in r.content.decode()
    registrar = client_for(make_user(Role.PERFORMANCE, all_areas=True))
    listing = registrar.get(reverse("incidents:crime_review")).content.decode()
    assert incident.reference in listing and "Record decision" in listing
    page = registrar.get(reverse("incidents:crime_decision", args=[incident.pk]))
    assert page.status_code == 200
    closed = Incident.objects.get(pk=incident.pk)
    r = registrar.post(
        reverse("incidents:crime_decision", args=[incident.pk]),
        {"version": str(closed.version), "crime_reference": "", "no_crime_reason": ""},
    )
    assert "id_crime_reference" in _summary_links(r.content.decode())
    r = registrar.post(
        reverse("incidents:crime_decision", args=[incident.pk]),
        {"version": str(closed.version), "no_crime_reason": "No offence on the facts given"},
    )
    assert r.status_code == 302 and r["Location"] == reverse("incidents:crime_review")
    assert incident.reference not in registrar.get(reverse("incidents:crime_review")).content.decode()


def test_supervision_is_added_and_the_list_shows_it(
    town: dict[str, Any], incident: Incident, client_for: Callable[..., Client], make_user: Any, handler: User
) -> None:
    other = services.create_incident(handler, report())
    sergeant = client_for(make_user(Role.SUPERVISOR, all_areas=True))
    url = reverse("incidents:supervise", args=[incident.pk])
    r = sergeant.post(url, {"note": "  "})
    assert "id_note" in _summary_links(r.content.decode()) and SupervisionNote.objects.count() == 0
    r = sergeant.post(url, {"note": "Grade right; call the victim back tomorrow."}, follow=True)
    assert "call the victim back tomorrow" in r.content.decode()
    listing = sergeant.get(reverse("incidents:list")).content.decode()
    assert "Supervised" in listing and "Yes, " in listing
    unsupervised = sergeant.get(reverse("incidents:list"), {"supervised": "no"}).content.decode()
    assert other.reference in unsupervised and incident.reference not in unsupervised
    flagged = sergeant.get(reverse("incidents:list"), {"flag": "local_priority"}).content.decode()
    assert incident.reference in flagged and other.reference not in flagged


# ---------------------------------------------------------------------------------------------
# The inbox


def test_the_team_acknowledges_an_inbox_item_in_place_or_without_javascript(
    town: dict[str, Any], incident: Incident, client_for: Callable[..., Client], make_user: Any, handler: User
) -> None:
    officer = make_user(Role.OFFICER, username="pc_market", first_name="Pat", last_name="Lee")
    officer.areas.add(town["market"].area)
    c = client_for(officer)
    html = c.get(reverse("incidents:inbox")).content.decode()
    assert incident.reference in html and "Local priority" in html and "Urgent" in html
    item = incident.inbox_item
    r = c.post(reverse("incidents:acknowledge", args=[item.pk]), **HTMX)
    row = r.content.decode()
    assert row.startswith("<tr") and "Acknowledged by Pat Lee" in row
    item.refresh_from_db()
    assert item.acknowledged_by == officer
    assert incident.reference not in c.get(reverse("incidents:inbox")).content.decode()
    assert incident.reference in c.get(reverse("incidents:inbox"), {"show": "all"}).content.decode()
    lat, lon = town["inside"]
    second = services.create_incident(handler, report(lat=lat, lon=lon))
    r = c.post(reverse("incidents:acknowledge", args=[second.inbox_item.pk]))
    assert r.status_code == 302 and r["Location"] == reverse("incidents:inbox")
    assert InboxItem.objects.filter(acknowledged_at__isnull=True).count() == 0


def test_the_sergeant_sees_items_not_acknowledged_in_time(
    town: dict[str, Any], incident: Incident, client_for: Callable[..., Client], make_user: Any
) -> None:
    sergeant = make_user(Role.SUPERVISOR)
    sergeant.areas.add(town["market"].area)
    c = client_for(sergeant)
    assert incident.reference not in c.get(reverse("incidents:unacknowledged")).content.decode()
    # Late by the time the incident was received (the team may have been told later).
    Incident.objects.filter(pk=incident.pk).update(received_at=timezone.now() - dt.timedelta(hours=30))
    html = c.get(reverse("incidents:unacknowledged")).content.decode()
    assert incident.reference in html and "Overdue" in html


# ---------------------------------------------------------------------------------------------
# Query counts


def test_the_list_and_the_inbox_read_a_bounded_number_of_times(
    town: dict[str, Any],
    handler: User,
    client_for: Callable[..., Client],
    make_user: Any,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    lat, lon = town["priority_point"]
    for i in range(30):
        services.create_incident(handler, report(lat=lat, lon=lon, answers={"household_disability": "yes"}))
        if i % 3 == 0:
            services.add_supervision(
                make_user(Role.SUPERVISOR, username="sgt"), Incident.objects.latest("id"), "ok"
            )
    officer = make_user(Role.OFFICER)
    officer.areas.add(town["market"].area)
    viewer = client_for(officer)
    viewer.get(reverse("incidents:list"))  # warm the session
    # each page: its reads, and one insert writing the incidents shown to the access log
    with django_assert_max_num_queries(11):
        r = viewer.get(reverse("incidents:list"))
    assert r.content.decode().count('href="/incidents/') >= 25
    with django_assert_max_num_queries(12):  # and the neighbourhoods the list can be narrowed to
        r = viewer.get(reverse("incidents:inbox"))
    assert r.content.decode().count("Acknowledge<span") == 30
    with django_assert_max_num_queries(11):
        viewer.get(reverse("incidents:list"), {"supervised": "yes", "flag": "vulnerable_victim", "page": "1"})
