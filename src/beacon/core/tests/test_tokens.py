from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from beacon.core.models import ApiToken, AuditEvent, User

pytestmark = pytest.mark.django_db


def test_token_secret_is_shown_once_and_only_its_hash_is_kept(
    client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    user = make_user()
    c = client_for(user)
    r = c.post(reverse("core:tokens"), {"name": "feed", "days": 30})
    assert r.status_code == 200
    key = r.context["new_key"]
    assert key.startswith("bcn_")
    token = ApiToken.objects.get(user=user)
    assert token.key_hash == ApiToken.hash_key(key) and key not in token.key_hash
    assert key not in c.get(reverse("core:tokens")).content.decode()
    assert AuditEvent.objects.filter(model="apitoken", action="create").exists()


def test_a_user_cannot_revoke_someone_elses_token(
    client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    from beacon.core.services import create_api_token

    owner = make_user()
    token, _ = create_api_token(owner, name="x")
    other = client_for(make_user())
    r = other.post(reverse("core:revoke_token", args=[token.pk]))
    assert r.status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None
