"""The network layer: one guarded, bounded HTTP client and page decoding.

Everything that touches the network goes through `Fetcher`; everything that turns bytes into
text goes through `decode_body`. See `types.py` for the outcome taxonomy.

The names are loaded on first use: the analysis worker imports `net.decoding` and
`net.types`, and must not pay for aiohttp (about 0.2 s of CPU at every start).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govinspect.net.client import Fetcher
    from govinspect.net.decoding import decode_body
    from govinspect.net.types import FetchConfig, FetchResult, Hop

__all__ = ["FetchConfig", "FetchResult", "Fetcher", "Hop", "decode_body"]

_HOME = {
    "Fetcher": "govinspect.net.client",
    "decode_body": "govinspect.net.decoding",
    "FetchConfig": "govinspect.net.types",
    "FetchResult": "govinspect.net.types",
    "Hop": "govinspect.net.types",
}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module), name)
