"""Pricing rules and message templates: what a measured problem costs under a profile.

Pure functions over an indicator's settings (a profile entry) and a finding's `measure`. The
checks use them to price what they find, and scoring uses them again to re-price a stored
finding under another profile, so a rule lives in one place.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

# Decimal places kept for points and scores (deductions come in tenths: 0.1 per dead link).
PLACES = 2


def format_points(points: float) -> str:
    """3.7 → "3.7", 4.0 → "4", 0.25 → "0.25" (as the 通报 print them)."""
    text = f"{round(points, PLACES):.{PLACES}f}".rstrip("0").rstrip(".")
    return text or "0"


def _percent(measure: Mapping[str, Any]) -> float | None:
    if measure.get("percent") is not None:
        return float(measure["percent"])
    if measure.get("ratio") is not None:
        return float(measure["ratio"]) * 100
    return None


def _count(measure: Mapping[str, Any]) -> int | None:
    if measure.get("count") is not None:
        return int(measure["count"])
    missing = measure.get("missing")
    if isinstance(missing, (list, tuple)):
        return len(missing)
    return None


def value_field(settings: Mapping[str, Any]) -> str | None:
    """The setting that prices this indicator's rule (per_item, per_percent, points)."""
    return {"per_item": "per_item", "per_percent": "per_percent", "fixed": "points"}.get(str(settings.get("rule")))


def is_priced(settings: Mapping[str, Any]) -> bool:
    """False when the value is unconfirmed (null): the finding is shown but deducts nothing."""
    field = value_field(settings)
    return field is not None and settings.get(field) is not None


def price(settings: Mapping[str, Any], measure: Mapping[str, Any], given: float = 0.0) -> float | None:
    """Points for one finding before caps; None when the profile's value is unconfirmed.

    `given` (the check's own price) is used when the measure lacks what the rule reads.
    per_percent counts full percents only: 4.5 % of failed probes at 5 per percent is 20.
    """
    rule = settings.get("rule")
    field = value_field(settings)
    if field is None:
        return None
    value = settings.get(field)
    if value is None:
        return None
    if rule == "fixed":
        return round(float(value), PLACES)
    if rule == "per_item":
        count = _count(measure)
        return round(count * float(value), PLACES) if count is not None else round(float(given), PLACES)
    percent = _percent(measure)
    if percent is None:
        return round(float(given), PLACES)
    # round first: 0.29 * 100 is 28.999999999999996, which is 29 full percents.
    return round(math.floor(round(percent, 6)) * float(value), PLACES)


class _Values(dict):
    """Template values; a placeholder the measure lacks makes rendering fall back."""

    def __missing__(self, key: str) -> Any:
        raise KeyError(key)


def render_message(settings: Mapping[str, Any], measure: Mapping[str, Any], points: float | None,
                   fallback: str = "") -> str:
    """The profile's message with the measure and the points filled in (else `fallback`)."""
    template = settings.get("message")
    if not isinstance(template, str):
        return fallback
    values = _Values({k: v for k, v in measure.items() if isinstance(k, str)})
    for key, value in list(values.items()):
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            values[key] = "、".join(value)
    if "count" not in values and _count(measure) is not None:
        values["count"] = _count(measure)
    percent = _percent(measure)
    if percent is not None:
        values["percent"] = format_points(percent)
    if points is not None:
        values["points"] = format_points(points)
    for key in ("threshold", "min_items", "window_days", "cap"):
        if key not in values and settings.get(key) is not None:
            values[key] = format_points(float(settings[key]))
    try:
        return template.format_map(values)
    except (KeyError, ValueError, IndexError, AttributeError):
        return fallback
