"""Shared fixtures of the sandbox tests: the default province (seed 1, 12 sites) and its truth."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sandbox_helpers import SLOW

from govinspect.sandbox import Province, build_province, truth


@pytest.fixture(scope="session")
def province() -> Province:
    """The default province (seed 1, 12 sites), with fast slow pages for the server tests."""
    return build_province(seed=1, n_sites=12, slow_timeout_seconds=SLOW)


@pytest.fixture(scope="session")
def expected(province: Province) -> dict[str, Any]:
    """truth(province)."""
    return truth(province)


@pytest.fixture(scope="session")
def by_role(province: Province) -> Iterator[Any]:
    """site with a given role: by_role('soft_404')."""

    def find(role: str) -> Any:
        return next(s for s in province.sites if role in s.roles)

    yield find
