"""Performance pages: the dashboard per place, a KPI's page (series, chart, targets, commentary),
the records behind a figure, downloads."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from beacon.core import audit, measures
from beacon.core.downloads import table_download
from beacon.core.errors import Problem, ValidationFailed
from beacon.core.permissions import AuthedRequest, capability_required, refuse
from beacon.performance import charts, packs, places, selectors, services
from beacon.performance.definitions import format_value
from beacon.performance.figures import chart_for, chart_unit
from beacon.performance.models import Kpi, Period
from beacon.performance.places import Place

RECORDS_REASON = "performance: the records behind a figure"
PAGE_SIZE = 50


def month_param(text: str | None) -> dt.date | None:
    """A month from the query string, or None if it is missing or not a month we can report."""
    if not text:
        return None
    try:
        return selectors.parse_month(text, "month")
    except ValidationFailed:
        return None


def _place_for(request: AuthedRequest) -> Place | None:
    """The place asked for (?place=KEY), or the user's first; None where they may see none."""
    visible = places.visible_places(request.user)
    wanted = request.GET.get("place", "")
    for p in visible:
        if p.key == wanted:
            return p
    return visible[0] if visible and not wanted else None


def _summaries_context(place: Place, month: dt.date) -> list[dict[str, Any]]:
    out = []
    # The dashboard shows each month's value, not its test: no monthly tests are run for it.
    for i, s in enumerate(selectors.dashboard(place, month, tested_months=0)):
        points = [charts.ChartPoint(selectors.month_label(f.month), f.value) for f in s.history]
        out.append(
            {
                "s": s,
                "chart": mark_safe(chart_for(s, f"kpi-{i}")),  # noqa: S308 (escaped by charts)
                "summary": charts.summary_line(points, chart_unit(s.version.unit)),
                "latest": format_value(s.version.unit, s.latest.value),
                "table": [(f"{f.month:%B %Y}", format_value(s.version.unit, f.value)) for f in s.history],
                "rolling_now": format_value(s.version.unit, s.rolling.now),
                "rolling_before": format_value(s.version.unit, s.rolling.before),
                "target": format_value(s.version.unit, s.target.value) if s.target else "",
            }
        )
    return out


@capability_required("performance.view")
def dashboard(request: AuthedRequest) -> HttpResponse:
    place = _place_for(request)
    if place is None:
        return refuse(request, "You may see the figures of your own areas only.")
    month = month_param(request.GET.get("month")) or selectors.reporting_month(dt.date.today())
    ctx: dict[str, Any] = {
        "place": place,
        "choices": places.visible_places(request.user),
        "month": month,
        "month_label": selectors.month_label(month) if month else "",
        "rows": _summaries_context(place, month) if month else [],
    }
    if request.GET.get("format") in ("csv", "xlsx") and month:
        fmt = request.GET["format"]
        return table_download(
            f"kpis-{place.code}-{selectors.month_label(month)}",
            [
                "KPI",
                "Version",
                "Unit",
                "Month",
                "Value",
                "Rolling 12 months",
                "Previous rolling 12",
                "Change",
                "p-value",
                "Significant",
                "Target",
                "RAG",
            ],
            (
                [
                    r["s"].kpi.code,
                    r["s"].version.version,
                    r["s"].version.unit,
                    selectors.month_label(month),
                    r["s"].latest.value,
                    r["s"].rolling.now,
                    r["s"].rolling.before,
                    r["s"].rolling.change,
                    r["s"].rolling.p_value,
                    r["s"].rolling.significant,
                    r["s"].target.value if r["s"].target else None,
                    r["s"].rag,
                ]
                for r in ctx["rows"]
            ),
            fmt,
        )
    return render(request, "performance/dashboard.html", ctx)


@capability_required("performance.view")
def pack(request: AuthedRequest) -> HttpResponse:
    """The place's performance pack for a month, as PDF or DOCX."""
    place = _place_for(request)
    if place is None:
        return refuse(request, "You may see the figures of your own areas only.")
    month = month_param(request.GET.get("month")) or selectors.reporting_month(dt.date.today())
    fmt = request.GET.get("format", "pdf")
    if month is None or fmt not in packs.FORMATS:
        return render(
            request, "400.html", {"reason": "Give a month (YYYY-MM) and a format (pdf or docx)."}, status=400
        )
    data = packs.render_pack(place, month, fmt)
    response = HttpResponse(data, content_type=packs.FORMATS[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="performance-pack-{place.code}-{month:%Y-%m}.{fmt}"'
    )
    return response


def _kpi(code: str) -> Kpi:
    kpi = Kpi.objects.filter(code=code).first()
    if kpi is None:
        raise Http404("No such KPI.")
    return kpi


@capability_required("performance.view")
def kpi_detail(request: AuthedRequest, code: str) -> HttpResponse:
    kpi = _kpi(code)
    place = _place_for(request)
    if place is None:
        return refuse(request, "You may see the figures of your own areas only.")
    version = selectors.latest_version(kpi)
    month = month_param(request.GET.get("month")) or selectors.reporting_month(dt.date.today(), [kpi.pk])
    problems = []
    if request.method == "POST":
        if not request.user.can("performance.comment"):
            return refuse(request, "Your role may not write KPI commentary.")
        try:
            services.add_commentary(
                request.user,
                kpi,
                place,
                month_param(request.POST.get("month")) or month or dt.date.today().replace(day=1),
                request.POST.get("text", ""),
            )
        except ValidationFailed as exc:
            problems = exc.problems
        else:
            return HttpResponseRedirect(f"{request.path}?place={place.key}")
    s = selectors.summary(kpi, version, place, month, list(selectors.targets_of(kpi))) if month else None
    measure = measures.get(version.measure)
    ctx: dict[str, Any] = {
        "kpi": kpi,
        "version": version,
        "versions": list(kpi.versions.order_by("-version")),
        "measure": measure,
        "place": place,
        "choices": places.visible_places(request.user),
        "s": s,
        "month": month,
        "chart": mark_safe(chart_for(s, "kpi-detail", width=760)) if s else "",  # noqa: S308
        "rows": [
            {
                "f": f,
                "p": p,
                "value": format_value(version.unit, f.value),
                "rolling": format_value(version.unit, f.rolling_12),
                "last_year": format_value(version.unit, f.previous_year),
                "label": selectors.month_label(f.month),
            }
            for f, p in zip(s.history, s.chart.points, strict=True)
        ]
        if s
        else [],
        "summary": s.chart.summary() if s else "",
        "targets": [t for t in selectors.targets_of(kpi) if t.place_key == place.key],
        "commentary": list(selectors.commentary(kpi, place)[:20]),
        "problems": problems,
        "can_comment": request.user.can("performance.comment"),
        "can_set_targets": request.user.can("performance.manage") and version.direction != "neither",
        "periods": Period.choices,
        "can_drill": request.user.can("performance.records"),
    }
    return render(request, "performance/kpi.html", ctx)


def _number(text: str | None, field: str, problems: list[Problem], default: float | None = None) -> float:
    try:
        value = float(text) if text not in (None, "") else default
    except ValueError:
        value = None
    if value is None or value != value or value in (float("inf"), float("-inf")):
        problems.append(Problem("Give a number, for example 80 or 92.5.", field))
        return 0.0
    return value


@require_POST
@capability_required("performance.manage")
def set_target(request: AuthedRequest, code: str) -> HttpResponse:
    """A target or milestone for the KPI and the place shown, from the form on the KPI's page."""
    kpi = _kpi(code)
    place = _place_for(request)
    if place is None:
        return refuse(request, "You may set targets for your own areas only.")
    problems: list[Problem] = []
    value = _number(request.POST.get("value"), "value", problems)
    green = _number(request.POST.get("green_pct"), "green_pct", problems, 100.0)
    red = _number(request.POST.get("red_pct"), "red_pct", problems, 95.0)
    start = month_param(request.POST.get("from_month"))
    if start is None:
        problems.append(Problem("Give the first month as YYYY-MM, for example 2025-04.", "from_month"))
    if not problems and start is not None:
        try:
            services.set_target(
                request.user,
                kpi,
                place,
                period=request.POST.get("period", ""),
                value=value,
                from_month=start,
                green_pct=green,
                red_pct=red,
                is_milestone=request.POST.get("is_milestone") == "1",
                note=request.POST.get("note", "")[:300],
            )
        except ValidationFailed as exc:
            problems = exc.problems
    for p in problems:
        messages.error(request, p.message)
    if not problems:
        messages.success(request, f"Target set for {place.name}.")
    return HttpResponseRedirect(reverse("performance:kpi", args=[kpi.code]) + f"?place={place.key}#targets")


@capability_required("performance.records")
def kpi_records(request: AuthedRequest, code: str) -> HttpResponse:
    """The records counted in one figure: a KPI, a place and a month (or the 12 months to it)."""
    kpi = _kpi(code)
    place = _place_for(request)
    if place is None:
        return refuse(request, "You may see the records of your own areas only.")
    month = month_param(request.GET.get("month"))
    if month is None:
        return render(request, "400.html", {"reason": "Give the month as YYYY-MM."}, status=400)
    twelve = request.GET.get("span") == "12"
    start = selectors.add_months(month, -11) if twelve else month
    version = selectors.latest_version(kpi)
    measure = measures.get(version.measure)
    part: Literal["numerator", "denominator"] = (
        "denominator" if request.GET.get("part") == "denominator" else "numerator"
    )
    try:
        filters = measure.check_filters(version.filters)
    except ValidationFailed as exc:
        return render(request, "400.html", {"reason": str(exc)}, status=400)
    qs = measures.records(
        measure,
        filters,
        start,
        selectors.add_months(month, 1),
        area_id=place.area_id if place.level == "area" else None,
        neighbourhood_id=place.neighbourhood_id,
        part=part,
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    objs = list(page.object_list)
    if measure.personal and objs:
        audit.record_reads(
            request.user,
            objs,
            reason=f"{RECORDS_REASON}: {kpi.code} {place.code} {selectors.month_label(month)}",
        )
    query = urlencode(
        [("place", place.key), ("month", selectors.month_label(month)), ("part", part)]
        + ([("span", "12")] if twelve else [])
    )
    return render(
        request,
        "performance/records.html",
        {
            "kpi": kpi,
            "version": version,
            "measure": measure,
            "place": place,
            "month": month,
            "start": start,
            "twelve": twelve,
            "part": part,
            "page": page,
            "rows": [measure.row(o) for o in objs],
            "query": query,
        },
    )


def place_query(place: Place) -> str:
    return f"?place={place.key}"


def kpi_url(kpi: Kpi, place: Place) -> str:
    return reverse("performance:kpi", args=[kpi.code]) + place_query(place)
