"""The world the browser tests walk through: the simulated province behind a front whose links a
test can repair, the platform served by `govinspect serve` as users run it, and the engine run
with `govinspect inspect` against the province.

Nothing here is a stand-in: the province is the sandbox's aiohttp server, the platform is the
waitress process with its job thread, and results.json files come from real inspections.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

try:  # without playwright the tests skip (or fail, in CI) in conftest's _browser_available
    from playwright.sync_api import expect
except ImportError:
    expect = None  # type: ignore[assignment]

__all__ = ["PASSWORD", "PlatformServer", "RepairableFront", "expect", "host_and_path", "registry_csv", "registry_xlsx",
           "run_cli"]

SRC = str(Path(__file__).resolve().parents[2] / "src")
CLI = [sys.executable, "-c", "from govinspect.cli import main; main()"]
PASSWORD = "Jiancha2024ok"

REPAIRED_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>白泉县商务局关于开展2024年消费促进月活动的通知</title>
</head><body><div class="article"><h1>白泉县商务局关于开展2024年消费促进月活动的通知</h1><p>发布时间：2024-06-12</p>
<p>各乡镇人民政府，县直有关单位：现将有关事项通知如下。</p></div></body></html>""".encode()


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a `govinspect` child process running this checkout's code.

    Other test packages configure Django in this process through the environment (a data
    directory, a settings module); a child must not inherit them and open the wrong database.
    """
    env = dict(os.environ, PYTHONPATH=SRC, **extra)
    for key in ("GOVINSPECT_DATA", "DJANGO_SETTINGS_MODULE", "GOVINSPECT_SECRET_KEY", "DATABASE_URL"):
        env.pop(key, None)
    return env


def run_cli(*args: str, timeout: float = 120, **env: str) -> str:
    """Run `govinspect ARGS…` and return its standard output; a failure fails with its stderr."""
    done = subprocess.run([*CLI, *args], capture_output=True, text=True, env=child_env(**env), timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"govinspect {' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return done.stdout


def host_and_path(url: str) -> tuple[str, str]:
    """("host", "/path?query") of an http:// URL, as the front sees a request for it."""
    host, _, path = url.split("://", 1)[1].partition("/")
    return host.lower(), "/" + path


class RepairableFront:
    """A loopback HTTP front for the province: forwards each request to the sandbox, except the
    URLs a test has "repaired", which answer 200 with a real page.

    The platform's re-checks go through it (GOVINSPECT_RESOLVE), so a site owner can fix a dead
    link between the inspection and the re-check, as happens in life.
    """

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.repaired: set[tuple[str, str]] = set()
        self.requests: list[tuple[str, str, int]] = []  # (host, path, status) answered
        front = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                front._answer(self, head=False)

            def do_HEAD(self) -> None:  # noqa: N802
                front._answer(self, head=True)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, name="repairable-front", daemon=True)

    def start(self) -> RepairableFront:
        """Start serving in a daemon thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        self.server.shutdown()
        self.server.server_close()

    def repair(self, url: str) -> None:
        """From now on `url` (http://host/path) answers 200."""
        self.repaired.add(host_and_path(url))

    def _answer(self, handler: BaseHTTPRequestHandler, head: bool) -> None:
        host = (handler.headers.get("Host") or "").rsplit(":", 1)[0].lower()
        if (host, handler.path) in self.repaired:
            status, headers, body = 200, [("Content-Type", "text/html; charset=utf-8")], REPAIRED_PAGE
        else:
            status, headers, body = self._forward(handler, host)
        self.requests.append((host, handler.path, status))
        handler.send_response(status)
        for name, value in headers:
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if not head:
            handler.wfile.write(body)

    def _forward(self, handler: BaseHTTPRequestHandler, host: str) -> tuple[int, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=10)
        try:
            # GET upstream even for HEAD, so the body length sent back is the real one.
            conn.request("GET", handler.path, headers={
                "Host": host, "User-Agent": handler.headers.get("User-Agent", ""), "Accept-Encoding": "identity"})
            resp = conn.getresponse()
            body = resp.read()
            keep = [(k, v) for k, v in resp.getheaders() if k.lower() in ("content-type", "location", "retry-after")]
            return resp.status, keep, body
        finally:
            conn.close()


class PlatformServer:
    """`govinspect serve --data DIR --port PORT` on 127.0.0.1, as a user starts it."""

    def __init__(self, data: Path, log: Path, resolve: list[str]) -> None:
        self.data = data
        self.log_path = log
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.resolve = resolve
        self.proc: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str) -> str:
        """`govinspect ARGS… --data DIR` against this server's data directory."""
        return run_cli(*args, "--data", str(self.data), GOVINSPECT_PASSWORD=PASSWORD)

    def start(self, wait_seconds: float = 60) -> PlatformServer:
        """Start the server and wait until it answers its login page."""
        self._log = self.log_path.open("wb")
        env = child_env(GOVINSPECT_RESOLVE=",".join(self.resolve))
        self.proc = subprocess.Popen([*CLI, "serve", "--port", str(self.port), "--data", str(self.data)],
                                     env=env, stdout=self._log, stderr=self._log)
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                with urllib.request.urlopen(self.base_url + "/login/", timeout=5) as r:  # noqa: S310 - loopback
                    if r.status == 200:
                        return self
            except (OSError, urllib.error.HTTPError):
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("govinspect serve did not start:\n" + self.log_path.read_text(errors="replace")[-3000:])
            time.sleep(0.2)  # polling a starting process: there is no event to wait on

    def stop(self) -> None:
        """Terminate the server (waitress stops its job thread on the way out)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if getattr(self, "_log", None) is not None:
            self._log.close()

    def api(self, path: str, token: str) -> Any:
        """GET /api/PATH with a token, decoded from JSON."""
        req = urllib.request.Request(self.base_url + "/api/" + path.lstrip("/"),
                                     headers={"Authorization": f"Token {token}", "Accept": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:  # noqa: S310 - loopback
            return json.load(r)


def registry_xlsx(rows: list[list[Any]]) -> bytes:
    """A registry workbook as provinces send them: a title row, then Chinese headers."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "网站信息表"
    sheet.append(["宝鸡市政府网站信息报送表（2024年6月）"])
    sheet.append(["网站标识码", "网站名称", "首页地址", "主办单位", "地区", "是否门户", "运行状态"])
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def registry_csv(rows: list[list[Any]]) -> bytes:
    """The same registry as a GBK CSV (what Excel on a Chinese desktop saves)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["网站标识码", "网站名称", "首页地址", "主办单位", "地区", "是否门户", "运行状态"])
    writer.writerows(rows)
    return buf.getvalue().encode("gbk")
