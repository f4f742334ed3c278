"""Tampering needs two inspections: `govinspect inspect --previous DIR` compares the homepage
with the fingerprint the earlier run kept. The simulated province serves the same site before
and after an outside script was injected into its homepage (`build_province(tampered=True)`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from govinspect.sandbox import build_province, resolve_args, run_in_thread, truth
from govinspect.sandbox.model import Province

pytestmark = pytest.mark.slow

TAMPER_SITE = 4  # the `tamper` scenario of sandbox/integrity.py


def inspect(province: Province, out: Path, *extra: str) -> dict[str, Any]:
    """One site of `province` inspected by the command line; its results.json entry."""
    url = province.sites[TAMPER_SITE].home_url
    with run_in_thread(province) as server:
        args = [sys.executable, "-m", "govinspect", "inspect", url, "--out", str(out), "--offline",
                "--allow-private", "--delay", "0", "--per-host", "8", "--quiet"]
        for entry in resolve_args(province, server.port):
            args += ["--resolve", entry]
        proc = subprocess.run([*args, *extra], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads((out / "results.json").read_text(encoding="utf-8"))["sites"][0]


def test_an_outside_script_injected_since_the_previous_inspection_is_reported(tmp_path):
    clean = build_province(seed=1, n_sites=5)
    hacked = build_province(seed=1, n_sites=5, tampered=True)
    assert truth(clean)["sites"][TAMPER_SITE]["illegal"] == []

    first = inspect(clean, tmp_path / "before")
    assert first["illegal"] == [] and first["homepage_fingerprint"]["scripts"] == []

    second = inspect(hacked, tmp_path / "after", "--previous", str(tmp_path / "before"))
    expected = truth(hacked)["sites"][TAMPER_SITE]["illegal"]
    assert [(e["page"], e["kind"], e["target"]) for e in second["illegal"]] == \
        [(e["page"], e["kind"], e["target"]) for e in expected] == \
        [(first["url"], "tampered", "http://www.cnzz-tongji88.com/js/stat.js")]
    assert second["illegal"][0]["evidence"].startswith("新增外部脚本（上次检查时没有）")
    assert "veto.security.incident_unhandled" in second["vetoes"]

    # Without the earlier run there is no baseline, hence no finding (never a guess).
    alone = inspect(hacked, tmp_path / "alone")
    assert alone["illegal"] == [] and alone["homepage_fingerprint"]["scripts"] == [
        "http://www.cnzz-tongji88.com/js/stat.js"
    ]
