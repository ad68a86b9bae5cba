"""Deployment hardening: production (BEACON_ENV=production) is secure by default — HTTPS-only cookies,
HSTS, a redirect to HTTPS (configurable behind a proxy) — and every response carries a
Content-Security-Policy; responses to a signed-in user and every API response are not cached."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from beacon.core.middleware import content_security_policy
from beacon.core.roles import Role

SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({k: getattr(s, k) for k in ("
    "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', 'SECURE_PROXY_SSL_HEADER', "
    "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_CONTENT_TYPE_NOSNIFF', "
    "'SECURE_REFERRER_POLICY')}))"
)


def settings_under(**environ: str) -> dict[str, Any]:
    """The settings as a fresh process reads them from this environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEACON_") and k != "DEBUG"}
    env.update(DJANGO_SETTINGS_MODULE="beacon.settings", **environ)
    done = subprocess.run(
        [sys.executable, "-c", SHOW], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def test_production_is_secure_by_default() -> None:
    s = settings_under(BEACON_ENV="production", SECRET_KEY="a-real-secret-for-this-test-only")
    assert s["SESSION_COOKIE_SECURE"] is True and s["CSRF_COOKIE_SECURE"] is True
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_HSTS_SECONDS"] == 31_536_000 and s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert s["SECURE_CONTENT_TYPE_NOSNIFF"] is True and s["SECURE_REFERRER_POLICY"] == "same-origin"
    assert s["SECURE_PROXY_SSL_HEADER"] is None


def test_behind_a_tls_proxy_each_switch_can_be_set() -> None:
    s = settings_under(
        BEACON_ENV="production",
        SECRET_KEY="a-real-secret-for-this-test-only",
        BEACON_PROXY_SSL_HEADER="X-Forwarded-Proto",
        BEACON_SSL_REDIRECT="0",
        BEACON_HSTS_SECONDS="3600",
        BEACON_HSTS_INCLUDE_SUBDOMAINS="0",
    )
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["SECURE_SSL_REDIRECT"] is False
    assert s["SECURE_HSTS_SECONDS"] == 3600 and s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False


def test_the_demo_runs_over_plain_http() -> None:
    s = settings_under()
    assert s["SESSION_COOKIE_SECURE"] is False and s["SECURE_SSL_REDIRECT"] is False
    assert s["SECURE_HSTS_SECONDS"] == 0
    assert settings_under(BEACON_SECURE_COOKIES="1")["SESSION_COOKIE_SECURE"] is True


def test_a_bad_switch_is_refused_by_name() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEACON_")}
    env.update(DJANGO_SETTINGS_MODULE="beacon.settings", BEACON_SSL_REDIRECT="maybe")
    done = subprocess.run(
        [sys.executable, "-c", SHOW], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode != 0 and "BEACON_SSL_REDIRECT must be 1 or 0" in done.stderr


@pytest.mark.django_db
def test_every_response_has_the_csp_and_signed_in_pages_are_not_cached(
    client: Client, client_for: Callable[..., Client]
) -> None:
    login = client.get(reverse("core:login"))
    csp = login.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp and "https:" not in csp and "unsafe-eval" not in csp
    assert login.headers["X-Content-Type-Options"] == "nosniff"
    assert login.headers["Referrer-Policy"] == "same-origin"

    officer = client_for(role=Role.OFFICER)
    page = officer.get(reverse("incidents:list"))
    assert page.status_code == 200 and "Content-Security-Policy" in page.headers
    assert "no-store" in page.headers["Cache-Control"] and "private" in page.headers["Cache-Control"]
    api = officer.get("/api/v1/incidents/inbox")
    assert "no-store" in api.headers["Cache-Control"] and "Content-Security-Policy" in api.headers
    anonymous_api = client.get("/api/v1/incidents/inbox")
    assert anonymous_api.status_code == 401 and "no-store" in anonymous_api.headers["Cache-Control"]


@pytest.mark.django_db
def test_static_files_keep_their_caching(client_for: Callable[..., Client]) -> None:
    r = client_for(role=Role.OFFICER).get(settings.STATIC_URL + "vendor/htmx.min.js")
    assert r.status_code == 200 and "no-store" not in r.headers.get("Cache-Control", "")
    assert "Content-Security-Policy" in r.headers


@pytest.mark.django_db
def test_the_pages_inline_scripts_are_allowed_by_hash_and_nothing_else(
    client_for: Callable[..., Client],
) -> None:
    """Every inline script Beacon's pages carry is in the policy (so the GOV.UK js-enabled class is
    set), and the API docs load Swagger UI from our own static files, not a CDN."""
    import base64
    import hashlib

    c = client_for(role=Role.ADMIN)
    for url in (reverse("incidents:list"), reverse("core:audit"), "/api/v1/docs"):
        r = c.get(url)
        assert r.status_code == 200, url
        html = r.content.decode()
        policy = r.headers["Content-Security-Policy"]
        for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.DOTALL):
            if "src=" in attrs or "application/json" in attrs:
                continue
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in policy, (url, body)
        for src in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html):
            assert src.startswith("/"), (url, src)  # same origin only
    assert content_security_policy() == r.headers["Content-Security-Policy"]
