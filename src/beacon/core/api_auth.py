"""Authentication and role checks for the HTTP API (django-ninja)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer

from beacon.core.models import User
from beacon.core.services import authenticate_token


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = authenticate_token(token)
        if user is not None:
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
