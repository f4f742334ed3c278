"""A server that omits its intermediate certificate: browsers open it, so we must not call it dead."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
from aiohttp import web

from govinspect.crawl.crawler import CrawlConfig
from govinspect.crawl.politeness import PolitenessConfig
from govinspect.inspect import InspectOptions, inspect_sites
from govinspect.models import SiteSpec
from govinspect.net.types import FetchConfig

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")

HOST = "www.anping.gov.cn"


def make_leaf_signed_by_unknown_ca(tmp: Path) -> tuple[Path, Path]:
    """A CA nobody trusts and a leaf for HOST signed by it; the server will send the leaf only."""
    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=tmp)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "2", "-subj", "/CN=Moni Province Test CA")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", f"/CN={HOST}")
    (tmp / "ext.cnf").write_text(f"subjectAltName=DNS:{HOST}\n")
    run("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "leaf.pem", "-days", "2", "-extfile", "ext.cnf")
    return tmp / "leaf.pem", tmp / "leaf.key"


async def test_incomplete_chain_site_is_inspected_and_its_links_judged(aiohttp_server, tmp_path):
    cert, key = make_leaf_signed_by_unknown_ca(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.path == "/":
            body = ('<html><head><meta charset="utf-8"><title>安平县人民政府</title></head><body>'
                    '<a href="/zwgk/index.html">政务公开</a><a href="/missing.html">失效</a></body></html>')
            return web.Response(text=body, content_type="text/html")
        if request.path == "/zwgk/index.html":
            return web.Response(text="<html><body>政务公开</body></html>", content_type="text/html")
        return web.Response(status=404, text="404")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    server = await aiohttp_server(app, ssl=context)
    options = InspectOptions(
        as_of=datetime(2024, 6, 15, tzinfo=timezone.utc),
        fetch=FetchConfig(resolve={(HOST, 443): ("127.0.0.1", server.port)}, offline=True, timeout=5),
        politeness=PolitenessConfig(per_host=2, delay=0.0),
        crawl=CrawlConfig(retry_delay=0.05, confirm_delay=0.05),
        capture=False,
    )
    run = await inspect_sites([SiteSpec(url=f"https://{HOST}/")], options)
    site = run.sites[0]
    assert site.status == "inspected", site.error
    assert site.counters.get("tls/incomplete_chain", 0) >= 1
    assert [(d.target, d.reason) for d in site.dead_links] == [(f"https://{HOST}/missing.html", "http_404")]
