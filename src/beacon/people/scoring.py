"""The online scorer: Splink's trained parameters applied in Beacon's own code, per pair, with no
database engine in the loop. For any pair it gives Splink's batch probability (to within 1e-6)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from beacon.people.comparisons import COMPARISONS, Comparison, Rec, level_of


@dataclass(frozen=True)
class Contribution:
    field: str  # "surname"
    level: str  # "close spelling"
    weight: float  # log2 Bayes factor (match weight points)

    def describe(self) -> str:
        sign = "+" if self.weight >= 0 else ""
        return (
            f"{self.field}: {self.level} {sign}{self.weight:.1f}"
            if self.level != "missing"
            else f"{self.field}: missing 0"
        )


@dataclass(frozen=True)
class Score:
    probability: float
    match_weight: float
    contributions: tuple[Contribution, ...]


class Scorer:
    """Built from a trained model (Splink settings JSON).

    The Bayes factor of each level is read through Splink's own settings objects (pure Python, once,
    at load), so defaults for levels never trained are exactly Splink's. The model's comparisons are
    checked against this code's, level by level, so a model file can never be scored wrongly.
    """

    def __init__(self, model: dict[str, Any]):
        from splink.internals.settings_creator import SettingsCreator

        settings = SettingsCreator.from_path_or_dict(model).get_settings("duckdb")
        self.prior = float(settings._probability_two_random_records_match)
        self.prior_weight = math.log2(self.prior / (1 - self.prior))
        by_name = {c.output_column_name: c for c in settings.comparisons}
        self.tables: list[tuple[Comparison, list[float]]] = []
        for comp in COMPARISONS:
            trained = by_name.get(comp.name)
            if trained is None or len(trained.comparison_levels) != len(comp.levels):
                raise ValueError(
                    f"the model's '{comp.name}' comparison is not the one this version of Beacon scores"
                )
            weights = []
            for level, lv in zip(comp.levels, trained.comparison_levels, strict=True):
                if level.null != lv.is_null_level or (level.sql != "ELSE") != (not lv._is_else_level):
                    raise ValueError(f"the model's '{comp.name}' levels differ from this version's")
                bf = lv._bayes_factor
                weights.append(0.0 if level.null else (math.inf if bf == math.inf else math.log2(bf)))
            self.tables.append((comp, weights))

    def score(self, a: Rec, b: Rec, *, explain: bool = False) -> Score:
        total = self.prior_weight
        parts: list[Contribution] = []
        for comp, weights in self.tables:
            i = level_of(comp, a, b)
            total += weights[i]
            if explain:
                parts.append(Contribution(comp.label, comp.levels[i].label, weights[i]))
        return Score(probability=probability(total), match_weight=total, contributions=tuple(parts))

    def probability(self, a: Rec, b: Rec) -> float:
        total = self.prior_weight
        for comp, weights in self.tables:
            total += weights[level_of(comp, a, b)]
        return probability(total)


def probability(match_weight: float) -> float:
    if match_weight == math.inf:
        return 1.0
    bf = 2.0**match_weight
    return bf / (1 + bf)
