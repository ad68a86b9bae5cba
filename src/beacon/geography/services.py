"""Every write to geography: in a transaction, audited, all or nothing.

Imports check the whole input first and raise ValidationFailed listing every problem (with the
feature or row number and the field); only a clean input is written, in one transaction.
Re-importing the same input changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from beacon.core import audit
from beacon.core.errors import EditConflict, PermissionRefused, Problem, ValidationFailed
from beacon.core.models import Area, AuditEvent, Force, User
from beacon.geography import checks
from beacon.geography.geometry import bbox_around, check_polygon, coordinate_problems
from beacon.geography.models import LocalPriority, Neighbourhood, PostcodeLocation
from beacon.geography.selectors import invalidate_cache
from beacon.people.normalise import PostcodeError, normalise_postcode

MAX_RADIUS_M = 10_000
CHUNK = 5000


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _require(actor: User | None, capability: str, what: str) -> None:
    if actor is not None and not actor.can(capability):
        raise PermissionRefused(f"Your role may not {what}.")


# ---------------------------------------------------------------------------------------------
# Neighbourhood polygons from GeoJSON


@dataclass
class GeoJSONImport:
    features: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    areas_created: list[str] = field(default_factory=list)
    source: str = ""

    def describe(self) -> str:
        source = f" from {self.source}" if self.source else ""
        if not (self.created or self.updated or self.areas_created):
            return f"Read {_plural(self.features, 'feature')}{source}: nothing changed."
        parts = [f"created {self.created}", f"updated {self.updated}", f"unchanged {self.unchanged}"]
        areas = f"; created {_plural(len(self.areas_created), 'area')}" if self.areas_created else ""
        return f"Read {_plural(self.features, 'feature')}{source}: neighbourhoods {', '.join(parts)}{areas}."

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def import_geojson(
    actor: User | None,
    data: bytes | str,
    *,
    force_code: str | None = None,
    area_map: Mapping[str, str] | None = None,
    source_name: str = "",
) -> GeoJSONImport:
    """Import neighbourhoods from a GeoJSON FeatureCollection of Polygon or MultiPolygon features.

    Each feature's properties: code, name, area_code, grade (priority / enhanced / capable),
    team_name, and optionally area_name (needed to create an area not yet in the force) and
    team_email. `area_map` translates the file's area codes to the force's. Neighbourhoods not in
    the file are left as they are. Raises ValidationFailed with every problem; writes nothing then.
    """
    _require(actor, "geography.manage", "import neighbourhoods")
    raw_features, problems = checks.parse_collection(data)
    features, feature_problems = checks.check_features(raw_features)
    force, force_problems = checks.find_force(force_code)
    problems += force_problems + feature_problems
    new_areas: dict[str, str] = {}
    existing_areas: dict[str, Area] = {}
    if force is not None:
        existing_areas, new_areas, area_problems = checks.plan_areas(features, force, area_map or {})
        problems += area_problems
    if problems:
        raise ValidationFailed(sorted(problems, key=lambda p: p.row or 0))
    assert force is not None
    return _write_neighbourhoods(actor, features, force, existing_areas, new_areas, source_name)


@transaction.atomic
def _write_neighbourhoods(
    actor: User | None,
    features: list[checks.Feature],
    force: Force,
    areas: dict[str, Area],
    new_areas: dict[str, str],
    source_name: str,
) -> GeoJSONImport:
    reason = f"GeoJSON import {source_name}".strip()
    result = GeoJSONImport(features=len(features), source=source_name)
    for code, name in new_areas.items():
        area = Area.objects.create(force=force, code=code, name=name)
        audit.record_create(actor, area, reason=reason)
        areas[code] = area
        result.areas_created.append(code)
    current = {
        n.code: n
        for n in Neighbourhood.objects.select_for_update().filter(
            code__in=[f.props["code"] for f in features]
        )
    }
    now = timezone.now()
    creates = []
    for f in features:
        s = f.shape
        values: dict[str, Any] = {
            "area_id": areas[f.props["area_code"]].pk,
            "name": f.props["name"],
            "grade": f.props["grade"],
            "team_name": f.props["team_name"],
            "team_email": f.props.get("team_email", ""),
            "geometry": s.geojson,
        }
        derived = {
            "min_lat": s.bbox.min_lat,
            "max_lat": s.bbox.max_lat,
            "min_lon": s.bbox.min_lon,
            "max_lon": s.bbox.max_lon,
            "centroid_lat": s.centroid_lat,
            "centroid_lon": s.centroid_lon,
            "updated_at": now,
        }
        n = current.get(f.props["code"])
        if n is None:
            creates.append(Neighbourhood(code=f.props["code"], **values, **derived))
            continue
        if all(getattr(n, k) == v for k, v in values.items()):
            result.unchanged += 1
            continue
        before = audit.snapshot(n)
        for k, v in {**values, **derived}.items():
            setattr(n, k, v)
        n.save()
        audit.record_update(actor, n, before, reason=reason)
        result.updated += 1
    if creates:
        Neighbourhood.objects.bulk_create(creates, batch_size=500)
        audit.record_creates(actor, creates, reason=reason)
        result.created = len(creates)
    invalidate_cache()
    return result


# ---------------------------------------------------------------------------------------------
# Postcode directory from CSV


@dataclass
class PostcodeImport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # no grid reference in the directory
    source: str = ""

    def describe(self) -> str:
        source = f" from {self.source}" if self.source else ""
        skipped = f"; skipped {self.skipped} without a location" if self.skipped else ""
        return (
            f"Read {_plural(self.rows, 'row')}{source}: postcodes created {self.created}, "
            f"updated {self.updated}, unchanged {self.unchanged}{skipped}."
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def import_postcodes(actor: User | None, path: Path | str) -> PostcodeImport:
    """Import postcode centroids from a CSV with columns postcode, latitude, longitude (or the ONS
    Postcode Directory's pcds, lat, long). All or nothing; rows are numbered as a spreadsheet numbers
    them (the header is row 1). Postcodes the directory gives no location are skipped and counted."""
    _require(actor, "geography.manage", "import postcodes")
    path = Path(path)
    read, problems = checks.read_postcodes(path)
    if problems:
        raise ValidationFailed(problems)
    result = PostcodeImport(rows=read.rows, skipped=read.skipped, source=path.name)
    return _write_postcodes(actor, read.locations, result, reason=f"postcode import {path.name}")


def save_postcodes(
    actor: User | None, locations: Mapping[str, tuple[float, float]], *, reason: str = ""
) -> PostcodeImport:
    """Add or move postcodes given as {postcode: (lat, lon)} (any spacing or case). All or nothing."""
    _require(actor, "geography.manage", "change postcodes")
    problems: list[Problem] = []
    clean: dict[str, tuple[float, float]] = {}
    for n, (raw, (lat, lon)) in enumerate(locations.items(), start=1):
        try:
            pc = normalise_postcode(raw)
        except PostcodeError as exc:
            problems.append(Problem(str(exc), "postcode", n))
            continue
        point_problems = coordinate_problems(lat, lon)
        problems += [Problem(p.message, p.field, n) for p in point_problems]
        if pc and not point_problems:
            clean[pc] = (lat, lon)
    if problems:
        raise ValidationFailed(problems)
    return _write_postcodes(actor, clean, PostcodeImport(rows=len(locations)), reason=reason)


@transaction.atomic
def _write_postcodes(
    actor: User | None, locations: Mapping[str, tuple[float, float]], result: PostcodeImport, *, reason: str
) -> PostcodeImport:
    creates: list[PostcodeLocation] = []
    updates: list[tuple[PostcodeLocation, dict[str, Any]]] = []
    codes = list(locations)
    for i in range(0, len(codes), CHUNK):
        chunk = codes[i : i + CHUNK]
        current = {p.postcode: p for p in PostcodeLocation.objects.filter(postcode__in=chunk)}
        for pc in chunk:
            lat, lon = locations[pc]
            p = current.get(pc)
            if p is None:
                creates.append(PostcodeLocation(postcode=pc, lat=lat, lon=lon))
            elif (p.lat, p.lon) != (lat, lon):
                before = audit.snapshot(p)
                p.lat, p.lon = lat, lon
                updates.append((p, before))
            else:
                result.unchanged += 1
    if creates:
        PostcodeLocation.objects.bulk_create(creates, batch_size=CHUNK)
        audit.record_creates(actor, creates, reason=reason)
    if updates:
        PostcodeLocation.objects.bulk_update([p for p, _ in updates], ["lat", "lon"], batch_size=1000)
        for p, before in updates:
            audit.record_update(actor, p, before, reason=reason)
    result.created, result.updated = len(creates), len(updates)
    return result


# ---------------------------------------------------------------------------------------------
# Local priorities


@dataclass
class PriorityValues:
    """What a priority is: given to create_priority and update_priority."""

    name: str
    kind: str
    active_from: dt.date | None
    active_to: dt.date | None = None
    neighbourhood: Neighbourhood | None = None
    area: Area | None = None
    description: str = ""
    set_at: str = ""
    geometry: Any = None  # a GeoJSON Polygon or MultiPolygon geometry …
    lat: float | None = None  # … or a point with a radius
    lon: float | None = None
    radius_m: int | None = None


def _check_priority(v: PriorityValues) -> tuple[dict[str, Any], list[Problem]]:
    """The model fields for the values (with the box), or every problem with them."""
    problems: list[Problem] = []
    name = (v.name or "").strip()
    if not name:
        problems.append(Problem("Enter the name of the priority", "name"))
    elif len(name) > 200:
        problems.append(Problem("The name must be 200 characters or fewer", "name"))
    if v.kind not in LocalPriority.Kind.values:
        problems.append(
            Problem(
                "Choose whether it is a neighbourhood priority, operation or problem-solving location", "kind"
            )
        )
    area = v.area
    if v.neighbourhood is not None:
        if area is not None and area.pk != v.neighbourhood.area_id:
            problems.append(Problem(f"{v.neighbourhood.name} is not in {area.name}", "area"))
        area = v.neighbourhood.area
    elif area is None:
        problems.append(
            Problem(
                "Choose the neighbourhood, or the area of an operation spanning neighbourhoods",
                "neighbourhood",
            )
        )
    if len(v.set_at or "") > 300:
        problems.append(Problem("Where it was set must be 300 characters or fewer", "set_at"))
    if v.active_from is None:
        problems.append(Problem("Enter the date it starts", "active_from"))
    elif v.active_to is not None and v.active_to < v.active_from:
        problems.append(Problem("The end date must be the same as or after the start date", "active_to"))
    fields: dict[str, Any] = {"geometry": None, "lat": None, "lon": None, "radius_m": None}
    point_given = v.lat is not None or v.lon is not None or v.radius_m is not None
    if v.geometry is not None and point_given:
        problems.append(Problem("Give a polygon or a point with a radius, not both", "geometry"))
    elif v.geometry is not None:
        shape, shape_problems = check_polygon(v.geometry, field="geometry")
        problems += shape_problems
        if shape is not None:
            fields["geometry"] = shape.geojson
            box = shape.bbox
    elif point_given:
        point_problems = coordinate_problems(v.lat, v.lon)
        if v.radius_m is None or not 1 <= v.radius_m <= MAX_RADIUS_M:
            point_problems.append(
                Problem(f"The radius must be from 1 to {MAX_RADIUS_M:,} metres", "radius_m")
            )
        problems += point_problems
        if not point_problems:
            assert v.lat is not None and v.lon is not None and v.radius_m is not None
            fields.update(lat=v.lat, lon=v.lon, radius_m=v.radius_m)
            box = bbox_around(v.lat, v.lon, v.radius_m)
    else:
        problems.append(Problem("Give a point (latitude and longitude) with a radius, or a polygon", "lat"))
    if problems:
        return {}, problems
    fields.update(
        name=name,
        kind=v.kind,
        description=(v.description or "").strip(),
        set_at=(v.set_at or "").strip(),
        neighbourhood=v.neighbourhood,
        area=area,
        active_from=v.active_from,
        active_to=v.active_to,
        min_lat=box.min_lat,
        max_lat=box.max_lat,
        min_lon=box.min_lon,
        max_lon=box.max_lon,
    )
    return fields, []


@transaction.atomic
def create_priority(actor: User | None, values: PriorityValues) -> LocalPriority:
    _require(actor, "geography.priorities", "set local priorities")
    fields, problems = _check_priority(values)
    if problems:
        raise ValidationFailed(problems)
    priority = LocalPriority.objects.create(**fields, created_by=actor)
    audit.record_create(actor, priority)
    return priority


def _locked(priority: LocalPriority, expected_version: int | None) -> LocalPriority:
    """The priority locked for update; EditConflict if it changed since version `expected_version`."""
    current = LocalPriority.objects.select_for_update().get(pk=priority.pk)
    if expected_version is not None and current.version != expected_version:
        last = (
            AuditEvent.objects.filter(
                app_label="geography", model="localpriority", object_pk=str(current.pk), action="update"
            )
            .order_by("-at", "-id")
            .first()
        )
        raise EditConflict(
            record=f"Local priority “{current.name}”",
            changed_by=last.actor_label if last else "someone",
            changes=last.changes if last else {},
        )
    return current


@transaction.atomic
def update_priority(
    actor: User | None, priority: LocalPriority, values: PriorityValues, *, expected_version: int | None
) -> LocalPriority:
    """Change a priority; refused with EditConflict if someone saved it after `expected_version`."""
    _require(actor, "geography.priorities", "change local priorities")
    current = _locked(priority, expected_version)
    fields, problems = _check_priority(values)
    if problems:
        raise ValidationFailed(problems)
    before = audit.snapshot(current)
    for k, v in fields.items():
        setattr(current, k, v)
    if audit.diff(before, audit.snapshot(current)):
        current.version += 1
        current.updated_at = timezone.now()
        current.save()
        audit.record_update(actor, current, before)
    return current


@transaction.atomic
def end_priority(
    actor: User | None,
    priority: LocalPriority,
    *,
    on: dt.date | None = None,
    expected_version: int | None = None,
    reason: str = "",
) -> LocalPriority:
    """End a priority: `on` (default today, Europe/London) is the last day it applies."""
    _require(actor, "geography.priorities", "end local priorities")
    current = _locked(priority, expected_version)
    last_day = on or timezone.localdate()
    if last_day < current.active_from:
        raise ValidationFailed.one(
            f"It starts on {current.active_from:%-d %B %Y}; the last day cannot be before that", "on"
        )
    if current.active_to is not None and current.active_to <= last_day:
        raise ValidationFailed.one(f"It already ends on {current.active_to:%-d %B %Y}", "on")
    before = audit.snapshot(current)
    current.active_to = last_day
    current.version += 1
    current.updated_at = timezone.now()
    current.save()
    audit.record_update(actor, current, before, reason=reason)
    return current
