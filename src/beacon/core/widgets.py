"""GOV.UK date input: a date typed as day, month and year in three boxes (the pattern GOV.UK
services use for a date people know, and the one Beacon uses everywhere a date is entered).

A form still takes the date as one ISO value (``2026-12-06``) under the field's own name: links
and filters that carry a date in the address keep working, and so do clients that post one value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms

from beacon.core.formatting import MONTH_NUMBERS

PARTS = (
    ("day", "Day", "govuk-input--width-2"),
    ("month", "Month", "govuk-input--width-2"),
    ("year", "Year", "govuk-input--width-4"),
)
# What a half-typed date becomes: "?day|month|year" as typed. No date format reads it, so the field
# says "Enter ... as a real date", and the boxes show again what was typed.
NOT_A_DATE = "?"


def typed_date(data: Mapping[str, Any], name: str) -> str | None:
    """The date under ``name`` as an ISO string: the one value if sent, else the three boxes
    (``name_day``, ``name_month``, ``name_year``; a month may be typed as a name, "Dec" or "December").
    None when nothing was typed; NOT_A_DATE and the parts when what was typed is not a whole date."""
    single = data.get(name)
    if single not in (None, ""):
        return str(single).strip()
    day, month, year = (str(data.get(f"{name}_{part}") or "").strip() for part, _, _ in PARTS)
    if not (day or month or year):
        return None
    as_typed = f"{NOT_A_DATE}{day}|{month}|{year}"
    number = month if month.isdigit() else str(MONTH_NUMBERS.get(month.lower().rstrip("."), ""))
    if not (day.isdigit() and number.isdigit() and year.isdigit() and len(year) == 4):
        return as_typed
    try:
        return dt.date(int(year), int(number), int(day)).isoformat()
    except ValueError:
        return as_typed


def parts_of(value: Any) -> dict[str, str]:
    """What the three boxes show for a value: a date, an ISO string, or a half-typed form's parts."""
    if isinstance(value, str) and value.startswith(NOT_A_DATE) and value.count("|") == 2:
        return dict(zip(("day", "month", "year"), value[1:].split("|"), strict=True))
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return {part: "" for part, _, _ in PARTS}
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
    return {part: "" for part, _, _ in PARTS}


class GovukDateInput(forms.Widget):
    """Three boxes in a fieldset (``includes/field.html`` draws the legend). The day box has the
    field's own id, so an error summary's link lands on it."""

    template_name = "core/widgets/govuk_date.html"
    fieldset = True  # includes/field.html: a legend, not a label

    def value_from_datadict(self, data: Any, files: Any, name: str) -> str | None:
        return typed_date(data, name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and not any(f"{name}_{part}" in data for part, _, _ in PARTS)

    def id_for_label(self, id_: str) -> str:
        return id_

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        base_id = widget["attrs"].get("id") or f"id_{name}"
        error = "--error" in str(widget["attrs"].get("class", ""))
        shown = parts_of(value)
        widget["parts"] = [
            {
                "name": f"{name}_{part}",
                "id": base_id if part == "day" else f"{base_id}_{part}",
                "label": label,
                "value": shown[part],
                "class": f"govuk-input govuk-date-input__input {width}"
                + (" govuk-input--error" if error else ""),
            }
            for part, label, width in PARTS
        ]
        widget["group_id"] = f"{base_id}-date"
        return context
