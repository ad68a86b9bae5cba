"""Survey pages: results (with CSV), call lists (draw, assign), the volunteer's own calls (only
what a call needs, each view logged, a call recorded, bad input named), the neighbourhood team's
follow-ups; who may open each page; bounded queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.quality import survey_calls
from beacon.quality.survey_models import CallAttempt, CallList, CallListEntry, SurveyFollowUp, SurveyResponse
from beacon.quality.tests.factories import area, at, neighbourhood
from beacon.quality.tests.survey_factories import SCALE, answered, responses, victim

pytestmark = pytest.mark.django_db
S = "asb-callback"
JUNE = dt.date(2024, 6, 1)


@pytest.fixture
def town(make_user: Callable[..., User]) -> dict[str, Any]:
    north, south = area("North", "N"), area("South", "S")
    market = neighbourhood(north, "N1", "Market")
    users = {}
    for name, role in (
        ("manager", Role.PERFORMANCE),
        ("volunteer", Role.VOLUNTEER),
        ("other_volunteer", Role.VOLUNTEER),
        ("officer", Role.OFFICER),
        ("analyst", Role.ANALYST),
        ("handler", Role.CALL_HANDLER),
    ):
        users[name] = make_user(role, username=name)
        users[name].areas.add(north)
    victims = [victim(at(2024, 4, 1 + i), north, market) for i in range(6)]
    draw = survey_calls.draw_call_list(users["manager"], S, north, "2024-06", 6, 11)
    assert draw.call_list is not None
    entries = list(draw.call_list.entries.order_by("position"))
    survey_calls.assign_entries(
        users["manager"], draw.call_list, users["volunteer"], [e.pk for e in entries[:4]]
    )
    survey_calls.assign_entries(users["manager"], draw.call_list, users["other_volunteer"], [entries[4].pk])
    return {
        "north": north,
        "south": south,
        "market": market,
        "victims": victims,
        "list": draw.call_list,
        "entries": entries,
        **users,
    }


def _mine(town: dict[str, Any]) -> list[CallListEntry]:
    return list(CallListEntry.objects.filter(volunteer=town["volunteer"]).order_by("position"))


PAGES = {
    "quality:survey_results": ("surveys.view", Role.ANALYST),
    "quality:call_lists": ("surveys.manage", Role.PERFORMANCE),
    "quality:new_call_list": ("surveys.manage", Role.PERFORMANCE),
    "quality:my_calls": ("surveys.call", Role.VOLUNTEER),
    "quality:follow_ups": ("incidents.inbox", Role.OFFICER),
}


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("role", list(Role))
def test_each_page_opens_for_the_roles_with_its_capability_and_refuses_the_others(
    name: str, role: str, make_user: Callable[..., User], client_for: Callable[..., Client]
) -> None:
    user = make_user(role, all_areas=True)
    r = client_for(user).get(reverse(name))
    assert r.status_code == (200 if user.can(PAGES[name][0]) else 403), (name, role, r.status_code)


def test_a_volunteer_is_refused_the_incident_person_and_case_pages(
    town: dict[str, Any], client_for: Callable[..., Client]
) -> None:
    from beacon.cases.models import Case

    c = client_for(town["volunteer"])
    entry = _mine(town)[0]
    case = Case.objects.create(reference="CASE-V-1", title="Noise", risk_level="medium", area=town["north"])
    for url in (
        reverse("incidents:detail", args=[entry.incident_id]),
        reverse("incidents:list"),
        reverse("people:lookup"),
        reverse("people:person", args=[entry.record.person_id]),
        reverse("cases:list"),
        reverse("cases:detail", args=[case.pk]),
        reverse("quality:call_lists"),
        reverse("quality:survey_results"),
    ):
        assert c.get(url).status_code == 403, url


def test_the_volunteer_lands_on_their_calls_and_sees_only_their_entries_and_the_allowed_fields(
    town: dict[str, Any], client_for: Callable[..., Client], django_assert_max_num_queries: Any
) -> None:
    c = client_for(town["volunteer"])
    assert c.get("/").url == reverse("quality:my_calls")
    before = AuditEvent.objects.filter(action=AuditEvent.Action.READ).count()
    with django_assert_max_num_queries(15):
        r = c.get(reverse("quality:my_calls"))
    html = r.content.decode()
    assert r.status_code == 200
    mine = _mine(town)
    others = list(CallListEntry.objects.exclude(volunteer=town["volunteer"]).order_by("position"))
    assert len(mine) == 4 and len(others) == 2
    for e in mine:
        assert f">Test {e.record.given_surname}<" in html and e.record.given_phone in html
        assert e.incident.reference not in html
    for e in others:
        assert f">Test {e.record.given_surname}<" not in html and e.record.given_phone not in html
    assert "Youths kicking" not in html  # the incident's description
    assert "/incidents/" not in html and "/people/" not in html and "/cases/" not in html
    reads = AuditEvent.objects.filter(action=AuditEvent.Action.READ, actor=town["volunteer"])
    assert reads.count() - before == len(mine)
    assert all("survey call-back" in e.reason for e in reads)
    one = c.get(reverse("quality:call", args=[mine[0].pk]))
    assert one.status_code == 200 and mine[0].record.given_surname in one.content.decode()
    assert "/incidents/" not in one.content.decode()
    assert reads.filter(object_pk=str(mine[0].record_id)).count() == 2
    # another volunteer's call is not theirs
    assert c.get(reverse("quality:call", args=[others[0].pk])).status_code == 404


def test_recording_a_completed_survey_and_an_unanswered_call(
    town: dict[str, Any], client_for: Callable[..., Client]
) -> None:
    c = client_for(town["volunteer"])
    first, second = _mine(town)[:2]
    data = {f"answer_{q}": "5" for q in SCALE} | {
        "answer_kept_informed": "2",
        "answer_comments": "Nobody rang me back.",
        "outcome": "completed",
        "ethnicity": "A1",
        "age_band": "35-44",
        "disability": "no",
        "call_back": "1",
        "follow_up_note": "Wants to hear about the court date.",
    }
    r = c.post(reverse("quality:call", args=[first.pk]), data)
    assert r.status_code == 302 and r.url == reverse("quality:my_calls")
    response = SurveyResponse.objects.get(entry=first)
    assert response.ethnicity == "A1" and response.age_band == "35-44" and response.disability == "no"
    assert {a.question: a.value for a in response.answers.all()}["kept_informed"] == 2
    assert response.answers.get(question="comments").text == "Nobody rang me back."
    task = SurveyFollowUp.objects.get(entry=first)
    assert task.reason == "call_back" and task.neighbourhood == town["market"]
    r = c.post(reverse("quality:call", args=[second.pk]), {"outcome": "no_answer"})
    assert r.status_code == 302
    second.refresh_from_db()
    assert second.status == CallListEntry.Status.NO_ANSWER
    assert CallAttempt.objects.filter(entry=second, outcome="no_answer").count() == 1
    page = c.get(reverse("quality:my_calls")).content.decode()
    assert f">Test {first.record.given_surname}<" not in page
    assert f">Test {second.record.given_surname}<" in page


def test_bad_input_is_reported_with_the_field_named(
    town: dict[str, Any], client_for: Callable[..., Client]
) -> None:
    c = client_for(town["volunteer"])
    entry = _mine(town)[0]
    r = c.post(reverse("quality:call", args=[entry.pk]), {})
    html = r.content.decode()
    assert r.status_code == 422 and 'href="#id_outcome"' in html and "govuk-error-message" in html
    r = c.post(
        reverse("quality:call", args=[entry.pk]),
        {"outcome": "completed", "answer_treatment": "7", "ethnicity": "ZZ", "age_band": "12"},
    )
    html = r.content.decode()
    assert r.status_code == 422
    for field in ("id_answers.treatment", "id_ethnicity", "id_age_band"):
        assert f'href="#{field}"' in html and f'id="{field}-error"' in html, field
    r = c.post(reverse("quality:call", args=[entry.pk]), {"outcome": "completed"})
    assert r.status_code == 422 and 'href="#id_answers"' in r.content.decode()
    r = c.post(reverse("quality:call", args=[entry.pk]), {"outcome": "no_answer", "new_incident": "1"})
    assert r.status_code == 422 and 'href="#id_follow_up"' in r.content.decode()
    assert not CallAttempt.objects.filter(entry=entry).exists()


def test_call_lists_are_listed_drawn_and_given_out_on_the_pages(
    town: dict[str, Any], client_for: Callable[..., Client], django_assert_max_num_queries: Any
) -> None:
    c = client_for(town["manager"])
    with django_assert_max_num_queries(12):
        r = c.get(reverse("quality:call_lists"))
    assert r.status_code == 200 and f"List {town['list'].pk}" in r.content.decode()
    for i in range(6):
        victim(at(2024, 5, 1 + i), town["north"], town["market"])
    check = c.get(
        reverse("quality:new_call_list"),
        {"survey": S, "area": "N", "month": "2024-07", "size": "3", "check": "1"},
    )
    assert check.status_code == 200 and "6 victims may be called" in check.content.decode()
    bad = c.post(
        reverse("quality:new_call_list"),
        {"survey": S, "area": "N", "month": "2024-7x", "size": "0", "seed": "1"},
    )
    assert (
        bad.status_code == 422
        and 'href="#id_month"' in bad.content.decode()
        and 'href="#id_size"' in bad.content.decode()
    )
    ok = c.post(
        reverse("quality:new_call_list"),
        {"survey": S, "area": "N", "month": "2024-07", "size": "3", "seed": "5"},
    )
    new = CallList.objects.exclude(pk=town["list"].pk).get()
    assert ok.status_code == 302 and ok.url == reverse("quality:call_list", args=[new.pk]) and new.size == 3
    with django_assert_max_num_queries(15):
        page = c.get(reverse("quality:call_list", args=[new.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "--seed 5" in html and "Youths kicking" not in html
    r = c.post(reverse("quality:assign_calls", args=[new.pk]), {"volunteer": town["volunteer"].pk})
    assert r.status_code == 302 and new.entries.filter(volunteer=town["volunteer"]).count() == 3
    # a list in another area is not found
    c2 = client_for(town["officer"])
    assert c2.get(reverse("quality:call_list", args=[new.pk])).status_code == 403


def test_the_neighbourhood_team_marks_a_follow_up_done(
    town: dict[str, Any], client_for: Callable[..., Client], django_assert_max_num_queries: Any
) -> None:
    entry = _mine(town)[0]
    survey_calls.record_attempt(
        town["volunteer"], entry, "refused", follow_up={"reason": "new_incident", "note": "Car set alight"}
    )
    c = client_for(town["officer"])
    with django_assert_max_num_queries(15):
        r = c.get(reverse("quality:follow_ups"))
    assert r.status_code == 200 and "Car set alight" in r.content.decode()
    task = SurveyFollowUp.objects.get()
    assert c.post(reverse("quality:follow_up_done", args=[task.pk])).status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None and task.done_by == town["officer"]


def test_results_page_shows_rates_groups_breakdowns_and_downloads_csv(
    town: dict[str, Any], client_for: Callable[..., Client]
) -> None:
    north, south = town["north"], town["south"]
    for m in (dt.date(2024, 1, 1), dt.date(2024, 2, 1)):
        responses(north, m, answered("treatment", [5] * 30 + [1] * 10), ethnicity="A1", age_band="25-34")
        responses(south, m, answered("treatment", [5] * 20 + [2] * 20), ethnicity="W1")
    c = client_for(town["analyst"])
    q = {
        "survey": S,
        "from": "2024-01",
        "to": "2024-02",
        "groups": "pilot=N\ncontrol=S",
        "min_responses": "30",
    }
    r = c.get(reverse("quality:survey_results"), q)
    html = r.content.decode()
    assert r.status_code == 200
    assert 'data-testid="overall"' in html and "62.5%" in html  # 100 satisfied of 160
    assert 'data-testid="comparisons"' in html and "pilot minus control" in html
    assert "fewer than 30 responses" in html  # e.g. Bangladeshi
    assert 'data-testid="months"' in html and 'data-testid="rolling"' in html
    bad = c.get(reverse("quality:survey_results"), {**q, "from": "2024-13"})
    assert bad.status_code == 422 and 'href="#id_from"' in bad.content.decode()
    csv = c.get(reverse("quality:survey_results"), {**q, "format": "csv"})
    assert csv.status_code == 200 and "text/csv" in csv["Content-Type"]
    body = csv.content.decode("utf-8-sig")
    assert body.startswith("Section,Group or month,Question") and "overall" in body and "pilot (N)" in body
