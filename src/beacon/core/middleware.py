from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponse, HttpResponseBase

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
        """A service's refusal reaches the user as a 403 page that says why."""
        if isinstance(exception, PermissionRefused) and not request.path_info.startswith("/api/"):
            from beacon.core.permissions import refuse

            return refuse(request, str(exception))
        return None
