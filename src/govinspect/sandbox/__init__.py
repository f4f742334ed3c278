"""The simulated province: seeded Chinese government websites with seeded defects and exact
ground truth, served from memory by Host header on one loopback port.

    from govinspect.sandbox import build_province, truth, run_in_thread
    province = build_province(seed=1, n_sites=12)
    with run_in_thread(province) as server:      # server.port
        ...
    expected = truth(province)
"""

from __future__ import annotations

import importlib
from typing import Any

# Imported on first use (PEP 562): `govinspect sandbox` is mounted by the main command, and
# the other subcommands should not pay for loading the generator and the server.
_EXPORTS = {
    "build_province": "build", "count_pages": "build", "export_static": "export",
    "Column": "model", "Item": "model", "Link": "model", "Province": "model", "SimSite": "model",
    "ServerHandle": "server", "ThreadedServer": "server", "run_in_thread": "server",
    "serve_forever": "server", "start_server": "server",
    "resolve_args": "truth", "site_truth": "truth", "sites_csv": "truth",
    "normalize_url": "urls",
}


# `truth` is both a submodule and a function: bind the function now (the module is light), or
# importing the submodule later would leave the package attribute pointing at the module.
from govinspect.sandbox.truth import truth  # noqa: E402


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'govinspect.sandbox' has no attribute {name!r}")
    return getattr(importlib.import_module(f"govinspect.sandbox.{module}"), name)


__all__ = [
    "Column", "Item", "Link", "Province", "ServerHandle", "SimSite", "ThreadedServer", "build_province",
    "count_pages", "export_static", "normalize_url", "resolve_args", "run_in_thread", "serve_forever",
    "site_truth", "sites_csv", "start_server", "truth",
]
