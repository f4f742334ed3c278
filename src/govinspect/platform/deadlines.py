"""Service levels (working-day deadlines) per province, read from `data/deadlines.yaml`.

An operator may override the shipped file with `deadlines.yaml` in the data directory (same
shape); its values win key by key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal


from govinspect.platform.workdays import add_workdays
from govinspect.yamlfiles import load_yaml

__all__ = ["Category", "ServiceLevels", "finding_category", "levels_for", "load_levels"]

Category = Literal["veto", "column", "other"]
_SHIPPED = Path(__file__).parent / "data" / "deadlines.yaml"


@dataclass(frozen=True, slots=True)
class ServiceLevels:
    """Working days allowed for each kind of task in one province."""

    workorder: dict[str, int]
    zhaocuo_reply: int
    test_letter_reply: int

    def workorder_deadline(self, category: Category, issued: dt.date) -> dt.date:
        """The day a work order of `category` issued on `issued` must be done by."""
        return add_workdays(issued, int(self.workorder[category]))

    def zhaocuo_deadline(self, received: dt.date) -> dt.date:
        """The day a 找错 report received on `received` must be answered by."""
        return add_workdays(received, self.zhaocuo_reply)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in (over or {}).items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


@lru_cache(maxsize=4)
def load_levels(override: str | None = None) -> dict[str, Any]:
    """The shipped service levels merged with an operator's file (path as text, or None)."""
    data = load_yaml(_SHIPPED.read_text(encoding="utf-8"))
    if override and Path(override).is_file():
        data = _merge(data, load_yaml(Path(override).read_text(encoding="utf-8")) or {})
    return data


def levels_for(region_code: str | None, override: str | None = None) -> ServiceLevels:
    """Service levels of the province that `region_code` (six digits) belongs to."""
    data = load_levels(override)
    merged = _merge(data["default"], data.get("provinces", {}).get((region_code or "")[:2], {}))
    return ServiceLevels(
        workorder={k: int(v) for k, v in merged["workorder"].items()},
        zhaocuo_reply=int(merged["zhaocuo_reply"]),
        test_letter_reply=int(merged["test_letter_reply"]),
    )


def finding_category(indicator: str, veto: bool, override: str | None = None) -> Category:
    """veto for 单项否决 findings, column for column/homepage updates, other for the rest."""
    if veto:
        return "veto"
    prefixes = load_levels(override).get("column_indicators", [])
    return "column" if any(indicator.startswith(p) for p in prefixes) else "other"
