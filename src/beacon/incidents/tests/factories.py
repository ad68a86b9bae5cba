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
