"""A crash mid-run (kill -9) or a Ctrl-C keeps every finished site and the evidence fetched so far."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from govinspect.capture.warc import CaptureReader
from govinspect.sandbox.build import build_province
from govinspect.sandbox.server import run_in_thread
from govinspect.sandbox.truth import resolve_args, sites_csv

pytestmark = pytest.mark.slow


@contextlib.contextmanager
def _run_with_a_finished_site(tmp_path: Path, stderr: int) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """`govinspect inspect` over a four-site province in its own process group, handed over once
    its first site is finished and written (the run is killed if the test leaves it running)."""
    province = build_province(seed=2, n_sites=4, slow_timeout_seconds=0.2)
    sites = tmp_path / "sites.csv"
    sites.write_text(sites_csv(province), encoding="utf-8")
    out = tmp_path / "run"
    with run_in_thread(province) as server:
        args = [sys.executable, "-m", "govinspect", "inspect", "--sites", str(sites), "--offline",
                "--parallel-sites", "1", "--per-host", "2", "--delay", "0.02", "--quiet", "--out", str(out)]
        for r in resolve_args(province, server.port):
            args += ["--resolve", r]
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and proc.poll() is None:
                if list((out / "sites").glob("*.json")):
                    break
                time.sleep(0.05)
            assert proc.poll() is None, "the run finished before it could be interrupted"
            yield proc, out
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)


def test_killed_run_keeps_finished_sites_and_readable_evidence(tmp_path):
    with _run_with_a_finished_site(tmp_path, subprocess.DEVNULL) as (proc, out):
        time.sleep(0.3)  # let the second site get going
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    assert not (out / "results.json").exists()
    finished = [json.loads(p.read_text(encoding="utf-8")) for p in (out / "sites").glob("*.json")]
    assert finished and all(s["status"] == "inspected" and s["stats"]["pages"] > 20 for s in finished)
    assert any(s["dead_links"] for s in finished)

    # Every capture on disk — the finished sites' and the interrupted one's — reads back whole.
    indexes = sorted((out / "evidence").glob("*.index.jsonl"))
    assert len(indexes) > len(finished)
    for index in indexes:
        reader = CaptureReader(index.parent, index.name.removesuffix(".index.jsonl"))
        entries = list(reader.entries())
        assert entries
        for entry in entries:
            if entry["outcome"] == "ok":
                assert reader.read_body(entry) is not None

    # And the stored work can be re-analysed without the server.
    replay = subprocess.run(
        [sys.executable, "-m", "govinspect", "inspect", "--replay", str(out), "--out", str(tmp_path / "again"), "--quiet"],
        capture_output=True, text=True, timeout=120,
    )
    assert replay.returncode == 0, replay.stderr[-1000:]
    again = {s["url"]: s for s in json.loads((tmp_path / "again" / "results.json").read_text(encoding="utf-8"))["sites"]}
    for site in finished:
        assert sorted(d["target"] for d in again[site["url"]]["dead_links"]) == sorted(d["target"] for d in site["dead_links"])


def test_ctrl_c_stops_the_run_cleanly_and_keeps_finished_sites(tmp_path):
    # Ctrl-C reaches the whole process group, the analysis worker included: the run says it was
    # interrupted (exit 130) without a traceback from either process, leaves no worker behind,
    # and keeps the sites it had finished.
    import psutil

    with _run_with_a_finished_site(tmp_path, subprocess.PIPE) as (proc, out):
        children = psutil.Process(proc.pid).children(recursive=True)
        assert children, "the run should have its analysis worker"
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)

    stderr = err.decode("utf-8", "replace")
    assert proc.returncode == 130, stderr[-2000:]
    assert "已中断" in stderr and "Traceback" not in stderr, stderr[-2000:]
    _, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, f"left behind: {[c.pid for c in alive]}"
    finished = [json.loads(p.read_text(encoding="utf-8")) for p in (out / "sites").glob("*.json")]
    assert finished and all(s["status"] == "inspected" for s in finished)
