"""YAML data files (thresholds, word lists, rules), read with libyaml's C loader when PyYAML
has it: the pure-Python loader took ~0.15 s for the column rules alone, on every run."""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["load_yaml"]

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """The data of one YAML document, as `yaml.safe_load` gives it (safe tags only)."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
