"""Beacon's 400 and 500 handlers (beacon.urls): the API under /api/ answers in its JSON, every other
path gets the service's own page (templates 400.html and 500.html, through Django's defaults).

The 500 handler never raises: it runs when something has already failed (perhaps the database, or
the templates), so if even the page cannot be drawn it answers a fixed one.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.views import defaults

logger = logging.getLogger(__name__)

FALLBACK_500 = (
    '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
    "<title>Sorry, there is a problem with Beacon</title></head><body><main>"
    "<h1>Sorry, there is a problem with Beacon</h1>"
    "<p>Something went wrong on Beacon&rsquo;s side. What you were doing may not have been saved.</p>"
    '<p>Try again in a few minutes, or go to the <a href="/">Beacon home page</a>. If it keeps '
    "happening, contact your force&rsquo;s IT service desk.</p></main></body></html>"
)


def _is_api(request: HttpRequest) -> bool:
    return str(getattr(request, "path_info", "") or "").startswith("/api/")


def _api_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"errors": [{"field": "", "message": message}]}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _api_error("The request could not be read.", 400)
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        if _is_api(request):
            return _api_error("Something went wrong on Beacon's side. It has been logged.", 500)
        return defaults.server_error(request)
    except Exception:  # the page itself failed: say so in the log, answer the fixed page
        logger.exception("The 500 page could not be drawn")
        return HttpResponseServerError(FALLBACK_500)
