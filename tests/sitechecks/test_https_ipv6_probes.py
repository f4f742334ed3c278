"""HTTPS and IPv6 probes against real servers on loopback: certificates from a local CA
(valid, expired, for another name, self-signed), a refusing port, and a server on ::1."""

from __future__ import annotations

import datetime as dt
import socket
import ssl

import pytest
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import ec

from govinspect.net.client import Fetcher
from govinspect.net.types import FetchConfig
from govinspect.sandbox.tls import _cert, _context
from govinspect.sitechecks.https import probe_https
from govinspect.sitechecks.ipv6 import probe_ipv6

HOST = "www.qingshan.gov.cn"
NOW = dt.datetime.now(dt.timezone.utc)
DAY = dt.timedelta(days=1)


@pytest.fixture(scope="module")
def ca():
    key = ec.generate_private_key(ec.SECP256R1())
    return _cert("测试根证书", [], key, "测试根证书", key, NOW - 30 * DAY, NOW + 365 * DAY, ca=True), key


def _server_context(ca, mode: str) -> ssl.SSLContext:
    ca_cert, ca_key = ca
    key = ec.generate_private_key(ec.SECP256R1())
    if mode == "valid":
        cert = _cert(HOST, [HOST], key, "测试根证书", ca_key, NOW - DAY, NOW + 45 * DAY)
    elif mode == "expired":
        cert = _cert(HOST, [HOST], key, "测试根证书", ca_key, NOW - 400 * DAY, NOW - 3 * DAY)
    elif mode == "wrong_host":
        cert = _cert("cdn.example-cloud.cn", ["*.example-cloud.cn"], key, "测试根证书", ca_key, NOW - DAY, NOW + 45 * DAY)
    else:
        cert = _cert(HOST, [HOST], key, HOST, key, NOW - DAY, NOW + 45 * DAY)
    return _context(cert, key, [] if mode == "self_signed" else [ca_cert])


async def _https_facts(aiohttp_server, ca, mode: str) -> dict:
    app = web.Application()
    app.router.add_get("/", lambda r: web.Response(text="<html>青山县人民政府</html>", content_type="text/html"))
    server = await aiohttp_server(app, ssl=_server_context(ca, mode))
    from cryptography.hazmat.primitives import serialization

    pem = ca[0].public_bytes(serialization.Encoding.PEM).decode()
    config = FetchConfig(resolve={(HOST, 443): ("127.0.0.1", server.port)}, offline=True, ca_pem=pem, timeout=5)
    async with Fetcher(config) as fetcher:
        return await probe_https(fetcher, HOST, timeout=5)


@pytest.mark.parametrize(("mode", "status", "reason"), [
    ("valid", "valid", None),
    ("expired", "invalid", "expired"),
    ("wrong_host", "invalid", "hostname_mismatch"),
    ("self_signed", "invalid", "self_signed"),
])
async def test_certificate_verdicts_with_dates(aiohttp_server, ca, mode, status, reason):
    facts = await _https_facts(aiohttp_server, ca, mode)
    assert (facts["status"], facts["reason"]) == (status, reason)
    cert = facts["certificate"]
    assert cert["not_after"] and isinstance(cert["days_left"], int)
    assert facts["answers"] is True and facts["http_status"] == 200
    if mode == "valid":
        assert 43 <= cert["days_left"] <= 45 and cert["problems"] == []
    if mode == "expired":
        assert cert["days_left"] < 0 and "expired" in cert["problems"]


async def test_refused_port_is_no_https_and_offline_is_not_checked():
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))  # bound, not listening: refused
    try:
        config = FetchConfig(resolve={(HOST, 443): ("127.0.0.1", holder.getsockname()[1])}, offline=True, timeout=3)
        async with Fetcher(config) as fetcher:
            refused = await probe_https(fetcher, HOST, timeout=3)
    finally:
        holder.close()
    assert (refused["status"], refused["reason"]) == ("none", "refused")
    async with Fetcher(FetchConfig(offline=True)) as fetcher:
        offline = await probe_https(fetcher, HOST, timeout=3)
    assert offline["status"] == "not_checked"


def _has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _has_ipv6_loopback(), reason="this machine has no ::1 (IPv6 loopback)")
async def test_ipv6_from_resolve_mappings(aiohttp_server):
    app = web.Application()
    app.router.add_get("/", lambda r: web.Response(text="<html>ok</html>", content_type="text/html"))
    server = await aiohttp_server(app, host="::1")
    config = FetchConfig(resolve={(HOST, 80): ("127.0.0.1", 9)}, resolve_v6={(HOST, 80): ("::1", server.port)}, offline=True)
    async with Fetcher(config) as fetcher:
        ok = await probe_ipv6(fetcher, f"http://{HOST}/", timeout=5)
    assert (ok["status"], ok["aaaa"], ok["addresses"], ok["http_status"]) == ("supported", True, ["::1"], 200)
    # Mapped without an IPv6 address: no AAAA record. A gone IPv6 server: unreachable.
    async with Fetcher(FetchConfig(resolve={(HOST, 80): ("127.0.0.1", 9)}, offline=True)) as fetcher:
        assert (await probe_ipv6(fetcher, f"http://{HOST}/", timeout=5))["status"] == "no_aaaa"
    port = server.port
    await server.close()
    config = FetchConfig(resolve={(HOST, 80): ("127.0.0.1", 9)}, resolve_v6={(HOST, 80): ("::1", port)}, offline=True)
    async with Fetcher(config) as fetcher:
        gone = await probe_ipv6(fetcher, f"http://{HOST}/", timeout=5)
    assert (gone["status"], gone["reason"]) == ("unreachable", "refused")


async def test_ipv6_offline_without_mapping_is_not_checked():
    async with Fetcher(FetchConfig(offline=True)) as fetcher:
        facts = await probe_ipv6(fetcher, f"http://{HOST}/", timeout=3)
    assert (facts["status"], facts["reason"]) == ("not_checked", "offline")
