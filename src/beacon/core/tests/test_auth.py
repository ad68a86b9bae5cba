"""Login, lockout, session expiry and password hashing."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from beacon.core.models import User
from beacon.core.tests.factories import TEST_PASSWORD, UserFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str) -> TestResponse:
    return client.post(reverse("core:login"), {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2() -> None:
    user = UserFactory()
    assert user.password.startswith("argon2$")


def test_login_page_is_served_without_login_and_other_pages_redirect() -> None:
    c = Client()
    assert c.get(reverse("core:login")).status_code == 200
    for url in ("/", "/plans/", "/plans/dashboard/", "/audit/", "/account/tokens/"):
        r = c.get(url)
        assert r.status_code == 302, url
        assert r["Location"].startswith(reverse("core:login")), url


def test_good_login_then_logout() -> None:
    UserFactory(username="pat")
    c = Client()
    r = _login(c, "pat", TEST_PASSWORD)
    assert r.status_code == 302
    assert c.get("/account/tokens/").status_code == 200
    c.post(reverse("core:logout"))
    assert c.get("/account/tokens/").status_code == 302


def test_lockout_after_repeated_failures_even_with_the_right_password() -> None:
    UserFactory(username="lee")
    c = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        r = _login(c, "lee", "wrong-password")
        assert r.status_code in (200, 429)
    r = _login(c, "lee", TEST_PASSWORD)
    assert r.status_code == 429
    assert b"Account locked" in r.content
    assert c.get("/account/tokens/").status_code == 302
    # another account is not affected
    UserFactory(username="kim")
    assert _login(Client(), "kim", TEST_PASSWORD).status_code == 302


def test_failed_login_shows_an_error_and_does_not_say_which_part_was_wrong() -> None:
    UserFactory(username="ash")
    r = _login(Client(), "ash", "nope")
    assert r.status_code == 200
    assert b"There is a problem" in r.content


def test_sessions_expire_after_inactivity_and_at_browser_close() -> None:
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert 0 < settings.SESSION_COOKIE_AGE <= 8 * 3600
    UserFactory(username="sky")
    c = Client()
    _login(c, "sky", TEST_PASSWORD)
    session = c.session
    # Simulate the idle limit passing: an expired session no longer authenticates.
    session.set_expiry(-1)
    session.save()
    assert c.get("/account/tokens/").status_code == 302


def test_inactive_user_cannot_log_in() -> None:
    UserFactory(username="gone", is_active=False)
    r = _login(Client(), "gone", TEST_PASSWORD)
    assert r.status_code == 200
    assert "_auth_user_id" not in Client().session


def test_user_model_is_ours() -> None:
    assert settings.AUTH_USER_MODEL == "core.User"
    assert User._meta.get_field("role")
