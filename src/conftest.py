"""Fixtures shared by every app's tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from beacon.core.models import User
from beacon.core.roles import Role
from beacon.core.tests.factories import UserFactory


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(role: str = Role.OFFICER, **kwargs: object) -> User:
        return UserFactory(role=role, **kwargs)

    return make


@pytest.fixture
def client_for(db: None) -> Callable[..., Client]:
    """A logged-in test client for a user (created with `role` if not given)."""

    def make(user: User | None = None, role: str = Role.OFFICER, **kwargs: object) -> Client:
        c = Client()
        c.force_login(user or UserFactory(role=role, **kwargs))
        return c

    return make


@pytest.fixture
def performance_user(make_user: Callable[..., User]) -> User:
    return make_user(Role.PERFORMANCE, username="perf", job_title="Head of Performance")


SHARED_SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"


@pytest.fixture
def shared_samples() -> Path:
    """The sample inputs in ../shared/samples beside the checkout."""
    assert SHARED_SAMPLES.is_dir(), f"missing {SHARED_SAMPLES}"
    return SHARED_SAMPLES
