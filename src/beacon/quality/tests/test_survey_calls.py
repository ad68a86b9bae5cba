"""Call lists: who is eligible (each rule), reproducible and random draws, giving calls to
volunteers, recording calls and the surveys they take (and what is refused), officers' agreement,
follow-ups for the neighbourhood team."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from scipy.stats import chisquare

from beacon.core.errors import PermissionRefused, ValidationFailed
from beacon.core.models import User
from beacon.core.roles import Role
from beacon.incidents.models import IncidentPerson
from beacon.quality import questionnaires, survey_calls, survey_results
from beacon.quality.survey_models import (
    CallAttempt,
    CallList,
    CallListEntry,
    SurveyAnswer,
    SurveyFollowUp,
    SurveyResponse,
)
from beacon.quality.tests.factories import area, at, neighbourhood
from beacon.quality.tests.survey_factories import SCALE, case_for, example, person, victim

pytestmark = pytest.mark.django_db
S = "asb-callback"
JUNE = dt.date(2024, 6, 1)  # the lists' month: reports from 9 March to 20 April 2024 are in the window


@pytest.fixture
def town(make_user: Callable[..., User]) -> dict[str, Any]:
    north, south = area("North", "N"), area("South", "S")
    market = neighbourhood(north, "N1", "Market")
    manager = make_user(Role.PERFORMANCE, username="manager")
    manager.areas.add(north)
    volunteer = make_user(Role.ANALYST, username="volunteer")
    volunteer.areas.add(north)
    officer = make_user(Role.OFFICER, username="officer")
    officer.areas.add(north)
    return {
        "north": north,
        "south": south,
        "market": market,
        "manager": manager,
        "volunteer": volunteer,
        "officer": officer,
    }


def _eligible(town: dict[str, Any], month: dt.date = JUNE) -> list[int]:
    rules = questionnaires.current_rules(example())
    return [c.role_id for c in survey_calls.eligible_victims(rules, town["north"], month).eligible]


def _victims(town: dict[str, Any], n: int) -> list[IncidentPerson]:
    return [victim(at(2024, 4, 1 + i % 15), town["north"], town["market"]) for i in range(n)]


def test_victims_reported_six_to_twelve_weeks_before_the_month_are_eligible(town: dict[str, Any]) -> None:
    n = town["north"]
    inside = victim(at(2024, 4, 1), n)
    first_day = victim(at(2024, 3, 9, hour=0), n)  # 12 weeks before 1 June, just after midnight
    last_day = victim(at(2024, 4, 20, hour=23), n)  # 6 weeks before
    too_old = victim(at(2024, 3, 8, hour=23), n)
    too_recent = victim(at(2024, 4, 21, hour=0), n)
    victim(at(2024, 4, 1), town["south"])  # another area
    victim(at(2024, 4, 1), n, is_asb=False)  # not ASB
    found = _eligible(town)
    assert found == [inside.pk, first_day.pk, last_day.pk]
    assert too_old.pk not in found and too_recent.pk not in found
    start, end = survey_calls.window(questionnaires.current_rules(example()), JUNE)
    assert (start.date(), end.date()) == (dt.date(2024, 3, 9), dt.date(2024, 4, 21))


def test_only_victims_who_agreed_to_a_call_back(town: dict[str, Any]) -> None:
    n = town["north"]
    agreed = victim(at(2024, 4, 1), n, consent=True)
    victim(at(2024, 4, 2), n, consent=False)  # refused
    victim(at(2024, 4, 3), n, consent=None)  # never asked
    assert _eligible(town) == [agreed.pk]
    rules = questionnaires.current_rules(example())
    excluded = survey_calls.eligible_victims(rules, n, JUNE).excluded
    assert excluded == {"no_consent": 2}


def test_the_victim_or_the_caller_where_the_incident_names_no_victim(town: dict[str, Any]) -> None:
    n = town["north"]
    v = victim(at(2024, 4, 1), n)
    _p, rec = person()
    IncidentPerson.objects.create(
        incident=v.incident, role=IncidentPerson.Role.CALLER, record=rec, survey_consent=True
    )
    caller_only = victim(at(2024, 4, 2), n, role=IncidentPerson.Role.CALLER)
    victim(at(2024, 4, 3), n, role=IncidentPerson.Role.WITNESS)
    assert _eligible(town) == [v.pk, caller_only.pk]


def test_one_entry_per_person_for_their_latest_incident(town: dict[str, Any]) -> None:
    who = person()
    victim(at(2024, 3, 20), town["north"], who=who)
    latest = victim(at(2024, 4, 10), town["north"], who=who)
    assert _eligible(town) == [latest.pk]


def test_under_18_at_the_incident_is_left_out_where_the_date_of_birth_is_known(town: dict[str, Any]) -> None:
    n = town["north"]
    child = victim(at(2024, 4, 1), n, dob="2006-04-02")  # 17 the day before their birthday
    adult = victim(at(2024, 4, 1), n, dob="2006-04-01")  # 18 that day
    unknown = victim(at(2024, 4, 1), n, dob=None)
    assert _eligible(town) == [adult.pk, unknown.pk] and child.pk not in _eligible(town)
    new = survey_calls.save_rules(
        town["manager"], example(), weeks_from=6, weeks_to=12, months_between=12, exclude_under_18=False
    )
    assert new.version == 2 and questionnaires.current_rules(example()) == new
    assert child.pk in _eligible(town)
    with pytest.raises(ValidationFailed) as e:
        survey_calls.save_rules(
            None, example(), weeks_from=13, weeks_to=12, months_between=-1, exclude_under_18="no"
        )
    assert [p.field for p in e.value.problems] == ["months_between", "exclude_under_18"]
    with pytest.raises(ValidationFailed) as e:
        survey_calls.save_rules(
            None, example(), weeks_from=13, weeks_to=12, months_between=1, exclude_under_18=True
        )
    assert [p.field for p in e.value.problems] == ["weeks_from"]


def test_erased_records_are_never_called(town: dict[str, Any]) -> None:
    victim(at(2024, 4, 1), town["north"], who=person(erased=True))
    assert _eligible(town) == []


def test_not_on_a_call_list_or_surveyed_in_the_last_twelve_months(town: dict[str, Any]) -> None:
    n = town["north"]
    who = person()
    earlier = victim(at(2024, 1, 10), n, who=who)  # drawn for the March list
    survey_calls.draw_call_list(None, S, "N", "2024-03", 1, 1)
    again = victim(at(2024, 4, 1), n, who=who)  # a new incident: on a list three months ago
    assert again.pk not in _eligible(town)
    # a year on, they may be called again, but never about the incident already drawn
    assert earlier.pk not in _eligible(town, dt.date(2025, 3, 1))
    late = victim(at(2025, 1, 1), n, who=who)
    assert _eligible(town, dt.date(2025, 3, 1)) == [late.pk]
    # with no gap between surveys, a person may be drawn again, but never for the same incident
    rules = questionnaires.current_rules(example())
    rules.months_between = 0
    rules.save()
    assert _eligible(town) == [again.pk]
    survey_calls.draw_call_list(None, S, "N", "2024-06", 1, 1)
    assert _eligible(town, dt.date(2024, 7, 1)) == []  # 1 April is in July's window too
    rules.months_between = 12
    rules.save()

    # surveyed (a completed call) in the last twelve months, on a list drawn long before
    who2 = person()
    victim(at(2023, 1, 5), n, who=who2)
    old = survey_calls.draw_call_list(None, S, "N", "2023-03", 1, 1)
    assert old.call_list is not None
    entry = old.call_list.entries.get()
    survey_calls.record_attempt(None, entry, "completed", answers={"treatment": 5}, at=at(2023, 9, 1))
    recent = victim(at(2024, 4, 2), n, who=who2)
    rules = questionnaires.current_rules(example())
    found = survey_calls.eligible_victims(rules, n, JUNE)
    assert recent.pk not in [c.role_id for c in found.eligible] and found.excluded.get("surveyed") == 1


def test_an_open_high_risk_case_needs_an_officers_agreement(town: dict[str, Any]) -> None:
    n = town["north"]
    high, medium, closed = person(), person(), person()
    in_high = victim(at(2024, 4, 1), n, who=high)
    in_medium = victim(at(2024, 4, 2), n, who=medium)
    in_closed = victim(at(2024, 4, 3), n, who=closed)
    case_for(high[0], n, "high")
    case_for(medium[0], n, "medium")
    case_for(closed[0], n, "high", status="closed")
    assert _eligible(town) == [in_medium.pk, in_closed.pk]
    with pytest.raises(PermissionRefused):
        survey_calls.clear_for_survey(town["volunteer"], high[0], "Fine to call")
    with pytest.raises(ValidationFailed) as e:
        survey_calls.clear_for_survey(town["officer"], high[0], "  ")
    assert [p.field for p in e.value.problems] == ["note"]
    survey_calls.clear_for_survey(town["officer"], high[0], "Spoke to her today: happy to take the call.")
    assert _eligible(town) == [in_high.pk, in_medium.pk, in_closed.pk]


def test_the_same_seed_gives_the_same_list_drawn_with_numpy(town: dict[str, Any]) -> None:
    roles = _victims(town, 12)
    a = survey_calls.draw_call_list(None, S, "N", "2024-06", 5, 42, save=False)
    b = survey_calls.draw_call_list(None, S, "N", "2024-06", 5, 42, save=False)
    c = survey_calls.draw_call_list(None, S, "N", "2024-06", 5, 43, save=False)
    assert a.as_json() == b.as_json() and a.as_json()["items"] != c.as_json()["items"]
    assert a.population == 12
    expected = np.random.default_rng(42).choice(12, size=5, replace=False)
    ordered = sorted(roles, key=lambda r: r.pk)
    assert [i["record"] for i in a.as_json()["items"]] == [ordered[int(i)].record_id for i in expected]
    assert not CallList.objects.exists()  # printing only


def test_every_eligible_victim_is_drawn_about_equally_often(town: dict[str, Any]) -> None:
    _victims(town, 15)
    rules = questionnaires.current_rules(example())
    eligible = survey_calls.eligible_victims(rules, town["north"], JUNE).eligible
    index = {c.role_id: i for i, c in enumerate(eligible)}
    counts = np.zeros(len(eligible))
    seeds, size = 3000, 4
    for seed in range(seeds):
        for c in survey_calls.choose(eligible, size, seed):
            counts[index[c.role_id]] += 1
    assert counts.sum() == seeds * size
    assert chisquare(counts).pvalue > 0.001
    # and the service draws exactly what choose() does
    for seed in (0, 1, 99):
        draw = survey_calls.draw_call_list(None, S, "N", "2024-06", size, seed, save=False)
        assert [c.role_id for c in draw.rows] == [
            c.role_id for c in survey_calls.choose(eligible, size, seed)
        ]


def test_a_saved_list_keeps_its_seed_and_its_victims_are_not_drawn_again(town: dict[str, Any]) -> None:
    _victims(town, 6)
    draw = survey_calls.draw_call_list(town["manager"], S, "N", "2024-06", 4, 7)
    saved = CallList.objects.get()
    assert draw.call_list == saved
    assert (saved.seed, saved.size, saved.population, saved.month, saved.drawn_by) == (
        7,
        4,
        6,
        JUNE,
        town["manager"],
    )
    assert saved.version.version == 1 and saved.rules.weeks_from == 6
    entries = list(saved.entries.order_by("position"))
    assert [e.record_id for e in entries] == [c.record_id for c in draw.rows] and [
        e.position for e in entries
    ] == [1, 2, 3, 4]
    assert len(_eligible(town)) == 2
    with pytest.raises(ValidationFailed) as e:
        survey_calls.draw_call_list(town["manager"], S, "N", "2024-06", 3, 7)
    assert [p.field for p in e.value.problems] == ["size"] and "2 victims eligible" in e.value.problems[
        0
    ].message
    assert CallList.objects.count() == 1
    with pytest.raises(PermissionRefused):
        survey_calls.draw_call_list(town["volunteer"], S, "N", "2024-06", 1, 7)


@pytest.mark.parametrize(
    ("kwargs", "fields"),
    [
        ({"size": 4, "seed": "x"}, ["seed"]),
        ({"size": 4, "seed": 1.5}, ["seed"]),
        ({"size": 4, "seed": -1}, ["seed"]),
        ({"size": "0", "seed": 1}, ["size"]),
        ({"size": "many", "seed": 1}, ["size"]),
        ({"size": 3, "seed": 1, "month": "2024-6"}, ["month"]),
        ({"size": 3, "seed": 1, "area": "ZZ"}, ["area"]),
        ({"size": 3, "seed": 1, "questionnaire": "nope"}, ["survey"]),
        ({"size": 3, "seed": "y", "questionnaire": "nope", "area": "ZZ"}, ["survey", "area", "seed"]),
    ],
)
def test_bad_draws_are_refused_naming_the_field(
    town: dict[str, Any], kwargs: dict[str, Any], fields: list[str]
) -> None:
    _victims(town, 3)
    args = {"questionnaire": S, "area": "N", "month": "2024-06", **kwargs}
    with pytest.raises(ValidationFailed) as e:
        survey_calls.draw_call_list(None, **args)
    assert [p.field for p in e.value.problems] == fields
    assert not CallList.objects.exists()


def test_the_command_prints_its_contract_and_repeats_itself(town: dict[str, Any], capsys: Any) -> None:
    _victims(town, 5)
    args = [
        "calls",
        "--survey",
        S,
        "--area",
        "N",
        "--month",
        "2024-06",
        "--size",
        "3",
        "--seed",
        "11",
        "--json",
    ]
    call_command("surveys", *args)
    first = json.loads(capsys.readouterr().out)
    call_command("surveys", *args)
    assert json.loads(capsys.readouterr().out) == first
    assert list(first) == ["survey", "version", "seed", "items"]
    assert (first["survey"], first["version"], first["seed"]) == (S, 1, 11)
    assert len(first["items"]) == 3 and all(list(i) == ["incident", "record"] for i in first["items"])
    assert not CallList.objects.exists()
    call_command("surveys", *args, "--save")
    saved = json.loads(capsys.readouterr().out)
    assert saved["items"] == first["items"] and saved["call_list"] == CallList.objects.get().pk
    call_command("surveys", *[("2" if a == "3" else a) for a in args[:-1]])  # for people: who was left out
    text = capsys.readouterr().out
    assert "2 of 2 eligible victims, seed 11" in text and "left out: 3 on a call list already" in text
    with pytest.raises(CommandError):
        call_command(
            "surveys",
            "calls",
            "--survey",
            S,
            "--area",
            "N",
            "--month",
            "2024-06",
            "--size",
            "9",
            "--seed",
            "z",
        )
    err = capsys.readouterr().err
    assert "seed" in err


@pytest.fixture
def call_list(town: dict[str, Any]) -> CallList:
    _victims(town, 4)
    draw = survey_calls.draw_call_list(town["manager"], S, "N", "2024-06", 3, 5)
    assert draw.call_list is not None
    return draw.call_list


def test_calls_are_given_to_volunteers_who_work_in_the_area(
    town: dict[str, Any], call_list: CallList, make_user: Callable[..., User]
) -> None:
    elsewhere = make_user(Role.ANALYST, username="south-volunteer")
    elsewhere.areas.add(town["south"])
    with pytest.raises(ValidationFailed) as e:
        survey_calls.assign_entries(town["manager"], call_list, elsewhere)
    assert [p.field for p in e.value.problems] == ["volunteer"]
    first = call_list.entries.order_by("position").first()
    assert first is not None
    with pytest.raises(ValidationFailed) as e:
        survey_calls.assign_entries(town["manager"], call_list, town["volunteer"], [first.pk, 999_999])
    assert [p.field for p in e.value.problems] == ["entries"]
    assert not call_list.entries.filter(volunteer__isnull=False).exists()
    assert survey_calls.assign_entries(town["manager"], call_list, town["volunteer"]) == 3
    with pytest.raises(PermissionRefused):
        survey_calls.assign_entries(town["volunteer"], call_list, town["volunteer"])


def _entry(call_list: CallList, town: dict[str, Any]) -> CallListEntry:
    entry = call_list.entries.order_by("position").first()
    assert entry is not None
    survey_calls.assign_entries(None, call_list, town["volunteer"], [entry.pk])
    entry.refresh_from_db()
    return entry


def test_a_completed_call_stores_the_survey_and_raises_a_follow_up(
    town: dict[str, Any], call_list: CallList
) -> None:
    entry = _entry(call_list, town)
    survey_calls.record_attempt(town["volunteer"], entry, "no_answer", note="Rang twice.")
    entry.refresh_from_db()
    assert entry.status == "no_answer"
    done = survey_calls.record_attempt(
        town["volunteer"],
        entry,
        "completed",
        answers={
            "ease_of_contact": 4,
            "actions_taken": "2",
            "kept_informed": None,
            "whole_experience": 5,
            "comments": "Thank you.",
        },
        ethnicity="B1",
        age_band="55-64",
        disability="no",
        follow_up={"reason": "call_back", "note": "Would like PCSO Ahmed to ring about the van."},
        at=at(2024, 6, 12),
    )
    r = done.response
    assert r is not None and r.source == "call" and r.entry == entry and r.month == JUNE
    assert (r.area, r.ethnicity, r.age_band, r.disability) == (town["north"], "B1", "55-64", "no")
    assert r.neighbourhood == town["market"]
    assert dict(r.answers.filter(value__isnull=False).values_list("question", "value")) == {
        "ease_of_contact": 4,
        "actions_taken": 2,
        "whole_experience": 5,
    }
    assert r.answers.get(question="comments").text == "Thank you."
    entry.refresh_from_db()
    assert entry.status == "completed" and entry.attempts.count() == 2
    task = SurveyFollowUp.objects.get()
    assert (task.neighbourhood, task.area, task.reason, task.done_at) == (
        town["market"],
        town["north"],
        "call_back",
        None,
    )
    # it counts in the results like an imported response
    found = survey_results.results(S, "2024-06", "2024-06")
    assert found.overall["whole_experience"] == survey_results.Figure(1, 1)
    # the team marks the follow-up done
    with pytest.raises(PermissionRefused):
        survey_calls.complete_follow_up(town["volunteer"], task)
    assert survey_calls.complete_follow_up(town["officer"], task).done_at is not None


@pytest.mark.parametrize(
    ("outcome", "kwargs", "fields"),
    [
        ("completed", {"answers": {"treatment": 6}}, ["answers.treatment"]),
        (
            "completed",
            {"answers": {"treatment": 0, "whole_experience": "very"}},
            ["answers.treatment", "answers.whole_experience"],
        ),
        ("completed", {"answers": {"treatment": True}}, ["answers.treatment"]),
        ("completed", {"answers": {"colour_of_van": 3}}, ["answers.colour_of_van"]),
        ("completed", {}, ["answers"]),
        (
            "completed",
            {"answers": {"treatment": 4}, "ethnicity": "Z9", "age_band": "12"},
            ["ethnicity", "age_band"],
        ),
        ("no_answer", {"answers": {"treatment": 4}}, ["answers"]),
        ("no_answer", {"follow_up": {"reason": "call_back"}}, ["follow_up"]),
        ("refused", {"follow_up": {"reason": "gossip"}}, ["follow_up.reason"]),
        ("hung_up", {}, ["outcome"]),
    ],
)
def test_bad_calls_are_refused_naming_the_field_and_nothing_is_written(
    town: dict[str, Any], call_list: CallList, outcome: str, kwargs: dict[str, Any], fields: list[str]
) -> None:
    entry = _entry(call_list, town)
    with pytest.raises(ValidationFailed) as e:
        survey_calls.record_attempt(town["volunteer"], entry, outcome, **kwargs)
    assert [p.field for p in e.value.problems] == fields
    assert not CallAttempt.objects.exists() and not SurveyResponse.objects.exists()
    assert not SurveyAnswer.objects.exists() and not SurveyFollowUp.objects.exists()
    entry.refresh_from_db()
    assert entry.status == "to_call"


def test_no_survey_of_a_victim_who_did_not_agree(town: dict[str, Any], call_list: CallList) -> None:
    entry = _entry(call_list, town)
    IncidentPerson.objects.filter(incident=entry.incident, record=entry.record).update(survey_consent=False)
    with pytest.raises(ValidationFailed) as e:
        survey_calls.record_attempt(town["volunteer"], entry, "completed", answers={q: 5 for q in SCALE})
    assert [p.field for p in e.value.problems] == ["entry"] and "did not agree" in e.value.problems[0].message
    assert not SurveyResponse.objects.exists() and not CallAttempt.objects.exists()
    # what happened on the call is still recorded
    survey_calls.record_attempt(
        town["volunteer"], entry, "refused", note="Said she had asked not to be called."
    )


def test_a_finished_call_takes_no_more_attempts_and_only_its_volunteer_records_it(
    town: dict[str, Any], call_list: CallList
) -> None:
    entry = _entry(call_list, town)
    with pytest.raises(PermissionRefused):
        survey_calls.record_attempt(town["officer"], entry, "no_answer")
    survey_calls.record_attempt(town["volunteer"], entry, "wrong_number")
    with pytest.raises(ValidationFailed) as e:
        survey_calls.record_attempt(town["volunteer"], entry, "completed", answers={"treatment": 4})
    assert [p.field for p in e.value.problems] == ["entry"]
    assert CallAttempt.objects.count() == 1


def test_demo_victims_are_asked_about_call_backs(town: dict[str, Any]) -> None:
    from beacon.demo.surveys import set_survey_consent

    made = [victim(at(2024, 4, 1), town["north"], consent=None) for _ in range(200)]
    changed = set_survey_consent(seed=3)
    values = list(
        IncidentPerson.objects.filter(pk__in=[m.pk for m in made]).values_list("survey_consent", flat=True)
    )
    assert (
        changed == values.count(True) + values.count(False)
        and 0.55 < values.count(True) / 200 < 0.85
        and values.count(False) > 0
    )
    assert set_survey_consent(seed=3) == 0  # loading twice changes nothing
