"""Quality pages: rounds (draw one with the margin-of-error helper, assign auditors), the auditor's
work list and audit form (pre-filled answers marked "From the record"), outcomes with Wilson
intervals and CSV, the registrar's disputes, the owner's correction tasks. Thin: reads through
`selectors`, writes through `services`."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from beacon.core.downloads import table_download
from beacon.core.errors import EditConflict, PermissionRefused, Problem, ValidationFailed
from beacon.core.models import Area, User
from beacon.core.permissions import AuthedRequest, capability_required, refuse
from beacon.quality import months, precision, selectors, services
from beacon.quality.models import AuditAnswer, AuditItem, AuditRound, AuditTemplate, CorrectionTask

PAGE_SIZE = 50
ANSWER_CHOICES = (("yes", "Yes"), ("no", "No"), ("na", "Not applicable"))


def _page(request: AuthedRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _areas(user: User) -> list[Area]:
    qs = Area.objects.order_by("name")
    return list(qs if user.all_areas else qs.filter(pk__in=user.area_ids()))


@capability_required("quality.view", "quality.manage")
def rounds(request: AuthedRequest) -> HttpResponse:
    page = _page(request, selectors.visible_rounds(request.user))
    for r in page:
        r.moe = precision.margin_of_error(r.size, r.population)
    return render(request, "quality/rounds.html", {"page": page})


def _auditors(area_ids: list[int]) -> list[User]:
    from beacon.core.roles import CAPABILITIES

    roles = CAPABILITIES["quality.audit"]
    qs = User.objects.filter(is_active=True, role__in=roles).order_by("last_name", "first_name", "username")
    out = []
    for u in qs.prefetch_related("areas"):
        u._area_ids = {a.pk for a in u.areas.all()}
        if all(u.can_see_area(a) for a in area_ids):
            out.append(u)
    return out


@capability_required("quality.manage")
def new_round(request: AuthedRequest) -> HttpResponse:
    """Choose the template, area, month, size and seed; "Work out the precision" shows the month's
    population, the margin of error the size gives and the size a chosen precision needs."""
    user = request.user
    data = request.POST if request.method == "POST" else request.GET
    form: dict[str, Any] = {
        "template": data.get("template", "asb-incident-quality"),
        "area": data.get("area", ""),
        "month": data.get("month", ""),
        "size": data.get("size", "30"),
        "seed": data.get("seed") or str(secrets.randbelow(2**31)),
        "strata": data.getlist("strata"),
        "margin": data.get("margin", "5"),
        "auditor": data.get("auditor", ""),
    }
    problems: list[Problem] = []
    helper: dict[str, Any] | None = None
    if request.method == "POST" and "draw" in request.POST:
        area = Area.objects.filter(code=form["area"]).first()
        auditor = User.objects.filter(pk=form["auditor"]).first() if form["auditor"].isdigit() else None
        try:
            if area is not None and not user.can_see_area(area.pk):
                raise ValidationFailed([Problem("You may draw samples in your own areas only.", "area")])
            draw = services.draw_round(
                user,
                template=form["template"],
                area=form["area"],
                month=form["month"],
                size=form["size"],
                seed=form["seed"],
                strata=form["strata"],
                auditor=auditor,
            )
        except ValidationFailed as exc:
            problems = exc.problems
        else:
            assert draw.round is not None
            messages.success(
                request, f"Round drawn: {draw.size} of {draw.population} records, seed {draw.seed}."
            )
            return HttpResponseRedirect(reverse("quality:round", args=[draw.round.pk]))
    elif form["area"] and form["month"]:
        helper = _precision_helper(user, form)
        problems = helper.pop("problems")
    ctx = {
        "form": form,
        "problems": problems,
        "helper": helper,
        "templates": selectors.templates(),
        "areas": _areas(user),
        "auditors": _auditors([a.pk for a in _areas(user)][:1]) if not user.all_areas else _auditors([]),
        "strata": services.STRATA,
    }
    return render(request, "quality/new_round.html", ctx, status=422 if problems else 200)


def _precision_helper(user: User, form: dict[str, Any]) -> dict[str, Any]:
    problems: list[Problem] = []
    template = AuditTemplate.objects.filter(code=form["template"]).first()
    area = Area.objects.filter(code=form["area"]).first()
    if template is None:
        problems.append(Problem("Choose an audit template.", "template"))
    if area is None or not user.can_see_area(area.pk):
        problems.append(Problem("Choose one of your areas.", "area"))
    month = None
    try:
        month = months.parse_month(form["month"], "month")
    except ValidationFailed as exc:
        problems.extend(exc.problems)
    size = int(form["size"]) if str(form["size"]).isdigit() else None
    try:
        margin = float(form["margin"]) / 100
    except ValueError:
        margin = 0.0
    if not 0 < margin < 1:
        problems.append(Problem("The precision is a number of percentage points, e.g. 5.", "margin"))
    if problems or template is None or area is None or month is None:
        return {"problems": problems}
    n = selectors.population(template, area.pk, month)
    moe = precision.margin_of_error(size, n) if size else None
    return {
        "problems": [],
        "population": n,
        "moe": moe * 100 if moe is not None else None,
        "too_big": size is not None and size > n,
        "needed": precision.size_needed(margin, n) if n else None,
        "margin": margin * 100,
    }


@capability_required("quality.view", "quality.manage")
def round_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        rnd = selectors.round_for(request.user, pk)
    except AuditRound.DoesNotExist:
        raise Http404("No such round in your areas.") from None
    page = _page(request, selectors.round_items(rnd))
    ctx = {
        "round": rnd,
        "page": page,
        "moe": precision.margin_of_error(rnd.size, rnd.population),
        "auditors": _auditors([rnd.area_id]) if request.user.can("quality.manage") else [],
        "month": months.label(rnd.month),
    }
    return render(request, "quality/round.html", ctx)


@require_POST
@capability_required("quality.manage")
def assign(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        rnd = selectors.round_for(request.user, pk)
    except AuditRound.DoesNotExist:
        raise Http404("No such round in your areas.") from None
    auditor = (
        User.objects.filter(pk=request.POST.get("auditor") or 0).first()
        if (request.POST.get("auditor") or "").isdigit()
        else None
    )
    if auditor is None:
        messages.error(request, "Choose an auditor.")
    else:
        try:
            n = services.assign(request.user, rnd, auditor)
        except ValidationFailed as exc:
            messages.error(request, " ".join(p.message for p in exc.problems))
        else:
            messages.success(request, f"{n} item{'s' if n != 1 else ''} given to {auditor.display_name}.")
    return HttpResponseRedirect(reverse("quality:round", args=[rnd.pk]))


@capability_required("quality.audit")
def work(request: AuthedRequest) -> HttpResponse:
    return render(request, "quality/work.html", {"page": _page(request, selectors.work_list(request.user))})


def _questions(
    item: AuditItem, prefill: dict[str, str], data: Any, answers: dict[str, AuditAnswer]
) -> list[dict[str, Any]]:
    out = []
    for q in item.round.template_version.questions:
        key = q["key"]
        saved = answers.get(key)
        value = data.get(f"answer_{key}") if data is not None else None
        if value is None:
            value = (saved.text if q["kind"] == "text" else saved.answer) if saved else prefill.get(key, "")
        out.append(
            {
                **q,
                "id": f"id_answers.{key}",
                "value": value,
                "pre": prefill.get(key, ""),
                "pre_label": dict(ANSWER_CHOICES).get(prefill.get(key, ""), ""),
                "correction_value": data.get(f"correction_{key}", "") if data is not None else "",
                "saved": saved,
            }
        )
    return out


@capability_required("quality.audit", "quality.view", "quality.correct", "quality.registrar")
def item(request: AuthedRequest, pk: int) -> HttpResponse:
    """The audit form for the item's auditor; for anyone else who may see it, the answers (and, for
    the record's owner, a way to dispute a failed one)."""
    user = request.user
    try:
        found = selectors.item_for(user, pk)
    except AuditItem.DoesNotExist:
        raise Http404("No such audit item in your areas.") from None
    record = selectors.show_record(user, found)
    prefill = selectors.prefilled_answers(found, record)
    answers = {a.key: a for a in found.answers.all()}
    can_audit = (
        found.auditor_id == user.pk and found.status == AuditItem.Status.TO_DO and user.can("quality.audit")
    )
    problems: list[Problem] = []
    conflict = None
    data = None
    if request.method == "POST":
        if not can_audit:
            return refuse(request, "Only the item's auditor may complete it.")
        data = request.POST
        keys = [q["key"] for q in found.round.template_version.questions]
        given = {k: data.get(f"answer_{k}") for k in keys if data.get(f"answer_{k}") is not None}
        corrections = {
            k: data.get(f"correction_{k}", "") for k in keys if data.get(f"correction_{k}", "").strip()
        }
        version = data.get("version", "")
        try:
            services.complete_item(
                user,
                found.pk,
                answers=given,
                corrections=corrections,
                version=int(version) if version.isdigit() else -1,
                note=data.get("note", ""),
            )
        except ValidationFailed as exc:
            problems = exc.problems
        except EditConflict as exc:
            conflict = exc
        except PermissionRefused as exc:
            return refuse(request, str(exc))
        else:
            messages.success(request, f"Audit of {found.reference} saved.")
            return HttpResponseRedirect(reverse("quality:work"))
    ctx = {
        "item": found,
        "record": record,
        "questions": _questions(found, prefill, data, answers),
        "choices": ANSWER_CHOICES,
        "can_audit": can_audit,
        "is_owner": found.owner_id == user.pk,
        "problems": problems,
        "errors": {p.field: p.message for p in problems},
        "conflict": conflict,
        "record_url": reverse("cases:detail", args=[found.case_id])
        if found.case_id
        else reverse("incidents:detail", args=[found.incident_id]),
    }
    return render(request, "quality/item.html", ctx, status=422 if problems else 409 if conflict else 200)


@require_POST
@capability_required("quality.correct")
def dispute(request: AuthedRequest, pk: int) -> HttpResponse:
    answer = AuditAnswer.objects.select_related("item").filter(pk=pk).first()
    if answer is None or not selectors.may_see_item(request.user, answer.item):
        raise Http404("No such answer.")
    try:
        services.dispute(request.user, answer.pk, request.POST.get("reason", ""))
    except ValidationFailed as exc:
        messages.error(request, " ".join(p.message for p in exc.problems))
    except PermissionRefused as exc:
        return refuse(request, str(exc))
    else:
        messages.success(request, "Your dispute has gone to the force crime registrar.")
    return HttpResponseRedirect(reverse("quality:item", args=[answer.item_id]))


@capability_required("quality.view")
def outcomes(request: AuthedRequest) -> HttpResponse:
    user = request.user
    all_templates = selectors.templates()
    code = request.GET.get("template") or (all_templates[0][0].code if all_templates else "")
    template = AuditTemplate.objects.filter(code=code).first()
    wanted = request.GET.get("by", "force")
    by: selectors.By = "force"
    for choice in ("area", "neighbourhood", "month"):
        if wanted == choice:
            by = choice
    problems: list[Problem] = []
    first = last = None
    for name in ("from", "to"):
        text = request.GET.get(name, "").strip()
        if text:
            try:
                value = months.parse_month(text, name)
            except ValidationFailed as exc:
                problems.extend(exc.problems)
            else:
                first, last = (value, last) if name == "from" else (first, value)
    rates = selectors.outcomes(user, template, by=by, first=first, last=last) if template else []
    if request.GET.get("format") == "csv" and template:
        return table_download(
            f"audit-outcomes-{template.code}-{by}",
            [
                "Template",
                "Group",
                "Question",
                "Audited",
                "Compliant",
                "Rate",
                "Wilson 95% low",
                "Wilson 95% high",
            ],
            (
                [
                    template.code,
                    r.group,
                    r.question or "(whole record)",
                    r.audited,
                    r.compliant,
                    r.rate,
                    r.low,
                    r.high,
                ]
                for r in rates
            ),
            "csv",
        )
    query = request.GET.copy()
    query["format"] = "csv"
    ctx = {
        "templates": all_templates,
        "template": template,
        "by": by,
        "rates": rates,
        "problems": problems,
        "form": {"from": request.GET.get("from", ""), "to": request.GET.get("to", "")},
        "csv_query": query.urlencode(),
        "bys": (
            ("force", "Force"),
            ("area", "Area"),
            ("neighbourhood", "Team (neighbourhood)"),
            ("month", "Month"),
        ),
    }
    return render(request, "quality/outcomes.html", ctx)


@capability_required("quality.registrar")
def disputes(request: AuthedRequest) -> HttpResponse:
    page = _page(request, selectors.open_disputes(request.user))
    labels = selectors.question_labels(a.item for a in page)
    return render(request, "quality/disputes.html", {"page": page, "labels": labels})


@require_POST
@capability_required("quality.registrar")
def decide(request: AuthedRequest, pk: int) -> HttpResponse:
    answer = AuditAnswer.objects.select_related("item").filter(pk=pk).first()
    if answer is None or not request.user.can_see_area(answer.item.area_id):
        raise Http404("No such dispute in your areas.")
    choice = request.POST.get("decision")
    if choice not in ("owner", "audit"):
        messages.error(request, "Choose whether the audit answer stands or the owner is right.")
        return HttpResponseRedirect(reverse("quality:disputes"))
    try:
        services.decide(
            request.user, answer.pk, agree_with_owner=choice == "owner", note=request.POST.get("note", "")
        )
    except ValidationFailed as exc:
        messages.error(request, " ".join(p.message for p in exc.problems))
    except PermissionRefused as exc:
        return refuse(request, str(exc))
    else:
        messages.success(request, f"Decision recorded for {answer.item.reference}.")
    return HttpResponseRedirect(reverse("quality:disputes"))


@capability_required("quality.correct")
def corrections(request: AuthedRequest) -> HttpResponse:
    return render(
        request, "quality/corrections.html", {"page": _page(request, selectors.corrections_for(request.user))}
    )


@require_POST
@capability_required("quality.correct")
def correction_done(request: AuthedRequest, pk: int) -> HttpResponse:
    task = CorrectionTask.objects.filter(pk=pk, owner=request.user).first()
    if task is None:
        raise Http404("No such correction of yours.")
    try:
        services.complete_correction(request.user, task.pk, request.POST.get("note", ""))
    except ValidationFailed as exc:
        messages.error(request, " ".join(p.message for p in exc.problems))
    else:
        messages.success(request, "Correction marked done.")
    return HttpResponseRedirect(reverse("quality:corrections"))
