"""What a KPI's unit means for its value, and the checks every definition and target must pass.

Shared by the services (which write), the computation and the selectors (which read), so a figure
is worked out one way wherever it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from beacon.core import measures
from beacon.core.errors import Problem, ValidationFailed
from beacon.performance.models import Direction, Period, Unit

PROPORTION_UNITS = {Unit.PERCENTAGE.value: 100.0, Unit.PER_1000_INCIDENTS.value: 1000.0}
COUNT_UNITS = {Unit.COUNT.value, Unit.PER_1000_RESIDENTS.value}

UNIT_SUFFIX = {
    Unit.COUNT.value: "",
    Unit.PERCENTAGE.value: "%",
    Unit.PER_1000_INCIDENTS.value: " per 1,000 incidents",
    Unit.PER_1000_RESIDENTS.value: " per 1,000 residents",
}


def value_of(
    unit: str, numerator: int, denominator: int | None, residents: int | None = None
) -> float | None:
    """The KPI's value from its counts: a count as counted, a proportion scaled (a percentage times
    100, a rate per 1,000 incidents times 1,000), a rate per 1,000 residents from the place's population. None
    where there is nothing to divide by."""
    if unit in PROPORTION_UNITS:
        if not denominator:
            return None
        return PROPORTION_UNITS[unit] * numerator / denominator
    if unit == Unit.PER_1000_RESIDENTS.value:
        if not residents:
            return None
        return 1000.0 * numerator / residents
    return float(numerator)


def format_value(unit: str, value: float | None) -> str:
    if value is None:
        return "–"
    if unit == Unit.COUNT.value:
        return f"{value:,.0f}"
    return f"{value:,.1f}{UNIT_SUFFIX[unit]}"


def check_definition(
    *,
    name: str,
    description: str,
    owner: str,
    unit: str,
    measure: str,
    filters: Mapping[str, Any],
    direction: str,
) -> dict[str, Any]:
    """Every problem with a definition at once, each naming its field; the filters, checked."""
    problems: list[Problem] = []
    for field, text in (("name", name), ("description", description), ("owner", owner)):
        if not text.strip():
            problems.append(Problem(f"Give the KPI's {field}.", field))
    if unit not in Unit.values:
        problems.append(Problem(f"Unit must be one of {', '.join(Unit.values)}.", "unit"))
    if direction not in Direction.values:
        problems.append(Problem(f"Direction must be one of {', '.join(Direction.values)}.", "direction"))
    clean: dict[str, Any] = {}
    try:
        m = measures.get(measure)
    except ValidationFailed as exc:
        problems.extend(exc.problems)
    else:
        if unit in PROPORTION_UNITS and m.kind != "proportion":
            problems.append(
                Problem(f"{m.label} is a count: its unit is a count or a rate per 1,000 residents.", "unit")
            )
        if unit in COUNT_UNITS and m.kind != "count":
            problems.append(
                Problem(
                    f"{m.label} is a proportion: its unit is a percentage or a rate per 1,000 incidents.",
                    "unit",
                )
            )
        if not isinstance(filters, Mapping):
            problems.append(Problem("Filters must be an object of filter names and values.", "filters"))
        else:
            try:
                clean = m.check_filters(filters)
            except ValidationFailed as exc:
                problems.extend(Problem(p.message, f"filters.{p.field}") for p in exc.problems)
    if problems:
        raise ValidationFailed(problems)
    return clean


def check_target(direction: str, period: str, value: float, green_pct: float, red_pct: float) -> None:
    problems: list[Problem] = []
    if period not in Period.values:
        problems.append(Problem(f"Period must be one of {', '.join(Period.values)}.", "period"))
    for field, number in (("value", value), ("green_pct", green_pct), ("red_pct", red_pct)):
        if number != number or number in (float("inf"), float("-inf")):  # NaN or infinite
            problems.append(Problem("Give a finite number.", field))
    if direction == Direction.NEITHER.value:
        problems.append(Problem("This KPI has no better direction, so it cannot have a RAG target.", "kpi"))
    elif direction == Direction.HIGHER.value and green_pct < red_pct:
        problems.append(
            Problem(
                f"Green ({green_pct:g}% of the target) is worse than Red ({red_pct:g}%): where higher "
                "is better, Green must be at or above Red.",
                "green_pct",
            )
        )
    elif direction == Direction.LOWER.value and green_pct > red_pct:
        problems.append(
            Problem(
                f"Green ({green_pct:g}% of the target) is worse than Red ({red_pct:g}%): where lower "
                "is better, Green must be at or below Red.",
                "green_pct",
            )
        )
    if problems:
        raise ValidationFailed(problems)


def rag(direction: str, value: float | None, target: float, green_pct: float, red_pct: float) -> str:
    """ "green", "amber" or "red" against the target; "" without a value."""
    if value is None:
        return ""
    green, red = target * green_pct / 100.0, target * red_pct / 100.0
    if direction == Direction.LOWER.value:
        if value <= green:
            return "green"
        return "red" if value > red else "amber"
    if value >= green:
        return "green"
    return "red" if value < red else "amber"
