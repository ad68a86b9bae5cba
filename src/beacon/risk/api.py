"""The risk part of the HTTP API."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["risk"])
