"""Login and role checks for pages. Every view is login-only by default (see middleware);
`capability_required` adds the role check and answers 403 with a page that says why."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Concatenate, ParamSpec, cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from beacon.core.roles import CAPABILITIES

if TYPE_CHECKING:
    from beacon.core.models import User

P = ParamSpec("P")


class AuthedRequest(HttpRequest):
    """A request from a signed-in user, for type checking only (django-stubs' pattern).

    Pages are login-only (LoginRequiredMiddleware) and `capability_required` checks again before
    calling the view, so a view it guards may annotate its request with this to use `request.user`
    as a `User`.
    """

    user: User


def note_refusal(request: HttpRequest, reason: str, status: int = 403) -> None:
    """Write a refused attempt by a signed-in user to the audit trail: who, what (method, path and
    the record's id when the address names one), when, and why. Attempts without a signed-in user
    are answered by the login page or a 401 and are not logged (nobody to name)."""
    from beacon.core import audit
    from beacon.core.models import User

    user = getattr(request, "auth", None) or getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return
    match = request.resolver_match
    kwargs = match.kwargs if match else {}
    pk = next((str(v) for k, v in kwargs.items() if k == "pk" or k.endswith("_id") or k == "object_pk"), "")
    audit.record_refused(
        user,
        what=f"{request.method} {request.get_full_path()} ({status})",
        reason=reason or "Refused.",
        app_label=(match.app_name if match else "") or "",
        model=(match.url_name if match else "") or "",
        object_pk=pk,
    )


def refuse(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The 403 page that says why; the attempt is written to the audit trail."""
    note_refusal(request, reason or "Your role does not allow this.")
    return render(request, "403.html", {"reason": reason}, status=403)


def capability_required(
    *capabilities: str,
) -> Callable[
    [Callable[Concatenate[AuthedRequest, P], HttpResponse]],
    Callable[Concatenate[HttpRequest, P], HttpResponse],
]:
    """Guard a page: the user needs one of `capabilities` (usually just one)."""
    if not capabilities:
        raise TypeError("capability_required needs at least one capability")
    for capability in capabilities:
        if capability not in CAPABILITIES:
            raise KeyError(f"unknown capability {capability!r}")

    def decorator(
        view: Callable[Concatenate[AuthedRequest, P], HttpResponse],
    ) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:  # the middleware normally catches this first
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not any(user.can(c) for c in capabilities):
                return refuse(request, "Your role does not give access to this page.")
            return view(cast(AuthedRequest, request), *args, **kwargs)

        # Function attribute naming the capability that guards the view (for introspection).
        wrapped.capability = capabilities[0] if len(capabilities) == 1 else capabilities  # type: ignore[attr-defined]
        return wrapped

    return decorator
