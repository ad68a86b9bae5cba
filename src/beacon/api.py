"""The HTTP API at /api/v1 (django-ninja). Every endpoint needs a session or a bearer token;
errors are JSON: {"errors": [{"field": …, "message": …, "row"?: n}]}."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema

from beacon.cases.api import router as cases_router
from beacon.core.api_auth import SessionAuth, TokenAuth
from beacon.core.api_input import document_edge, pattern_message, refuse_unsafe_values
from beacon.core.errors import EditConflict, PermissionRefused, ValidationFailed
from beacon.core.permissions import note_refusal
from beacon.incidents.api import router as incidents_router
from beacon.inspections.api import router as inspections_router
from beacon.partnership.api import router as partnership_router
from beacon.people.api import router as people_router
from beacon.performance.api import router as performance_router
from beacon.retention.api import router as retention_router
from beacon.risk.api import router as risk_router


class BeaconAPI(NinjaAPI):
    """The OpenAPI also says the edge's limits and every status code (beacon.core.api_input)."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_edge(schema)
        return schema


api = BeaconAPI(
    title="Beacon API",
    version="1",
    description="Beacon's HTTP API. Authenticate with a session cookie (browser) or a bearer token.",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    docs_decorator=login_required,  # the docs, like every page, need a signed-in user
)
# Every operation's parsed values are checked once here: NUL, unpaired surrogates, numbers beyond
# 64 bits, dates out of range and oversized text or lists are refused with 422 naming the field.
api.add_decorator(refuse_unsafe_values)


def _field_from_loc(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "form", "file")]
    return ".".join(parts)


@api.exception_handler(NinjaValidationError)
def on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": _field_from_loc(list(e.get("loc", []))), "message": pattern_message(e)} for e in exc.errors
    ]
    return api.create_response(request, {"errors": errors}, status=422)


@api.exception_handler(ValidationFailed)
def on_failed(request: HttpRequest, exc: ValidationFailed) -> HttpResponse:
    return api.create_response(request, {"errors": [p.as_dict() for p in exc.problems]}, status=422)


@api.exception_handler(EditConflict)
def on_conflict(request: HttpRequest, exc: EditConflict) -> HttpResponse:
    body = {
        "errors": [{"field": "", "message": str(exc)}],
        "changed_by": exc.changed_by,
        "changes": exc.changes,
    }
    return api.create_response(request, body, status=409)


@api.exception_handler(PermissionRefused)
def on_refused(request: HttpRequest, exc: PermissionRefused) -> HttpResponse:
    note_refusal(request, str(exc))
    return api.create_response(request, {"errors": [{"field": "", "message": str(exc)}]}, status=403)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    msg = "Sign in or send a valid bearer token."
    return api.create_response(request, {"errors": [{"field": "", "message": msg}]}, status=401)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    note_refusal(request, f"Not found in the user's areas: {exc or 'no such record'}", 404)
    return api.create_response(request, {"errors": [{"field": "", "message": "Not found."}]}, status=404)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code in (403, 404):  # a role's refusal; a record not among those the user may see
        note_refusal(request, str(exc), exc.status_code)
    response = api.create_response(
        request, {"errors": [{"field": "", "message": str(exc)}]}, status=exc.status_code
    )
    if isinstance(exc, Throttled) and exc.wait:
        response["Retry-After"] = str(exc.wait)
    return response


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    msg = f"The request body is too large: at most {limit:,} bytes are accepted."
    return api.create_response(request, {"errors": [{"field": "", "message": msg}]}, status=413)


api.add_router("/", inspections_router)
api.add_router("/people", people_router)
api.add_router("/incidents", incidents_router)
api.add_router("/risk", risk_router)
api.add_router("/cases", cases_router)
api.add_router("/partnership", partnership_router)
api.add_router("/performance", performance_router)
api.add_router("/retention", retention_router)


@csrf_exempt
def not_routed(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other path under /api/v1 (an id that is not a whole number, "/cases/-1", a path with a
    newline), whatever the method: 404 in the API's JSON, not the site's HTML "not found" page
    (wired last in beacon.urls)."""
    msg = "No such API operation: see /api/v1/docs for the operations there are."
    return JsonResponse({"errors": [{"field": "", "message": msg}]}, status=404)
