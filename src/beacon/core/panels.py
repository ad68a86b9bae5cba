"""Panels that a later domain adds to an earlier domain's page, without the earlier app importing it.

The case page shows partnership's referrals and powers; the incident page shows the cases that cover
the incident and closed cases it may reopen. The page owner names its page ("case", "incident");
the later app registers, in its `AppConfig.ready`, a template and a function of (user, object)
that returns the template's context. The page calls `panels_for(page, user, obj)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PanelContext = Callable[[Any, Any], dict[str, Any]]

_PANELS: dict[str, list[tuple[str, PanelContext]]] = {}


def _none(user: Any, obj: Any) -> dict[str, Any]:
    return {}


def register(page: str, template: str, context: PanelContext = _none) -> None:
    """Add a panel to `page` (idempotent: `ready` may run more than once in tests). Without
    `context`, the template needs nothing but the page's own (e.g. it loads itself with hx-get)."""
    entries = _PANELS.setdefault(page, [])
    if (template, context) not in entries:
        entries.append((template, context))


def panels_for(page: str, user: Any, obj: Any) -> tuple[list[str], dict[str, Any]]:
    """The templates to include, in registration order, and their merged context."""
    templates: list[str] = []
    context: dict[str, Any] = {}
    for template, fn in _PANELS.get(page, []):
        context.update(fn(user, obj))
        templates.append(template)
    return templates, context
