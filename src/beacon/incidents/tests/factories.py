"""Reports as the call-taking form would give them (synthetic people only)."""

from __future__ import annotations

from typing import Any

from beacon.incidents.services import IncidentInput, PersonInput


def caller(forename: str, surname: str, role: str = "caller", **details: str) -> PersonInput:
    return PersonInput(role=role, details={"forename": forename, "surname": surname, **details})


def report(**overrides: Any) -> IncidentInput:
    """An ASB report by phone (101) with sensible defaults; override any field."""
    values: dict[str, Any] = {
        "channel": "101",
        "description": "Group of youths shouting and kicking a ball against cars.",
        "asb_category": "nuisance",
        "type_heading": "rowdy-inconsiderate",
    }
    values.update(overrides)
    return IncidentInput(**values)


def feed_message(**overrides: Any) -> dict[str, Any]:
    """The JSON body a control-room feed posts to /api/v1/incidents; override any field."""
    return {
        "channel": "101",
        "asb_category": "nuisance",
        "type_heading": "rowdy-inconsiderate",
        "description": "Youths kicking a ball against parked cars.",
        "source_system": "storm",
        "source_id": "2026-000123",
        **overrides,
    }
