"""The simulated province (seed 1, 12 sites) inspected once per test session, as `govinspect
demo` inspects it.

Several end-to-end tests compare one inspection of the province with its ground truth, each
for its own part (dead links, columns, integrity, letters and guides, site-level facts). The
inspection is deterministic and read only by those tests, so it runs once and they share it
instead of crawling the same twelve sites five times.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from govinspect.eventloop import run as run_coroutine
from govinspect.models import RunResult


@dataclass(frozen=True)
class ProvinceRun:
    """The province, its inspection and the run's output directory (evidence under it)."""

    province: Any
    run: RunResult
    out_dir: Path


def _inspect_province(out_dir: Path) -> ProvinceRun:
    from govinspect.demo import demo_options, province_specs
    from govinspect.inspect import inspect_sites
    from govinspect.sandbox.build import build_province
    from govinspect.sandbox.server import run_in_thread

    province = build_province(seed=1, n_sites=12)
    with run_in_thread(province) as server:
        options = demo_options(province, server.port, out_dir, server=server.handle)
        # On the loop the command line uses (uvloop when installed), as `govinspect demo` runs.
        run = run_coroutine(inspect_sites(province_specs(province), options))
    return ProvinceRun(province, run, out_dir)


@pytest.fixture(scope="session")
def province_run(tmp_path_factory: pytest.TempPathFactory) -> ProvinceRun:
    """The seed-1 province inspected once with the demo's options (HTTPS and IPv6 mapped)."""
    out_dir = tmp_path_factory.mktemp("province-run")
    box: dict[str, Any] = {}

    def work() -> None:
        # Its own thread, so its event loop never meets the one a test is running in.
        try:
            box["value"] = _inspect_province(out_dir)
        except BaseException as exc:  # re-raised in the test that asked for it
            box["error"] = exc

    thread = threading.Thread(target=work, name="province-run")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]
