from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import add_never_cache_headers

from beacon.core.audit import audit_source
from beacon.core.errors import PermissionRefused


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs a logged-in user unless marked @login_not_required.

    The API is left to django-ninja, whose routers require session or token auth on every
    endpoint and answer 401 in JSON rather than redirecting to the login page; static files are
    served before this runs (WhiteNoise).
    """

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class RequestContextMiddleware:
    """Labels audit entries written during a request with where they came from."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        source = "api" if request.path_info.startswith("/api/") else "web"
        with audit_source(source):
            return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A service's refusal reaches the user as a 403 page that says why. A record not found —
        pages look records up among those in the user's areas, so another area's record is "not
        found" too — is written to the audit trail as refused (probing shows there); Django then
        answers its 404 page."""
        if request.path_info.startswith("/api/"):
            return None
        from beacon.core.permissions import note_refusal, refuse

        if isinstance(exception, PermissionRefused):
            return refuse(request, str(exception))
        if isinstance(exception, Http404):
            note_refusal(request, f"Not found in the user's areas: {exception or 'no such record'}", 404)
        return None


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)


@cache
def inline_script_hashes() -> tuple[str, ...]:
    """CSP hashes of the inline scripts in Beacon's own templates (the GOV.UK "js-enabled" line in
    base.html), read from the template files — never from a response, so an injected script can
    never be allowed. A script whose text holds template tags cannot be hashed (and is blocked)."""
    found = set()
    for path in sorted(Path(settings.BASE_DIR).rglob("templates/**/*.html")):
        for body in _INLINE_SCRIPT.findall(path.read_text(encoding="utf-8")):
            if "{{" in body or "{%" in body or not body.strip():
                continue
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            found.add(f"'sha256-{digest}'")
    return tuple(sorted(found))


@cache
def content_security_policy() -> str:
    """Beacon serves everything itself (GOV.UK Frontend, htmx, Swagger UI for /api/v1/docs): scripts
    only from this origin, plus its templates' own inline scripts by hash. Styles allow inline
    style attributes (templates and Swagger UI set some; htmx adds its indicator style): a style
    cannot run code. No frames, plugins or other origins. BEACON_CSP replaces it whole."""
    if getattr(settings, "BEACON_CSP", ""):
        return str(settings.BEACON_CSP)
    return "; ".join(
        [
            "default-src 'self'",
            "script-src " + " ".join(["'self'", *inline_script_hashes()]),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeadersMiddleware:
    """A Content-Security-Policy on every response, and `Cache-Control: no-store` (Django's never-
    cache headers) on every response to a signed-in user and every API response: they hold
    personal data, which must not stay in a browser's or a proxy's cache. Static files keep their
    caching (WhiteNoise). X-Content-Type-Options, Referrer-Policy and HSTS come from Django's
    SecurityMiddleware (settings)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = content_security_policy()
        path = request.path_info
        if not path.startswith(str(settings.STATIC_URL)):
            user = getattr(request, "user", None)
            if path.startswith("/api/") or (user is not None and user.is_authenticated):
                add_never_cache_headers(response)
        return response
