"""Risk assessment pages: an officer assesses a victim from an incident (the form opens with the
caller's screening answers and what Beacon's records say prefilled, to confirm with the victim, and
shows the score so far as they answer: `assess_score`, the HTMX partial); an assessment (logged) with
its points, the supervisor's review and the victim's history; the supervisor's lists of assessments
awaiting review and assessments due. Instrument administration is in views_admin.

Thin: reads through `selectors` (which log reads of assessments), writes through `services`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from beacon.core import audit
from beacon.core.errors import EditConflict, PermissionRefused, Problem, ValidationFailed
from beacon.core.permissions import AuthedRequest, capability_required, refuse
from beacon.incidents import selectors as incident_selectors
from beacon.incidents.models import Incident, IncidentPerson
from beacon.people.models import Person
from beacon.risk import prefill, scoring, selectors, services
from beacon.risk.forms import (
    CONFIRM_FIELD,
    OfficerNoteForm,
    ReviewForm,
    page_problems,
    posted_answers,
    posted_prefilled,
    prefilled_data,
    question_fields,
)
from beacon.risk.models import Assessment, InstrumentVersion, RiskSettings
from beacon.risk.prefill import Prefilled
from beacon.risk.scoring import level_label

ASSESS_REASON = "completing a risk assessment"
VIEW_REASON = "viewing risk assessment"
HISTORY_REASON = "victim's risk assessment history"
REVIEWS_REASON = "risk assessments awaiting review"
PAGE_SIZE = 50
HISTORY_ON_DETAIL = 5


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _int(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() else None


# ---------------------------------------------------------------------------------------------
# Completing an assessment


def _victim_choices(incident: Incident) -> list[IncidentPerson]:
    """Callers and victims on the incident, one per person."""
    seen: set[int] = set()
    out = []
    for ip in selectors.victims_of(incident):
        if ip.record.person_id not in seen:
            seen.add(ip.record.person_id)
            out.append(ip)
    return out


def _prefilled(
    incident: Incident, victim: IncidentPerson, version: InstrumentVersion, keys: list[str] | None = None
) -> dict[str, Prefilled]:
    """What the form prefills for this victim (only `keys`, the questions a posted form says it
    prefilled, when given)."""
    found = prefill.prefill(version, incident, victim.record.person_id, known=getattr(victim, "known", None))
    return found if keys is None else {k: p for k, p in found.items() if k in keys}


def running_score(version: InstrumentVersion, incident: Incident, data: Any) -> scoring.RunningScore:
    """The score of a form's answers so far, where the incident happened as saving scores it."""
    location = selectors.location_for_incident(incident, timezone.now())
    return scoring.running_score(
        version.questions,
        version.location_weights,
        version.thresholds,
        posted_answers(version, data or {}),
        location,
    )


def _render_assess(
    request: AuthedRequest,
    incident: Incident,
    victim: IncidentPerson,
    version: InstrumentVersion,
    *,
    data: Any = None,
    problems: list[Problem] | None = None,
    note_form: OfficerNoteForm | None = None,
    notice: str = "",
    prefilled: dict[str, Prefilled] | None = None,
    prefilled_keys: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The form; `prefilled` marks the questions whose answers came from the call or the records,
    `prefilled_keys` (default: those) are the questions the officer is asked to confirm."""
    problems = problems or []
    prefilled = prefilled or {}
    keys = {q["key"] for q in version.questions}
    confirm_keys = [k for k in (prefilled_keys if prefilled_keys is not None else prefilled) if k in keys]
    return render(
        request,
        "risk/assess.html",
        {
            "incident": incident,
            "victim": victim,
            "version": version,
            "questions": question_fields(version, data, problems, prefilled),
            "note_form": note_form or OfficerNoteForm(),
            "problems": page_problems(problems, keys),
            "notice": notice,
            "prefilled_keys": confirm_keys,
            "prefilled_from": prefill.marks(prefilled),
            "confirm_label": prefill.confirmation_label(prefilled),
            "confirm_error": next((p.message for p in problems if p.field == CONFIRM_FIELD), ""),
            "confirmed": bool(data is not None and data.get(CONFIRM_FIELD)),
            "running": running_score(version, incident, data),
        },
        status=status,
    )


@capability_required("risk.assess")
@require_http_methods(["GET", "POST"])
def assess(request: AuthedRequest) -> HttpResponse:
    """/risk/assess/?incident=ID&person=PERSON_ID: the assessment form for one victim of an incident
    (or, without a person, a choice among the incident's callers and victims)."""
    incident_id = _int(request.GET.get("incident"))
    if incident_id is None:
        raise Http404("Open the assessment from an incident.")
    try:
        incident = incident_selectors.incident_for(request.user, incident_id, reason=ASSESS_REASON)
    except Incident.DoesNotExist as exc:
        raise Http404("No such incident in your areas.") from exc
    choices = _victim_choices(incident)
    if choices:
        audit.record_reads(
            request.user,
            [Person(pk=ip.record.person_id) for ip in choices],
            reason=f"{ASSESS_REASON} {incident}",
        )
    person_id = _int(request.GET.get("person"))
    if person_id is None and len(choices) == 1:
        person_id = choices[0].record.person_id
    victim = next((ip for ip in choices if ip.record.person_id == person_id), None)
    if victim is None:
        return render(
            request,
            "risk/choose_victim.html",
            {"incident": incident, "choices": choices, "asked": person_id is not None},
            status=200 if person_id is None else 404,
        )
    current = selectors.current_version()
    if current is None:
        return render(request, "risk/no_instrument.html", {"incident": incident}, status=503)
    if request.method == "GET":
        found = _prefilled(incident, victim, current)
        return _render_assess(request, incident, victim, current, data=prefilled_data(found), prefilled=found)

    posted_id = _int(request.POST.get("instrument_version"))
    version = current
    if posted_id is not None and posted_id != current.pk:
        posted = InstrumentVersion.objects.select_related("instrument").filter(pk=posted_id).first()
        version = posted or current
    # The questions the form prefilled: the officer confirms them all, with one tick.
    confirm_keys = posted_prefilled(version, request.POST)
    marked = _prefilled(incident, victim, version, confirm_keys) if confirm_keys else {}
    unconfirmed = []
    if confirm_keys and request.POST.get(CONFIRM_FIELD) != "yes":
        unconfirmed = [Problem(prefill.confirmation_problem(marked), CONFIRM_FIELD)]
    note_form = OfficerNoteForm(request.POST)
    if not note_form.is_valid():
        return _render_assess(
            request,
            incident,
            victim,
            version,
            data=request.POST,
            problems=note_form.problems() + unconfirmed,
            note_form=note_form,
            prefilled=marked,
            prefilled_keys=confirm_keys,
            status=400,
        )
    note = note_form.cleaned_data["officer_note"]
    try:
        assessment, case = services.record_assessment(
            request.user,
            incident=incident,
            victim=Person.objects.get(pk=victim.record.person_id),
            completed_as=note_form.cleaned_data["completed_as"],
            answers=posted_answers(version, request.POST),
            officer_note=note,
            version=version,
            form_problems=unconfirmed,
        )
    except ValidationFailed as exc:
        if any(p.field == "instrument_version" for p in exc.problems):
            # The instrument changed while the form was open: show the version in use, keeping
            # the answers to questions it still asks (and their marks, to confirm).
            return _render_assess(
                request,
                incident,
                victim,
                current,
                data=request.POST,
                note_form=note_form,
                notice=next(p.message for p in exc.problems if p.field == "instrument_version"),
                prefilled=_prefilled(incident, victim, current, confirm_keys) if confirm_keys else {},
                prefilled_keys=confirm_keys,
                status=409,
            )
        note_form.add_problems([p for p in exc.problems if p.field in note_form.fields])
        return _render_assess(
            request,
            incident,
            victim,
            version,
            data=request.POST,
            problems=exc.problems,
            note_form=note_form,
            prefilled=marked,
            prefilled_keys=confirm_keys,
            status=400,
        )
    except PermissionRefused as exc:
        return refuse(request, str(exc))
    text = f"Assessment saved: {assessment.score} points, {level_label(assessment.level)} risk."
    if case is not None:
        text += f" {case} is open for this victim with this incident linked."
    messages.success(request, text)
    return redirect("risk:detail", pk=assessment.pk)


@capability_required("risk.assess")
@require_POST
def assess_score(request: AuthedRequest) -> HttpResponse:
    """POST /risk/assess/score/?incident=ID with the assessment form's fields: the score so far and
    its level (the HTMX partial the form's live region shows as the officer answers), scored as
    saving scores it: unanswered questions count 0, where the incident happened weighs as saving
    weighs it. Reads no one's details and writes nothing."""
    incident_id = _int(request.GET.get("incident"))
    incident = (
        incident_selectors.visible_to(request.user)
        .select_related("neighbourhood")
        .only("pk", "area", "lat", "lon", "location_problem", "neighbourhood")
        .filter(pk=incident_id)
        .first()
        if incident_id is not None
        else None
    )
    if incident is None:
        raise Http404("No such incident in your areas.")
    posted_id = _int(request.POST.get("instrument_version"))
    version = (
        InstrumentVersion.objects.select_related("instrument")
        .exclude(status=InstrumentVersion.Status.DRAFT)
        .filter(pk=posted_id)
        .first()
        if posted_id is not None
        else None
    ) or selectors.current_version()
    if version is None:
        raise Http404("No risk assessment instrument has been published.")
    return render(
        request,
        "risk/_running_score.html",
        {"running": running_score(version, incident, request.POST), "version": version},
    )


# ---------------------------------------------------------------------------------------------
# An assessment


def _answer_text(q: dict[str, Any] | None, answer: Any) -> str:
    if q is None:
        return str(answer)
    if q["kind"] == "yes_no":
        return "Yes" if answer == "yes" else "No"
    if q["kind"] == "choice":
        labels = {str(c["value"]): str(c["label"]) for c in q.get("choices", [])}
        return labels.get(str(answer), str(answer))
    return str(answer)


def contribution_rows(
    version: InstrumentVersion, contributions: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    by_key = {q["key"]: q for q in version.questions}
    rows = []
    for c in contributions:
        key = str(c["question"])
        q = by_key.get(key)
        if key.startswith("location:"):
            rows.append({"question": "Where it happened", "answer": c["answer"], "points": c["points"]})
        else:
            rows.append(
                {
                    "question": q["text"] if q else key,
                    "answer": _answer_text(q, c["answer"]),
                    "points": c["points"],
                }
            )
    return rows


def _render_detail(
    request: AuthedRequest,
    assessment: Assessment,
    *,
    review_form: ReviewForm | None = None,
    conflict: EditConflict | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    can_review = (
        user.can("risk.review") and assessment.reviewed_at is None and assessment.completed_by_id != user.pk
    )
    if review_form is None and can_review:
        review_form = ReviewForm(initial={"version": assessment.version})
    history = [
        a
        for a in selectors.assessments_for_person(user, assessment.victim_id, reason=HISTORY_REASON)
        if a.pk != assessment.pk
    ]
    return render(
        request,
        "risk/detail.html",
        {
            "assessment": assessment,
            "version": assessment.instrument_version,
            "rows": contribution_rows(assessment.instrument_version, assessment.contributions),
            "record": assessment.victim_record,
            "review_form": review_form if can_review else None,
            "own": assessment.completed_by_id == user.pk,
            "history": history[:HISTORY_ON_DETAIL],
            "more_history": len(history) > HISTORY_ON_DETAIL,
            "conflict": conflict,
            "problems": review_form.problems() if review_form is not None and review_form.is_bound else [],
        },
        status=status,
    )


def _load(request: AuthedRequest, pk: int) -> Assessment:
    try:
        return selectors.assessment_for(request.user, pk, reason=VIEW_REASON)
    except Assessment.DoesNotExist as exc:
        raise Http404("No such assessment in your areas.") from exc


@capability_required("risk.view")
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _load(request, pk))


@capability_required("risk.review")
@require_POST
def review(request: AuthedRequest, pk: int) -> HttpResponse:
    if not request.user.can("risk.view"):  # the form comes back on the assessment page
        return refuse(request, "Your role does not give access to assessments.")
    assessment = get_object_or_404(selectors.visible_assessments(request.user), pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, _load(request, pk), review_form=form, status=400)
    d = form.cleaned_data
    try:
        services.review_assessment(
            request.user,
            assessment,
            expected_version=d["version"],
            agree=d["decision"] == "agree",
            level=d["level"] or "",
            reason=d["reason"],
        )
    except EditConflict as exc:
        fresh = _load(request, pk)
        return _render_detail(request, fresh, conflict=exc, status=409)
    except ValidationFailed as exc:
        form.add_problems(exc.problems)
        return _render_detail(request, _load(request, pk), review_form=form, status=400)
    except PermissionRefused as exc:
        return refuse(request, str(exc))
    messages.success(request, "Review recorded.")
    return redirect("risk:detail", pk=pk)


# ---------------------------------------------------------------------------------------------
# A victim's history, and the supervisor's lists


@capability_required("risk.view")
def person_history(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_id)
    found = selectors.assessments_for_person(request.user, person.pk, reason=HISTORY_REASON)
    return render(request, "risk/person_history.html", {"person": person, "assessments": found})


@capability_required("risk.review")
def reviews(request: AuthedRequest) -> HttpResponse:
    page = Paginator(selectors.awaiting_review(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    if items:
        audit.record_reads(request.user, items, reason=REVIEWS_REASON)
    return render(request, "risk/reviews.html", {"page": page, "items": items})


@capability_required("cases.supervise", "risk.review")
def due(request: AuthedRequest) -> HttpResponse:
    now = timezone.now()
    page = Paginator(selectors.assessments_due_queryset(request.user, now), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    incidents = list(page.object_list)
    if incidents:
        audit.record_reads(request.user, incidents, reason="risk assessments due")
    items = selectors.due_items(incidents, now)
    return render(
        request,
        "risk/due.html",
        {
            "page": page,
            "items": items,
            "hours": RiskSettings.current().assessment_due_hours,
            "can_assess": request.user.can("risk.assess"),
            "assess_url": reverse("risk:assess"),
        },
    )
