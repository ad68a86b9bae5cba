"""The API documentation at /api/v1/docs works on a closed network: Beacon's page around Swagger
UI, whose files Beacon serves itself (django-ninja's copies, "ninja" being in INSTALLED_APPS), and
an OpenAPI document Swagger UI can read. The browser test (browser_tests/test_docs_browser.py)
draws it in chromium."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from beacon.core.roles import Role

pytestmark = pytest.mark.django_db


def test_the_docs_page_is_beacons_and_loads_swagger_ui_from_beacon(client_for: Callable[..., Client]) -> None:
    c = client_for(role=Role.ANALYST)
    r = c.get("/api/v1/docs")
    assert r.status_code == 200
    template = r.templates[0]
    assert template.name == "ninja/swagger.html"
    assert str(template.origin.name).startswith(str(settings.BASE_DIR / "templates")), template.origin
    html = r.content.decode()
    assert '<html lang="en-GB">' in html and "<title>API documentation – Beacon</title>" in html
    assert '<main id="swagger-ui">' in html
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert sorted(assets) == [
        "/static/beacon/favicon.svg",
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
        "/static/ninja/swagger-ui.css",
    ]
    for url in assets:
        served = c.get(url)
        assert served.status_code == 200, url
        body = b"".join(served.streaming_content) if served.streaming else served.content  # type: ignore[arg-type]
        assert b"cdn.jsdelivr" not in body and b"unpkg.com" not in body, url
    # The settings block is JSON for the start-up script, not a script the CSP would have to allow.
    assert re.search(r'<script type="application/json" id="swagger-settings">', html)
    assert json.loads(re.findall(r'id="swagger-settings">(.*?)</script>', html, re.DOTALL)[0])["url"] == (
        "/api/v1/openapi.json"
    )


def test_the_openapi_document_names_each_key_once(client_for: Callable[..., Client]) -> None:
    """Swagger UI reads the document as YAML, which refuses a key given twice ("duplicated mapping
    key": the page shows a parser error instead of the operations). JSON parsers keep the last."""
    raw = client_for(role=Role.ANALYST).get("/api/v1/openapi.json").content
    # Every object as its list of (key, value) pairs, keeping repeats.
    doc = json.loads(raw, object_pairs_hook=lambda pairs: pairs)

    def repeats(pairs: list[tuple[str, Any]]) -> list[str]:
        keys = [k for k, _ in pairs]
        return sorted({k for k in keys if keys.count(k) > 1})

    found: list[str] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, list) and all(isinstance(p, tuple) and len(p) == 2 for p in node):
            if dupes := repeats(node):
                found.append(f"{where or '/'}: {', '.join(dupes)}")
            for key, value in node:
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(doc, "")
    assert found == [], "keys given twice in the OpenAPI document:\n" + "\n".join(found)
