"""The static export for nginx, and the `govinspect sandbox` command line."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import aiohttp
import pytest
from typer.testing import CliRunner

from govinspect.sandbox import build_province, export_static
from govinspect.sandbox.cli import app


def _file_for(root: Path, url: str) -> Path:
    parts = urlsplit(url)
    host = parts.hostname or ""
    rel = unquote(parts.path).lstrip("/")
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return root / host / rel


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], Any]:
    out = tmp_path_factory.mktemp("export")
    province = build_province(seed=3, n_sites=2, big_site_pages=400, mode="static", external_port=18182)
    result = export_static(province, out, port=18181)
    return out, result, province


def test_static_files_match_truth(exported: tuple[Path, dict[str, Any], Any]) -> None:
    out, result, province = exported
    assert json.loads((out / "truth.json").read_text("utf-8"))["sites"] == result["sites"]
    assert "listen 127.0.0.2:18182" in (out / "nginx.conf").read_text("utf-8")
    for site, st in zip(province.sites, result["sites"], strict=True):
        assert site.template in ("trs", "hanweb")
        dead = {d["target"]: d for d in st["dead_links"]}
        assert dead, site.host
        for path in site.iter_pages():
            assert "?" not in path
            assert _file_for(out, site.url(path)).is_file(), path
            for link in site.page_links(path):
                parts = urlsplit(link.url)
                if parts.hostname in site.hostnames:
                    assert "?" not in link.url
                    exists = _file_for(out, link.url).is_file()
                else:
                    assert parts.netloc in ("127.0.0.2:18182", "127.0.0.3:9"), link.url
                    exists = parts.hostname == "127.0.0.2" and _file_for(out, link.url).is_file()
                assert exists == (link.url not in dead), link.url
        reasons = {d["reason"] for d in dead.values()}
        assert reasons <= {"http_404", "refused"}


def test_live_province_does_not_export(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="static"):
        export_static(build_province(seed=1, n_sites=1), tmp_path)


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_nginx_serves_the_export_as_truth_says() -> None:
    # Not tmp_path: pytest's directories are private (0700) and nginx workers may run as
    # another user (www-data when started as root).
    tmp_path = Path(tempfile.mkdtemp(prefix="govinspect-export-"))
    tmp_path.chmod(0o755)
    try:
        _nginx_check(tmp_path)
    finally:
        shutil.rmtree(tmp_path, ignore_errors=True)


def _nginx_check(tmp_path: Path) -> None:
    port, ext_port = _free_port("127.0.0.1"), _free_port("127.0.0.2")
    province = build_province(seed=5, n_sites=1, big_site_pages=150, mode="static", external_port=ext_port)
    result = export_static(province, tmp_path, port=port)
    site = province.sites[0]
    dead = {d["target"] for d in result["sites"][0]["dead_links"]}
    targets = sorted({lk.url for p in site.iter_pages() for lk in site.page_links(p)})
    cmd = ["nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log")]
    subprocess.run(cmd, check=True, timeout=30)
    try:

        async def probe() -> list[tuple[str, bool]]:
            out = []
            async with aiohttp.ClientSession() as http:
                for url in targets:
                    parts = urlsplit(url)
                    own = parts.hostname == site.host
                    where = f"http://127.0.0.1:{port}{parts.path}" if own else url
                    try:
                        async with http.get(where, headers={"Host": site.host} if own else {}, allow_redirects=False) as r:
                            ok = r.status == 200
                    except aiohttp.ClientConnectionError:
                        ok = False
                    out.append((url, ok))
            return out

        for url, ok in asyncio.run(probe()):
            assert ok == (url not in dead), url
    finally:
        subprocess.run([*cmd, "-s", "quit"], check=False, timeout=30)


def test_cli_truth_serve_refusal_and_export(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["truth", "--sites", "2", "--seed", "1"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert len(data["sites"]) == 2 and data["sites"][0]["url"] == "http://www.yunxi.gov.cn/"
    res = runner.invoke(app, ["truth", "--sites", "1", "--port", "8181"])
    assert json.loads(res.stdout)["sites"][0]["url"] == "http://www.yunxi.gov.cn:8181/"
    res = runner.invoke(app, ["serve", "--host", "0.0.0.0"])
    assert res.exit_code == 2 and "loopback" in res.output
    res = runner.invoke(app, ["export", str(tmp_path / "out"), "--big-site-pages", "120"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "out" / "www.yunxi.gov.cn" / "index.html").is_file()
    assert (tmp_path / "out" / "truth.json").is_file()
