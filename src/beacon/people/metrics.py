"""Accuracy measures for clusterings (pure Python)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from typing import TypeVar

R = TypeVar("R", bound=Hashable)  # a record key: any id both mappings share


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise(truth: Mapping[R, str], predicted: Mapping[R, int]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of a clustering against the true clusters."""
    both = Counter((truth[r], predicted[r]) for r in predicted)
    tp = sum(_pairs(n) for n in both.values())
    pred = sum(_pairs(n) for n in Counter(predicted.values()).values())
    true = sum(_pairs(n) for n in Counter(truth[r] for r in predicted).values())
    return prf(tp, pred, true)


def prf(tp: int, pred: int, true: int) -> dict[str, float]:
    p = tp / pred if pred else 1.0
    r = tp / true if true else 1.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
    }


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q / 100 * (len(s) - 1))))]
