"""The database comes from DATABASE_URL; SQLite runs in WAL mode."""

from __future__ import annotations

import dj_database_url
import pytest
from django.db import connection


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_foreign_keys_enforced() -> None:
    if connection.vendor != "sqlite":
        assert connection.vendor == "postgresql"
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA journal_mode")
        assert cur.fetchone()[0].lower() == "wal"
        cur.execute("PRAGMA foreign_keys")
        assert cur.fetchone()[0] == 1


def test_database_urls_of_both_kinds_parse() -> None:
    sqlite = dj_database_url.parse("sqlite:////srv/beacon/beacon.sqlite3")
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3" and sqlite["NAME"] == "/srv/beacon/beacon.sqlite3"
    pg = dj_database_url.parse("postgres://postgres@127.0.0.1:5432/beacon")
    assert pg["ENGINE"] == "django.db.backends.postgresql" and pg["NAME"] == "beacon" and pg["PORT"] == 5432
