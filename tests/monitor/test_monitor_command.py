"""`govinspect monitor` as a user runs it: a real process, real loopback sites, Ctrl-C / SIGTERM."""

from __future__ import annotations

import asyncio
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

OK = "www.ok.jyx.gov.cn"
SLOW = "www.slow.jyx.gov.cn"


def _command(port: int, db: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "govinspect", "monitor", f"http://{OK}/", f"http://{SLOW}/",
        "--db", str(db), "--offline",
        "--resolve", f"{OK}:80:127.0.0.1:{port}", "--resolve", f"{SLOW}:80:127.0.0.1:{port}",
        # One real second is an hour of schedule: each homepage is probed about once a second.
        "--time-scale", "3600", "--per-day", "24", "--progress-every", "1", *extra,
    ]


def _rows(db: Path) -> dict[str, list[tuple[str, float]]]:
    con = sqlite3.connect(db)
    out: dict[str, list[tuple[str, float]]] = {}
    for key, cls, elapsed in con.execute(
            "SELECT s.key, p.class, p.elapsed FROM probes p JOIN sites s ON s.id = p.site_id ORDER BY p.at"):
        out.setdefault(key, []).append((cls, elapsed))
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    return out


async def _wait_for(predicate, seconds: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
async def test_a_stop_signal_lets_the_probe_in_flight_finish_and_keeps_every_probe(province, tmp_path, sig) -> None:
    prov, port = province
    prov.slow_seconds = 2.0
    db = tmp_path / "monitor.db"
    proc = await asyncio.create_subprocess_exec(*_command(port, db), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    await _wait_for(lambda: prov.requests.get(SLOW, 0) >= 2)  # a slow probe has just arrived
    stopped = time.monotonic()
    proc.send_signal(sig)
    _out, err = await asyncio.wait_for(proc.communicate(), 30)
    took = time.monotonic() - stopped
    assert proc.returncode == 0
    assert 1.5 < took < 10  # it waited for the slow homepage's answer, and no longer than needed
    rows = _rows(db)
    # Every request that reached a site is stored, the one in flight at the signal included.
    assert len(rows[f"{SLOW}/"]) == prov.requests[SLOW]
    assert len(rows[f"{OK}/"]) == prov.requests[OK]
    assert all(cls == "ok" for cls, _ in rows[f"{SLOW}/"] + rows[f"{OK}/"])
    assert rows[f"{SLOW}/"][-1][1] >= 1.9
    text = err.decode("utf-8")
    final = re.search(r"监测结束：已探测 (\d+) 次", text)
    assert final and int(final.group(1)) == prov.requests[SLOW] + prov.requests[OK]
    assert "开始监测 2 个站点，每站每天 24 次" in text


async def test_a_second_ctrl_c_drops_the_probe_in_flight_whole(province, tmp_path) -> None:
    prov, port = province
    prov.slow_seconds = 30.0
    db = tmp_path / "monitor.db"
    proc = await asyncio.create_subprocess_exec(*_command(port, db, "--quiet"),
                                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    await _wait_for(lambda: prov.requests.get(SLOW, 0) >= 1 and prov.requests.get(OK, 0) >= 3)
    proc.send_signal(signal.SIGINT)
    await asyncio.sleep(0.3)
    stopped = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert time.monotonic() - stopped < 5
    assert proc.returncode == 0
    assert err == b""  # --quiet
    rows = _rows(db)
    assert f"{SLOW}/" not in rows  # dropped, never half-written
    assert len(rows[f"{OK}/"]) == prov.requests[OK]
    con = sqlite3.connect(db)
    assert con.execute("SELECT ended IS NOT NULL, probes FROM runs").fetchall() == [(1, prov.requests[OK])]
    con.close()


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govinspect", *args], capture_output=True, text=True, timeout=60)


def test_unusable_arguments_exit_2_with_one_line(tmp_path) -> None:
    sites = tmp_path / "sites.csv"
    sites.write_text("网站标识码,网站名称,首页地址\n4210030010,荆州市人民政府,http://www.jingzhou.gov.cn/\n",
                     encoding="utf-8")
    before = sites.read_bytes()
    for args, reason in [
        (("monitor",), "no sites given"),
        (("monitor", "--sites", str(sites), "--db", str(sites)), "sites.csv"),
        (("monitor", "--sites", str(sites), "--duration", "two hours"), "--duration"),
        (("monitor", "--sites", str(sites), "--db", str(tmp_path / "none" / "m.db")), "does not exist"),
        (("inspect", "http://www.jingzhou.gov.cn/", "--monitor-db", str(tmp_path / "missing.db")), "no such file"),
        (("inspect", "http://www.jingzhou.gov.cn/", "--monitor-db", str(sites)), "--monitor-db"),
    ]:
        done = _run(*args)
        assert done.returncode == 2, (args, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and reason in lines[0], (args, done.stderr)
    assert sites.read_bytes() == before  # a file given as --db is never written


def test_durations() -> None:
    from govinspect.monitor.command import MonitorArgumentError, parse_duration

    assert [parse_duration(t) for t in ("90s", "30m", "2h", "7d", "1h30m", "45")] == [90, 1800, 7200, 604800, 5400, 45]
    for bad in ("0s", "2 weeks", "h", "-1h"):
        with pytest.raises(MonitorArgumentError):
            parse_duration(bad)
