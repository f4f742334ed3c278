"""Load indicator profiles (thresholds, points, messages) from the YAML files beside this module."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PROFILE_DIR = Path(__file__).parent


class ProfileError(ValueError):
    """A profile name that does not exist or a file that does not parse."""


@dataclass(frozen=True, slots=True)
class Profile:
    """An indicator profile: its id, display name and per-indicator settings."""

    id: str
    name: str
    indicators: dict[str, dict[str, Any]]

    def indicator(self, indicator_id: str) -> dict[str, Any] | None:
        """Settings of one indicator, or None when the profile does not score it."""
        return self.indicators.get(indicator_id)


def available_profiles() -> list[str]:
    """Names of the profiles shipped with govinspect."""
    return sorted(p.stem for p in PROFILE_DIR.glob("*.yaml"))


@lru_cache(maxsize=16)
def load_profile(name: str) -> Profile:
    """Load a shipped profile by name (e.g. 'gov2019'); raises ProfileError when unknown."""
    path = PROFILE_DIR / f"{name}.yaml"
    if not path.is_file():
        raise ProfileError(f"unknown profile {name!r} (available: {', '.join(available_profiles())})")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ProfileError(f"profile {name!r} does not parse: {exc}") from exc
    return Profile(id=data.get("id", name), name=data.get("name", name), indicators=data.get("indicators") or {})
