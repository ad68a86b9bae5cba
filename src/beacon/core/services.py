"""Writes to core data."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from beacon.core import audit
from beacon.core.errors import PermissionRefused
from beacon.core.models import ApiToken, User


@transaction.atomic
def create_api_token(user: User, *, name: str, days: int = 90) -> tuple[ApiToken, str]:
    """Create a token; the secret is returned once and only its hash is kept."""
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[4:12],
        key_hash=ApiToken.hash_key(key),
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit.record_create(user, token)
    return token, key


@transaction.atomic
def revoke_api_token(user: User, token_id: int) -> None:
    token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
    if token is None or (token.user_id != user.pk and not user.can("users.manage")):
        raise PermissionRefused("You may revoke only your own tokens.")
    before = audit.snapshot(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record_update(user, token, before)


def authenticate_token(key: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key)).first()
        if key
        else None
    )
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
