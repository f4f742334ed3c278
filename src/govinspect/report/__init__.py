"""Reports of a run: results.json (the contract), report.html (the 通报), shared labels.

The names below are imported on first use (PEP 562): the crawl's modules import the package's
light parts (labels, the list of office files) without loading Jinja for report.html.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "dumps_results": "results",
    "render_report_html": "html",
    "to_results_json": "results",
    "write_report_html": "html",
    "write_results": "results",
    "write_results_stream": "results",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"govinspect.report.{module}"), name)
