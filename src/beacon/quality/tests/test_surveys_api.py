"""The surveys' API: questionnaires, results (the command's JSON), call lists drawn and given out,
a volunteer's calls (only theirs, only what a call needs, access-logged), recording calls, officers'
agreement and the team's follow-ups; who may do what; bad input answered 422 naming the field."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.incidents.models import IncidentPerson
from beacon.quality import survey_calls
from beacon.quality.api_surveys import CALLS_REASON
from beacon.quality.survey_models import CallListEntry, SurveyClearance, SurveyFollowUp, SurveyResponse
from beacon.quality.tests.factories import area, at, neighbourhood
from beacon.quality.tests.survey_factories import SCALE, answered, person, responses, victim

pytestmark = pytest.mark.django_db
S = "asb-callback"
API = "/api/v1/quality/surveys"
JSON = "application/json"
DRAW = {"survey": S, "area": "N", "month": "2024-06", "size": 3, "seed": 7}
MY_CALL_KEYS = {
    "id",
    "call_list",
    "position",
    "status",
    "name",
    "phone",
    "email",
    "incident_date",
    "incident_type",
    "questions",
    "attempts",
}


@pytest.fixture
def sv(make_user: Callable[..., User]) -> dict[str, Any]:
    """North (with five consenting ASB victims in the window for June 2024) and South; a manager,
    two volunteers and an officer working in North; a force-wide analyst."""
    north, south = area("North", "N"), area("South", "S")
    market = neighbourhood(north, "N1", "Market")
    people: dict[str, Any] = {"north": north, "south": south, "market": market}
    for name, role in (
        ("manager", Role.PERFORMANCE),
        ("vol", Role.VOLUNTEER),
        ("vol2", Role.VOLUNTEER),
        ("officer", Role.OFFICER),
        ("local_analyst", Role.ANALYST),
    ):
        u = make_user(role, username=name)
        u.areas.add(north)
        people[name] = u
    people["south_officer"] = make_user(Role.OFFICER, username="south_officer")
    people["south_officer"].areas.add(south)
    people["analyst"] = make_user(Role.ANALYST, username="analyst", all_areas=True)
    people["victims"] = [victim(at(2024, 4, 1 + i), north, market) for i in range(5)]
    return people


def _api(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _field(r: Any) -> str:
    return str(r.json()["errors"][0]["field"])


def _drawn(sv: dict[str, Any], **extra: Any) -> dict[str, Any]:
    r = _api(sv["manager"]).post(f"{API}/call-lists", {**DRAW, **extra}, content_type=JSON)
    assert r.status_code == 201, r.content
    return dict(r.json())


def _given(sv: dict[str, Any], volunteer: str = "vol") -> dict[str, Any]:
    drawn = _drawn(sv)
    r = _api(sv["manager"]).post(
        f"{API}/call-lists/{drawn['id']}/assign", {"volunteer": volunteer}, content_type=JSON
    )
    assert r.status_code == 200 and r.json() == {"assigned": 3}, r.content
    return drawn


def test_questionnaires_are_listed_and_saved_as_versions(sv: dict[str, Any]) -> None:
    m = _api(sv["manager"])
    listed = m.get(f"{API}/questionnaires")
    assert listed.status_code == 200
    (example,) = listed.json()
    assert example["code"] == S and example["version"] == 1 and len(example["questions"]) == 6
    body: dict[str, Any] = {
        "code": S,
        "title": "ASB call-back",
        "questions": [{"code": "whole_experience", "text": "Overall?", "kind": "scale"}],
        "note": "Shorter",
    }
    saved = m.post(f"{API}/questionnaires", body, content_type=JSON)
    assert saved.status_code == 201, saved.content
    assert saved.json()["version"] == 2 and saved.json()["questions"][0]["code"] == "whole_experience"
    assert m.get(f"{API}/questionnaires").json()[0]["version"] == 2
    text_only = {**body, "questions": [{"code": "comments", "text": "Anything?", "kind": "text"}]}
    r = m.post(f"{API}/questionnaires", text_only, content_type=JSON)
    assert r.status_code == 422 and _field(r) == "questions"
    twice = {**body, "questions": body["questions"] * 2}
    r = m.post(f"{API}/questionnaires", twice, content_type=JSON)
    assert r.status_code == 422 and _field(r) == "questions[1].code"
    r = m.post(f"{API}/questionnaires", {**body, "code": "Bad Code"}, content_type=JSON)
    assert r.status_code == 422 and _field(r) == "code"
    assert _api(sv["officer"]).get(f"{API}/questionnaires").status_code == 403
    assert _api(sv["analyst"]).post(f"{API}/questionnaires", body, content_type=JSON).status_code == 403


def test_a_call_list_is_drawn_listed_and_shown_without_names(sv: dict[str, Any]) -> None:
    m = _api(sv["manager"])
    drawn = _drawn(sv)
    assert (drawn["size"], drawn["population"], drawn["seed"], drawn["area"]) == (3, 5, 7, "N")
    assert [e["position"] for e in drawn["entries"]] == [1, 2, 3]
    for e in drawn["entries"]:
        assert set(e) == {"id", "position", "incident", "status", "volunteer"}
        assert e["status"] == "to_call" and e["volunteer"] is None
    refs = {v.incident.reference for v in sv["victims"]}
    assert {e["incident"] for e in drawn["entries"]} <= refs
    listed = m.get(f"{API}/call-lists")
    assert listed.status_code == 200
    assert [(c["id"], c["to_call"], c["assigned"]) for c in listed.json()] == [(drawn["id"], 3, 0)]
    assert m.get(f"{API}/call-lists", {"limit": 1, "offset": 1}).json() == []
    assert m.get(f"{API}/call-lists/{drawn['id']}").json() == drawn
    assert m.get(f"{API}/call-lists/999999").status_code == 404


def test_drawing_refuses_bad_input_naming_the_field(sv: dict[str, Any]) -> None:
    m = _api(sv["manager"])
    too_big = m.post(f"{API}/call-lists", {**DRAW, "size": 3}, content_type=JSON)
    assert too_big.status_code == 201
    r = m.post(f"{API}/call-lists", {**DRAW, "size": 3}, content_type=JSON)  # 2 left eligible
    assert r.status_code == 422 and _field(r) == "size" and "larger than the 2 victims" in r.content.decode()
    for change, field in (
        ({"month": "2024-13"}, "month"),
        ({"area": "ZZ"}, "area"),
        ({"survey": "no-such"}, "survey"),
        ({"size": 0}, "size"),
        ({"seed": -1}, "seed"),
        ({"extra": 1}, "extra"),
    ):
        r = m.post(f"{API}/call-lists", {**DRAW, **change}, content_type=JSON)
        assert r.status_code == 422 and _field(r) == field, (change, r.content)


def test_call_lists_are_for_managers_in_their_areas(sv: dict[str, Any]) -> None:
    victim(at(2024, 4, 2), sv["south"])
    south = survey_calls.draw_call_list(None, S, "S", "2024-06", 1, 1).call_list
    assert south is not None
    m = _api(sv["manager"])
    r = m.post(f"{API}/call-lists", {**DRAW, "area": "S", "size": 1}, content_type=JSON)
    assert r.status_code == 403
    assert m.get(f"{API}/call-lists").json() == []
    assert m.get(f"{API}/call-lists/{south.pk}").status_code == 404
    assert (
        m.post(f"{API}/call-lists/{south.pk}/assign", {"volunteer": "vol"}, content_type=JSON).status_code
        == 404
    )
    for who in ("vol", "officer", "analyst"):
        c = _api(sv[who])
        assert c.get(f"{API}/call-lists").status_code == 403
        assert c.post(f"{API}/call-lists", DRAW, content_type=JSON).status_code == 403


def test_assigning_names_the_volunteer_and_entries(sv: dict[str, Any]) -> None:
    drawn = _drawn(sv)
    m = _api(sv["manager"])
    url = f"{API}/call-lists/{drawn['id']}/assign"
    r = m.post(url, {"volunteer": "nobody"}, content_type=JSON)
    assert r.status_code == 422 and _field(r) == "volunteer"
    r = m.post(url, {"volunteer": "officer"}, content_type=JSON)  # does not record calls
    assert r.status_code == 422 and _field(r) == "volunteer"
    r = m.post(url, {"volunteer": "vol", "entries": [999999]}, content_type=JSON)
    assert r.status_code == 422 and _field(r) == "entries"
    first = drawn["entries"][0]["id"]
    r = m.post(url, {"volunteer": "vol2", "entries": [first]}, content_type=JSON)
    assert r.json() == {"assigned": 1}
    assert m.post(url, {"volunteer": "vol"}, content_type=JSON).json() == {"assigned": 2}
    shown = m.get(f"{API}/call-lists/{drawn['id']}").json()
    assert [e["volunteer"] for e in shown["entries"]] == ["vol2", "vol", "vol"]


def test_a_volunteer_sees_only_their_calls_and_only_what_a_call_needs(sv: dict[str, Any]) -> None:
    drawn = _given(sv)
    before = AuditEvent.objects.filter(reason=CALLS_REASON).count()
    r = _api(sv["vol"]).get(f"{API}/my-calls")
    assert r.status_code == 200
    calls = r.json()
    assert [c["id"] for c in calls] == [e["id"] for e in drawn["entries"]]
    for c in calls:
        assert set(c) == MY_CALL_KEYS
        entry = CallListEntry.objects.select_related("record", "incident").get(pk=c["id"])
        rec = entry.record
        assert c["name"] == f"{rec.given_forename} {rec.given_surname}"
        assert (c["phone"], c["email"]) == (rec.given_phone, rec.given_email)
        assert c["incident_date"] == entry.incident.received_at.date().isoformat()
        assert c["incident_type"] == "ASB" and c["attempts"] == []
        assert [q["code"] for q in c["questions"]][:5] == SCALE
        assert "reference" not in json.dumps(c) and entry.incident.description not in json.dumps(c)
    logged = AuditEvent.objects.filter(reason=CALLS_REASON, actor=sv["vol"], action=AuditEvent.Action.READ)
    assert logged.count() - before == 3
    assert {e.object_pk for e in logged} == {
        str(CallListEntry.objects.get(pk=c["id"]).record_id) for c in calls
    }
    assert _api(sv["vol2"]).get(f"{API}/my-calls").json() == []
    assert _api(sv["vol"]).get(f"{API}/my-calls", {"limit": 1, "offset": 2}).json() == calls[2:]
    for who in ("officer", "analyst"):
        assert _api(sv[who]).get(f"{API}/my-calls").status_code == 403


def test_recording_calls_and_the_survey(sv: dict[str, Any]) -> None:
    drawn = _given(sv)
    vol = _api(sv["vol"])
    one, two, three = (e["id"] for e in drawn["entries"])
    r = vol.post(f"{API}/entries/{one}/attempts", {"outcome": "no_answer"}, content_type=JSON)
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "no_answer" and r.json()["response"] is None
    answers = {"whole_experience": 5, "treatment": 4, "kept_informed": None, "comments": "Thank you"}
    body = {"outcome": "completed", "answers": answers, "ethnicity": "W1", "age_band": "35-44"}
    r = vol.post(f"{API}/entries/{one}/attempts", body, content_type=JSON)
    assert r.status_code == 201, r.content
    response = SurveyResponse.objects.get(pk=r.json()["response"])
    assert (response.source, response.entry_id, response.age_band) == ("call", one, "35-44")
    assert {a.question: a.value for a in response.answers.all()} == {
        "whole_experience": 5,
        "treatment": 4,
        "comments": None,
    }
    calls = vol.get(f"{API}/my-calls").json()
    assert [c["id"] for c in calls] == [two, three]  # the finished call is no longer listed
    r = vol.post(f"{API}/entries/{one}/attempts", {"outcome": "no_answer"}, content_type=JSON)
    assert r.status_code == 422 and _field(r) == "entry"
    r = vol.post(
        f"{API}/entries/{two}/attempts",
        {"outcome": "completed", "answers": {"whole_experience": 6}},
        content_type=JSON,
    )
    assert r.status_code == 422 and _field(r) == "answers.whole_experience"
    r = vol.post(
        f"{API}/entries/{two}/attempts",
        {"outcome": "completed", "answers": {"whole_experience": True}},
        content_type=JSON,
    )
    assert r.status_code == 422 and _field(r).startswith("answers.whole_experience")
    r = vol.post(f"{API}/entries/{two}/attempts", {"outcome": "hung_up"}, content_type=JSON)
    assert r.status_code == 422 and _field(r) == "outcome"
    entry = CallListEntry.objects.get(pk=two)
    IncidentPerson.objects.filter(incident_id=entry.incident_id, record_id=entry.record_id).update(
        survey_consent=False
    )  # withdrawn since the list was drawn
    r = vol.post(
        f"{API}/entries/{two}/attempts",
        {"outcome": "completed", "answers": {"whole_experience": 4}},
        content_type=JSON,
    )
    assert r.status_code == 422 and _field(r) == "entry"
    assert (
        _api(sv["vol2"])
        .post(f"{API}/entries/{three}/attempts", {"outcome": "refused"}, content_type=JSON)
        .status_code
        == 404
    )
    assert (
        _api(sv["officer"])
        .post(f"{API}/entries/{three}/attempts", {"outcome": "refused"}, content_type=JSON)
        .status_code
        == 403
    )
    assert vol.get(f"{API}/my-calls").json()[0]["attempts"] == []
    assert (
        vol.post(f"{API}/entries/999999/attempts", {"outcome": "refused"}, content_type=JSON).status_code
        == 404
    )


def test_follow_ups_go_to_the_team_which_marks_them_done(sv: dict[str, Any]) -> None:
    drawn = _given(sv)
    one = drawn["entries"][0]["id"]
    body = {"outcome": "refused", "follow_up": [{"reason": "call_back", "note": "Wants PC Smith"}]}
    r = _api(sv["vol"]).post(f"{API}/entries/{one}/attempts", body, content_type=JSON)
    assert r.status_code == 201, r.content
    (task_id,) = r.json()["follow_ups"]
    bad = {"outcome": "no_answer", "follow_up": [{"reason": "call_back"}]}
    r = _api(sv["vol"]).post(f"{API}/entries/{drawn['entries'][1]['id']}/attempts", bad, content_type=JSON)
    assert r.status_code == 422 and _field(r) == "follow_up"
    officer = _api(sv["officer"])
    listed = officer.get(f"{API}/follow-ups")
    assert listed.status_code == 200
    (task,) = listed.json()
    assert (task["id"], task["reason"], task["area"], task["neighbourhood"]) == (
        task_id,
        "call_back",
        "N",
        "N1",
    )
    assert AuditEvent.objects.filter(reason="survey follow-ups (API)", object_pk=str(task_id)).exists()
    assert _api(sv["south_officer"]).get(f"{API}/follow-ups").json() == []
    assert _api(sv["south_officer"]).post(f"{API}/follow-ups/{task_id}/done").status_code == 404
    done = officer.post(f"{API}/follow-ups/{task_id}/done")
    assert done.status_code == 200 and done.json()["done_at"] is not None
    assert SurveyFollowUp.objects.get(pk=task_id).done_by == sv["officer"]
    assert officer.get(f"{API}/follow-ups").json() == []
    assert len(officer.get(f"{API}/follow-ups", {"open_only": "false"}).json()) == 1
    again = officer.post(f"{API}/follow-ups/{task_id}/done")
    assert again.status_code == 422 and _field(again) == "follow_up"
    assert _api(sv["vol"]).get(f"{API}/follow-ups").status_code == 403


def test_an_officer_agrees_to_a_call(sv: dict[str, Any]) -> None:
    p, _rec = person()
    officer = _api(sv["officer"])
    r = officer.post(f"{API}/clearances", {"person": p.pk, "note": "Safe to call"}, content_type=JSON)
    assert r.status_code == 201, r.content
    assert r.json()["agreed_by"] == "officer" and SurveyClearance.objects.get().person == p
    r = officer.post(f"{API}/clearances", {"person": 999999, "note": "Safe"}, content_type=JSON)
    assert r.status_code == 422 and _field(r) == "person"
    r = officer.post(f"{API}/clearances", {"person": p.pk, "note": "   "}, content_type=JSON)
    assert r.status_code == 422 and _field(r) == "note"
    for who in ("vol", "manager"):
        body = {"person": p.pk, "note": "Safe"}
        assert _api(sv[who]).post(f"{API}/clearances", body, content_type=JSON).status_code == 403


def test_results_are_the_commands_json(sv: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    east = area("East", "E")
    responses(sv["north"], dt.date(2024, 3, 1), answered("whole_experience", [5, 4, 2, 1, None] * 8))
    responses(east, dt.date(2024, 4, 1), answered("whole_experience", [5, 5, 4, 3] * 10), age_band="25-34")
    responses(sv["south"], dt.date(2024, 5, 1), answered("treatment", [1, 2, 5]))
    analyst = _api(sv["analyst"])
    base = ["results", "--survey", S, "--from", "2024-03", "--to", "2024-05", "--json"]
    query: dict[str, Any] = {"survey": S, "from_month": "2024-03", "to_month": "2024-05"}
    cases: list[tuple[list[str], dict[str, Any]]] = [
        ([], {}),
        (["--groups", "pilot=N,E", "control=S"], {"groups": ["pilot=N,E", "control=S"]}),
        (
            ["--groups", "pilot=N", "control=E", "--monthly", "--breakdowns", "--min-responses", "10"],
            {
                "groups": ["pilot=N", "control=E"],
                "monthly": "true",
                "breakdowns": "true",
                "min_responses": 10,
            },
        ),
    ]
    for extra_args, extra_query in cases:
        call_command("surveys", *base, *extra_args)
        expected = json.loads(capsys.readouterr().out)
        r = analyst.get(f"{API}/results", extra_query | query)
        assert r.status_code == 200, r.content
        assert r.json() == expected
    assert "rolling_12" in expected and expected["rolling_12"][0]["from"] == "2023-04"
    assert _api(sv["local_analyst"]).get(f"{API}/results", query).status_code == 403  # not force-wide
    assert _api(sv["vol"]).get(f"{API}/results", query).status_code == 403
    bad: list[tuple[dict[str, Any], str]] = [
        ({"from_month": "2024-13"}, "from_month"),
        ({"from_month": "2024-06"}, "from_month"),  # after to_month
        ({"survey": "no-such"}, "survey"),
        ({"groups": ["pilot"]}, "groups"),
        ({"groups": ["a=N", "b=N,S"]}, "groups"),  # an area in two groups
        ({"min_responses": 0}, "min_responses"),
    ]
    for change, field in bad:
        r = analyst.get(f"{API}/results", query | change)
        assert r.status_code == 422 and _field(r) == field, (change, r.content)
