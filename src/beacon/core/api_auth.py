"""Authentication and role checks for the HTTP API (django-ninja).

Bearer tokens are refused while their user's account is locked out after failed sign-ins
(django-axes), and a client address that sends too many invalid tokens is answered 429 for a
while (BEACON_TOKEN_FAILURES within BEACON_TOKEN_FAILURE_MINUTES). Each invalid token is kept in
django-axes' access-failure log (the database, so every server process counts the same failures)
and logged on the ``beacon.security`` logger.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessFailureLog
from django.conf import settings
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError, Throttled
from ninja.security import APIKeyCookie, HttpBearer

from beacon.core.models import User
from beacon.core.services import authenticate_token

log = logging.getLogger("beacon.security")

# The "username" invalid bearer tokens are logged under in django-axes' access-failure log: not a
# possible username (spaces and brackets), so no account's login failures are mixed with them.
TOKEN_FAILURE = "(invalid API token)"  # noqa: S105  # a label, not a secret
LOCKED_OUT = (
    "This account is locked after repeated failed sign-ins, so its API tokens are refused until "
    "the lockout ends or an administrator lifts it."
)


class TokenThrottled(Throttled):
    """Too many invalid bearer tokens from one client address: 429, with Retry-After (`wait`)."""

    def __init__(self, wait: int) -> None:
        super().__init__(wait)
        self.message = (
            f"Too many invalid API tokens from this address: wait {wait} seconds before trying again."
        )

    def __str__(self) -> str:
        return self.message


def _client_address(request: HttpRequest) -> str | None:
    """The client's address as django-axes reads it (its middleware runs before the API)."""
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR") or None


def _failure_window() -> timedelta:
    return timedelta(minutes=getattr(settings, "BEACON_TOKEN_FAILURE_MINUTES", 5))


def _recent_failures(address: str | None) -> QuerySet[AccessFailureLog]:
    since = timezone.now() - _failure_window()
    return AccessFailureLog.objects.filter(
        username=TOKEN_FAILURE, ip_address=address, attempt_time__gte=since
    )


def _check_throttle(address: str | None) -> None:
    """Refuse (429) while this address has sent the limit of invalid tokens within the window;
    the wait is until the oldest of those failures leaves the window."""
    limit = getattr(settings, "BEACON_TOKEN_FAILURES", 10)
    if limit <= 0:
        return
    failures = list(
        _recent_failures(address).order_by("-attempt_time").values_list("attempt_time", flat=True)[:limit]
    )
    if len(failures) < limit:
        return
    free_at = failures[-1] + _failure_window()
    wait = max(1, math.ceil((free_at - timezone.now()).total_seconds()))
    log.warning("API token attempts throttled for %s: %d invalid tokens", address, len(failures))
    raise TokenThrottled(wait)


def _note_failure(request: HttpRequest, address: str | None) -> None:
    """Keep an invalid token attempt (never the token itself), and drop those past the window."""
    AccessFailureLog.objects.filter(
        username=TOKEN_FAILURE, attempt_time__lt=timezone.now() - _failure_window()
    ).delete()
    AccessFailureLog.objects.create(
        username=TOKEN_FAILURE,
        ip_address=address,
        user_agent=request.headers.get("User-Agent", "")[:255],
        http_accept=request.headers.get("Accept", "")[:1025],
        path_info=request.path_info[:255],
    )
    log.warning("Invalid API token from %s for %s %s", address, request.method, request.path_info)


def _locked_out(request: HttpRequest, user: User) -> bool:
    return bool(AxesProxyHandler.is_locked(request, {"username": user.get_username()}))


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        address = _client_address(request)
        _check_throttle(address)
        user = authenticate_token(token)
        if user is None:
            _note_failure(request, address)
            return None
        if _locked_out(request, user):
            log.warning("API token of locked-out user %s refused (from %s)", user.get_username(), address)
            raise HttpError(401, LOCKED_OUT)
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser session, with Django's CSRF check on unsafe methods."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a signed-in session there is nothing for the CSRF check to protect: answer 401
        # ("authenticate") rather than ninja's CSRF 403.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


def api_user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]  # set by django-ninja once a scheme authenticates
    assert isinstance(user, User)
    return user


def require(capability: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Refuse an endpoint with 403 unless the caller's role gives `capability`."""

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(func)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not api_user(request).can(capability):
                raise HttpError(403, "Your role does not allow this.")
            return func(request, *args, **kwargs)

        return wrapped

    return decorator


M = TypeVar("M", bound=Model)


def get_or_404(qs: QuerySet[M], pk: int, what: str) -> M:
    """The record, or 404 in the API's error format (Django's Http404 would answer {"detail": …})."""
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise HttpError(404, f"No {what} has id {pk}.")
    return obj
