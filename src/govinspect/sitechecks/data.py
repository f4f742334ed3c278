"""The word lists of the site-level checks (data/sitechecks.yaml), loaded once."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

from govinspect.yamlfiles import load_yaml


@lru_cache(maxsize=1)
def sitecheck_data() -> dict[str, Any]:
    """data/sitechecks.yaml as a dict."""
    text = resources.files("govinspect").joinpath("data/sitechecks.yaml").read_text(encoding="utf-8")
    return load_yaml(text) or {}
