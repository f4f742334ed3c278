"""`govinspect admin create-user` and `govinspect serve`: a real waitress server on loopback with
its own data directory, migrations applied at start, static files served, anonymous API refused."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _env(data: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=SRC, GOVINSPECT_PASSWORD="Kaifa2024check")
    for key in ("GOVINSPECT_DATA", "DJANGO_SETTINGS_MODULE", "GOVINSPECT_SECRET_KEY"):
        env.pop(key, None)
    return env


def _cli(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from govinspect.cli import main; main()", *args, "--data", str(data)],
                          capture_output=True, text=True, env=_env(data), timeout=120)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 - loopback only
            return r.status, r.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_create_user_checks_role_scope_and_password(tmp_path: Path) -> None:
    data = tmp_path / "data"
    bad = _cli("admin", "create-user", "boss", "--role", "king", data=data)
    assert bad.returncode == 2 and "--role" in bad.stderr
    assert _cli("admin", "create-user", "sx", "--role", "supervisor", data=data).returncode == 2
    nosite = _cli("admin", "create-user", "own", "--role", "owner", "--site", "6103240001", data=data)
    assert nosite.returncode == 2 and "网站标识码不存在" in nosite.stderr
    ok = _cli("admin", "create-user", "baoji", "--role", "supervisor", "--region", "610300", data=data)
    assert ok.returncode == 0, ok.stderr
    assert "已创建用户 baoji" in ok.stdout and (data / "govinspect.sqlite3").exists()
    again = _cli("admin", "create-user", "baoji", "--role", "admin", data=data)
    assert again.returncode == 2 and "已存在" in again.stderr


def test_serve_applies_migrations_and_serves_pages_static_and_api(tmp_path: Path) -> None:
    data, port = tmp_path / "data", _free_port()
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-c", "from govinspect.cli import main; main()", "serve", "--port",
                             str(port), "--data", str(data)], env=_env(data), stdout=log, stderr=log)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = _get(base + "/login/")
                break
            except OSError:
                assert proc.poll() is None, (tmp_path / "serve.log").read_text(errors="replace")
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.3)
        assert status == 200 and "登录" in body.decode()
        assert _get(base + "/static/platform/site.css")[0] == 200
        assert _get(base + "/api/sites/")[0] == 401
        assert _get(base + "/api/schema/")[0] == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
    assert (data / "govinspect.sqlite3").exists()
