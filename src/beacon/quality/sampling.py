"""Reproducible random samples: the same seed over the same eligible records always gives the same
items.

The records are indexed in primary-key order; numpy's `default_rng(seed)` chooses positions without
replacement (`Generator.choice(n, size, replace=False)`). With strata, the sample is shared between
the strata in proportion to their sizes (largest remainders, ties by the stratum's name), and the
same generator draws within each stratum in the strata's name order. Nothing here reads the database.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SEED_MAX = 2**63 - 1  # kept in a 64-bit signed column


def draw_positions(n: int, size: int, seed: int) -> list[int]:
    """`size` distinct positions in range(n), in the order drawn."""
    if not 0 <= size <= n:
        raise ValueError(f"size {size} is not between 0 and {n}")
    rng = np.random.default_rng(seed)
    return [int(i) for i in rng.choice(n, size=size, replace=False)]


def allocate(counts: dict[str, int], size: int) -> dict[str, int]:
    """Share `size` between strata in proportion to their counts (Hamilton's largest remainders;
    equal remainders go to the stratum whose name sorts first). Never more than a stratum holds."""
    total = sum(counts.values())
    if total == 0 or size == 0:
        return {k: 0 for k in counts}
    exact = {k: size * c / total for k, c in counts.items()}
    share = {k: min(counts[k], int(v)) for k, v in exact.items()}
    left = size - sum(share.values())
    order = sorted(counts, key=lambda k: (-(exact[k] - int(exact[k])), k))
    while left > 0:
        moved = False
        for k in order:
            if left == 0:
                break
            if share[k] < counts[k]:
                share[k] += 1
                left -= 1
                moved = True
        if not moved:
            break
    return share


def draw_stratified(strata: Sequence[str], size: int, seed: int) -> list[tuple[int, str]]:
    """Positions into `strata` (the stratum of each record, in primary-key order), `size` of them,
    each with its stratum, in the order drawn."""
    if not 0 <= size <= len(strata):
        raise ValueError(f"size {size} is not between 0 and {len(strata)}")
    members: dict[str, list[int]] = {}
    for i, key in enumerate(strata):
        members.setdefault(key, []).append(i)
    share = allocate({k: len(v) for k, v in members.items()}, size)
    rng = np.random.default_rng(seed)
    out: list[tuple[int, str]] = []
    for key in sorted(members):
        k = share[key]
        if k == 0:
            continue
        chosen = rng.choice(len(members[key]), size=k, replace=False)
        out.extend((members[key][int(j)], key) for j in chosen)
    return out
