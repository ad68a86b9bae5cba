"""Checks on import files, before anything is written: a GeoJSON FeatureCollection of
neighbourhoods and a CSV postcode directory. Each returns every problem found, with the feature or
row number and the field."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from beacon.core.errors import Problem
from beacon.core.models import Area, Force
from beacon.geography.geometry import Shape, check_polygon
from beacon.geography.models import Grade
from beacon.people.normalise import PostcodeError, normalise_postcode

REQUIRED_PROPERTIES = ("code", "name", "area_code", "grade", "team_name")
MAX_LENGTHS = {
    "code": 30,
    "name": 200,
    "area_code": 20,
    "area_name": 200,
    "team_name": 200,
    "team_email": 254,
}
ONSPD_NO_GRID_LAT = 99.999999  # the directory's latitude for a postcode with no grid reference


@dataclass
class Feature:
    """One checked feature: its number (from 1), properties (keys lower-case) and shape."""

    n: int
    props: dict[str, str]
    shape: Shape


# A MultiPolygon feature in a FeatureCollection is 8 levels deep (collection, features, feature,
# geometry, coordinates, polygon, ring, position); anything far deeper is not neighbourhood data.
MAX_DEPTH = 32


def _too_deep_at(text: str, limit: int) -> tuple[int, int]:
    """The line and column where arrays and objects first nest more than `limit` deep (strings
    skipped), for a file too deep for the JSON reader to parse."""
    depth, line, col, in_string, escaped = 0, 1, 0, False, False
    for ch in text:
        col += 1
        if ch == "\n":
            line, col = line + 1, 0
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return line, col
        elif ch in "]}":
            depth -= 1
    return line, col


def depth_of(value: Any) -> int:
    """How deeply lists and objects nest in a parsed value (1 for a flat list; no recursion)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            return level
        stack.extend((c, level + 1) for c in children)
    return deepest


def bad_text(value: str) -> str:
    """Why a text cannot be stored (a NUL or an unpaired surrogate: PostgreSQL refuses the one and
    UTF-8 cannot hold the other), or ""."""
    if "\x00" in value:
        return "contains a NUL character"
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        return "contains an unpaired surrogate (not a character)"
    return ""


def parse_collection(data: bytes | str) -> tuple[list[Any], list[Problem]]:
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        return [], [Problem("The file is not UTF-8 text", "file")]
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [
            Problem(f"The file is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", "file")
        ]
    except RecursionError:
        line, col = _too_deep_at(text, MAX_DEPTH)
        return [], [
            Problem(
                f"The file nests arrays or objects too deeply to read (more than {MAX_DEPTH} levels, "
                f"from line {line}, column {col}); a GeoJSON FeatureCollection needs at most 8",
                "file",
            )
        ]
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        kind = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        return [], [
            Problem(
                f"The file must be a GeoJSON FeatureCollection, not {kind or 'an untyped object'}", "file"
            )
        ]
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        return [], [Problem("The FeatureCollection has no features", "file")]
    for key, value in doc.items():
        if key != "features" and depth_of(value) > MAX_DEPTH:
            return [], [Problem(f"The collection's {key} nests more than {MAX_DEPTH} levels deep", "file")]
    return features, []


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() else str(value)
    return str(value).strip()


def check_feature(n: int, raw: Any) -> tuple[Feature | None, str, list[Problem]]:
    """The feature if it is sound, its code (if it has one) and its problems."""
    if not isinstance(raw, dict) or raw.get("type") != "Feature":
        return None, "", [Problem("This is not a GeoJSON Feature", "type", n)]
    for key, value in raw.items():
        depth = depth_of(value)
        if depth > MAX_DEPTH:
            where = key if isinstance(key, str) and not bad_text(key) else "feature"
            message = f"The {where} nests arrays or objects more than {MAX_DEPTH} levels deep"
            return None, "", [Problem(message, where, n)]
    problems: list[Problem] = []
    props_raw = raw.get("properties")
    if not isinstance(props_raw, dict):
        problems.append(Problem("The feature has no properties", "properties", n))
        props_raw = {}
    props: dict[str, str] = {}
    for k, v in props_raw.items():
        name = str(k).strip().lower()
        if bad_text(name):
            problems.append(Problem(f"A property's name {bad_text(name)}", "properties", n))
            continue
        props[name] = _text(v)
        why = bad_text(props[name])
        if why:
            problems.append(Problem(f"The {name} {why}", name, n))
    for name in REQUIRED_PROPERTIES:
        if not props.get(name):
            problems.append(Problem(f"The {name} property is missing", name, n))
    for name, limit in MAX_LENGTHS.items():
        if len(props.get(name, "")) > limit:
            problems.append(Problem(f"The {name} is longer than {limit} characters", name, n))
    grade = props.get("grade", "").lower()
    if grade and grade not in Grade.values:
        problems.append(
            Problem(f"The grade must be one of {', '.join(Grade.values)}, not {props['grade']!r}", "grade", n)
        )
    props["grade"] = grade
    if props.get("team_email"):
        try:
            validate_email(props["team_email"])
        except ValidationError:
            problems.append(Problem(f"{props['team_email']!r} is not an e-mail address", "team_email", n))
    shape, geometry_problems = check_polygon(raw.get("geometry"), field="geometry", row=n)
    problems += geometry_problems
    if problems or shape is None:
        return None, props.get("code", ""), problems
    return Feature(n, props, shape), props["code"], problems


def check_features(raw_features: list[Any]) -> tuple[list[Feature], list[Problem]]:
    """Every sound feature, and every problem (a code used twice is a problem on the later one)."""
    features: list[Feature] = []
    problems: list[Problem] = []
    first_of: dict[str, int] = {}
    for n, raw in enumerate(raw_features, start=1):
        f, code, feature_problems = check_feature(n, raw)
        problems += feature_problems
        if code and code in first_of:
            problems.append(Problem(f"The code {code} is also used by feature {first_of[code]}", "code", n))
            continue
        if code:
            first_of[code] = n
        if f is not None:
            features.append(f)
    return features, problems


def find_force(force_code: str | None) -> tuple[Force | None, list[Problem]]:
    if force_code:
        force = Force.objects.filter(code=force_code).first()
        return force, [] if force else [Problem(f"There is no force with the code {force_code}", "force")]
    forces = list(Force.objects.all()[:2])
    if len(forces) == 1:
        return forces[0], []
    if not forces:
        return None, [
            Problem("There is no force yet: create the force before importing its geography", "force")
        ]
    return None, [Problem("There is more than one force: give the force code", "force")]


def plan_areas(
    features: list[Feature], force: Force, area_map: Mapping[str, str]
) -> tuple[dict[str, Area], dict[str, str], list[Problem]]:
    """The existing areas by (mapped) code, the areas to create (code -> name), and problems."""
    existing = {a.code: a for a in Area.objects.filter(force=force)}
    new: dict[str, tuple[str, int]] = {}
    problems = []
    for f in features:
        code = area_map.get(f.props["area_code"], f.props["area_code"])
        f.props["area_code"] = code
        if code in existing:
            continue
        name = f.props.get("area_name", "")
        if not name:
            problems.append(
                Problem(
                    f"The area {code} does not exist yet: give its area_name to create it", "area_name", f.n
                )
            )
        elif code in new and new[code][0] != name:
            first_name, first_n = new[code]
            problems.append(
                Problem(
                    f"Area {code} is named {first_name!r} in feature {first_n} but {name!r} here",
                    "area_name",
                    f.n,
                )
            )
        else:
            new.setdefault(code, (name, f.n))
    return existing, {code: name for code, (name, _) in new.items()}, problems


POSTCODE_COLUMNS = {
    "postcode": ("postcode", "pcds", "pcd", "pcd2"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "long", "lon"),
}


def _float(value: str) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


@dataclass
class PostcodeFile:
    locations: dict[str, tuple[float, float]] = field(default_factory=dict)  # postcode -> (lat, lon)
    rows: int = 0
    skipped: int = 0  # no grid reference in the directory


def read_postcodes(path: Path) -> tuple[PostcodeFile, list[Problem]]:
    """The postcodes in a CSV file (header row 1, so the first postcode is row 2), or every problem."""
    result = PostcodeFile()
    problems: list[Problem] = []
    found: dict[str, tuple[float, float, int]] = {}
    try:
        fh = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        return result, [Problem(f"The file could not be read: {exc.strerror}", "file")]
    with fh:
        reader = csv.reader(fh)
        try:
            header = [h.strip().lower() for h in next(reader, [])]
        except (csv.Error, UnicodeDecodeError) as exc:
            return result, [Problem(f"The file is not a UTF-8 CSV file: {exc}", "file")]
        cols: dict[str, int] = {}
        for name, aliases in POSTCODE_COLUMNS.items():
            at = next((header.index(a) for a in aliases if a in header), None)
            if at is None:
                problems.append(
                    Problem(f"The file has no {name} column (looked for {', '.join(aliases)})", name)
                )
            else:
                cols[name] = at
        if problems:
            return result, problems
        row = 1
        try:
            for values in reader:
                row += 1
                if not any(v.strip() for v in values):
                    continue
                result.rows += 1
                _check_row(row, values, cols, found, result, problems)
        except (csv.Error, UnicodeDecodeError) as exc:
            problems.append(Problem(f"The file could not be read past here: {exc}", "file", row))
    result.locations = {pc: (lat, lon) for pc, (lat, lon, _) in found.items()}
    return result, problems


def _check_row(
    row: int,
    values: list[str],
    cols: dict[str, int],
    found: dict[str, tuple[float, float, int]],
    result: PostcodeFile,
    problems: list[Problem],
) -> None:
    def cell(name: str) -> str:
        i = cols[name]
        return values[i].strip() if i < len(values) else ""

    try:
        pc = normalise_postcode(cell("postcode"))
    except PostcodeError as exc:
        problems.append(Problem(str(exc), "postcode", row))
        pc = ""
    if pc is None:
        problems.append(Problem("The postcode is missing", "postcode", row))
    lat, lon = _float(cell("latitude")), _float(cell("longitude"))
    if lat is not None and abs(lat - ONSPD_NO_GRID_LAT) < 1e-9:
        result.skipped += 1
        return
    bad = False
    for name, value, limit in (("latitude", lat, 90), ("longitude", lon, 180)):
        if value is None or not -limit <= value <= limit:
            problems.append(Problem(f"The {name} must be a number from -{limit} to {limit}", name, row))
            bad = True
    if not pc or bad:
        return
    assert lat is not None and lon is not None
    seen = found.get(pc)
    if seen is not None and (seen[0], seen[1]) != (lat, lon):
        problems.append(Problem(f"{pc} is also on row {seen[2]} with a different location", "postcode", row))
    elif seen is None:
        found[pc] = (lat, lon, row)
