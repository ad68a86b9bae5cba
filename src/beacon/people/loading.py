"""Bulk loading of contact records (historic data, evaluation files): validate every row first,
then write all or nothing."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import transaction

from beacon.core import audit
from beacon.core.errors import Problem, ValidationFailed
from beacon.core.models import User
from beacon.people.models import ContactRecord, Person
from beacon.people.services import record_kwargs

EVAL_COLUMNS = (
    "record_id",
    "forename",
    "surname",
    "dob",
    "phone",
    "email",
    "address",
    "postcode",
    "cluster_id",
)


def read_csv(path: Path, required: Iterable[str] = EVAL_COLUMNS) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV as dicts; every missing column is reported (row 1)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in required if c not in header]
            if missing:
                raise ValidationFailed([Problem(f"missing column {c}", c, 1) for c in missing])
            reader.fieldnames = header
            return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]
    except UnicodeDecodeError as exc:
        raise ValidationFailed.one(f"{path.name} is not UTF-8 text ({exc.reason}).", "file") from exc
    except FileNotFoundError as exc:
        raise ValidationFailed.one(f"{path}: no such file", "file") from exc


SOURCE_MAX = 40  # ContactRecord.source


@transaction.atomic
def load_records(
    actor: User | None,
    rows: list[dict[str, Any]],
    *,
    source: str,
    strict: bool = False,
    ref_column: str = "record_id",
) -> list[ContactRecord]:
    """Load rows as contact records, each its own person until the batch clusters them.

    With `strict`, any unparseable value fails the whole load (every problem listed with its row);
    without it, such a value is kept as given and left out of matching.
    """
    kwargs: list[dict[str, Any]] = []
    problems: list[Problem] = []
    if len(source) > SOURCE_MAX:
        problems.append(Problem(f"A source is at most {SOURCE_MAX} characters.", "source"))
    for i, row in enumerate(rows, start=2):
        try:
            kwargs.append(record_kwargs(row, strict=strict))
        except ValidationFailed as exc:
            problems.extend(Problem(p.message, p.field, i) for p in exc.problems)
    if problems:
        raise ValidationFailed(problems)
    persons = Person.objects.bulk_create([Person() for _ in rows], batch_size=5000)
    records = ContactRecord.objects.bulk_create(
        [
            ContactRecord(person=p, source=source, source_ref=str(row.get(ref_column, ""))[:100], **kw)
            for p, row, kw in zip(persons, rows, kwargs, strict=True)
        ],
        batch_size=5000,
    )
    audit.record_creates(actor, persons, reason=f"load {source}")
    audit.record_creates(actor, records, reason=f"load {source}")
    return records
