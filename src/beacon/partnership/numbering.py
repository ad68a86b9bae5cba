"""References for partnership records (referrals, case reviews): a unique placeholder while the
row is new, then PREFIX-year-number once it has its primary key."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone


def pending_reference() -> str:
    return f"pending-{uuid.uuid4().hex[:22]}"  # unique and within the 30 characters


def next_reference(obj: Any, prefix: str) -> str:
    return f"{prefix}-{timezone.localdate():%Y}-{obj.pk:06d}"
