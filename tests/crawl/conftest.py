"""The crawler's tests run on both event loops, as the network layer's do."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from govinspect.eventloop import loop_factory


def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item) -> dict[str, Any]:
    """pytest-asyncio: each test runs on asyncio's loop, which the library's callers may use,
    and on uvloop, which the command line uses when it is installed (govinspect/eventloop.py)."""
    uv = loop_factory()
    return {"asyncio": asyncio.new_event_loop, **({"uvloop": uv} if uv is not None else {})}
