from __future__ import annotations

import pytest

from beacon.core.models import Force
from beacon.core.tests.factories import ForceFactory


@pytest.fixture
def force(db: None) -> Force:
    return ForceFactory.create()
