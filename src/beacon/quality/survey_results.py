"""Satisfaction results: the share of respondents satisfied with each question, with how sure we
can be of it, by month and over the last twelve months, for groups of areas compared with each other
(a pilot against a control), and by ethnic group, age band and disability.

* **Satisfied** is an answer of 4 (fairly satisfied) or 5 (very satisfied), the "top two boxes"; the
  rate is over the respondents who answered that question (a blank is left out, never counted as
  dissatisfied). A mean of the 1-5 scores is never given: the scale is an order, not a measurement.
* **95% interval** of a rate: the Wilson score interval, statsmodels'
  `proportion_confint(satisfied, responses, method="wilson")`. It behaves at 0% and 100% and for small
  numbers, where the textbook normal interval does not.
* **Comparing two groups of areas** (A and B): the difference rate_A - rate_B; its 95% interval by
  Newcombe's hybrid score method (statsmodels' `confint_proportions_2indep(..., compare="diff",
  method="newcomb")`, built from the two Wilson intervals); and the p-value of the pooled
  two-proportion z-test (`proportions_ztest`), the chance of a difference at least this large if
  the two groups were really equally satisfied. The test needs the groups to be separate people, so
  an area may be in one group only. Where everyone in both groups gave the same kind of answer the
  z-test is undefined and no p-value is given.
* **Small groups are suppressed**: a breakdown group (an ethnic group, an age band, …) with fewer
  than `min_responses` respondents (default 30) is listed as suppressed with no figures, so no
  individual can be picked out and no one reads much into a handful of answers; within a group
  shown, a question answered by fewer than `min_responses` is suppressed the same way.
* No responses means no rate and no interval (None), never a crash or a zero.

Answers to a question code are added up across the questionnaire's versions (a code keeps its
meaning; see `QuestionnaireVersion`); the questions reported are the latest version's scale questions.
Everything is counted in the database (one GROUP BY for months and areas, one for the breakdowns).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from beacon.core.errors import Problem, ValidationFailed
from beacon.core.models import Area
from beacon.quality import ethnicity, months, questionnaires
from beacon.quality.precision import wilson_interval
from beacon.quality.survey_models import (
    AGE_BANDS,
    Questionnaire,
    QuestionnaireVersion,
    SurveyAnswer,
    SurveyResponse,
)

MIN_RESPONSES = 30
ROLLING = 12
_GROUP = re.compile(r"\s*([^=]+?)\s*=\s*(.*?)\s*")


# --- the statistics ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """How many answered a question and how many of them were satisfied (4 or 5)."""

    responses: int
    satisfied: int

    @property
    def rate(self) -> float | None:
        return self.satisfied / self.responses if self.responses else None

    @property
    def ci95(self) -> tuple[float, float] | None:
        """The Wilson 95% interval (statsmodels), None without responses."""
        return wilson_interval(self.satisfied, self.responses)

    def __add__(self, other: Figure) -> Figure:
        return Figure(self.responses + other.responses, self.satisfied + other.satisfied)

    def as_json(self, question: str) -> dict[str, Any]:
        ci = self.ci95
        return {
            "question": question,
            "responses": self.responses,
            "satisfied": self.satisfied,
            "rate": self.rate,
            "ci95": list(ci) if ci is not None else None,
        }


NO_FIGURE = Figure(0, 0)


@dataclass(frozen=True)
class Difference:
    """rate_A - rate_B with Newcombe's 95% interval and the pooled z-test's p-value (None each when
    a group has no responses; p None when the test is undefined)."""

    difference: float | None
    ci95: tuple[float, float] | None
    p_value: float | None


def compare(a: Figure, b: Figure, alpha: float = 0.05) -> Difference:
    """Group A's rate against group B's (see the module's description)."""
    if a.responses <= 0 or b.responses <= 0:
        return Difference(None, None, None)
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    assert a.rate is not None and b.rate is not None
    low, high = confint_proportions_2indep(
        a.satisfied, a.responses, b.satisfied, b.responses, method="newcomb", compare="diff", alpha=alpha
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # 0/0 when both groups answer alike: no p-value
        _z, p = proportions_ztest([a.satisfied, b.satisfied], [a.responses, b.responses])
    p_value = float(p) if math.isfinite(float(p)) else None
    return Difference(a.rate - b.rate, (float(low), float(high)), p_value)


# --- what is asked for -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaGroup:
    """A named group of areas, e.g. pilot=N,E."""

    name: str
    areas: tuple[Area, ...]

    @property
    def codes(self) -> list[str]:
        return [a.code for a in self.areas]


def parse_groups(texts: Iterable[str], field: str = "groups") -> list[AreaGroup]:
    """Groups given as NAME=AREA,AREA (area codes), in the order given; every problem names
    `field`: a bad form, a group named twice, an unknown area, an area in two groups."""
    problems: list[Problem] = []
    by_code: dict[str, list[Area]] = {}
    for a in Area.objects.order_by("pk"):
        by_code.setdefault(a.code.lower(), []).append(a)
    out: list[AreaGroup] = []
    names: set[str] = set()
    placed: dict[int, str] = {}
    for text in texts:
        m = _GROUP.fullmatch(text) if isinstance(text, str) else None
        if m is None or not m.group(2):
            problems.append(Problem(f"{text!r}: give a group as NAME=AREA,AREA (area codes).", field))
            continue
        name, codes = m.group(1), [c.strip() for c in m.group(2).split(",") if c.strip()]
        if len(name) > 60:
            problems.append(Problem(f"The group name {name[:60]!r}… is longer than 60 characters.", field))
            continue
        if name.lower() in names:
            problems.append(Problem(f"The group {name!r} is named twice.", field))
            continue
        names.add(name.lower())
        chosen: list[Area] = []
        for code in codes:
            found = by_code.get(code.lower(), [])
            if not found:
                problems.append(Problem(f"Group {name}: there is no area {code!r}.", field))
            elif len(found) > 1:
                problems.append(Problem(f"Group {name}: more than one force has an area {code!r}.", field))
            elif found[0].pk in placed and placed[found[0].pk] != name:
                problems.append(
                    Problem(
                        f"Area {code} is in group {placed[found[0].pk]} and group {name}: an area may be in "
                        "one group only (the comparison needs separate respondents).",
                        field,
                    )
                )
            elif found[0] not in chosen:
                chosen.append(found[0])
                placed[found[0].pk] = name
        if not codes:
            problems.append(Problem(f"Group {name} names no area.", field))
        out.append(AreaGroup(name, tuple(chosen)))
    if problems:
        raise ValidationFailed(problems)
    return out


def parse_min_responses(value: object, field: str = "min_responses") -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1_000_000:
        raise ValidationFailed([Problem("The minimum number of responses is a whole number from 1.", field)])
    return value


# --- the results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BreakdownGroup:
    """One group of a breakdown (e.g. ethnic group "Asian"); `figures` empty when suppressed."""

    key: str  # the stored code ("" for not stated)
    label: str
    respondents: int
    suppressed: bool
    figures: dict[str, Figure | None] = field(default_factory=dict)  # None: that question suppressed

    def as_json(self, questions: Sequence[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"group": self.key or "not_stated", "label": self.label}
        if self.suppressed:
            out["suppressed"] = True
            return out
        out["respondents"] = self.respondents
        out["questions"] = [
            fig.as_json(q)
            if (fig := self.figures.get(q)) is not None
            else {"question": q, "suppressed": True}
            for q in questions
        ]
        return out


@dataclass(frozen=True)
class Comparison:
    question: str
    groups: tuple[str, str]
    result: Difference

    def as_json(self) -> dict[str, Any]:
        r = self.result
        return {
            "question": self.question,
            "groups": list(self.groups),
            "difference": r.difference,
            "ci95": list(r.ci95) if r.ci95 is not None else None,
            "p_value": r.p_value,
        }


@dataclass
class Results:
    questionnaire: Questionnaire
    version: QuestionnaireVersion
    start: dt.date
    end: dt.date  # the last month included (its first day)
    questions: list[str]
    min_responses: int
    overall: dict[str, Figure]
    months: list[tuple[dt.date, dict[str, Figure]]]
    rolling: list[tuple[dt.date, dict[str, Figure]]]  # the 12 months ending with each month
    groups: list[tuple[AreaGroup, dict[str, Figure]]]
    comparisons: list[Comparison]
    breakdowns: dict[str, list[BreakdownGroup]]

    def _qs(self, figures: Mapping[str, Figure]) -> list[dict[str, Any]]:
        return [figures.get(q, NO_FIGURE).as_json(q) for q in self.questions]

    def as_json(self, *, monthly: bool = False, breakdowns: bool = False) -> dict[str, Any]:
        """The command's contract: {"survey", "version", "questions": [...]}, and with groups
        "groups" and "comparisons"; `monthly` adds "months" and "rolling_12", `breakdowns` adds
        "breakdowns" (only when asked, so the default shape never changes)."""
        out: dict[str, Any] = {
            "survey": self.questionnaire.code,
            "version": self.version.version,
            "questions": self._qs(self.overall),
        }
        if self.groups:
            out["groups"] = [
                {"group": g.name, "areas": g.codes, "questions": self._qs(figs)} for g, figs in self.groups
            ]
            out["comparisons"] = [c.as_json() for c in self.comparisons]
        if monthly:
            out["months"] = [{"month": months.label(m), "questions": self._qs(f)} for m, f in self.months]
            out["rolling_12"] = [
                {
                    "month": months.label(m),
                    "from": months.label(months.add_months(m, 1 - ROLLING)),
                    "questions": self._qs(f),
                }
                for m, f in self.rolling
            ]
        if breakdowns:
            out["min_responses"] = self.min_responses
            out["breakdowns"] = {
                name: [g.as_json(self.questions) for g in rows] for name, rows in self.breakdowns.items()
            }
        return out


def _month_counts(
    questionnaire: Questionnaire, codes: Sequence[str], lo: dt.date, hi: dt.date
) -> dict[tuple[dt.date, int, str], Figure]:
    """(month, area, question) -> answers and satisfied, months lo..hi: one GROUP BY."""
    rows = (
        SurveyAnswer.objects.filter(
            response__questionnaire=questionnaire,
            response__month__gte=lo,
            response__month__lte=hi,
            question__in=list(codes),
            value__isnull=False,
        )
        .order_by()
        .values("response__month", "response__area_id", "question")
        .annotate(n=Count("pk"), k=Count("pk", filter=Q(value__gte=questionnaires.SATISFIED)))
    )
    return {
        (r["response__month"], r["response__area_id"], r["question"]): Figure(r["n"], r["k"]) for r in rows
    }


def _sum(
    counts: Mapping[tuple[dt.date, int, str], Figure],
    codes: Sequence[str],
    lo: dt.date,
    hi: dt.date,
    areas: set[int] | None = None,
) -> dict[str, Figure]:
    out = {q: NO_FIGURE for q in codes}
    for (month, area, q), fig in counts.items():
        if lo <= month <= hi and (areas is None or area in areas):
            out[q] = out[q] + fig
    return out


def _breakdowns(
    questionnaire: Questionnaire, codes: Sequence[str], lo: dt.date, hi: dt.date, minimum: int
) -> dict[str, list[BreakdownGroup]]:
    """By ethnic group (the 19 categories and the five broad groups), age band and disability."""
    where = {"questionnaire": questionnaire, "month__gte": lo, "month__lte": hi}
    people: dict[tuple[str, str, str], int] = {
        (r["ethnicity"], r["age_band"], r["disability"]): r["n"]
        for r in SurveyResponse.objects.filter(**where)
        .order_by()
        .values("ethnicity", "age_band", "disability")
        .annotate(n=Count("pk"))
    }
    answers: dict[tuple[str, str, str, str], Figure] = {
        (r["response__ethnicity"], r["response__age_band"], r["response__disability"], r["question"]): Figure(
            r["n"], r["k"]
        )
        for r in SurveyAnswer.objects.filter(
            **{f"response__{k}": v for k, v in where.items()}, question__in=list(codes), value__isnull=False
        )
        .order_by()
        .values("response__ethnicity", "response__age_band", "response__disability", "question")
        .annotate(n=Count("pk"), k=Count("pk", filter=Q(value__gte=questionnaires.SATISFIED)))
    }

    def dimension(
        key_of: Callable[[tuple[str, str, str]], str], groups: Sequence[tuple[str, str]]
    ) -> list[BreakdownGroup]:
        respondents: dict[str, int] = defaultdict(int)
        for who, n in people.items():
            respondents[key_of(who)] += n
        figures_of: dict[tuple[str, str], Figure] = defaultdict(lambda: NO_FIGURE)
        for (e, a, d, q), f in answers.items():
            figures_of[key_of((e, a, d)), q] = figures_of[key_of((e, a, d)), q] + f
        out = []
        for key, label in groups:
            n = respondents.get(key, 0)
            if n < minimum:
                out.append(BreakdownGroup(key, label, n, True))
                continue
            figures: dict[str, Figure | None] = {}
            for q in codes:
                fig = figures_of.get((key, q), NO_FIGURE)
                figures[q] = fig if fig.responses >= minimum else None
            out.append(BreakdownGroup(key, label, n, False, figures))
        return out

    not_stated = ("", ethnicity.NOT_STATED_LABEL)
    return {
        "ethnicity": dimension(lambda w: w[0], [(g.code, g.label) for g in ethnicity.GROUPS] + [not_stated]),
        "ethnic_group": dimension(
            lambda w: ethnicity.broad_group(w[0]),
            [(k, short) for k, (short, _long) in ethnicity.BROAD_GROUPS.items()] + [not_stated],
        ),
        "age_band": dimension(lambda w: w[1], [(b, b) for b in AGE_BANDS] + [not_stated]),
        "disability": dimension(lambda w: w[2], [("yes", "Disabled"), ("no", "Not disabled"), not_stated]),
    }


def check_request(
    survey: object,
    start: object,
    end: object,
    groups: Iterable[str] = (),
    min_responses: object = MIN_RESPONSES,
) -> tuple[Questionnaire, dt.date, dt.date, list[AreaGroup], int]:
    """The arguments checked together: every problem names its argument (survey, from, to,
    groups, min_responses)."""
    problems: list[Problem] = []
    questionnaire = None
    try:
        questionnaire = questionnaires.find(survey, "survey")
    except ValidationFailed as exc:
        problems.extend(exc.problems)
    first = last = None
    for name, value in (("from", start), ("to", end)):
        try:
            parsed = months.parse_month(value, name)
        except ValidationFailed as exc:
            problems.extend(exc.problems)
            continue
        if name == "from":
            first = parsed
        else:
            last = parsed
    if first is not None and last is not None and first > last:
        problems.append(Problem(f"--from {months.label(first)} is after --to {months.label(last)}.", "from"))
    chosen: list[AreaGroup] = []
    try:
        chosen = parse_groups(groups)
    except ValidationFailed as exc:
        problems.extend(exc.problems)
    minimum = MIN_RESPONSES
    try:
        minimum = parse_min_responses(min_responses)
    except ValidationFailed as exc:
        problems.extend(exc.problems)
    if problems:
        raise ValidationFailed(problems)
    assert questionnaire is not None and first is not None and last is not None
    return questionnaire, first, last, chosen, minimum


def results(
    survey: object,
    start: object,
    end: object,
    *,
    groups: Iterable[str] = (),
    min_responses: object = MIN_RESPONSES,
) -> Results:
    """The results of the survey `survey` (its code) from month `start` to month `end` (YYYY-MM,
    both included), over all areas; with `groups` (NAME=AREA,AREA …) each group's figures and every
    pair of groups compared in the order given; by month, over rolling twelve months and broken
    down by the respondents' details."""
    questionnaire, first, last, chosen, minimum = check_request(survey, start, end, groups, min_responses)
    version = questionnaires.latest_version(questionnaire)
    codes = questionnaires.scale_codes(version)
    earliest = months.add_months(first, 1 - ROLLING)
    counts = _month_counts(questionnaire, codes, earliest, last)
    overall = _sum(counts, codes, first, last)
    span: list[dt.date] = []
    m = first
    while m <= last:
        span.append(m)
        m = months.add_months(m, 1)
    by_month = [(m, _sum(counts, codes, m, m)) for m in span]
    rolling = [(m, _sum(counts, codes, months.add_months(m, 1 - ROLLING), m)) for m in span]
    group_figures = [(g, _sum(counts, codes, first, last, {a.pk for a in g.areas})) for g in chosen]
    comparisons = [
        Comparison(q, (a.name, b.name), compare(fa[q], fb[q]))
        for q in codes
        for (a, fa), (b, fb) in itertools.combinations(group_figures, 2)
    ]
    return Results(
        questionnaire=questionnaire,
        version=version,
        start=first,
        end=last,
        questions=codes,
        min_responses=minimum,
        overall=overall,
        months=by_month,
        rolling=rolling,
        groups=group_figures,
        comparisons=comparisons,
        breakdowns=_breakdowns(questionnaire, codes, first, last, minimum),
    )
