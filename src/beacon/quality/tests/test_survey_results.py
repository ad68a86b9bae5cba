"""Satisfaction results: top-two-box rates with Wilson intervals, groups of areas compared by
Newcombe's interval and the pooled z-test (all equal to statsmodels'), by month and over rolling
twelve months, breakdowns with small groups suppressed, the command's JSON contract, the KPI measure."""

from __future__ import annotations

import datetime as dt
import json
import math
import warnings
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest

from beacon.core import measures
from beacon.core.errors import ValidationFailed
from beacon.quality import survey_results
from beacon.quality.survey_results import Figure, compare
from beacon.quality.tests.factories import area
from beacon.quality.tests.survey_factories import SCALE, answered, responses

pytestmark = pytest.mark.django_db
S = "asb-callback"
MARCH, APRIL, MAY = dt.date(2024, 3, 1), dt.date(2024, 4, 1), dt.date(2024, 5, 1)


@pytest.fixture
def places() -> dict[str, Any]:
    return {"north": area("North", "N"), "east": area("East", "E"), "south": area("South", "S")}


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def test_the_command_prints_its_contract(places: dict[str, Any], capsys: Any) -> None:
    n, e, s = places["north"], places["east"], places["south"]
    responses(n, MARCH, answered("whole_experience", [5, 4, 3, None, 1]))  # 2 of 4 answered
    responses(e, APRIL, answered("whole_experience", [4, 4]))
    responses(s, MARCH, answered("whole_experience", [2, 1, 5]))
    responses(s, dt.date(2024, 6, 1), answered("whole_experience", [5, 5]))  # after the range
    args = ["results", "--survey", S, "--from", "2024-03", "--to", "2024-05", "--json"]
    call_command("surveys", *args)
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["survey", "version", "questions"]
    assert out["survey"] == S and out["version"] == 1
    assert [q["question"] for q in out["questions"]] == SCALE
    whole = out["questions"][SCALE.index("whole_experience")]
    assert list(whole) == ["question", "responses", "satisfied", "rate", "ci95"]
    assert (whole["responses"], whole["satisfied"]) == (9, 5)
    assert _close(whole["rate"], 5 / 9)
    lo, hi = proportion_confint(5, 9, method="wilson")
    assert _close(whole["ci95"][0], lo) and _close(whole["ci95"][1], hi)
    empty = out["questions"][0]
    assert empty == {
        "question": "ease_of_contact",
        "responses": 0,
        "satisfied": 0,
        "rate": None,
        "ci95": None,
    }

    call_command("surveys", *args, "--groups", "pilot=N,E", "control=S")
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["survey", "version", "questions", "groups", "comparisons"]
    pilot, control = out["groups"]
    assert (pilot["group"], pilot["areas"], control["group"], control["areas"]) == (
        "pilot",
        ["N", "E"],
        "control",
        ["S"],
    )
    pw = pilot["questions"][SCALE.index("whole_experience")]
    cw = control["questions"][SCALE.index("whole_experience")]
    assert (pw["responses"], pw["satisfied"], cw["responses"], cw["satisfied"]) == (6, 4, 3, 1)
    assert [c["question"] for c in out["comparisons"]] == SCALE  # one pair, every question
    comp = out["comparisons"][SCALE.index("whole_experience")]
    assert list(comp) == ["question", "groups", "difference", "ci95", "p_value"]
    assert comp["groups"] == ["pilot", "control"] and _close(comp["difference"], 4 / 6 - 1 / 3)
    lo, hi = confint_proportions_2indep(4, 6, 1, 3, compare="diff", method="newcomb")
    assert _close(comp["ci95"][0], lo) and _close(comp["ci95"][1], hi)
    assert _close(comp["p_value"], proportions_ztest([4, 1], [6, 3])[1])
    call_command("surveys", *args[:-1], "--groups", "pilot=N,E", "control=S")  # for people
    text = capsys.readouterr().out
    assert "55.6% satisfied of 9 (95% " in text and "whole_experience: pilot - control = +33.3 points" in text
    nothing = out["comparisons"][0]  # no one answered ease_of_contact
    assert nothing == {
        "question": "ease_of_contact",
        "groups": ["pilot", "control"],
        "difference": None,
        "ci95": None,
        "p_value": None,
    }


def test_three_groups_are_compared_in_pairs_in_the_order_given(places: dict[str, Any]) -> None:
    for a in places.values():
        responses(a, MARCH, answered("treatment", [5, 1]))
    found = survey_results.results(S, "2024-03", "2024-03", groups=["a=N", "b=E", "c=S"])
    pairs = [c.groups for c in found.comparisons if c.question == "treatment"]
    assert pairs == [("a", "b"), ("a", "c"), ("b", "c")]


def test_the_statistics_equal_statsmodels_on_thousands_of_random_cases() -> None:
    """Figure.rate/ci95 and compare() against direct statsmodels calls: counts drawn with numpy,
    with the edge cases 0 of n, n of n and groups of one."""
    rng = np.random.default_rng(20240601)
    cases: list[tuple[int, int, int, int]] = []
    for _ in range(3000):
        n1, n2 = (int(x) for x in rng.integers(1, 400, size=2))
        cases.append((int(rng.integers(0, n1 + 1)), n1, int(rng.integers(0, n2 + 1)), n2))
    for n1, n2 in [(1, 1), (1, 50), (30, 30), (400, 7)]:
        cases += [(0, n1, 0, n2), (n1, n1, n2, n2), (0, n1, n2, n2), (n1, n1, 0, n2), (0, n1, 1, n2)]
    undefined = 0
    for k1, n1, k2, n2 in cases:
        a, b = Figure(n1, k1), Figure(n2, k2)
        assert a.rate == k1 / n1
        lo, hi = proportion_confint(k1, n1, alpha=0.05, method="wilson")
        assert a.ci95 is not None and _close(a.ci95[0], lo) and _close(a.ci95[1], hi)
        got = compare(a, b)
        lo, hi = confint_proportions_2indep(k1, n1, k2, n2, compare="diff", method="newcomb", alpha=0.05)
        assert got.difference is not None and _close(got.difference, k1 / n1 - k2 / n2)
        assert got.ci95 is not None and _close(got.ci95[0], lo) and _close(got.ci95[1], hi)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # 0/0 where both groups answered alike
            _z, p = proportions_ztest([k1, k2], [n1, n2], value=0, alternative="two-sided", prop_var=False)
        if math.isnan(p):  # everyone in both groups answered alike: the test is undefined
            assert got.p_value is None
            undefined += 1
        else:
            assert got.p_value is not None and _close(got.p_value, float(p))
    assert undefined >= 8  # the 0-of-n and n-of-n pairs were among them
    # no responses: no rate, no interval, no comparison
    assert Figure(0, 0).rate is None and Figure(0, 0).ci95 is None
    assert compare(Figure(0, 0), Figure(10, 3)) == survey_results.Difference(None, None, None)


def test_results_from_the_database_equal_statsmodels_on_random_data(places: dict[str, Any]) -> None:
    """The whole results() path on random answers: the database's counts and the figures built on
    them equal statsmodels on counts made here with numpy."""
    rng = np.random.default_rng(7)
    values = {a: rng.integers(1, 6, size=int(rng.integers(20, 60))) for a in ("N", "E", "S")}
    for code, vals in values.items():
        responses(
            places[{"N": "north", "E": "east", "S": "south"}[code]],
            APRIL,
            answered("kept_informed", [int(v) for v in vals]),
        )
    found = survey_results.results(S, "2024-04", "2024-04", groups=["pilot=N,E", "control=S"])
    pilot = np.concatenate([values["N"], values["E"]])
    control = values["S"]
    k1, n1, k2, n2 = int((pilot >= 4).sum()), len(pilot), int((control >= 4).sum()), len(control)
    (_g1, f1), (_g2, f2) = found.groups
    assert (f1["kept_informed"].satisfied, f1["kept_informed"].responses) == (k1, n1)
    assert (f2["kept_informed"].satisfied, f2["kept_informed"].responses) == (k2, n2)
    overall = found.overall["kept_informed"]
    lo, hi = proportion_confint(k1 + k2, n1 + n2, method="wilson")
    assert overall.ci95 is not None and _close(overall.ci95[0], lo) and _close(overall.ci95[1], hi)
    comp = next(c for c in found.comparisons if c.question == "kept_informed").result
    lo, hi = confint_proportions_2indep(k1, n1, k2, n2, compare="diff", method="newcomb")
    assert comp.ci95 is not None and _close(comp.ci95[0], lo) and _close(comp.ci95[1], hi)
    assert comp.p_value is not None and _close(comp.p_value, proportions_ztest([k1, k2], [n1, n2])[1])


def test_all_satisfied_against_none_satisfied(places: dict[str, Any]) -> None:
    responses(places["north"], MAY, answered("actions_taken", [5] * 12))
    responses(places["south"], MAY, answered("actions_taken", [1] * 9))
    found = survey_results.results(S, "2024-05", "2024-05", groups=["all=N", "none=S"])
    (_a, fa), (_b, fb) = found.groups
    assert fa["actions_taken"].rate == 1.0 and fb["actions_taken"].rate == 0.0
    lo, hi = proportion_confint(12, 12, method="wilson")
    assert fa["actions_taken"].ci95 == (lo, hi)
    comp = next(c for c in found.comparisons if c.question == "actions_taken").result
    assert comp.difference == 1.0
    assert comp.p_value is not None and _close(comp.p_value, proportions_ztest([12, 0], [12, 9])[1])
    responses(places["east"], MAY, answered("actions_taken", [4, 5]))
    both_all = survey_results.results(S, "2024-05", "2024-05", groups=["a=N", "b=E"])
    same = next(c for c in both_all.comparisons if c.question == "actions_taken").result
    assert same.difference == 0.0 and same.ci95 is not None and same.p_value is None  # z-test undefined


def test_by_month_and_over_rolling_twelve_months(places: dict[str, Any], capsys: Any) -> None:
    n = places["north"]
    responses(n, dt.date(2023, 5, 1), answered("treatment", [5, 5, 5]))  # 11 months before April 2024
    responses(n, dt.date(2023, 4, 1), answered("treatment", [1]))  # 12 months before: out of April's 12
    responses(n, MARCH, answered("treatment", [4, 2]))
    responses(n, APRIL, answered("treatment", [1, 1, 5]))
    found = survey_results.results(S, "2024-03", "2024-04")
    by_month = {m: f["treatment"] for m, f in found.months}
    assert by_month == {MARCH: Figure(2, 1), APRIL: Figure(3, 1)}
    rolling = {m: f["treatment"] for m, f in found.rolling}
    assert rolling[APRIL] == Figure(3 + 2 + 3, 1 + 1 + 3)  # May 2023 to April 2024
    assert rolling[MARCH] == Figure(2 + 3 + 1, 1 + 3)  # April 2023 to March 2024
    assert found.overall["treatment"] == Figure(5, 2)
    call_command(
        "surveys", "results", "--survey", S, "--from", "2024-03", "--to", "2024-04", "--monthly", "--json"
    )
    out = json.loads(capsys.readouterr().out)
    assert [m["month"] for m in out["months"]] == ["2024-03", "2024-04"]
    april = out["rolling_12"][1]
    assert (april["month"], april["from"]) == ("2024-04", "2023-05")
    assert april["questions"][SCALE.index("treatment")]["responses"] == 8


def test_breakdowns_suppress_groups_below_the_minimum(places: dict[str, Any], capsys: Any) -> None:
    n = places["north"]
    responses(n, MARCH, answered("whole_experience", [5] * 25 + [1] * 15), ethnicity="W1", age_band="35-44")
    responses(
        n, MARCH, answered("whole_experience", [4] * 8), ethnicity="A1", age_band="35-44", disability="yes"
    )
    responses(n, MARCH, answered("whole_experience", [2] * 4), ethnicity="A2", disability="yes")
    found = survey_results.results(S, "2024-03", "2024-03")
    eth = {g.key: g for g in found.breakdowns["ethnicity"]}
    assert len(eth) == 20  # the 19 ONS 2021 categories and not stated
    assert not eth["W1"].suppressed and eth["W1"].figures["whole_experience"] == Figure(40, 25)
    assert eth["W1"].figures["treatment"] is None  # nobody answered it: suppressed too
    assert eth["A1"].suppressed and eth["A1"].figures == {} and eth["A1"].respondents == 8
    broad = {g.key: g for g in found.breakdowns["ethnic_group"]}
    assert list(broad) == ["asian", "black", "mixed", "white", "other", ""]
    assert broad["asian"].suppressed and broad["asian"].respondents == 12 and not broad["white"].suppressed
    ages = {g.key: g for g in found.breakdowns["age_band"]}
    assert ages["35-44"].figures["whole_experience"] == Figure(48, 33)
    smaller = survey_results.results(S, "2024-03", "2024-03", min_responses=8)
    eth = {g.key: g for g in smaller.breakdowns["ethnicity"]}
    assert not eth["A1"].suppressed and eth["A2"].suppressed
    broad = {g.key: g for g in smaller.breakdowns["ethnic_group"]}
    assert broad["asian"].figures["whole_experience"] == Figure(12, 8)
    disabled = {g.key: g for g in smaller.breakdowns["disability"]}
    assert disabled["yes"].figures["whole_experience"] == Figure(12, 8)

    call_command(
        "surveys", "results", "--survey", S, "--from", "2024-03", "--to", "2024-03", "--breakdowns", "--json"
    )
    out = json.loads(capsys.readouterr().out)
    assert out["min_responses"] == 30
    a1 = next(g for g in out["breakdowns"]["ethnicity"] if g["group"] == "A1")
    assert a1 == {"group": "A1", "label": "Indian", "suppressed": True}  # no figures at all
    w1 = next(g for g in out["breakdowns"]["ethnicity"] if g["group"] == "W1")
    assert w1["respondents"] == 40 and w1["questions"][SCALE.index("whole_experience")]["satisfied"] == 25


def test_no_responses_give_no_rate_and_no_interval(places: dict[str, Any]) -> None:
    found = survey_results.results(S, "2020-01", "2020-02", groups=["a=N", "b=S"])
    assert all(f.rate is None and f.ci95 is None for f in found.overall.values())
    assert all(c.result == survey_results.Difference(None, None, None) for c in found.comparisons)
    assert all(g.suppressed for g in found.breakdowns["ethnicity"])
    json.dumps(found.as_json(monthly=True, breakdowns=True))  # nothing a JSON reader would refuse


@pytest.mark.parametrize(
    ("args", "fields"),
    [
        (["--survey", "nope", "--from", "2024-01", "--to", "2024-02"], ["survey"]),
        (["--survey", S, "--from", "2024-13", "--to", "24-02"], ["from", "to"]),
        (["--survey", S, "--from", "2024-05", "--to", "2024-02"], ["from"]),
        (["--survey", S, "--from", "2024-01", "--to", "2024-02", "--groups", "a=N,XX"], ["groups"]),
        (["--survey", S, "--from", "2024-01", "--to", "2024-02", "--groups", "a=N", "A=S"], ["groups"]),
        (["--survey", S, "--from", "2024-01", "--to", "2024-02", "--groups", "a=N", "b=N,S"], ["groups"]),
        (["--survey", S, "--from", "2024-01", "--to", "2024-02", "--groups", "pilot"], ["groups"]),
        (["--survey", S, "--from", "2024-01", "--to", "2024-02", "--min-responses", "0"], ["min_responses"]),
    ],
)
def test_bad_arguments_are_refused_naming_the_argument(
    places: dict[str, Any], args: list[str], fields: list[str], capsys: Any
) -> None:
    with pytest.raises(ValidationFailed) as e:
        survey_results.check_request(
            args[1],
            args[3],
            args[5],
            args[7:] if "--groups" in args else (),
            args[7] if "--min-responses" in args else 30,
        )
    assert [p.field for p in e.value.problems] == fields
    with pytest.raises(CommandError):
        call_command("surveys", "results", *args, "--json")
    err = capsys.readouterr().err
    assert all(f"error: {f}: " in err for f in fields)
    if "XX" in args:
        assert "no area 'XX'" in err
    if "A=S" in args:
        assert "named twice" in err


def test_the_kpi_measure_counts_satisfied_respondents(places: dict[str, Any]) -> None:
    responses(places["north"], MARCH, [{"whole_experience": 5, "treatment": 1}, {"whole_experience": 2}])
    responses(places["south"], APRIL, answered("whole_experience", [4, 4, 1]))
    m = measures.get("quality.survey_satisfied")
    filters = m.check_filters({"question": ["whole_experience"], "survey": [S]})
    counts = {
        (c.month, c.area_id): (c.numerator, c.denominator)
        for c in measures.monthly_counts(m, filters, MARCH, MAY)
    }
    assert counts == {(MARCH, places["north"].pk): (1, 2), (APRIL, places["south"].pk): (2, 3)}
    with pytest.raises(ValidationFailed):
        m.check_filters({"question": ["not_a_question"]})
    behind = measures.records(m, filters, MARCH, APRIL, area_id=places["north"].pk)
    assert [m.row(a).summary for a in behind] == ["whole_experience: Very satisfied"]
    total = measures.get("quality.survey_responses")
    assert sum(c.numerator for c in measures.monthly_counts(total, {}, MARCH, MAY)) == 5
