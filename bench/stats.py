"""Medians and spreads over repetitions, and the ratios the targets are stated in."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def spread(values: Sequence[float]) -> tuple[float, float]:
    """(min, max) over the repetitions."""
    return (min(values), max(values)) if values else (float("nan"), float("nan"))


def summarise(values: Sequence[float]) -> dict:
    low, high = spread(values)
    return {"median": median(values), "min": low, "max": high, "n": len(values)}


def ratio(ours: float, theirs: float) -> float:
    return ours / theirs if theirs else float("nan")
