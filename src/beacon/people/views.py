"""Person-index pages: look a caller up, a person's records and flags, subject access, erasure, the
analysts' review queue and the batch's cluster runs.

Thin: reads go through `selectors` (the lookup logs what it finds), writes through `services` (which
check, validate and audit). Every page that shows personal data logs the read with its purpose.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from beacon.core import audit
from beacon.core.errors import EditConflict, Problem, ValidationFailed
from beacon.core.forms import GovukForm
from beacon.core.permissions import AuthedRequest, capability_required, refuse
from beacon.people import selectors, services
from beacon.people.forms import (
    RULE,
    DecideForm,
    EraseForm,
    FlagForm,
    KnownDetailForm,
    LookupForm,
    SubjectAccessForm,
    UndoRunForm,
)
from beacon.people.models import (
    ClusterRun,
    ConfirmedDetail,
    ContactRecord,
    FlagKind,
    Person,
    PersonFlag,
    ReviewPair,
)

DEFAULT_PURPOSE = "viewing person record"
LOOKUP_LIMIT = 10
REVIEW_PAGE_SIZE = 20
RUNS_PAGE_SIZE = 20
MAX_MERGE_HOPS = 50


def percent(p: float) -> str:
    """A match probability for people: one decimal place, never rounded up to a certainty."""
    if p >= 1:
        return "100%"
    if p >= 0.9995:
        return "over 99.9%"
    if 0 < p < 0.0005:
        return "under 0.1%"
    return f"{p * 100:.1f}%"


def _problems(form: GovukForm) -> list[Problem]:
    """The form's problems; a problem with the whole form names no field (so links nowhere)."""
    return [Problem(p.message, "" if p.field == "__all__" else p.field) for p in form.problems()]


def _is_htmx(request: AuthedRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _person_url(pk: int, purpose: str = "") -> str:
    url = reverse("people:person", args=[pk])
    if purpose and purpose != DEFAULT_PURPOSE:
        url += "?" + urlencode({"purpose": purpose})
    return url


# ---------------------------------------------------------------------------------------------
# Look a caller up


@dataclass
class Result:
    candidate: selectors.Candidate
    percent: str
    record: ContactRecord | None  # the record that matched best, as given
    url: str
    known: selectors.KnownAs | None = None  # who they are known as (the people app's one rule)


def _results(found: list[selectors.Candidate], purpose: str) -> list[Result]:
    best = ContactRecord.objects.in_bulk([c.record_id for c in found])
    known = selectors.known_as([c.person_id for c in found]) if found else {}
    return [
        Result(
            c,
            percent(c.probability),
            best.get(c.record_id),
            _person_url(c.person_id, purpose),
            known.get(c.person_id),
        )
        for c in found
    ]


@capability_required("people.lookup")
def lookup(request: AuthedRequest) -> HttpResponse:
    htmx = _is_htmx(request)
    form = LookupForm(request.GET or None)
    results: list[Result] | None = None  # None: nothing looked up yet
    unavailable = ""
    incomplete = False
    if form.is_bound:
        if htmx and (not form.has_details() or not str(form.data.get("purpose", "")).strip()):
            # Still typing: say what is needed rather than show errors on fields not yet reached.
            incomplete = True
        elif form.is_valid():
            purpose = form.cleaned_data["purpose"]
            try:
                found = selectors.lookup(
                    form.details(), actor=request.user, reason=purpose, limit=LOOKUP_LIMIT
                )
            except ValidationFailed as exc:
                # "Give at least one detail" belongs to the form: point it at the first field.
                form.add_problems([Problem(p.message, p.field or "forename") for p in exc.problems])
            except LookupError as exc:
                unavailable = str(exc)
            else:
                results = _results(found, purpose)
    context: dict[str, Any] = {
        "form": form,
        "results": results,
        "problems": [] if incomplete or not form.is_bound else _problems(form),
        "unavailable": unavailable,
        "incomplete": incomplete,
        "htmx": htmx,
        "model_missing": selectors.active_model() is None if not form.is_bound else False,
    }
    template = "people/_lookup_results.html" if htmx else "people/lookup.html"
    return render(request, template, context)


# ---------------------------------------------------------------------------------------------
# A person


def _current_person(person: Person) -> Person | None:
    """Where a merged person's records are now (following merges of merges); None if not merged."""
    if person.merged_into_id is None:
        return None
    current = person
    seen = {person.pk}
    for _ in range(MAX_MERGE_HOPS):
        if current.merged_into_id is None or current.merged_into_id in seen:
            break
        nxt = Person.objects.filter(pk=current.merged_into_id).first()
        if nxt is None:
            break
        seen.add(nxt.pk)
        current = nxt
    return current if current.pk != person.pk else None


def _flag_kinds() -> list[FlagKind]:
    services.ensure_flag_kinds()
    return list(FlagKind.objects.order_by("label"))


def _render_person(
    request: AuthedRequest, person: Person, purpose: str, flag_form: FlagForm | None = None, status: int = 200
) -> HttpResponse:
    audit.record_read(request.user, person, reason=purpose)
    today = timezone.localdate()
    flags = list(person.flags.select_related("kind").order_by("-recorded_on", "id"))
    can_flag = request.user.can("people.flag")
    current = _current_person(person)
    if flag_form is None and can_flag:
        flag_form = FlagForm(initial={"purpose": purpose}, kinds=_flag_kinds())
    known = selectors.known_as([person.pk])[person.pk]
    confirmed = selectors.confirmations(person) if known.chosen else {}
    said = selectors.summaries([person.pk])[person.pk]
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "current": current,
            "current_url": _person_url(current.pk, purpose) if current else "",
            "records": list(selectors.person_records(person)),
            "known": known,
            "known_rows": _known_rows(known, confirmed),
            "can_confirm": can_flag,
            "open_flags": [f for f in flags if f.ended_on is None or f.ended_on > today],
            "ended_flags": [f for f in flags if f.ended_on is not None and f.ended_on <= today],
            "flag_form": flag_form,
            "problems": _problems(flag_form) if flag_form is not None and flag_form.is_bound else [],
            "purpose": purpose,
            "can_flag": can_flag,
            # Open cases, risk level, the ASB case review threshold: what later domains know.
            "summary": [(k, v) for k, v in said.items() if k != "alerts"],
            "alerts": said.get("alerts", []),
        },
        status=status,
    )


@dataclass
class KnownRow:
    """One line of "Known as" on the person page: a detail, its value and where it comes from."""

    detail: str
    label: str
    value: str
    chosen: selectors.Chosen | None
    confirmation: ConfirmedDetail | None


def _known_rows(known: selectors.KnownAs, confirmed: dict[str, ConfirmedDetail]) -> list[KnownRow]:
    values = {
        "name": known.name,
        "dob": known.dob,
        "phone": known.phone,
        "email": known.email,
        "address": known.address_line,
    }
    rows = []
    for detail in selectors.DETAILS:
        chosen = known.chosen.get(detail)
        confirmation = confirmed.get(detail) if chosen is not None and chosen.confirmed else None
        rows.append(KnownRow(detail, selectors.DETAIL_LABELS[detail], values[detail], chosen, confirmation))
    return rows


def _purpose(raw: str | None) -> str:
    return (raw or "").strip()[:200] or DEFAULT_PURPOSE


@capability_required("people.view")
def person_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    return _render_person(request, person, _purpose(request.GET.get("purpose")))


@capability_required("people.flag")
@require_POST
def add_flag(request: AuthedRequest, pk: int) -> HttpResponse:
    if not request.user.can("people.view"):  # the form comes back on the person page
        return refuse(request, "Your role does not give access to person records.")
    person = get_object_or_404(Person, pk=pk)
    form = FlagForm(request.POST, kinds=_flag_kinds())
    purpose = _purpose(request.POST.get("purpose"))
    if form.is_valid():
        try:
            flag = services.add_flag(
                request.user,
                person,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["final_reason"],
                review_on=form.cleaned_data["review_on"],
            )
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        else:
            messages.success(request, f"{flag.kind.label} flag added to person {person.pk}.")
            return redirect(_person_url(person.pk, purpose))
    return _render_person(request, person, purpose, form)


@capability_required("people.flag")
@require_POST
def end_flag(request: AuthedRequest, pk: int) -> HttpResponse:
    flag = get_object_or_404(PersonFlag.objects.select_related("kind"), pk=pk)
    purpose = _purpose(request.POST.get("purpose"))
    today = timezone.localdate()
    if flag.kind.derived:
        messages.error(request, f"The {flag.kind.label.lower()} flag is set and ended by its rule.")
    elif flag.ended_on is not None and flag.ended_on <= today:
        messages.error(request, f"That {flag.kind.label.lower()} flag had already ended.")
    else:
        services.end_flag(request.user, flag)
        messages.success(request, f"{flag.kind.label} flag ended.")
    return redirect(_person_url(flag.person_id, purpose))


# ---------------------------------------------------------------------------------------------
# Confirming who a person is


@capability_required("people.flag")
@require_POST
def confirm_record(request: AuthedRequest, pk: int) -> HttpResponse:
    """The button "Use these details as the person's name" on one of their records."""
    if not request.user.can("people.view"):  # the answer is the person page
        return refuse(request, "Your role does not give access to person records.")
    record = get_object_or_404(ContactRecord, pk=pk)
    person = get_object_or_404(Person, pk=record.person_id)
    purpose = _purpose(request.POST.get("purpose"))
    try:
        services.confirm_details(request.user, person, record, ["name"])
    except ValidationFailed as exc:
        messages.error(request, exc.problems[0].message)
    else:
        messages.success(
            request, f"The name on record {record.pk} is now person {person.pk}'s name on every page."
        )
    return redirect(_person_url(person.pk, purpose))


@capability_required("people.flag")
def known_detail(request: AuthedRequest, pk: int, detail: str) -> HttpResponse:
    """Choose which of the values a person's records give for one detail is theirs, or go back to
    the value given most often."""
    if detail not in selectors.DETAILS:
        raise Http404("No such detail.")
    if not request.user.can("people.view"):
        return refuse(request, "Your role does not give access to person records.")
    person = get_object_or_404(Person, pk=pk)
    source = request.POST if request.method == "POST" else request.GET
    purpose = _purpose(source.get("purpose"))
    known, options = selectors.detail_options(person, detail)
    label = selectors.DETAIL_LABELS[detail]
    confirmed = known.is_confirmed(detail)
    chosen = next((o for o in options if o.chosen), None)
    choices = [(str(o.record_id), o.value) for o in options] + [
        (RULE, "The one given most often (nothing confirmed)")
    ]
    initial = {"purpose": purpose, "choice": str(chosen.record_id) if confirmed and chosen else RULE}
    form = KnownDetailForm(
        request.POST if request.method == "POST" else None, label=label, choices=choices, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        choice, note = form.cleaned_data["choice"], form.cleaned_data["note"]
        try:
            if choice == RULE:
                n = services.withdraw_confirmation(request.user, person, [detail], reason=note)
                text = (
                    f"Person {person.pk}'s {label.lower()} is the one given most often again."
                    if n
                    else f"Nothing was confirmed for person {person.pk}'s {label.lower()}: no change."
                )
            else:
                record = get_object_or_404(ContactRecord, pk=int(choice))
                services.confirm_details(request.user, person, record, [detail], note=note)
                text = f"Person {person.pk}'s {label.lower()} is now the one on record {record.pk}."
        except ValidationFailed as exc:
            form.add_problems(
                [Problem(p.message, "choice" if p.field != "note" else "note") for p in exc.problems]
            )
        else:
            messages.success(request, text)
            return redirect(_person_url(person.pk, purpose))
    audit.record_read(request.user, person, reason=purpose)
    by_value = {str(o.record_id): o for o in options}
    return render(
        request,
        "people/known_detail.html",
        {
            "person": person,
            "known": known,
            "detail": detail,
            "label": label,
            "form": form,
            "radios": [(value, text, by_value.get(value)) for value, text in choices],
            "selected": str(form["choice"].value() or ""),
            "purpose": purpose,
            "problems": _problems(form) if form.is_bound else [],
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# ---------------------------------------------------------------------------------------------
# Subject access and erasure


def _with_datetimes(report: dict[str, Any]) -> dict[str, Any]:
    """The report with its timestamps as datetimes, for the page to show in local time."""

    def when(value: str | None) -> dt.datetime | None:
        return dt.datetime.fromisoformat(value) if value else None

    return {
        **report,
        "records": [
            {**r, "contacted_at": when(r["contacted_at"]), "erased": when(r["erased"])}
            for r in report["records"]
        ],
        "accesses": [{**a, "at": when(a["at"])} for a in report["accesses"]],
    }


@capability_required("people.subject_access")
def subject_access(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    form = SubjectAccessForm(request.GET if "reason" in request.GET else None)
    report = None
    if form.is_bound and form.is_valid():
        reason = form.cleaned_data["reason"]
        report = selectors.subject_access(person, actor=request.user, reason=reason)
        if request.GET.get("format") == "json":
            audit.record_export(request.user, person, reason=f"subject access: {reason}")
            response = HttpResponse(
                json.dumps(report, indent=2, ensure_ascii=False), content_type="application/json"
            )
            response["Content-Disposition"] = f'attachment; filename="subject-access-person-{person.pk}.json"'
            return response
    return render(
        request,
        "people/subject_access.html",
        {
            "person": person,
            "form": form,
            "report": report,
            "shown": _with_datetimes(report) if report is not None else None,
            "json_query": urlencode({"reason": form.cleaned_data["reason"], "format": "json"})
            if report is not None
            else "",
            "problems": _problems(form) if form.is_bound else [],
        },
    )


@capability_required("people.erase")
def erase_record(request: AuthedRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(ContactRecord, pk=pk)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.erase_record(request.user, record, reason=form.cleaned_data["reason"])
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        else:
            messages.success(request, f"Record {record.pk} erased. Its tombstone and your reason are kept.")
            return redirect("people:person", pk=record.person_id)
    if record.erased_at is None:
        audit.record_read(request.user, record, reason="confirming erasure")
    return render(
        request,
        "people/erase_confirm.html",
        {"record": record, "form": form, "problems": _problems(form) if form.is_bound else []},
        status=422 if form.is_bound and form.errors else 200,
    )


# ---------------------------------------------------------------------------------------------
# The review queue


@capability_required("people.review")
def review_queue(request: AuthedRequest) -> HttpResponse:
    page = Paginator(selectors.review_queue(), REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    pairs = list(page.object_list)
    shown = [r for p in pairs for r in (p.record_a, p.record_b)]
    if shown:
        audit.record_reads(request.user, shown, reason="reviewing possible matches")
    for p in pairs:
        p.percent = percent(p.probability)  # type: ignore[attr-defined]
    return render(request, "people/review_queue.html", {"page": page, "pairs": pairs})


@capability_required("people.review")
@require_POST
def decide(request: AuthedRequest, pk: int) -> HttpResponse:
    pair = get_object_or_404(ReviewPair.objects.select_related("decided_by"), pk=pk)
    htmx = _is_htmx(request)
    back = reverse("people:review")
    if request.POST.get("page", "").isdigit():
        back += f"?page={request.POST['page']}"
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose “Same person” or “Different people” for the pair.")
        if htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = back
            return response
        return redirect(back)
    try:
        pair = services.decide_pair(
            request.user,
            pair,
            same=form.cleaned_data["decision"] == "same",
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
    except EditConflict as exc:
        pair = ReviewPair.objects.select_related("decided_by").get(pk=pair.pk)
        template = "people/_review_decided.html" if htmx else "people/review_conflict.html"
        return render(request, template, {"pair": pair, "conflict": exc, "back": back}, status=409)
    if htmx:
        return render(request, "people/_review_decided.html", {"pair": pair})
    messages.success(request, f"Pair {pair.pk}: {pair.get_decision_display().lower()}.")
    return redirect(back)


# ---------------------------------------------------------------------------------------------
# Cluster runs


@capability_required("people.batch")
def runs(request: AuthedRequest) -> HttpResponse:
    qs = ClusterRun.objects.annotate(
        open_moves=Count("moves", filter=Q(moves__undone_at__isnull=True)),
        undone_moves=Count("moves", filter=Q(moves__undone_at__isnull=False)),
    ).order_by("-started_at", "-id")
    page = Paginator(qs, RUNS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "people/runs.html", {"page": page})


@capability_required("people.batch")
def undo_run(request: AuthedRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ClusterRun, pk=pk)
    open_moves = list(run.moves.filter(undone_at__isnull=True))
    form = UndoRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not open_moves:
            messages.error(request, f"Cluster run {run.pk} has nothing left to undo.")
            return redirect("people:runs")
        n = services.undo_moves(request.user, open_moves, reason=form.cleaned_data["reason"])
        messages.success(request, f"Cluster run {run.pk} undone: {n} records put back where they were.")
        return redirect("people:runs")
    return render(
        request,
        "people/undo_run.html",
        {
            "run": run,
            "open_moves": len(open_moves),
            "form": form,
            "problems": _problems(form) if form.is_bound else [],
        },
        status=422 if form.is_bound and form.errors else 200,
    )
