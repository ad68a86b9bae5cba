"""Error pages (issue 11 §4): 400, 403, 404, 500 and the CSRF failure page are Beacon's own (its
header, its stylesheet, no crown and no GOV.UK name), say what happened and where to go next; the
API under /api/v1 answers each in its JSON instead. All with DEBUG off, as in production.

This module is also the URLconf of the 500 tests (ROOT_URLCONF below): Beacon's own URLs and one
page that raises, so that no URL that raises is in Beacon's code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.test import Client, RequestFactory, override_settings
from django.urls import path, reverse

import beacon.urls
from beacon.core import error_views
from beacon.core.roles import Role


def _raise(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("something broke")


urlpatterns = [path("test-only/boom/", _raise), *beacon.urls.urlpatterns]
handler400 = beacon.urls.handler400
handler403 = beacon.urls.handler403
handler500 = beacon.urls.handler500


def assert_beacons_page(html: str) -> None:
    """The service's own look: base.html's header and stylesheet, and nothing of GOV.UK's brand."""
    assert '<html lang="en-GB" class="govuk-template">' in html
    assert 'href="/static/vendor/beacon.css"' in html
    assert re.search(r'<a href="/" class="beacon-header__service">Beacon</a>', html)
    assert "gov.uk" not in html.lower() and "crown" not in html.lower()
    assert 'id="main-content"' in html


def assert_where_next(html: str, *, sign_in: bool = True) -> None:
    assert re.search(r'<a class="govuk-link" href="/">Beacon home page</a>', html)
    assert ('<a class="govuk-link" href="/login/">sign in</a>' in html) is sign_in
    assert "IT service desk" in html


def assert_api_error(response: Any, status: int) -> None:
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["errors"] and set(body["errors"][0]) >= {"field", "message"}


@pytest.fixture(autouse=True)
def _production_like(settings: Any) -> None:
    settings.DEBUG = False


# 404


@pytest.mark.django_db
def test_a_missing_page_is_beacons_own_page_with_a_way_home(
    client: Client, client_for: Callable[..., Client]
) -> None:
    r = client.get("/no-such-page/")
    assert r.status_code == 404
    assert "404.html" in [t.name for t in r.templates]
    html = r.content.decode()
    assert_beacons_page(html)
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html
    assert_where_next(html, sign_in=True)

    signed_in = client_for(role=Role.OFFICER).get("/cases/999999999/")
    html = signed_in.content.decode()
    assert signed_in.status_code == 404 and "Page not found" in html
    assert_where_next(html, sign_in=False)  # already signed in: home, and the menu
    assert 'class="govuk-service-navigation__list"' in html


@pytest.mark.django_db
def test_the_api_still_answers_not_found_in_json(client_for: Callable[..., Client]) -> None:
    c = client_for(role=Role.OFFICER)
    assert_api_error(c.get("/api/v1/no-such-operation"), 404)
    assert_api_error(c.get("/api/v1/cases/999999999"), 404)


# 403


@pytest.mark.django_db
def test_a_partner_refused_a_page_sees_beacons_page_saying_why(client_for: Callable[..., Client]) -> None:
    r = client_for(role=Role.PARTNER).get(reverse("cases:list"))
    assert r.status_code == 403
    html = r.content.decode()
    assert_beacons_page(html)
    assert "You do not have access to this page" in html
    assert "Your role does not give access to this page." in html


@pytest.mark.django_db
def test_a_partner_refused_a_page_is_told_where_to_go_next(client_for: Callable[..., Client]) -> None:
    r = client_for(role=Role.PARTNER).get(reverse("cases:list"))
    assert_where_next(r.content.decode(), sign_in=False)


@pytest.mark.django_db
def test_the_403_page_says_why_and_where_to_go_next() -> None:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    html = render_to_string("403.html", {"reason": "Only administrators may see this."}, request=request)
    assert_beacons_page(html)
    assert "Only administrators may see this." in html
    assert_where_next(html, sign_in=True)
    assert "Your role does not allow this." in render_to_string("403.html", request=request)


@pytest.mark.django_db
def test_the_api_still_answers_a_refusal_in_json(client_for: Callable[..., Client]) -> None:
    assert_api_error(client_for(role=Role.PARTNER).get("/api/v1/cases"), 403)


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_gets_beacons_page() -> None:
    r = Client(enforce_csrf_checks=True).post(reverse("core:login"), {"username": "a", "password": "b"})
    assert r.status_code == 403
    assert "403_csrf.html" in [t.name for t in r.templates]
    html = r.content.decode()
    assert_beacons_page(html)
    assert "The form could not be sent" in html and "nothing was saved" in html
    assert_where_next(html, sign_in=True)


# 400


@pytest.mark.django_db
def test_a_bad_request_gets_beacons_page_and_the_api_json(client: Client) -> None:
    r = client.get("/", HTTP_HOST="not-beacon.example")  # a Host not in ALLOWED_HOSTS
    assert r.status_code == 400
    html = r.content.decode()
    assert_beacons_page(html)
    assert "Beacon could not read the request" in html
    assert_where_next(html, sign_in=True)

    assert_api_error(client.get("/api/v1/cases", HTTP_HOST="not-beacon.example"), 400)


# 500


def test_the_500_page_needs_no_request_context_and_no_database() -> None:
    """Django renders 500.html with no context at all; no database here either (no django_db mark:
    a query would fail the render, and the handler would fall back to its fixed page)."""
    html = render_to_string("500.html")
    assert_beacons_page(html)
    assert "Sorry, there is a problem with Beacon" in html
    assert_where_next(html, sign_in=True)

    response = error_views.server_error(RequestFactory().get("/incidents/"))
    assert response.status_code == 500
    assert response.content.decode() == html


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.django_db
def test_a_page_that_fails_gets_beacons_500_page(client_for: Callable[..., Client]) -> None:
    c = client_for(role=Role.OFFICER)
    c.raise_request_exception = False
    r = c.get("/test-only/boom/")
    assert r.status_code == 500
    html = r.content.decode()
    assert_beacons_page(html)
    assert "Sorry, there is a problem with Beacon" in html
    assert "something broke" not in html  # nothing of the error reaches the page


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.django_db
def test_an_api_operation_that_fails_answers_500_in_json(
    client_for: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    from beacon.inspections import api as inspections_api

    monkeypatch.setattr(inspections_api.selectors, "inspections_with_counts", _raise)
    c = client_for(role=Role.OFFICER)
    c.raise_request_exception = False
    r = c.get("/api/v1/inspections")
    assert_api_error(r, 500)
    assert "something broke" not in r.content.decode()


def test_the_500_handler_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    """If even the page cannot be drawn (a template or the URLconf broken), a fixed page answers."""

    def broken(request: HttpRequest) -> HttpResponse:
        raise RuntimeError("the templates are broken too")

    monkeypatch.setattr(error_views.defaults, "server_error", broken)
    response = error_views.server_error(RequestFactory().get("/cases/"))
    assert response.status_code == 500
    assert response.content.decode() == error_views.FALLBACK_500
    assert 'lang="en-GB"' in error_views.FALLBACK_500 and "IT service desk" in error_views.FALLBACK_500
