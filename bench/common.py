"""Helpers shared by the benchmarks."""

from __future__ import annotations

import json
import statistics


def emit(figure: str, value: float, unit: str) -> None:
    """Print one figure as a JSON line."""
    print(json.dumps({"figure": figure, "value": round(value, 4), "unit": unit}), flush=True)


def percentile(samples: list[float], fraction: float) -> float:
    """The sample at `fraction` (0..1) of the sorted samples, nearest rank."""
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def median(samples: list[float]) -> float:
    """The median of the samples."""
    return statistics.median(samples)
