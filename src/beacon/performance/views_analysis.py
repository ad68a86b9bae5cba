"""Analysts' pages: the hot-spot map (Gi* on H3 cells) with its table, one cell's incidents, and
patterns (repeat locations, near repeats, a VOLT profile)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import h3
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from beacon.core import audit
from beacon.core.errors import Problem, ValidationFailed
from beacon.core.permissions import AuthedRequest, capability_required, refuse
from beacon.incidents.models import AsbCategory, TypeHeading
from beacon.performance import analysis, charts, places, selectors
from beacon.performance.places import Place

CELL_REASON = "performance: the incidents in a hot-spot cell"
CLASS_WORDS = {
    "hot-99": "Hot spot (99% confidence)",
    "hot-95": "Hot spot (95% confidence)",
    "hot-90": "Hot spot (90% confidence)",
    "cold-90": "Cold spot (90% confidence)",
    "cold-95": "Cold spot (95% confidence)",
    "cold-99": "Cold spot (99% confidence)",
    "none": "Not significant",
}
DEFAULT_SEED = 20240101  # the page's seed: the same window and filters give the same cells


def _int(text: str | None, default: int, field: str, problems: list[Problem]) -> int:
    if text in (None, ""):
        return default
    try:
        return int(str(text))
    except ValueError:
        problems.append(Problem("Give a whole number.", field))
        return default


def _day(text: str | None, default: dt.date, field: str, problems: list[Problem]) -> dt.date:
    if not text:
        return default
    try:
        return selectors.check_day(dt.date.fromisoformat(text), field)
    except ValueError:
        problems.append(Problem(f"{text!r} is not a date: use YYYY-MM-DD, e.g. 2025-03-31.", field))
    except ValidationFailed as exc:
        problems.extend(exc.problems)
    return default


def _choices(model: type[AsbCategory] | type[TypeHeading]) -> list[tuple[str, str]]:
    return list(model.objects.filter(active=True).order_by("order").values_list("code", "label"))


def _window(request: AuthedRequest, problems: list[Problem]) -> tuple[analysis.Window | None, dict[str, Any]]:
    """The window asked for in the query string, with the form's values; None if the user may not
    see the place asked for."""
    today = timezone.localdate()
    end = _day(request.GET.get("to"), today, "to", problems)
    start = _day(request.GET.get("from"), end - dt.timedelta(days=89), "from", problems)
    visible = places.visible_places(request.user)
    key = request.GET.get("place") or (visible[0].key if visible else "")
    place: Place | None = next((p for p in visible if p.key == key), None)
    categories = tuple(c for c in request.GET.getlist("category") if c)
    types = tuple(t for t in request.GET.getlist("type") if t)
    form = {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "place": key,
        "category": categories,
        "type": types,
        "choices": visible,
        "categories": list(
            AsbCategory.objects.filter(active=True).order_by("order").values_list("code", "label")
        ),
        "types": list(TypeHeading.objects.filter(active=True).order_by("order").values_list("code", "label")),
    }
    if place is None:
        return None, form
    return analysis.Window(start, end, place, categories, types), form


def _query(form: dict[str, Any], **extra: str) -> str:
    from urllib.parse import urlencode

    pairs: list[tuple[str, str]] = [("from", form["from"]), ("to", form["to"]), ("place", form["place"])]
    pairs += [("category", c) for c in form["category"]] + [("type", t) for t in form["type"]]
    pairs += list(extra.items())
    return urlencode(pairs)


def _cell_order(row: dict[str, Any]) -> tuple[bool, float]:
    """Hot cells first, the hottest first; then cold cells, the coldest first."""
    hot = str(row["cls"]).startswith("hot")
    return (not hot, -float(row["z"]) if hot else float(row["z"]))


@capability_required("performance.analysis")
def hotspots(request: AuthedRequest) -> HttpResponse:
    problems: list[Problem] = []
    window, form = _window(request, problems)
    if window is None:
        return refuse(request, "You may analyse your own areas only.")
    resolution = _int(request.GET.get("resolution"), 9, "resolution", problems)
    fdr = request.GET.get("fdr") == "1"
    result = None
    if not problems:
        try:
            result = analysis.hotspots(
                window, resolution=resolution, permutations=999, seed=DEFAULT_SEED, fdr=fdr
            )
        except ValidationFailed as exc:
            problems = exc.problems
    cells: list[dict[str, Any]] = []
    features: list[dict[str, Any]] = []
    if result is not None:
        for c in result.cells:
            if c.cls == "none":
                continue
            row = {
                "h3": c.h3,
                "count": c.count,
                "z": c.z,
                "p": c.p_sim,
                "cls": c.cls,
                "words": CLASS_WORDS[c.cls],
            }
            cells.append(row)
            ring = [[lon, lat] for lat, lon in h3.cell_to_boundary(c.h3)]
            ring.append(ring[0])
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                    "properties": {"h3": c.h3, "count": c.count, "class": c.cls, "label": CLASS_WORDS[c.cls]},
                }
            )
        cells.sort(
            key=lambda r: (
                not str(r["cls"]).startswith("hot"),
                -float(r["z"]) if str(r["cls"]).startswith("hot") else float(r["z"]),
            )
        )
    form["resolution"] = resolution
    form["fdr"] = fdr
    return render(
        request,
        "performance/hotspots.html",
        {
            "form": form,
            "problems": problems,
            "result": result,
            "cells": cells,
            "hot": sum(1 for c in cells if str(c["cls"]).startswith("hot")),
            "cold": sum(1 for c in cells if str(c["cls"]).startswith("cold")),
            "geojson": {"type": "FeatureCollection", "features": features},
            "query": _query(form),
            "seed": DEFAULT_SEED,
            "can_drill": request.user.can("performance.records"),
        },
    )


@capability_required("performance.records")
def hotspot_cell(request: AuthedRequest, cell: str) -> HttpResponse:
    problems: list[Problem] = []
    window, form = _window(request, problems)
    if window is None:
        return refuse(request, "You may see the incidents of your own areas only.")
    if problems or not analysis.is_cell(cell):
        return render(
            request, "400.html", {"reason": "That is not an H3 cell or the dates are wrong."}, status=400
        )
    qs = analysis.cell_incidents(window, cell).order_by("-received_at", "-pk")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    objs = list(page.object_list)
    if objs:
        audit.record_reads(request.user, objs, reason=f"{CELL_REASON}: {cell}")
    return render(
        request,
        "performance/hotspot_cell.html",
        {
            "cell": cell,
            "form": form,
            "page": page,
            "incidents": objs,
            "query": _query(form),
            "back": _query(form),
        },
    )


@capability_required("performance.analysis")
def patterns(request: AuthedRequest) -> HttpResponse:
    problems: list[Problem] = []
    window, form = _window(request, problems)
    if window is None:
        return refuse(request, "You may analyse your own areas only.")
    at_least = _int(request.GET.get("at_least"), 3, "at_least", problems)
    ctx: dict[str, Any] = {"form": form, "problems": problems, "at_least": at_least}
    if not problems:
        try:
            ctx["repeats"] = analysis.repeat_locations(window, at_least=at_least)
            volt = analysis.volt(window)
            knox = analysis.near_repeat(window, seed=DEFAULT_SEED)
        except ValidationFailed as exc:
            ctx["problems"] = exc.problems
        else:
            peak = max((max(r) for r in volt.by_hour_day), default=0)
            ctx["volt"] = volt
            ctx["heat"] = [
                (hour, [(n, *charts.heat_table_colour(n, peak)) for n in row])
                for hour, row in enumerate(volt.by_hour_day)
            ]
            ctx["weekdays"] = analysis.WEEKDAYS
            k = knox.as_json()
            k["table"] = [
                {"label": band["label"], "cells": [c for c in k["cells"] if c["space_band"] == band["label"]]}
                for band in k["space_bands"]
            ]
            ctx["knox"] = k
            ctx["seed"] = DEFAULT_SEED
    return render(request, "performance/patterns.html", ctx)
