"""A few percent of the defects real published files contain, at fixed rates."""

from __future__ import annotations

import numpy as np


def pick_defects(rng: np.random.Generator, n: int, rates: dict[str, float]) -> dict[str, np.ndarray]:
    """Disjoint random row indices for each defect kind, ``round(n * rate)`` rows each."""
    order = rng.permutation(n)
    picked: dict[str, np.ndarray] = {}
    offset = 0
    for kind, rate in rates.items():
        k = min(round(n * rate), n - offset)
        picked[kind] = np.sort(order[offset : offset + k])
        offset += k
    return picked
