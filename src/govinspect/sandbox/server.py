"""The province on one loopback port: one aiohttp application dispatching by Host header.

Handlers stay cheap: routing is a dict lookup on the lazily built site index, and rendered,
encoded (and gzipped) bodies are kept in a bounded LRU, so a laptop serves well over 1,000
requests a second. Stateful behaviours (the 429-then-200 counters) live on the server instance.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import ipaddress
import re
import socket
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Self

from aiohttp import web

from govinspect.sandbox.external import ExternalHost
from govinspect.sandbox.files import content_type, file_body, robots_txt
from govinspect.sandbox.integrity import seeded_file, varies_by_agent
from govinspect.sandbox.model import Province, Resource, SimSite
from govinspect.sandbox.pages import render_path
from govinspect.sandbox.routing import AliasHost, canonical
from govinspect.sandbox.search import search_answer
from govinspect.sandbox.templates.special import (
    TOO_MANY,
    UNKNOWN_HOST,
    challenge_page,
    soft_404_page,
)

RATE_LIMIT_FIRST = 2  # rate_limited_then_ok: this many 429s before the 200
CACHE_ENTRIES = 4096
CACHE_BYTES = 96 * 1024 * 1024
_RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")


def check_loopback(host: str) -> None:
    """Refuse to bind anything but a loopback address (the sandbox must never face a network)."""
    if host == "localhost":
        return
    try:
        ok = ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"the sandbox only binds loopback addresses, not {host!r}")


@dataclass(slots=True)
class _Body:
    status: int
    ctype: str
    raw: bytes
    gz: bytes | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)


class SandboxApp:
    """The request handler and its per-instance state."""

    def __init__(self, province: Province) -> None:
        self.province = province
        self.counters: dict[tuple[str, str], int] = {}
        self.cache: OrderedDict[tuple[str, str], _Body] = OrderedDict()
        self.cache_bytes = 0
        self.requests = 0

    # -- aiohttp entry point -----------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Dispatch on the Host header; answer from the province model."""
        self.requests += 1
        raw_host = request.host or ""
        hostname = "" if raw_host.startswith("[") else raw_host.rsplit(":", 1)[0].lower().rstrip(".")
        target = self.province.target_for(hostname)
        if target is None:
            return web.Response(status=404, text=UNKNOWN_HOST, content_type="text/html")
        site = target if isinstance(target, SimSite) else getattr(target, "site", None)
        response = await self._answer(request, hostname, target)
        response.headers["Server"] = site.family.server if site is not None else "nginx"
        return response

    async def _answer(self, request: web.Request, hostname: str, target: Any) -> web.StreamResponse:
        if request.method not in ("GET", "HEAD"):
            return web.Response(status=405, headers={"Allow": "GET, HEAD"})
        if isinstance(target, SimSite):
            found = search_answer(target, request.path, request.rel_url.raw_query_string)
            if found is not None:
                charset = target.encoding if target.encoding != "gbk" else "gb2312"
                return web.Response(status=found[0], body=found[1], content_type="text/html", charset=charset)
        path_qs = canonical(request.raw_path)
        res: Resource = target.lookup(path_qs)
        if res.behaviour == "slow":
            await asyncio.sleep(self.province.slow_timeout_seconds)
        if res.behaviour == "rate_limited_then_ok":
            key = (hostname, path_qs)
            n = self.counters.get(key, 0)
            self.counters[key] = n + 1
            if n < RATE_LIMIT_FIRST:
                return self._too_many()
        kind = res.kind
        if kind == "redirect":
            return web.Response(status=res.status, headers={"Location": res.location or "/", "Content-Type": "text/html"})
        if kind == "rate_limited":
            return self._too_many()
        if kind == "challenge":
            body, extra = challenge_page(res.challenge or "", hostname, path_qs)
            headers = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"), *extra]
            return web.Response(status=res.status, body=body.encode(), headers=_multi(headers))
        if res.head_405 and request.method == "HEAD":
            return web.Response(status=405, headers={"Allow": "GET, POST"})
        if isinstance(target, SimSite) and res.key[:1] == ("home",) and varies_by_agent(target):
            # Cloaked (or harmlessly varying) homepages: rendered per request, never cached.
            entry = self._site_body(target, path_qs, res, request.headers.get("User-Agent"))
            return self._send(request, entry, res)
        entry = self._body(hostname, path_qs, target, res)
        return self._send(request, entry, res)

    def _too_many(self) -> web.Response:
        return web.Response(status=429, body=TOO_MANY.encode(), headers={"Retry-After": "1", "Content-Type": "text/html"})

    # -- bodies -------------------------------------------------------------------------------

    def _body(self, hostname: str, path_qs: str, target: Any, res: Resource) -> _Body:
        key = (hostname, path_qs)
        hit = self.cache.get(key)
        if hit is not None:
            self.cache.move_to_end(key)
            return hit
        entry = self._make(path_qs, target, res)
        self.cache[key] = entry
        self.cache_bytes += len(entry.raw)
        while len(self.cache) > CACHE_ENTRIES or self.cache_bytes > CACHE_BYTES:
            _, old = self.cache.popitem(last=False)
            self.cache_bytes -= len(old.raw) + len(old.gz or b"")
        return entry

    def _make(self, path_qs: str, target: Any, res: Resource) -> _Body:
        if isinstance(target, SimSite):
            return self._site_body(target, path_qs, res)
        assert isinstance(target, (ExternalHost, AliasHost))
        if res.kind == "page":
            return _Body(200, "text/html; charset=utf-8", target.render(res.key[1]).encode())  # type: ignore[union-attr]
        if res.kind == "file":
            if res.key[0] == "robots":
                return _Body(200, "text/plain", robots_txt(()))
            ext = res.key[1]
            return _Body(200, content_type(ext), file_body(ext, path_qs))
        return _Body(404, "text/html", b"<html><body><h1>404 Not Found</h1></body></html>")

    def _site_body(self, site: SimSite, path_qs: str, res: Resource, user_agent: str | None = None) -> _Body:
        fam = site.family
        html_ct = "text/html" + (f"; charset={site.header_charset}" if site.header_charset else "")
        if res.kind == "page":
            text = render_path(site, path_qs, user_agent)
            if text is not None:
                return _Body(200, html_ct, _encode(site, text))
            res = Resource("not_found", status=200 if "soft_404" in site.roles else 404)
        if res.kind == "file":
            if res.key[0] == "robots":
                return _Body(200, "text/plain", robots_txt(site.robots_disallow()))
            ext = res.key[1]
            return _Body(200, content_type(ext), seeded_file(site, path_qs) or file_body(ext, path_qs))
        if res.status == 200:  # soft 404: the same 页面不存在 page for every unknown URL
            return _Body(200, html_ct, _encode(site, soft_404_page()))
        return _Body(404, html_ct, _encode(site, fam.render_not_found(site)))

    # -- sending -----------------------------------------------------------------------------

    def _send(self, request: web.Request, entry: _Body, res: Resource) -> web.Response:
        headers: list[tuple[str, str]] = [("Content-Type", entry.ctype), *entry.headers]
        body = entry.raw
        is_file = res.kind == "file"
        if is_file:
            headers.append(("Accept-Ranges", "bytes"))
            rng = request.headers.get("Range")
            if rng and entry.status == 200:
                part = _range(rng, len(body))
                if part is None:
                    headers.append(("Content-Range", f"bytes */{len(body)}"))
                    return web.Response(status=416, headers=_multi(headers))
                start, end = part
                headers.append(("Content-Range", f"bytes {start}-{end}/{len(body)}"))
                return web.Response(status=206, body=body[start : end + 1], headers=_multi(headers))
        compressible = entry.ctype.startswith(("text/", "application/javascript"))
        if compressible:
            headers.append(("Vary", "Accept-Encoding"))
            if "gzip" in request.headers.get("Accept-Encoding", "").lower() and len(body) > 256:
                if entry.gz is None:
                    entry.gz = gzip.compress(body, compresslevel=6, mtime=0)
                    self.cache_bytes += len(entry.gz)
                body = entry.gz
                headers.append(("Content-Encoding", "gzip"))
        return web.Response(status=entry.status, body=body, headers=_multi(headers))


HANDLER_KEY = web.AppKey("sandbox", SandboxApp)


def _multi(headers: list[tuple[str, str]]) -> Any:
    from multidict import CIMultiDict

    return CIMultiDict(headers)


def _range(header: str, size: int) -> tuple[int, int] | None:
    """(start, end) inclusive for a single `bytes=a-b` range, None when unsatisfiable."""
    m = _RANGE_RE.match(header.strip())
    if not m or (not m[1] and not m[2]) or size == 0:
        return None
    if not m[1]:  # suffix range: the last N bytes
        n = int(m[2])
        return (max(0, size - n), size - 1) if n else None
    start = int(m[1])
    end = min(int(m[2]), size - 1) if m[2] else size - 1
    return (start, end) if start <= end and start < size else None


def _encode(site: SimSite, text: str) -> bytes:
    # xmlcharrefreplace: a character outside GBK must not crash a page, as with real CMSs.
    return text.encode(site.encoding, errors="xmlcharrefreplace")


def make_app(province: Province) -> web.Application:
    """The aiohttp application serving `province` (one catch-all route)."""
    handler = SandboxApp(province)
    app = web.Application(client_max_size=64 * 1024)
    app[HANDLER_KEY] = handler
    app.router.add_route("*", "/{tail:.*}", handler.handle)
    return app


@dataclass
class ServerHandle:
    """A running server: its port, and how to stop it.

    A live province also listens for HTTPS (one port, certificates by SNI, `ca_pem` the CA
    to trust) and on ::1 for the IPv6 check; `closed_port` is bound but never listens, so a
    connection to it is refused (the sites without HTTPS).
    """

    runner: web.AppRunner
    host: str
    port: int
    app: web.Application
    tls_port: int | None = None
    v6_port: int | None = None
    closed_port: int | None = None
    ca_pem: str | None = None
    closed_socket: socket.socket | None = None

    @property
    def handler(self) -> SandboxApp:
        """The handler (request count, 429 counters)."""
        return self.app[HANDLER_KEY]

    async def close(self) -> None:
        """Stop listening and release the ports."""
        await self.runner.cleanup()
        if self.closed_socket is not None:
            self.closed_socket.close()


async def start_server(province: Province, host: str = "127.0.0.1", port: int = 0) -> ServerHandle:
    """Serve `province` on host:port (0: any free port) in the running event loop."""
    check_loopback(host)
    app = make_app(province)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port, backlog=1024, reuse_address=True)
    await site.start()
    bound = runner.addresses[0][1]
    handle = ServerHandle(runner, host, bound, app)
    if province.mode == "live":
        await _start_extras(handle, province, host)
    return handle


async def _start_extras(handle: ServerHandle, province: Province, host: str) -> None:
    """The HTTPS listener, the IPv6 listener (when ::1 exists) and the refusing port."""
    from govinspect.sandbox.tls import build_tls

    tls = build_tls(province)
    handle.ca_pem = tls.ca_pem
    secure = web.TCPSite(handle.runner, host, 0, ssl_context=tls.server_context(), backlog=1024, reuse_address=True)
    await secure.start()
    handle.tls_port = secure._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        v6 = web.TCPSite(handle.runner, "::1", 0, backlog=256, reuse_address=True)
        await v6.start()
        handle.v6_port = v6._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    except OSError:
        handle.v6_port = None  # no IPv6 on this machine: the IPv6 scenarios cannot be served
    closed = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    closed.bind((host, 0))  # bound, never listening: connections are refused
    handle.closed_socket = closed
    handle.closed_port = closed.getsockname()[1]


class ThreadedServer:
    """The server on its own event loop in a daemon thread (for synchronous tests and the CLI)."""

    def __init__(self, province: Province, host: str = "127.0.0.1", port: int = 0) -> None:
        check_loopback(host)
        self.province = province
        self.host = host
        self._want_port = port
        self.port = 0
        self.handle: ServerHandle | None = None
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="govinspect-sandbox", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self.handle = self._loop.run_until_complete(start_server(self.province, self.host, self._want_port))
            self.port = self.handle.port
        except BaseException as exc:  # noqa: BLE001 - reported to the starting thread
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self.handle.close())
        self._loop.close()

    def start(self) -> ThreadedServer:
        """Start and wait until the port is bound."""
        self._thread.start()
        self._ready.wait(30)
        if self._error is not None:
            raise self._error
        return self

    def stop(self) -> None:
        """Stop the loop and wait for the thread."""
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(30)

    @property
    def handler(self) -> SandboxApp | None:
        """The request handler (for counters and request totals)."""
        return self.handle.handler if self.handle else None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_in_thread(province: Province, port: int = 0, host: str = "127.0.0.1") -> ThreadedServer:
    """Serve `province` from a background thread; returns the started server.

    Use it as a context manager (`with run_in_thread(p) as srv: …`) or call `srv.stop()`.
    """
    return ThreadedServer(province, host, port).start()


def serve_forever(
    province: Province,
    host: str = "127.0.0.1",
    port: int = 8181,
    on_ready: Callable[[int], None] | None = None,
) -> None:
    """Serve until interrupted (Ctrl-C). `on_ready(port)` is called once the port is bound."""

    async def main() -> None:
        handle = await start_server(province, host, port)
        if on_ready is not None:
            on_ready(handle.port)
        try:
            await asyncio.Event().wait()
        finally:
            await handle.close()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
