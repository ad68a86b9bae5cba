"""Browser tests: Debian's chromium driven by Playwright, against Django's live server.

The browser is the one the setup step installs from Debian (/usr/bin/chromium); Playwright never
downloads one. Every page a test visits is checked with axe-core (WCAG 2.2 A/AA rules).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


def check_accessibility(page: Any) -> None:
    """Run axe-core on the current page; fail listing every violation."""
    # Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
    # govern: add_script_tag would insert an inline script, which the CSP rightly blocks.
    page.evaluate(AXE.read_text() + "\n;true")
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
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
