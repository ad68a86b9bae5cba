"""Browser tests: Debian's chromium driven by Playwright, against Django's live server.

The browser is the one the setup step installs from Debian (/usr/bin/chromium); Playwright never
downloads one. Every page a test visits is checked with axe-core (WCAG 2.2 A/AA rules). Beacon runs
on closed police networks, so a page may fetch nothing from any host but Beacon's own: every request
elsewhere is aborted and fails the test.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run inside
# one unless told that this is deliberate. The test thread only sets up data between page actions.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPO = Path(__file__).resolve().parents[3]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("BEACON_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "browser_tests" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"Debian's chromium is not installed at {CHROMIUM}; run ./run setup")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def _elsewhere(origin: str, schemes: str) -> re.Pattern[str]:
    """Any URL in `schemes` (a regex alternation) that is not at `origin`: the browser matches it
    itself, so that Beacon's own requests never wait on the test's Python."""
    return re.compile(rf"^(?!{re.escape(origin)}(?:[/?#]|$))(?:{schemes})://")


# A request the page's Content-Security-Policy blocks never reaches the network (nor a route), yet
# it is a page wanting another host (and, on a closed network, broken): report those too.
_REPORT_CSP_BLOCKS = """
document.addEventListener("securitypolicyviolation", (e) => {
  if (/^(https?|wss?):/.test(e.blockedURI)) window.beaconOutsideRequest(e.blockedURI);
});
"""


def keep_to_origin(context: Any, origin_url: str) -> list[str]:
    """Abort every request (and web socket) `context`'s pages open to anywhere but `origin_url`'s
    origin; return the list that collects them, with those the Content-Security-Policy blocked
    before they were made."""
    origin = origin_url.rstrip("/")
    outside: list[str] = []

    def note(url: str) -> None:
        if _origin(url) not in (_origin(origin), _origin(origin.replace("http", "ws", 1))):
            outside.append(url)

    def refuse(route: Any) -> None:
        outside.append(route.request.url)
        route.abort("blockedbyclient")

    def refuse_socket(socket: Any) -> None:
        outside.append(socket.url)
        socket.close()

    context.expose_function("beaconOutsideRequest", note)
    context.add_init_script(_REPORT_CSP_BLOCKS)
    context.route(_elsewhere(origin, "https?"), refuse)
    context.route_web_socket(_elsewhere(origin.replace("http", "ws", 1), "wss?"), refuse_socket)
    return outside


_OUTSIDE = pytest.StashKey[list[str]]()


@pytest.fixture
def page(browser: Any, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page in a fresh browser context on the live server. Beacon runs on closed networks: a
    request to any other host (a CDN's script, a web font, a validator badge) is aborted, and the
    test fails naming it (pytest_runtest_call below)."""
    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    request.node.stash[_OUTSIDE] = keep_to_origin(context, live_server.url)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail a test whose pages asked for another host (once its own steps have passed): a failure
    of the test itself, not an error in tearing down its fixture."""
    __tracebackhide__ = True
    result = yield
    outside = item.stash.get(_OUTSIDE, [])
    if outside:
        pytest.fail(f"a page asked for {len(outside)} address(es) outside Beacon: {sorted(set(outside))}")
    return result


_RUN_AXE = """
async ([within, exclude, options]) => {
  const scope = {exclude: exclude.map((selector) => [selector])};
  if (within) scope.include = [[within]];
  return await axe.run(within || exclude.length ? scope : document, options);
}
"""


def check_accessibility(
    page: Any, *, within: str | None = None, exclude: Sequence[str] = (), rules_off: Sequence[str] = ()
) -> None:
    """Run axe-core on the current page (or the part `within` selects, less the parts `exclude`
    selects, with the rules `rules_off` off); fail listing every violation."""
    # A page a click has only just asked for may still be an empty document: check the page once it
    # has its main landmark (every Beacon page has one) and has loaded.
    page.locator("main").first.wait_for(state="attached")
    page.wait_for_load_state()
    # Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
    # govern: add_script_tag would insert an inline script, which the CSP rightly blocks.
    page.evaluate(AXE.read_text() + "\n;true")
    options = {
        "runOnly": {"type": "tag", "values": AXE_TAGS},
        "rules": {rule: {"enabled": False} for rule in rules_off},
    }
    result = page.evaluate(_RUN_AXE, [within, list(exclude), options])
    violations = result["violations"]
    if violations:
        lines = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
            for v in violations
        ]
        pytest.fail(f"axe-core found {len(violations)} violation(s) on {page.url}:\n" + "\n".join(lines))


def login(page: Any, username: str, password: str) -> None:
    page.goto("/login/")
    check_accessibility(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def fill_date(within: Any, legend: str, day: Any) -> None:
    """Type a date into GOV.UK's day, month and year boxes, found by the fieldset's legend as a
    person finds them (``within``: the page, or a part of it)."""
    group = within.get_by_role("group", name=legend, exact=True)
    for label, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
        group.get_by_label(label, exact=True).fill(str(value))
