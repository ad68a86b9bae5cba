"""Authentication of the HTTP API: bearer tokens, the browser session (with CSRF), and the docs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beacon.core import services
from beacon.core.models import ApiToken, User
from beacon.core.roles import Role
from beacon.inspections.models import Allocation, ProgressUpdate
from beacon.inspections.tests.factories import AllocationFactory

pytestmark = pytest.mark.django_db

# A 32-character CSRF secret, set as the cookie and echoed in the header as a browser's JS would.
CSRF_SECRET = "abcdefghijklmnopqrstuvwxyzABCDEF"

GET_ENDPOINTS = [
    "/api/v1/inspections",
    "/api/v1/portfolios",
    "/api/v1/dashboard",
    "/api/v1/me/actions",
    "/api/v1/inspections/1",
    "/api/v1/findings/1",
]


def assert_unauthenticated(response: Any) -> None:
    assert response.status_code == 401, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["errors"], list) and body["errors"]
    assert {"field", "message"} <= set(body["errors"][0])


@pytest.fixture
def allocation() -> Allocation:
    return AllocationFactory.create(action_owner="Head of Performance")


UPDATE_BODY = {"status": "green", "text": "Done what was asked.", "date": "2024-06-01"}


def post_update(client: Client, allocation: Allocation, headers: dict[str, str] | None = None) -> Any:
    return client.post(
        f"/api/v1/allocations/{allocation.pk}/updates",
        UPDATE_BODY,
        content_type="application/json",
        headers=headers,
    )


# ---------------------------------------------------------------------------------------------
# No credentials, bad credentials


@pytest.mark.parametrize("path", GET_ENDPOINTS)
def test_no_auth_is_401_json(path: str) -> None:
    assert_unauthenticated(Client().get(path))


def test_no_auth_post_is_401_json(allocation: Allocation) -> None:
    assert_unauthenticated(post_update(Client(), allocation))
    assert not ProgressUpdate.objects.exists()


def test_no_auth_post_is_401_even_with_csrf_enforced(allocation: Allocation) -> None:
    """A caller with no session and no token is told to authenticate, not that CSRF failed."""
    assert_unauthenticated(post_update(Client(enforce_csrf_checks=True), allocation))


@pytest.mark.parametrize(
    "header",
    ["Bearer bcn_not-a-real-token", "Bearer ", "Token abc", "Basic dXNlcjpwYXNz", "bcn_no_scheme"],
)
def test_bad_token_is_401(header: str) -> None:
    assert_unauthenticated(Client().get("/api/v1/inspections", headers={"Authorization": header}))


@pytest.fixture
def token_for(make_user: Callable[..., User]) -> Callable[..., tuple[ApiToken, str]]:
    def make(role: str = Role.PERFORMANCE, **kwargs: object) -> tuple[ApiToken, str]:
        user = make_user(role, **kwargs)
        return services.create_api_token(user, name="test")

    return make


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_valid_token_is_200(token_for: Callable[..., tuple[ApiToken, str]]) -> None:
    _, key = token_for()
    for path in ["/api/v1/inspections", "/api/v1/portfolios", "/api/v1/dashboard", "/api/v1/me/actions"]:
        response = Client().get(path, headers=bearer(key))
        assert response.status_code == 200, (path, response.content)


def test_revoked_token_is_401(token_for: Callable[..., tuple[ApiToken, str]]) -> None:
    token, key = token_for()
    assert Client().get("/api/v1/inspections", headers=bearer(key)).status_code == 200
    services.revoke_api_token(token.user, token.pk)
    assert_unauthenticated(Client().get("/api/v1/inspections", headers=bearer(key)))


def test_expired_token_is_401(token_for: Callable[..., tuple[ApiToken, str]]) -> None:
    token, key = token_for()
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert_unauthenticated(Client().get("/api/v1/inspections", headers=bearer(key)))


def test_token_of_deactivated_user_is_401(token_for: Callable[..., tuple[ApiToken, str]]) -> None:
    token, key = token_for()
    User.objects.filter(pk=token.user_id).update(is_active=False)
    assert_unauthenticated(Client().get("/api/v1/inspections", headers=bearer(key)))


def test_token_is_not_accepted_in_the_query_string(token_for: Callable[..., tuple[ApiToken, str]]) -> None:
    _, key = token_for()
    assert_unauthenticated(Client().get(f"/api/v1/inspections?token={key}"))


def test_token_post_needs_no_csrf(
    token_for: Callable[..., tuple[ApiToken, str]], allocation: Allocation
) -> None:
    _, key = token_for(Role.PERFORMANCE)
    response = post_update(Client(enforce_csrf_checks=True), allocation, headers=bearer(key))
    assert response.status_code == 201, response.content
    update = ProgressUpdate.objects.select_related("author").get()
    assert update.author is not None and update.author.role == Role.PERFORMANCE


def test_token_still_applies_role_checks(token_for: Callable[..., tuple[ApiToken, str]]) -> None:
    _, key = token_for(Role.CALL_HANDLER)
    response = Client().get("/api/v1/inspections", headers=bearer(key))
    assert response.status_code == 403
    assert response.json()["errors"][0]["message"]


# ---------------------------------------------------------------------------------------------
# Session


def test_session_get_works(client_for: Callable[..., Client]) -> None:
    client = client_for(role=Role.OFFICER)
    assert client.get("/api/v1/inspections").status_code == 200


def csrf_client(user: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_session_post_without_csrf_token_is_refused(
    make_user: Callable[..., User], allocation: Allocation
) -> None:
    client = csrf_client(make_user(Role.PERFORMANCE))
    response = post_update(client, allocation)
    assert response.status_code == 403
    assert response.json()["errors"]
    assert not ProgressUpdate.objects.exists()


def test_session_post_with_wrong_csrf_token_is_refused(
    make_user: Callable[..., User], allocation: Allocation
) -> None:
    client = csrf_client(make_user(Role.PERFORMANCE))
    client.cookies["csrftoken"] = CSRF_SECRET
    response = post_update(client, allocation, headers={"X-CSRFToken": "Z" * 32})
    assert response.status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_session_post_with_csrf_token_works(make_user: Callable[..., User], allocation: Allocation) -> None:
    client = csrf_client(make_user(Role.PERFORMANCE))
    client.cookies["csrftoken"] = CSRF_SECRET
    response = post_update(client, allocation, headers={"X-CSRFToken": CSRF_SECRET})
    assert response.status_code == 201, response.content
    assert ProgressUpdate.objects.count() == 1


def test_session_patch_without_csrf_token_is_refused(
    make_user: Callable[..., User], allocation: Allocation
) -> None:
    client = csrf_client(make_user(Role.PERFORMANCE))
    response = client.patch(
        f"/api/v1/allocations/{allocation.pk}",
        {"version": allocation.version, "action_owner": "Somebody else"},
        content_type="application/json",
    )
    assert response.status_code == 403
    allocation.refresh_from_db()
    assert allocation.action_owner == "Head of Performance"


# ---------------------------------------------------------------------------------------------
# OpenAPI schema and docs page


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/api/v1/docs"])
def test_docs_need_login(path: str) -> None:
    response = Client().get(path)
    assert response.status_code in (302, 401, 403), f"{path} is served without login"
    if response.status_code == 302:
        assert "/login/" in response["Location"]


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/api/v1/docs"])
def test_docs_work_when_logged_in(path: str, client_for: Callable[..., Client]) -> None:
    assert client_for(role=Role.OFFICER).get(path).status_code == 200


def test_openapi_schema_lists_the_plan_endpoints(client_for: Callable[..., Client]) -> None:
    paths = client_for(role=Role.OFFICER).get("/api/v1/openapi.json").json()["paths"]
    for p in [
        "/api/v1/inspections",
        "/api/v1/inspections/{inspection_id}/summary",
        "/api/v1/portfolios/{portfolio_id}/plan",
        "/api/v1/allocations/{allocation_id}/updates",
        "/api/v1/plans/import",
    ]:
        assert p in paths


def test_token_use_is_recorded_at_most_every_five_minutes(
    token_for: Callable[..., tuple[ApiToken, str]],
) -> None:
    token, key = token_for()
    assert Client().get("/api/v1/inspections", headers=bearer(key)).status_code == 200
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    assert Client().get("/api/v1/inspections", headers=bearer(key)).status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first  # no write on every request
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=6))
    assert Client().get("/api/v1/inspections", headers=bearer(key)).status_code == 200
    later = ApiToken.objects.get(pk=token.pk).last_used_at
    assert later is not None and later > first


def test_a_token_authenticates_its_user_whole(make_user: Callable[..., User]) -> None:
    user = make_user(Role.CALL_HANDLER, username="handler", first_name="Ada", last_name="Lane")
    _, key = services.create_api_token(user, name="t")
    found = services.authenticate_token(key)
    assert found is not None and found.pk == user.pk
    assert (found.username, found.role, found.display_name, found.all_areas) == (
        "handler",
        Role.CALL_HANDLER,
        "Ada Lane",
        False,
    )
    assert found.can("incidents.create") and found.is_active is True
    assert found.date_joined == user.date_joined  # fields not read with the token load when asked for
    assert services.authenticate_token(key + "x") is None
    assert services.authenticate_token("") is None


# ---------------------------------------------------------------------------------------------
# Lockout, throttling of invalid tokens, bodies over the size limit


def _fail_logins(username: str) -> None:
    from django.conf import settings

    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(reverse("core:login"), {"username": username, "password": "wrong-password"})


def test_token_of_a_locked_out_user_is_refused_until_the_lockout_ends(
    token_for: Callable[..., tuple[ApiToken, str]],
) -> None:
    from axes.models import AccessAttempt

    _, key = token_for(username="locked")
    assert Client().get("/api/v1/inspections", headers=bearer(key)).status_code == 200
    _fail_logins("locked")
    response = Client().get("/api/v1/inspections", headers=bearer(key))
    assert_unauthenticated(response)
    assert "locked" in response.json()["errors"][0]["message"]
    # Another user's token still works.
    _, other = token_for(username="unlocked")
    assert Client().get("/api/v1/inspections", headers=bearer(other)).status_code == 200
    # The lockout ends (its failures age past the cool-off): the token works again.
    AccessAttempt.objects.filter(username="locked").update(
        attempt_time=timezone.now() - dt.timedelta(hours=2)
    )
    assert Client().get("/api/v1/inspections", headers=bearer(key)).status_code == 200


def test_repeated_invalid_tokens_from_one_address_are_throttled(
    token_for: Callable[..., tuple[ApiToken, str]], settings: Any
) -> None:
    from axes.models import AccessFailureLog

    settings.BEACON_TOKEN_FAILURES = 3
    settings.BEACON_TOKEN_FAILURE_MINUTES = 5
    _, key = token_for()
    for _ in range(3):
        assert_unauthenticated(Client().get("/api/v1/inspections", headers=bearer("bcn_guess")))
    assert AccessFailureLog.objects.count() == 3  # each kept (the guess itself never is)
    assert not AccessFailureLog.objects.filter(username__contains="bcn_guess").exists()
    throttled = Client().get("/api/v1/inspections", headers=bearer("bcn_guess"))
    assert throttled.status_code == 429
    assert throttled["Content-Type"].startswith("application/json")
    assert 1 <= int(throttled["Retry-After"]) <= 300
    assert "Too many invalid API tokens" in throttled.json()["errors"][0]["message"]
    # While throttled, even a valid token from that address waits (guessing learns nothing).
    assert Client().get("/api/v1/inspections", headers=bearer(key)).status_code == 429
    # Another address is not affected.
    elsewhere = Client(REMOTE_ADDR="192.0.2.7")
    assert elsewhere.get("/api/v1/inspections", headers=bearer(key)).status_code == 200
    # Once the failures leave the window, the address may try again.
    AccessFailureLog.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=6))
    assert Client().get("/api/v1/inspections", headers=bearer(key)).status_code == 200


def test_a_body_over_the_size_limit_gets_the_api_json_error(
    token_for: Callable[..., tuple[ApiToken, str]], allocation: Allocation, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    _, key = token_for(Role.PERFORMANCE)
    body = {**UPDATE_BODY, "text": "x" * 2000}
    response = Client().post(
        f"/api/v1/allocations/{allocation.pk}/updates",
        body,
        content_type="application/json",
        headers=bearer(key),
    )
    assert response.status_code == 413, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "errors": [
            {"field": "", "message": "The request body is too large: at most 1,000 bytes are accepted."}
        ]
    }
    assert not ProgressUpdate.objects.exists()
