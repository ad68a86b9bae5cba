"""Who may open which partnership page and endpoint, role by role (object-level rules — areas,
a partner's own agency — are tested with each feature)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from beacon.core.models import User
from beacon.core.roles import Role

pytestmark = pytest.mark.django_db

PAGES = {
    "partnership:referrals": {Role.OFFICER, Role.SUPERVISOR, Role.ANALYST, Role.ADMIN, Role.PARTNER},
    "partnership:groups": {Role.OFFICER, Role.SUPERVISOR, Role.ANALYST},
    "partnership:reviews": {Role.SUPERVISOR, Role.ANALYST},
    "partnership:review_new": {Role.SUPERVISOR, Role.ANALYST},
    "partnership:configure": {Role.ADMIN},
}

API = {
    "/api/v1/partnership/referrals": {Role.OFFICER, Role.SUPERVISOR, Role.ANALYST, Role.ADMIN, Role.PARTNER},
    "/api/v1/partnership/groups": {Role.OFFICER, Role.SUPERVISOR, Role.ANALYST},
    "/api/v1/partnership/case-reviews": {Role.SUPERVISOR, Role.ANALYST},
    "/api/v1/partnership/thresholds": {Role.SUPERVISOR, Role.ANALYST},
}


@pytest.mark.parametrize("role", list(Role))
def test_pages_by_role(role: str, client_for: Callable[..., Client], make_user: Callable[..., User]) -> None:
    client = client_for(
        make_user(role, all_areas=True, partner_agency="council" if role == Role.PARTNER else "")
    )
    for name, allowed in PAGES.items():
        status = client.get(reverse(name)).status_code
        assert status == (200 if role in allowed else 403), (name, role, status)


@pytest.mark.parametrize("role", list(Role))
def test_api_by_role(role: str, client_for: Callable[..., Client], make_user: Callable[..., User]) -> None:
    client = client_for(
        make_user(role, all_areas=True, partner_agency="council" if role == Role.PARTNER else "")
    )
    for path, allowed in API.items():
        status = client.get(path).status_code
        assert status == (200 if role in allowed else 403), (path, role, status)


def test_the_api_needs_a_signed_in_user_or_a_token() -> None:
    assert Client().get("/api/v1/partnership/referrals").status_code == 401
