"""The API's edge: what every /api/v1 input must be, checked once for every operation.

Each operation's values, once django-ninja has parsed them (query, path and JSON body alike), are
walked by `refuse_unsafe_values` before the handler runs. A value is refused with 422 naming its
field when it is

- text holding a NUL character or an unpaired surrogate (PostgreSQL cannot store either);
- text longer than `TEXT_MAX` characters (`PARAM_TEXT_MAX` in a path or query, which travels in
  the URL: Django's server refuses a request line over 64 KB), or a list longer than `LIST_MAX` items,
  where the schema sets no tighter limit of its own (pydantic enforces those);
- a whole number outside the 64-bit range the database stores (ids, offsets);
- a number that is not finite (``inf``, ``nan``);
- a date or time outside `DATE_MIN`–`DATE_MAX`, or one not written as ISO 8601 text (pydantic
  would read ``0`` as 1 January 1970);

`document_edge` writes the same rules into the OpenAPI (minimum and maximum on integers,
maxLength and a pattern on strings, maxItems on lists) and lists every status code an operation
can answer with, so that what the schema promises is what the server does.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict

from beacon.core.errors import Problem, ValidationFailed

INT_MIN = -(2**63)
INT_MAX = 2**63 - 1
TEXT_MAX = 10_000  # characters in any one text value, unless its schema says fewer
# characters in any one path or query value: with every one of an operation's text parameters at
# most this long, even in four-byte characters (12 bytes once %-encoded), the URL fits in 64 KB
PARAM_TEXT_MAX = 400
LIST_MAX = 500  # items in any one list, unless its schema says fewer
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2199, 12, 31)

_UNSAFE = re.compile("[\x00\ud800-\udfff]")
# The same rules as JSON Schema patterns (ECMA-262, which the OpenAPI uses). Unpaired surrogates
# are refused too, but a pattern cannot say so portably (UTF-8 cannot even carry them; only a JSON
# escape such as "\\ud800" can).
SAFE_TEXT_PATTERN = "^[^\\u0000]*$"
DATE_PATTERN = "^(19|20|21)[0-9]{2}-"  # a year from 1900 to 2199
MONTH_PATTERN = "^(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])$"  # a month as YYYY-MM, years 1900 to 2199

# What a value that does not match a pattern is told (instead of the pattern itself).
PATTERN_MESSAGES: dict[str, str] = {
    MONTH_PATTERN: "Not a month: use YYYY-MM, with a month from 01 to 12 and a year from 1900 to 2199.",
}


def pattern_message(error: dict[str, Any]) -> str:
    """The message for one of pydantic's validation errors: a plain one where a pattern has one."""
    if error.get("type") == "string_pattern_mismatch":
        pattern = (error.get("ctx") or {}).get("pattern")
        if pattern in PATTERN_MESSAGES:
            return PATTERN_MESSAGES[pattern]
    return str(error.get("msg", ""))


# A point on the Earth (WGS84 degrees): anything else is refused with 422 naming the field.
Latitude = Annotated[float, Field(ge=-90, le=90, description="WGS84 latitude, -90 to 90.")]
Longitude = Annotated[float, Field(ge=-180, le=180, description="WGS84 longitude, -180 to 180.")]


class InSchema(Schema):
    """What every request body is built from: a field the schema does not name is refused (422),
    and the OpenAPI says so (`additionalProperties: false`)."""

    model_config = ConfigDict(extra="forbid")


MAX_OFFSET = dt.timedelta(hours=14)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_UNKNOWN = object()  # the value as sent is not known (a default, a form, a path)


def _child(raw: Any, key: str | int) -> Any:
    if isinstance(raw, dict) and isinstance(key, str):
        return raw.get(key, _UNKNOWN)
    if isinstance(raw, list) and isinstance(key, int) and key < len(raw):
        return raw[key]
    return _UNKNOWN


def _json_type_problem(value: Any, raw: Any) -> str | None:
    """In a JSON body, a true/false or a number must be sent as one (pydantic would read ``0`` as
    false and ``"7"`` as 7)."""
    if isinstance(value, bool):
        return None if isinstance(raw, bool) else "Give true or false."
    if isinstance(value, int) and not isinstance(value, bool):
        whole = isinstance(raw, int) or (isinstance(raw, float) and raw.is_integer())  # JSON: 7.0 is 7
        return None if whole and not isinstance(raw, bool) else "Give a whole number."
    if isinstance(value, float):
        return None if isinstance(raw, int | float) and not isinstance(raw, bool) else "Give a number."
    return None


def _walk(
    value: Any, field: str, raw: Any = _UNKNOWN, *, json_body: bool = False, text_max: int = TEXT_MAX
) -> Iterator[Problem]:
    """Every problem in `value` (at `field`), looking inside models, lists and dicts; `raw` is the
    same value as it was sent (JSON, or the query's text), where known."""
    sent = raw is not _UNKNOWN and raw is not None
    if isinstance(value, dt.date) and sent and not (isinstance(raw, str) and _ISO_DATE.match(raw)):
        yield Problem("Give the date as YYYY-MM-DD (a time as YYYY-MM-DDTHH:MM:SS).", field)
        return
    wrong_type = _json_type_problem(value, raw) if json_body and sent else None
    if wrong_type:
        yield Problem(wrong_type, field)
        return
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, str):
        if _UNSAFE.search(value):
            yield Problem("Remove the NUL character or unpaired surrogate: text cannot hold it.", field)
        elif len(value) > text_max:
            yield Problem(f"At most {text_max:,} characters (this has {len(value):,}).", field)
    elif isinstance(value, int):
        if not INT_MIN <= value <= INT_MAX:
            yield Problem(f"Out of range: give a whole number from {INT_MIN} to {INT_MAX}.", field)
    elif isinstance(value, float):
        if not math.isfinite(value):
            yield Problem("Give a finite number.", field)
    elif isinstance(value, dt.date):  # a datetime is a date too
        day = value.date() if isinstance(value, dt.datetime) else value
        if not DATE_MIN <= day <= DATE_MAX:
            yield Problem(f"Give a date from {DATE_MIN.isoformat()} to {DATE_MAX.isoformat()}.", field)
        offset = value.utcoffset() if isinstance(value, dt.datetime) else None
        if offset is not None and not -MAX_OFFSET <= offset <= MAX_OFFSET:
            # Real zones run from UTC-12:00 to UTC+14:00; PostgreSQL refuses beyond 15:59.
            yield Problem("Give a time zone offset from -14:00 to +14:00, e.g. Z or +01:00.", field)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            item = getattr(value, name, None)
            yield from _walk(item, _join(field, name), _child(raw, name), json_body=json_body)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(key, field)
            yield from _walk(item, _join(field, str(key)), _child(raw, key), json_body=json_body)
    elif isinstance(value, list | tuple | set | frozenset):
        if len(value) > LIST_MAX:
            yield Problem(f"At most {LIST_MAX:,} items (this has {len(value):,}).", field)
            return
        for i, item in enumerate(value):
            yield from _walk(
                item, _join(field, str(i)), _child(raw, i), json_body=json_body, text_max=text_max
            )


def _join(field: str, name: str) -> str:
    return f"{field}.{name}" if field else name


def _sent(request: Any) -> tuple[dict[str, Any], Any]:
    """The query as sent (text by name) and the JSON body as sent (unknown if not JSON)."""
    query = {k: request.GET.get(k) for k in getattr(request, "GET", {})}
    body: Any = _UNKNOWN
    if "json" in str(getattr(request, "content_type", "")):
        try:
            body = json.loads(request.body or b"null")
        except ValueError:  # django-ninja has refused a body it cannot parse before this runs
            body = _UNKNOWN
    return query, body


def problems_in(values: dict[str, Any], request: Any = None) -> list[Problem]:
    """The problems in an operation's parsed arguments. A body or query schema's fields are named
    as the API's 422s name them (``people.0.surname``), a plain parameter by its own name."""
    query, body = _sent(request) if request is not None else ({}, _UNKNOWN)
    found: list[Problem] = []
    for name, value in values.items():
        if isinstance(value, BaseModel):
            found.extend(_walk(value, "", body, json_body=body is not _UNKNOWN))
        else:
            # a path or query parameter: it travels in the URL
            found.extend(_walk(value, name, query.get(name, _UNKNOWN), text_max=PARAM_TEXT_MAX))
    return found


def refuse_unsafe_values(func: Callable[..., Any]) -> Callable[..., Any]:
    """django-ninja operation decorator: 422 before the handler runs if any value is unsafe."""

    @wraps(func)
    def checked(request: Any, *args: Any, **kwargs: Any) -> Any:
        found = problems_in(kwargs, request)
        if found:
            raise ValidationFailed(found)
        return func(request, *args, **kwargs)

    return checked


# ---------------------------------------------------------------------------------------------
# The OpenAPI says the same


ERROR_SCHEMA = {
    "type": "object",
    "title": "ApiErrors",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                    "row": {"type": "integer"},
                },
            },
        }
    },
}

_WHY = {
    400: "The request body cannot be read (not JSON, or not the form it should be).",
    401: "No valid session or bearer token (or the account is locked out).",
    403: "The role does not allow this, or the record is outside the user's areas.",
    404: "No such record among those the user may see.",
    409: "Someone else changed the record since the given version was read.",
    413: "The request body is larger than the server accepts.",
    422: "An input is refused; each error names its field.",
    429: "Too many invalid bearer tokens from this address; see Retry-After.",
}
_METHODS = ("get", "post", "put", "patch", "delete")


def _constrain(node: Any, *, request: bool, text_max: int = TEXT_MAX) -> None:
    """Add the edge's limits to every integer, string and list schema under `node`."""
    if isinstance(node, list):
        for item in node:
            _constrain(item, request=request, text_max=text_max)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    if kind == "integer":
        node.setdefault("minimum", INT_MIN)
        node.setdefault("maximum", INT_MAX)
    elif kind == "string" and request and "enum" not in node:
        if node.get("format") not in ("binary",):
            node["maxLength"] = min(node.get("maxLength", text_max), text_max)
            patterns = [SAFE_TEXT_PATTERN]
            if node.get("format") in ("date", "date-time"):
                patterns.append(DATE_PATTERN)
            if "pattern" in node:
                patterns.append(node.pop("pattern"))
            if len(patterns) == 1:
                node["pattern"] = patterns[0]
            else:
                node.setdefault("allOf", []).extend({"pattern": p} for p in patterns)
    elif kind == "array" and request:
        node.setdefault("maxItems", LIST_MAX)
    for key, child in node.items():
        if key not in ("enum", "default", "example", "examples", "const"):
            _constrain(child, request=request, text_max=text_max)


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            yield ref.rsplit("/", 1)[1]
        for child in node.values():
            yield from _refs(child)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _has_version(node: Any, components: dict[str, Any], seen: set[str]) -> bool:
    """Whether a request body carries a `version` (the edit it was read at: 409 if it moved)."""
    if isinstance(node, dict):
        if "version" in (node.get("properties") or {}):
            return True
        for name in _refs(node):
            if name not in seen:
                seen.add(name)
                if _has_version(components.get(name), components, seen):
                    return True
        return any(_has_version(v, components, seen) for k, v in node.items() if k != "$ref")
    if isinstance(node, list):
        return any(_has_version(v, components, seen) for v in node)
    return False


def document_edge(schema: dict[str, Any]) -> dict[str, Any]:
    """Write the edge's limits and every answer an operation can give into an OpenAPI schema:
    401, 403 and 429 anywhere; 404 and 422 where there is an input (ids are looked up among the
    records the user may see); 413 with a body; 409 where the body carries the `version` read."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ApiErrors", ERROR_SCHEMA)
    error_ref = {"$ref": "#/components/schemas/ApiErrors"}

    request_components: set[str] = set()
    for item in schema.get("paths", {}).values():
        for method in _METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = op.get("parameters", [])
            body = op.get("requestBody")
            codes = [401, 403, 429]
            if params or body:
                codes += [404, 422]
            if body:
                codes += [400, 413]
            if any(p.get("name") == "version" for p in params) or _has_version(body, components, set()):
                codes.append(409)
            responses = op.setdefault("responses", {})
            for code in codes:
                if code in responses:  # declared by the operation itself (an int key): keep that one
                    continue
                responses.setdefault(
                    str(code),
                    {"description": _WHY[code], "content": {"application/json": {"schema": error_ref}}},
                )
            for param in params:
                _constrain(param.get("schema"), request=True, text_max=PARAM_TEXT_MAX)
            if body:
                request_components.update(_refs(body))
                _constrain(body, request=True)
    # The components request bodies use (and those they use), with request limits; the rest
    # (responses) get only the integer range.
    todo = list(request_components)
    while todo:
        name = todo.pop()
        for ref in _refs(components.get(name)):
            if ref not in request_components:
                request_components.add(ref)
                todo.append(ref)
    for name, component in components.items():
        if name != "ApiErrors":
            _constrain(component, request=name in request_components)
    return schema
