"""Errors that services raise and that pages, the API and commands turn into messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is (row, field) and what is wrong."""

    message: str
    field: str = ""
    row: int | None = None

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"field": self.field, "message": self.message}
        if self.row is not None:
            d["row"] = self.row
        return d

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f"column {self.field}" if self.row is not None else self.field)
        return (", ".join(where) + ": " if where else "") + self.message


@dataclass
class ValidationFailed(Exception):
    """Input refused; nothing was written. Carries every problem found, not just the first."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(str(p) for p in self.problems)

    @classmethod
    def one(cls, message: str, field: str = "") -> ValidationFailed:
        return cls([Problem(message=message, field=field)])


@dataclass
class EditConflict(Exception):
    """Someone else saved the record after this editor loaded it; the save was refused.

    `changes` maps each field the other person changed to [value this editor saw, value now saved]
    (field names and stored values: the API's contract); `shown` is the same for people (field
    labels, choices and related records by name), when the raiser worked it out.
    """

    record: str
    changed_by: str
    changes: dict[str, list[Any]]
    shown: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def for_people(self) -> dict[str, list[Any]]:
        return self.shown or self.changes

    def __str__(self) -> str:
        fields = ", ".join(self.for_people) or "the record"
        return (
            f"{self.record} was changed by {self.changed_by} after you opened it ({fields}). "
            "Your changes were not saved: review theirs and try again."
        )


class PermissionRefused(Exception):
    """The user may not do this to this record."""
