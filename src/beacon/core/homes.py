"""Each role's home page (`/`): the hook. The page belongs to core, but what it shows is every
domain's work (a team's inbox, the supervisor's list, a chief officer's portfolios), so core cannot
build it: the top app `beacon.homes` registers the builder in its `AppConfig.ready`, as later
domains register panels (core.panels). Without one, the home says where the menu is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from beacon.core.models import User

HomeBuilder = Callable[[User, dt.date | None], tuple[str, dict[str, Any]]]

_BUILDERS: list[HomeBuilder] = []


def register(builder: HomeBuilder) -> None:
    """Set the function that gives a user's home template and context (idempotent)."""
    if builder not in _BUILDERS:
        _BUILDERS[:] = [builder]


def home_for(user: User, today: dt.date | None = None) -> tuple[str, dict[str, Any]]:
    """The template of the user's home and what it shows."""
    if not _BUILDERS:
        return "core/home_work.html", {"sections": []}
    return _BUILDERS[0](user, today)
