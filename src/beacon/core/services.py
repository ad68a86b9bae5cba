"""Writes to core data."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from beacon.core import audit, plainsql
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


# What a request authenticated by a token reads of its user (the password hash and the login
# dates load only if something asks for them).
_USER_FIELDS = [
    f.attname
    for f in User._meta.concrete_fields
    if f.attname not in ("password", "last_login", "date_joined")
]
_TOKEN_FIELDS = ["id", "user_id", "expires_at", "last_used_at", "revoked_at"]


def _token_and_user(key_hash: str) -> tuple[ApiToken, User] | None:
    """The token with this hash and its user, in one plain query (every API request makes it)."""
    qn = connection.ops.quote_name
    cols = [f"t.{qn(c)}" for c in _TOKEN_FIELDS] + [f"u.{qn(c)}" for c in _USER_FIELDS]
    sql = (
        f"SELECT {', '.join(cols)} FROM {qn(ApiToken._meta.db_table)} t "  # noqa: S608 - our names, value bound
        f"JOIN {qn(User._meta.db_table)} u ON u.id = t.user_id WHERE t.key_hash = %s"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [key_hash])
        row = cur.fetchone()
    if row is None:
        return None
    n = len(_TOKEN_FIELDS)
    token = plainsql.instance(ApiToken, dict(zip(_TOKEN_FIELDS, row[:n], strict=True)))
    user = plainsql.instance(User, dict(zip(_USER_FIELDS, row[n:], strict=True)))
    token.user = user
    return token, user


def authenticate_token(key: str) -> User | None:
    found = _token_and_user(ApiToken.hash_key(key)) if key else None
    if found is None:
        return None
    token, user = found
    if not token.is_usable or not user.is_active:
        return None
    now = timezone.now()
    # When a token was last used is kept to within five minutes: not a write on every request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user
