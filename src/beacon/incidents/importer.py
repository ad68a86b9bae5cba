"""Bulk import of historic incidents from CSV: Beacon's own format and the data.police.uk
street-level format (see docs/incidents-import.md).

Every row is read and validated first, with the same checks as a report taken by phone
(`services._validate`, the person details' checks); any problem fails the whole file, and every
problem is reported with its CSV line and column. Only then is anything written, in one
transaction. Re-importing a file creates nothing new: each row has a stable source number
(`source_system`, `source_id`) and rows already imported are left as they are.

Rows with people go through `services.create_incident` (matching included). Rows without people
(every data.police.uk row) take a faster path that places, flags, grades and audits them as
`create_incident` does, in bulk. Imported incidents that are closed, or historic, do not go to a
neighbourhood team's inbox: they are records of the past, not work to acknowledge.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import math
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from beacon.core import audit
from beacon.core.errors import Problem, ValidationFailed
from beacon.core.models import User
from beacon.geography.models import LocalPriority
from beacon.geography.selectors import LocationResult, covers, is_active, local_date, resolve_location
from beacon.incidents import services
from beacon.incidents.models import (
    Channel,
    ClosureCode,
    GradingRules,
    InboxItem,
    Incident,
    ResponseGrade,
    ScreeningSet,
    TriageItem,
)
from beacon.incidents.reference import UNCLASSIFIED
from beacon.incidents.screening import suggest_grade
from beacon.incidents.services import IncidentInput, PersonInput, unsaved_incident
from beacon.people.features import RAW_FIELDS, features

Format = Literal["beacon", "police-uk"]
FORMATS: tuple[str, ...] = ("beacon", "police-uk")
LONDON = ZoneInfo("Europe/London")
BATCH = 1000

POLICE_UK_SYSTEM = "police.uk"
POLICE_UK_COLUMNS = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
POLICE_UK_ASB = "anti-social behaviour"
POLICE_UK_NO_LOCATION = "no location"

BEACON_SYSTEM = "import"
BEACON_REQUIRED = ("source_id", "channel", "received_at")
VICTIM_COLUMNS = {f"victim_{f}": f for f in RAW_FIELDS}
BEACON_COLUMNS = (
    "source_system",
    *BEACON_REQUIRED,
    "occurred_at",
    "postcode",
    "address",
    "latitude",
    "longitude",
    "is_asb",
    "asb_category",
    "type_heading",
    "other_category",
    "description",
    *VICTIM_COLUMNS,
    "crime_reference",
    "no_crime_reason",
    "closure_code",
    "closing_note",
    "closed_at",
    "attended_at",  # optional, and last: a row without it keeps the digest it had before (_beacon_rows)
)
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}

# Where each problem a service names (by its input field) sits in each format.
BEACON_FIELD_COLUMNS = {"lat": "latitude", "lon": "longitude"}
POLICE_UK_FIELD_COLUMNS = {
    "received_at": "Month",
    "occurred_at": "Month",
    "lat": "Latitude",
    "lon": "Longitude",
    "address": "Location",
    "asb_category": "Crime type",
    "type_heading": "Crime type",
    "other_category": "Crime type",
    "channel": "Crime type",
    "source_id": "Crime ID",
    "source_system": "Crime ID",
}


@dataclass
class ImportResult:
    fmt: str
    file: str
    rows: int = 0
    created: int = 0
    already_imported: int = 0
    placed: int = 0
    not_placed: dict[str, int] = field(default_factory=dict)  # {reason: rows}
    asb: int = 0
    with_people: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["rows_per_second"] = round(self.rows / self.seconds, 1) if self.seconds else None
        out["seconds"] = round(self.seconds, 3)
        return out


@dataclass
class _Row:
    line: int
    data: IncidentInput
    source_hash: str
    closure_code: str = ""
    closing_note: str = ""
    closed_at: dt.datetime | None = None
    recorded_crime: bool = False  # data.police.uk lists recorded crimes: the decision was made then


# ---------------------------------------------------------------------------------------------
# Reading


def _read(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]], list[Problem]]:
    """The header and each non-blank row with the CSV line it starts on; malformed lines as problems."""
    problems: list[Problem] = []
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = [h.strip() for h in next(reader, [])]
            end = reader.line_num
            for values in reader:
                line, end = end + 1, reader.line_num
                if not any(v.strip() for v in values):
                    continue
                if len(values) != len(header):
                    problems.append(
                        Problem(f"The line has {len(values)} values; the header has {len(header)}.", "", line)
                    )
                    continue
                rows.append((line, {h: v.strip() for h, v in zip(header, values, strict=True) if h}))
    except UnicodeDecodeError as exc:
        raise ValidationFailed([Problem(f"{path.name} is not UTF-8 text ({exc.reason}).", "file")]) from exc
    except FileNotFoundError as exc:
        raise ValidationFailed([Problem(f"{path}: no such file.", "file")]) from exc
    except csv.Error as exc:
        raise ValidationFailed([Problem(f"Not a readable CSV file: {exc}.", "file")]) from exc
    return header, rows, problems


def _number(
    value: str, column: str, line: int, problems: list[Problem], lo: float, hi: float
) -> float | None:
    if not value:
        return None
    try:
        x = float(value)
    except ValueError:
        problems.append(Problem(f"{value!r} is not a number.", column, line))
        return None
    if not math.isfinite(x) or not lo <= x <= hi:
        problems.append(Problem(f"{value} is not between {lo:g} and {hi:g}.", column, line))
        return None
    return x


SOURCE_SYSTEM_MAX = services.width("source_system")
SOURCE_ID_MAX = services.width("source_id")


def _when(value: str, column: str, line: int, problems: list[Problem]) -> dt.datetime | None:
    """An ISO date or date and time; without an offset, London time."""
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        problems.append(
            Problem(f"{value!r} is not an ISO date and time (e.g. 2024-01-31T18:05).", column, line)
        )
        return None
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=LONDON)
    if parsed < services.EARLIEST:
        problems.append(Problem(f"{value!r} is before {services.EARLIEST.year}.", column, line))
        return None
    return parsed


def _digest(values: Iterable[str]) -> str:
    return hashlib.sha256(json.dumps(list(values), ensure_ascii=False).encode()).hexdigest()


# ---------------------------------------------------------------------------------------------
# data.police.uk street-level files


def _police_uk_rows(rows: list[tuple[int, dict[str, str]]], problems: list[Problem]) -> list[_Row]:
    out: list[_Row] = []
    seen: dict[str, int] = {}
    for line, r in rows:
        values = [r.get(c, "") for c in POLICE_UK_COLUMNS]
        content = _digest(values)
        crime_id = r.get("Crime ID", "")
        # The same Crime ID can appear on more than one row of a file (the record was moved or
        # split), and rows without one can be identical: the occurrence number keeps each row.
        key = crime_id or content
        seen[key] = n = seen.get(key, 0) + 1
        source_id = f"row-{content[:40]}#{n}"
        if crime_id:
            source_id = crime_id if n == 1 else f"{crime_id}#{n}"
        if len(crime_id) > SOURCE_ID_MAX - 10:  # with room for the "#n" of a repeated Crime ID
            problems.append(
                Problem(f"A Crime ID is at most {SOURCE_ID_MAX - 10} characters.", "Crime ID", line)
            )
        month = r.get("Month", "")
        received = None
        m = re.fullmatch(r"(\d{4})-(\d{2})", month)
        if m and 1 <= int(m.group(2)) <= 12:
            received = dt.datetime(int(m.group(1)), int(m.group(2)), 1, tzinfo=LONDON)
        else:
            problems.append(Problem(f"{month!r} is not a month such as 2024-01.", "Month", line))
        lat = _number(r.get("Latitude", ""), "Latitude", line, problems, -90, 90)
        lon = _number(r.get("Longitude", ""), "Longitude", line, problems, -180, 180)
        location = r.get("Location", "")
        if location.lower() == POLICE_UK_NO_LOCATION:
            location = ""
        if len(location) > 300:
            problems.append(Problem("A location is at most 300 characters.", "Location", line))
        crime_type = r.get("Crime type", "")
        is_asb = crime_type.lower() == POLICE_UK_ASB
        if not crime_type:
            problems.append(Problem("Give the crime type.", "Crime type", line))
        outcome = r.get("Last outcome category", "")
        lsoa = " ".join(x for x in (r.get("LSOA code", ""), r.get("LSOA name", "")) if x)
        described = [
            f"{crime_type or 'Record'} published by data.police.uk for {month}",
            f"reported by {r.get('Reported by') or 'an unnamed force'}"
            + (f", falls within {r['Falls within']}" if r.get("Falls within") else ""),
        ]
        if lsoa:
            described.append(f"LSOA {lsoa}")
        if crime_id:
            described.append(f"Crime ID {crime_id}")
        description = "; ".join(described) + "."
        if r.get("Context"):
            description += f"\n{r['Context']}"
        data = IncidentInput(
            channel=Channel.HISTORIC,
            description=description,
            received_at=received,
            address=location,
            lat=lat if lon is not None else None,
            lon=lon if lat is not None else None,
            is_asb=is_asb,
            asb_category=UNCLASSIFIED[0] if is_asb else "",
            type_heading=UNCLASSIFIED[0] if is_asb else "",
            other_category="" if is_asb or not crime_type else slugify(crime_type),
            source_system=POLICE_UK_SYSTEM,
            source_id=source_id[:SOURCE_ID_MAX],
        )
        if (lat is None) != (lon is None) and not any(p.row == line for p in problems):
            problems.append(Problem("Give both longitude and latitude, or neither.", "Latitude", line))
        note = (
            f"Last outcome on data.police.uk: {outcome}."
            if outcome
            else "No outcome published on data.police.uk."
        )
        out.append(_Row(line, data, content, closure_code="", closing_note=note, recorded_crime=not is_asb))
    return out


# ---------------------------------------------------------------------------------------------
# Beacon's own format


def _flag(value: str, column: str, line: int, problems: list[Problem]) -> bool | None:
    v = value.strip().lower()
    if not v:
        return None
    if v in YES:
        return True
    if v in NO:
        return False
    problems.append(Problem("Write yes or no.", column, line))
    return None


def _beacon_rows(rows: list[tuple[int, dict[str, str]]], problems: list[Problem]) -> list[_Row]:
    out: list[_Row] = []
    first_seen: dict[tuple[str, str], int] = {}
    for line, r in rows:
        system = r.get("source_system", "") or BEACON_SYSTEM
        source_id = r.get("source_id", "")
        if not source_id:
            problems.append(
                Problem("Give the record's number in the system it comes from.", "source_id", line)
            )
        elif len(source_id) > SOURCE_ID_MAX:
            problems.append(Problem(f"A source_id is at most {SOURCE_ID_MAX} characters.", "source_id", line))
        elif (system, source_id) in first_seen:
            problems.append(
                Problem(f"{source_id} is also on line {first_seen[system, source_id]}.", "source_id", line)
            )
        else:
            first_seen[system, source_id] = line
        if len(system) > SOURCE_SYSTEM_MAX:
            problems.append(
                Problem(f"A source_system is at most {SOURCE_SYSTEM_MAX} characters.", "source_system", line)
            )
        received = _when(r.get("received_at", ""), "received_at", line, problems)
        if received is None and not r.get("received_at"):
            problems.append(Problem("Give the time the incident was received.", "received_at", line))
        lat = _number(r.get("latitude", ""), "latitude", line, problems, -90, 90)
        lon = _number(r.get("longitude", ""), "longitude", line, problems, -180, 180)
        other = r.get("other_category", "")
        is_asb = _flag(r.get("is_asb", ""), "is_asb", line, problems)
        if is_asb is None:
            is_asb = not other
        victim = {f: r[c] for c, f in VICTIM_COLUMNS.items() if r.get(c)}
        closure, note = r.get("closure_code", ""), r.get("closing_note", "")
        closed_at = _when(r.get("closed_at", ""), "closed_at", line, problems)
        if (note or closed_at) and not closure:
            problems.append(Problem("Give the closure code of a closed incident.", "closure_code", line))
        if closure and not note:
            problems.append(Problem("Write the closing note.", "closing_note", line))
        if closed_at and received and closed_at < received:
            problems.append(Problem("It cannot have been closed before it was received.", "closed_at", line))
        data = IncidentInput(
            channel=r.get("channel", ""),
            description=r.get("description", ""),
            received_at=received,
            occurred_at=_when(r.get("occurred_at", ""), "occurred_at", line, problems),
            attended_at=_when(r.get("attended_at", ""), "attended_at", line, problems),
            postcode=r.get("postcode", ""),
            address=r.get("address", ""),
            lat=lat,
            lon=lon,
            is_asb=is_asb,
            asb_category=r.get("asb_category", "") if is_asb else "",
            type_heading=r.get("type_heading", "") if is_asb else "",
            other_category="" if is_asb else other,
            people=[PersonInput(role="victim", details=victim)] if victim else [],
            crime_reference=r.get("crime_reference", ""),
            no_crime_reason=r.get("no_crime_reason", ""),
            source_system=system,
            source_id=source_id,
        )
        values = [r.get(c, "") for c in BEACON_COLUMNS]
        if not values[-1]:  # a row without the (last, optional) attended_at keeps its earlier digest
            values.pop()
        content = _digest(values)
        out.append(_Row(line, data, content, closure, note, closed_at))
    return out


# ---------------------------------------------------------------------------------------------
# Validating every row


def _columns_problems(header: list[str], fmt: Format) -> list[Problem]:
    if fmt == "police-uk":
        missing = [c for c in POLICE_UK_COLUMNS if c not in header]
        return [Problem(f"Missing column {c}.", c, 1) for c in missing]
    missing = [c for c in BEACON_REQUIRED if c not in header]
    unknown = [c for c in header if c and c not in BEACON_COLUMNS]
    return [Problem(f"Missing column {c}.", c, 1) for c in missing] + [
        Problem(f"Unknown column {c} (see docs/incidents-import.md).", c, 1) for c in unknown
    ]


def _column(fmt: Format, problem_field: str) -> str:
    if fmt == "police-uk":
        return POLICE_UK_FIELD_COLUMNS.get(problem_field, problem_field)
    m = re.fullmatch(r"people\[\d+\]\.?(\w*)", problem_field)
    if m:
        return f"victim_{m.group(1)}" if m.group(1) else "victim_surname"
    return BEACON_FIELD_COLUMNS.get(problem_field, problem_field)


def _validate_rows(fmt: Format, parsed: list[_Row], problems: list[Problem]) -> dict[int, dict[str, Any]]:
    """Each row's checked reference items by line; problems added with line and column."""
    refs_by_line: dict[int, dict[str, Any]] = {}
    codes = set(ClosureCode.objects.values_list("code", flat=True))
    already = {(p.row, p.field) for p in problems}
    for row in parsed:
        refs, found = services._validate(row.data)
        for i, person in enumerate(row.data.people):
            try:
                features(person.details, strict=True)
            except ValidationFailed as exc:
                found.extend(Problem(x.message, f"people[{i}].{x.field}") for x in exc.problems)
        if row.closure_code and row.closure_code not in codes:
            found.append(Problem(f"{row.closure_code!r} is not a known closure code.", "closure_code"))
        for p in found:
            column = _column(fmt, p.field)
            if (row.line, column) not in already:  # e.g. an unreadable time already reported
                already.add((row.line, column))
                problems.append(Problem(p.message, column, row.line))
        refs_by_line[row.line] = refs
    return refs_by_line


# ---------------------------------------------------------------------------------------------
# Writing


def _existing(parsed: list[_Row]) -> set[tuple[str, str]]:
    by_system: dict[str, list[str]] = {}
    for row in parsed:
        by_system.setdefault(row.data.source_system, []).append(row.data.source_id)
    found: set[tuple[str, str]] = set()
    for system, ids in by_system.items():
        for i in range(0, len(ids), 500):
            found.update(
                Incident.objects.filter(source_system=system, source_id__in=ids[i : i + 500]).values_list(
                    "source_system", "source_id"
                )
            )
    return found


class _Placer:
    """resolve_location, remembering postcodes (a file names the same ones again and again)."""

    def __init__(self) -> None:
        self.postcodes: dict[str, LocationResult] = {}

    def __call__(self, data: IncidentInput) -> LocationResult:
        if data.lat is not None or not data.postcode.strip():
            return resolve_location(
                postcode=data.postcode or None, address=data.address or None, lat=data.lat, lon=data.lon
            )
        key = data.postcode.strip().upper()
        if key not in self.postcodes:
            self.postcodes[key] = resolve_location(postcode=key)
        return self.postcodes[key]


def _priorities_for(parsed: list[_Row]) -> Callable[[float, float, dt.datetime], list[str]]:
    """The names of the local priorities active at a point on a day (as `active_priorities`), from
    the priorities that overlap the file's dates, read once."""
    days = [local_date(r.data.received_at) for r in parsed if r.data.received_at]
    if not days:
        return lambda lat, lon, at: []
    first, last = min(days), max(days)
    candidates = list(
        LocalPriority.objects.filter(active_from__lte=last)
        .exclude(active_to__lt=first)
        .order_by("name", "pk")
    )

    def names(lat: float, lon: float, at: dt.datetime) -> list[str]:
        day = local_date(at)
        return [
            p.name
            for p in candidates
            if p.min_lat <= lat <= p.max_lat
            and p.min_lon <= lon <= p.max_lon
            and is_active(p, day)
            and covers(p, lat, lon)
        ]

    return names


def _notify(incident: Incident) -> bool:
    return (
        incident.is_asb
        and incident.neighbourhood_id is not None
        and incident.status == Incident.Status.OPEN
        and incident.channel != Channel.HISTORIC
    )


def _build(
    row: _Row,
    refs: dict[str, Any],
    *,
    actor: User | None,
    screening: ScreeningSet,
    rules: GradingRules | None,
    grades: dict[str, ResponseGrade],
    place: LocationResult,
    priorities: Callable[[float, float, dt.datetime], list[str]],
    codes: dict[str, ClosureCode],
    now: dt.datetime,
) -> Incident:
    """An incident as `create_incident` would make it from a report with no people or answers."""
    d = row.data
    received = d.received_at or now
    inc = unsaved_incident(
        d, refs, place, screening, {}, actor=actor, received=received, reference=f"p-{uuid.uuid4().hex}"[:30]
    )
    inc.source_hash = row.source_hash
    inc.created_at = inc.updated_at = now
    flags: dict[str, str] = {}
    if inc.lat is not None and inc.lon is not None:
        inc.priority_names = priorities(inc.lat, inc.lon, received)
        if inc.priority_names:
            flags["local_priority"] = "inside " + "; ".join(inc.priority_names)
    if row.recorded_crime:
        # data.police.uk publishes recorded crimes: the crime was recorded then, nothing is owed now.
        inc.crime_recorded = True
        flags["_historic"] = f"recorded crime published by data.police.uk ({inc.other_category})"
    else:
        kind = inc.type_heading if inc.is_asb else inc.other_category
        hint = inc.type_heading.suggests_crime if inc.is_asb and inc.type_heading else False
        hint = hint or bool(not inc.is_asb and inc.other_category and inc.other_category.notifiable_crime)
        if hint:
            flags["crime_disclosed"] = f"{kind} is usually a notifiable crime"
    for name in ("repeat_victim", "vulnerable_victim", "local_priority", "crime_disclosed", "hate_related"):
        setattr(inc, name, name in flags)
    if rules is not None:
        suggestion = suggest_grade(
            rules.rules, rules.default_grade, answers={}, flags=inc.flags, channel=inc.channel
        )
        inc.grading_rules = rules
        inc.suggested_grade = inc.response_grade = grades.get(suggestion.grade)
        flags["_grade"] = suggestion.because
    services._judge_response(inc)
    inc.flag_reasons = flags
    _close(inc, row, now, codes)
    if _notify(inc):
        inc.notified_team = inc.neighbourhood
    return inc


def _close(inc: Incident, row: _Row, now: dt.datetime, codes: dict[str, ClosureCode]) -> None:
    if not (row.closure_code or row.closing_note):
        return
    inc.status = Incident.Status.CLOSED
    inc.closure_code = codes[row.closure_code] if row.closure_code else None
    inc.closing_note = row.closing_note
    inc.closed_at = row.closed_at or now


def _chunks(items: list[Any], n: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def import_incidents(
    actor: User | None,
    path: Path | str,
    *,
    fmt: Format = "beacon",
    progress: Callable[[Iterable[Any], int], Iterable[Any]] | None = None,
) -> ImportResult:
    """Import every row of the file, or nothing: ValidationFailed lists every problem (row = the
    CSV line, field = the column). Rows already imported (same source number) are left as they are."""
    if fmt not in FORMATS:
        raise ValidationFailed.one(f"The format must be one of {', '.join(FORMATS)}.", "format")
    started = time.perf_counter()
    path = Path(path)
    header, raw, problems = _read(path)
    header_problems = _columns_problems(header, fmt)
    if header_problems:
        raise ValidationFailed(header_problems)
    parsed = _police_uk_rows(raw, problems) if fmt == "police-uk" else _beacon_rows(raw, problems)
    refs = _validate_rows(fmt, parsed, problems)
    screening = ScreeningSet.objects.order_by("-version").first()
    if screening is None:
        problems.append(Problem("No screening question set has been published.", "screening_version"))
    if problems:
        raise ValidationFailed(sorted(problems, key=lambda p: (p.row or 0, p.field)))
    assert screening is not None
    result = ImportResult(fmt=fmt, file=path.name, rows=len(parsed))
    with transaction.atomic():
        existing = _existing(parsed)
        todo = [r for r in parsed if (r.data.source_system, r.data.source_id) not in existing]
        result.already_imported = len(parsed) - len(todo)
        wrap = progress or (lambda it, total: it)
        created = _write(actor, todo, refs, screening, wrap)
    result.created = len(created)
    result.asb = sum(1 for i in created if i.is_asb)
    result.with_people = sum(1 for r in todo if r.data.people)
    for inc in created:
        if inc.neighbourhood_id:
            result.placed += 1
        else:
            reason = inc.location_problem or "not placed"
            result.not_placed[reason] = result.not_placed.get(reason, 0) + 1
    result.seconds = time.perf_counter() - started
    return result


def _write(
    actor: User | None,
    todo: list[_Row],
    refs: dict[int, dict[str, Any]],
    screening: ScreeningSet,
    progress: Callable[[Iterable[Any], int], Iterable[Any]],
) -> list[Incident]:
    now = timezone.now()
    rules = GradingRules.objects.order_by("-version").first()
    grades = {g.code: g for g in ResponseGrade.objects.all()}
    codes = {c.code: c for c in ClosureCode.objects.all()}
    placer = _Placer()
    priorities = _priorities_for(todo)
    created: list[Incident] = []
    bulk = [r for r in todo if not r.data.people]
    one_by_one = [r for r in todo if r.data.people]
    for chunk in progress(list(_chunks(bulk, BATCH)), (len(bulk) + BATCH - 1) // BATCH):
        incidents = [
            _build(
                r,
                refs[r.line],
                actor=actor,
                screening=screening,
                rules=rules,
                grades=grades,
                place=placer(r.data),
                priorities=priorities,
                codes=codes,
                now=now,
            )
            for r in chunk
        ]
        Incident.objects.bulk_create(incidents)
        for inc in incidents:
            inc.reference = services._next_reference(inc)
        Incident.objects.bulk_update(incidents, ["reference"])
        audit.record_creates(actor, incidents, reason="import")
        InboxItem.objects.bulk_create(
            [
                InboxItem(incident=inc, neighbourhood_id=inc.notified_team_id, placed_at=now)
                for inc in incidents
                if inc.notified_team_id is not None
            ]
        )
        TriageItem.objects.bulk_create(
            [
                TriageItem(incident=inc, placed_at=now, reason=services.triage_reason(inc))
                for inc in incidents
                if services.needs_triage(inc)
            ]
        )
        created.extend(incidents)
    for r in progress(one_by_one, len(one_by_one)):
        closed = bool(r.closure_code)
        inc = services.create_incident(
            actor, r.data, notify_team=not closed and r.data.channel != Channel.HISTORIC
        )
        if closed:
            before = audit.snapshot(inc)
            _close(inc, r, now, codes)
            inc.save()
            audit.record_update(actor, inc, before, reason="closed before import")
        if r.source_hash:
            Incident.objects.filter(pk=inc.pk).update(source_hash=r.source_hash)
        created.append(inc)
    return created
