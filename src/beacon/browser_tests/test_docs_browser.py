"""Beacon on a closed network, in Debian chromium: the API documentation draws Swagger UI from
Beacon's own files, a missing page is the service's own 404 page, and the browser tests' guard
(conftest.keep_to_origin) does stop a page reaching another host. axe-core on every page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from beacon.browser_tests.conftest import check_accessibility, keep_to_origin, login
from beacon.core.roles import Role
from beacon.core.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# axe-core rules that Swagger UI's own markup and stylesheet break (django-ninja 1.7.1's copy), off
# inside Swagger UI's part of the page only (#swagger-ui): Beacon cannot change them short of
# forking Swagger UI. Every other rule still runs there, and every rule runs on the rest of the page.
SWAGGER_UI_OWN = {
    # The method badges (white on light blue, green, orange), the Authorize button (green on
    # white), the version badges: swagger-api/swagger-ui#10702 and #5247.
    "color-contrast": "Swagger UI's colours",
    # Each operation's summary is a role="button" holding the path as a link: swagger-ui#9576.
    "nested-interactive": "Swagger UI's operation summaries",
    # The path links in those summaries are smaller than 24 by 24 pixels with no room around them.
    "target-size": "Swagger UI's path links",
    # The API's title is an h1 and each tag's heading an h3, with no h2 between.
    "heading-order": "Swagger UI's headings",
}


def test_the_api_documentation_draws_from_beacon_alone(page: Any) -> None:
    """Swagger UI renders every operation with nothing fetched from a CDN (the `page` fixture fails
    the test on any request to another host, or any the CSP blocked)."""
    UserFactory(username="dev_docs", role=Role.ANALYST)
    login(page, "dev_docs", TEST_PASSWORD)
    page.goto("/api/v1/docs")
    # The OpenAPI document is large: Swagger UI takes a few seconds to draw it on a slow machine.
    expect(page.locator(".opblock").first).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name="Beacon API", exact=False).first).to_be_visible()
    assert page.title() == "API documentation – Beacon"
    assert page.locator(".opblock").count() > 20  # every router's operations, not an error panel
    check_accessibility(page, exclude=["#swagger-ui"])
    check_accessibility(page, within="#swagger-ui", rules_off=list(SWAGGER_UI_OWN))


def test_a_missing_page_is_beacons_not_found_page(page: Any) -> None:
    page.goto("/no-such-page/")
    expect(page.get_by_role("heading", name="Page not found", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Beacon home page")).to_have_attribute("href", "/")
    expect(page.get_by_role("link", name="sign in")).to_have_attribute("href", "/login/")
    check_accessibility(page)

    UserFactory(username="lost_officer", role=Role.OFFICER)
    login(page, "lost_officer", TEST_PASSWORD)
    response = page.goto("/cases/no-such-case/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found", level=1)).to_be_visible()
    expect(page.get_by_role("navigation", name="Menu")).to_be_visible()  # signed in: the menu
    expect(page.get_by_role("link", name="sign in")).to_have_count(0)
    check_accessibility(page)


def test_the_guard_stops_and_names_every_request_to_another_host(browser: Any, live_server: Any) -> None:
    """What the `page` fixture relies on: a request to another host is aborted and collected, and
    so is one the Content-Security-Policy blocked before it was made."""
    context = browser.new_context(base_url=live_server.url)
    outside = keep_to_origin(context, live_server.url)
    try:
        pg = context.new_page()
        pg.goto("/login/")
        # An image from a CDN: the CSP (img-src 'self') blocks it before any request is made.
        pg.evaluate(
            """async () => {
              const reported = new Promise(
                (done) => document.addEventListener("securitypolicyviolation", done, {once: true})
              );
              const img = new Image();
              img.src = "https://cdn.example.invalid/logo.png";
              document.body.append(img);
              await reported;
            }"""
        )
        # Going to another host: no CSP governs it, so the route aborts it.
        with pytest.raises(PlaywrightError, match="ERR_BLOCKED_BY_CLIENT"):
            pg.goto("https://fonts.example.invalid/font.woff2")
        again = context.new_page()
        again.goto("/login/")  # Beacon's own pages still load
        expect(again.get_by_role("heading", name="Sign in to Beacon")).to_be_visible()
    finally:
        context.close()
    assert sorted(outside) == [
        "https://cdn.example.invalid/logo.png",
        "https://fonts.example.invalid/font.woff2",
    ]


def test_without_the_csp_the_guard_still_stops_requests_and_web_sockets(
    browser: Any, live_server: Any
) -> None:
    """Should the policy be loosened (BEACON_CSP), the routes alone stop what a page asks of
    another host: here the browser ignores the CSP."""
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    outside = keep_to_origin(context, live_server.url)
    try:
        pg = context.new_page()
        pg.goto("/login/")
        answers = pg.evaluate(
            """async () => {
              const fetched = await fetch("https://api.example.invalid/v1").then(
                () => "answered", () => "refused"
              );
              await new Promise((done) => {  // the route answers it itself, never the host
                const ws = new WebSocket("wss://ws.example.invalid/feed");
                ws.onopen = ws.onclose = ws.onerror = done;
              });
              const ours = await fetch("/healthz").then((r) => r.text());
              return [fetched, ours];
            }"""
        )
    finally:
        context.close()
    assert answers == ["refused", "ok"]
    assert sorted(outside) == ["https://api.example.invalid/v1", "wss://ws.example.invalid/feed"]
