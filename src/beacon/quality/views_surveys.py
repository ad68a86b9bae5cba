"""Call-back survey pages: the results (rates with Wilson intervals, by month and over rolling twelve
months, groups of areas compared, breakdowns with small groups suppressed, CSV), the quality
manager's call lists (draw, assign to volunteers), the volunteer's own calls (only what a call needs,
each view logged) with the form to record a call, and the neighbourhood team's follow-ups. Thin:
reads through `survey_selectors` and `survey_results`, writes through `survey_calls`."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from beacon.core import audit
from beacon.core.downloads import table_download
from beacon.core.errors import PermissionRefused, Problem, ValidationFailed
from beacon.core.models import Area, User
from beacon.core.permissions import AuthedRequest, capability_required, refuse
from beacon.quality import ethnicity, months, questionnaires, survey_calls, survey_results, survey_selectors
from beacon.quality.survey_models import AGE_BANDS, CallAttempt, CallList, CallListEntry, Questionnaire
from beacon.quality.survey_results import Figure

PAGE_SIZE = 50
CALL_REASON = "survey call-back"
SCALE_CHOICES = (
    ("5", "Very satisfied"),
    ("4", "Fairly satisfied"),
    ("3", "Neither satisfied nor dissatisfied"),
    ("2", "Fairly dissatisfied"),
    ("1", "Very dissatisfied"),
    ("", "Not answered"),
)
DIMENSIONS = (
    ("ethnicity", "Ethnic group (ONS 2021 categories)"),
    ("ethnic_group", "Ethnic group (the five broad groups)"),
    ("age_band", "Age band"),
    ("disability", "Disability"),
)


def _page(request: AuthedRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _pct(value: float | None) -> float | None:
    return value * 100 if value is not None else None


def _figure(fig: Figure | None) -> dict[str, Any] | None:
    if fig is None:
        return None
    ci = fig.ci95
    return {
        "responses": fig.responses,
        "satisfied": fig.satisfied,
        "rate": _pct(fig.rate),
        "low": _pct(ci[0]) if ci else None,
        "high": _pct(ci[1]) if ci else None,
    }


# --- results ---------------------------------------------------------------------------------------


def _default_months() -> tuple[str, str]:
    today = dt.date.today().replace(day=1)
    last = months.add_months(today, -1)
    return months.label(months.add_months(last, -11)), months.label(last)


def _csv_rows(res: survey_results.Results, labels: Mapping[str, str]) -> Iterator[list[Any]]:
    def rows(section: str, group: str, figures: Mapping[str, Figure]) -> Iterator[list[Any]]:
        for q in res.questions:
            fig = figures.get(q, survey_results.NO_FIGURE)
            ci = fig.ci95
            yield [
                section,
                group,
                q,
                labels.get(q, q),
                fig.responses,
                fig.satisfied,
                fig.rate,
                ci[0] if ci else None,
                ci[1] if ci else None,
            ]

    yield from rows("overall", f"{months.label(res.start)} to {months.label(res.end)}", res.overall)
    for g, figs in res.groups:
        yield from rows("group", f"{g.name} ({', '.join(g.codes)})", figs)
    for m, figs in res.months:
        yield from rows("month", months.label(m), figs)
    for m, figs in res.rolling:
        yield from rows("rolling 12 months", f"to {months.label(m)}", figs)


CSV_HEADERS = [
    "Section",
    "Group or month",
    "Question",
    "Question text",
    "Responses",
    "Satisfied",
    "Rate",
    "Wilson 95% low",
    "Wilson 95% high",
]


def _chart(res: survey_results.Results, question: str) -> dict[str, Any] | None:
    """A small line chart of the monthly rate for one question (points only where there were
    responses), with the rolling twelve months; coordinates for an inline SVG."""
    if len(res.months) < 2:
        return None
    width, height, left, top, bottom = 640, 220, 40, 10, 30
    step = (width - left - 10) / (len(res.months) - 1)

    def y(rate: float) -> float:
        return top + (1 - rate) * (height - top - bottom)

    def line(series: Sequence[tuple[dt.date, Mapping[str, Figure]]]) -> str:
        points = []
        for i, (_m, figs) in enumerate(series):
            rate = figs.get(question, survey_results.NO_FIGURE).rate
            if rate is not None:
                points.append(f"{left + i * step:.1f},{y(rate):.1f}")
        return " ".join(points)

    ticks = [{"y": y(v / 100), "label": f"{v}%"} for v in (0, 25, 50, 75, 100)]
    xlabels = [
        {"x": left + i * step, "label": months.label(m)}
        for i, (m, _f) in enumerate(res.months)
        if i % max(1, len(res.months) // 6) == 0
    ]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - 10,
        "monthly": line(res.months),
        "rolling": line(res.rolling),
        "ticks": ticks,
        "xlabels": xlabels,
        "base": height - bottom,
    }


@capability_required("surveys.view")
def results(request: AuthedRequest) -> HttpResponse:
    """Choose the survey, months, groups of areas (e.g. pilot=N,E) and the smallest group shown."""
    surveys = questionnaires.survey_choices()
    default_from, default_to = _default_months()
    data = request.GET
    form = {
        "survey": data.get("survey") or (surveys[0][0] if surveys else ""),
        "from": data.get("from", default_from).strip(),
        "to": data.get("to", default_to).strip(),
        "groups": data.get("groups", ""),
        "min_responses": data.get("min_responses", str(survey_results.MIN_RESPONSES)).strip(),
    }
    groups = [line for line in form["groups"].splitlines() if line.strip()]
    problems: list[Problem] = []
    res = None
    if form["survey"]:
        try:
            res = survey_results.results(
                form["survey"], form["from"], form["to"], groups=groups, min_responses=form["min_responses"]
            )
        except ValidationFailed as exc:
            problems = exc.problems
    labels: dict[str, str] = {}
    if res is not None:
        labels = {q["code"]: q["text"] for q in res.version.questions}
    if res is not None and data.get("format") == "csv":
        return table_download(
            f"survey-results-{res.questionnaire.code}", CSV_HEADERS, _csv_rows(res, labels), "csv"
        )
    ctx: dict[str, Any] = {
        "surveys": surveys,
        "form": form,
        "problems": problems,
        "errors": {p.field: p.message for p in problems},
        "results": res,
    }
    if res is not None:
        qs = res.questions
        ctx.update(
            {
                "questions": [(q, labels.get(q, q)) for q in qs],
                "overall": [(q, labels.get(q, q), _figure(res.overall.get(q))) for q in qs],
                "monthly": [(months.label(m), [_figure(f.get(q)) for q in qs]) for m, f in res.months],
                "rolling": [
                    (
                        months.label(months.add_months(m, 1 - survey_results.ROLLING)),
                        months.label(m),
                        [_figure(f.get(q)) for q in qs],
                    )
                    for m, f in res.rolling
                ],
                "group_rows": [
                    (g.name, ", ".join(g.codes), [_figure(f.get(q)) for q in qs]) for g, f in res.groups
                ],
                "comparisons": [
                    {
                        "question": labels.get(c.question, c.question),
                        "groups": c.groups,
                        "difference": _pct(c.result.difference),
                        "low": _pct(c.result.ci95[0]) if c.result.ci95 else None,
                        "high": _pct(c.result.ci95[1]) if c.result.ci95 else None,
                        "p": c.result.p_value,
                    }
                    for c in res.comparisons
                ],
                "breakdowns": [
                    (
                        key,
                        title,
                        [
                            (b.label, b.respondents, b.suppressed, [_figure(b.figures.get(q)) for q in qs])
                            for b in res.breakdowns.get(key, [])
                        ],
                    )
                    for key, title in DIMENSIONS
                ],
                "chart": _chart(res, qs[-1]) if qs else None,
                "chart_question": labels.get(qs[-1], qs[-1]) if qs else "",
                "month_span": f"{months.label(res.start)} to {months.label(res.end)}",
            }
        )
        query = request.GET.copy()
        query["format"] = "csv"
        ctx["csv_query"] = query.urlencode()
    return render(request, "quality/surveys/results.html", ctx, status=422 if problems else 200)


# --- call lists ------------------------------------------------------------------------------------


@capability_required("surveys.manage")
def call_lists(request: AuthedRequest) -> HttpResponse:
    page = _page(request, survey_selectors.visible_call_lists(request.user))
    return render(request, "quality/surveys/call_lists.html", {"page": page})


@capability_required("surveys.manage")
def new_call_list(request: AuthedRequest) -> HttpResponse:
    """Choose the questionnaire, area, month, size and seed; "Check who is eligible" shows how many
    victims may be called (and why others are left out) before drawing."""
    user = request.user
    data = request.POST if request.method == "POST" else request.GET
    surveys = questionnaires.survey_choices()
    form = {
        "survey": data.get("survey") or (surveys[0][0] if surveys else ""),
        "area": data.get("area", ""),
        "month": data.get("month", "").strip(),
        "size": data.get("size", "50").strip(),
        "seed": (data.get("seed") or "").strip() or str(secrets.randbelow(2**31)),
    }
    areas = survey_selectors.survey_areas(user)
    problems: list[Problem] = []
    eligibility: dict[str, Any] | None = None
    if request.method == "POST":
        area = next((a for a in areas if a.code == form["area"]), None)
        try:
            if area is None:
                raise ValidationFailed([Problem("Choose one of your areas.", "area")])
            draw = survey_calls.draw_call_list(
                user, form["survey"], area, form["month"], form["size"], form["seed"]
            )
        except ValidationFailed as exc:
            problems = exc.problems
        except PermissionRefused as exc:
            return refuse(request, str(exc))
        else:
            assert draw.call_list is not None
            messages.success(
                request, f"Call list drawn: {draw.size} of {draw.population} victims, seed {draw.seed}."
            )
            return HttpResponseRedirect(reverse("quality:call_list", args=[draw.call_list.pk]))
    elif "check" in request.GET:
        eligibility, problems = _eligibility(areas, form)
    ctx = {
        "form": form,
        "problems": problems,
        "surveys": surveys,
        "areas": areas,
        "eligibility": eligibility,
    }
    return render(request, "quality/surveys/new_call_list.html", ctx, status=422 if problems else 200)


def _eligibility(areas: list[Area], form: Mapping[str, str]) -> tuple[dict[str, Any] | None, list[Problem]]:
    problems: list[Problem] = []
    found: Questionnaire | None = None
    try:
        found = questionnaires.find(form["survey"], "survey")
    except ValidationFailed as exc:
        problems.extend(exc.problems)
    area = next((a for a in areas if a.code == form["area"]), None)
    if area is None:
        problems.append(Problem("Choose one of your areas.", "area"))
    month = None
    try:
        month = months.parse_month(form["month"], "month")
    except ValidationFailed as exc:
        problems.extend(exc.problems)
    if problems or found is None or area is None or month is None:
        return None, problems
    rules = questionnaires.current_rules(found)
    elig = survey_calls.eligible_victims(rules, area, month)
    return {
        "population": len(elig.eligible),
        "excluded": [(survey_calls.EXCLUDED.get(k, k), n) for k, n in sorted(elig.excluded.items())],
        "rules": rules,
        "start": elig.start,
        "end": elig.end - dt.timedelta(days=1),
    }, []


def _list_or_404(user: User, pk: int) -> CallList:
    try:
        return survey_selectors.call_list_for(user, pk)
    except CallList.DoesNotExist:
        raise Http404("No such call list in your areas.") from None


@capability_required("surveys.manage")
def call_list(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _list_or_404(request.user, pk)
    ctx = {
        "call_list": found,
        "page": _page(request, survey_selectors.call_list_entries(found)),
        "volunteers": survey_selectors.volunteers_for(found.area_id),
        "month": months.label(found.month),
    }
    return render(request, "quality/surveys/call_list.html", ctx)


@require_POST
@capability_required("surveys.manage")
def assign_calls(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _list_or_404(request.user, pk)
    chosen = request.POST.get("volunteer", "")
    volunteer = next((u for u in survey_selectors.volunteers_for(found.area_id) if str(u.pk) == chosen), None)
    if volunteer is None:
        messages.error(request, "Choose a volunteer who works in the list's area.")
    else:
        try:
            n = survey_calls.assign_entries(request.user, found, volunteer)
        except ValidationFailed as exc:
            messages.error(request, " ".join(p.message for p in exc.problems))
        except PermissionRefused as exc:
            return refuse(request, str(exc))
        else:
            messages.success(request, f"{n} call{'s' if n != 1 else ''} given to {volunteer.display_name}.")
    return HttpResponseRedirect(reverse("quality:call_list", args=[found.pk]))


# --- the volunteer's calls -------------------------------------------------------------------------


def _call_view(entry: CallListEntry) -> dict[str, Any]:
    """Only what the volunteer needs for the call."""
    record, incident = entry.record, entry.incident
    erased = record.erased_at is not None
    kind = incident.asb_category or incident.type_heading
    return {
        "pk": entry.pk,
        "position": entry.position,
        "status": entry.get_status_display(),
        "name": "" if erased else " ".join(p for p in (record.given_forename, record.given_surname) if p),
        "phone": "" if erased else record.given_phone,
        "email": "" if erased else record.given_email,
        "date": (incident.occurred_at or incident.received_at),
        "type": kind.label if kind is not None else "Anti-social behaviour",
    }


FIELDS_SHOWN = ("given_forename", "given_surname", "given_phone", "given_email")


@capability_required("surveys.call")
def my_calls(request: AuthedRequest) -> HttpResponse:
    user = request.user
    page = _page(request, survey_selectors.my_calls(user))
    entries = list(page)
    if entries:
        audit.record_reads(user, [e.record for e in entries], reason=f"{CALL_REASON}: my calls list")
    ctx = {
        "page": page,
        "calls": [_call_view(e) for e in entries],
        "finished": survey_selectors.my_finished_calls(user),
    }
    return render(request, "quality/surveys/my_calls.html", ctx)


def _form_from(data: Mapping[str, Any] | None, version_questions: list[dict[str, str]]) -> dict[str, Any]:
    get = data.get if data is not None else (lambda _k, d="": d)
    return {
        "outcome": get("outcome", ""),
        "answers": {q["code"]: get(f"answer_{q['code']}", "") for q in version_questions},
        "ethnicity": get("ethnicity", ""),
        "age_band": get("age_band", ""),
        "disability": get("disability", ""),
        "call_back": bool(get("call_back", "")),
        "new_incident": bool(get("new_incident", "")),
        "follow_up_note": get("follow_up_note", ""),
        "note": get("note", ""),
    }


@capability_required("surveys.call")
def call(request: AuthedRequest, pk: int) -> HttpResponse:
    """One call given to this volunteer: the victim's name and contact details as given, the
    incident's date and type, and the form to record the call."""
    user = request.user
    entry = survey_selectors.my_calls(user).filter(pk=pk).first()
    if entry is None:
        raise Http404("No such call of yours still to make.")
    questions: list[dict[str, str]] = list(entry.call_list.version.questions)
    problems: list[Problem] = []
    form = _form_from(request.POST if request.method == "POST" else None, questions)
    if request.method == "POST":
        outcome = form["outcome"]
        completed = outcome == CallAttempt.Outcome.COMPLETED
        answers = {k: v for k, v in form["answers"].items() if str(v).strip()} if completed else None
        follow_up = [
            {"reason": reason, "note": form["follow_up_note"]}
            for reason, wanted in (("call_back", form["call_back"]), ("new_incident", form["new_incident"]))
            if wanted
        ]
        try:
            if not outcome:
                raise ValidationFailed([Problem("Choose what happened on the call.", "outcome")])
            result = survey_calls.record_attempt(
                user,
                entry.pk,
                outcome,
                answers=answers,
                ethnicity=form["ethnicity"] if completed else "",
                age_band=form["age_band"] if completed else "",
                disability=form["disability"] if completed else "",
                follow_up=follow_up or None,
                note=form["note"],
            )
        except ValidationFailed as exc:
            problems = exc.problems
        except PermissionRefused as exc:
            return refuse(request, str(exc))
        else:
            raised = len(result.follow_ups)
            messages.success(
                request,
                f"Call {entry.position} recorded: {result.attempt.get_outcome_display().lower()}."
                + (
                    f" {raised} follow-up{'s' if raised != 1 else ''} sent to the neighbourhood team."
                    if raised
                    else ""
                ),
            )
            return HttpResponseRedirect(reverse("quality:my_calls"))
    else:
        audit.record_read(
            user, entry.record, reason=f"{CALL_REASON}: call {entry.position}", fields=FIELDS_SHOWN
        )
    errors = {p.field: p.message for p in problems}
    scale = [
        {**q, "value": form["answers"].get(q["code"], ""), "error": errors.get(f"answers.{q['code']}", "")}
        for q in questions
        if q["kind"] == "scale"
    ]
    texts = [
        {**q, "value": form["answers"].get(q["code"], ""), "error": errors.get(f"answers.{q['code']}", "")}
        for q in questions
        if q["kind"] == "text"
    ]
    ctx = {
        "entry": _call_view(entry),
        "form": form,
        "problems": problems,
        "errors": errors,
        "fu_error": next(
            (m for f, m in errors.items() if f.startswith("follow_up") and not f.endswith(".note")), ""
        ),
        "fu_note_error": next(
            (m for f, m in errors.items() if f.startswith("follow_up") and f.endswith(".note")), ""
        ),
        "scale": scale,
        "texts": texts,
        "scale_choices": SCALE_CHOICES,
        "outcomes": CallAttempt.Outcome.choices,
        "ethnic_groups": [
            (label, [(g.code, g.label) for g in ethnicity.GROUPS if g.broad == key])
            for key, (_short, label) in ethnicity.BROAD_GROUPS.items()
        ],
        "age_bands": AGE_BANDS,
    }
    return render(request, "quality/surveys/call.html", ctx, status=422 if problems else 200)


# --- the neighbourhood team's follow-ups -----------------------------------------------------------


@capability_required("incidents.inbox")
def follow_ups(request: AuthedRequest) -> HttpResponse:
    page = _page(request, survey_selectors.open_follow_ups(request.user))
    return render(request, "quality/surveys/follow_ups.html", {"page": page})


@require_POST
@capability_required("incidents.inbox")
def follow_up_done(request: AuthedRequest, pk: int) -> HttpResponse:
    task = survey_selectors.open_follow_ups(request.user).filter(pk=pk).first()
    if task is None:
        raise Http404("No such follow-up in your areas.")
    try:
        survey_calls.complete_follow_up(request.user, task.pk)
    except ValidationFailed as exc:
        messages.error(request, " ".join(p.message for p in exc.problems))
    except PermissionRefused as exc:
        return refuse(request, str(exc))
    else:
        messages.success(request, "Follow-up marked done.")
    return HttpResponseRedirect(reverse("quality:follow_ups"))
