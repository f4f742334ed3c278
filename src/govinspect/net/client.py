"""The one HTTP client of a run: a bounded, guarded, never-raising fetcher on aiohttp.

Design points (each one exists because of a real failure mode):

* One `aiohttp.ClientSession` per run with a bounded pool; nothing is created per request.
* Name resolution goes through `_GuardedResolver`, which applies `--resolve`, `--offline`, the
  run-wide DNS cache and the SSRF guard. Because the connector asks it for every new connection,
  the guard also covers every redirect hop. Literal-IP URLs never reach a resolver in aiohttp,
  so `Fetcher` checks those itself before each hop.
* Redirects are followed by hand so each hop is recorded, re-checked (scheme, host, guard),
  loop-detected and counted, and so one total deadline covers the whole chain.
* Bodies are read in chunks up to a cap; aiohttp decompresses incrementally and applies flow
  control, so counting decompressed chunks and stopping bounds memory for gzip/br bombs too.
* Every exception maps onto the outcome taxonomy of `types.py` in `classify_exception`;
  `Fetcher.fetch` never raises for network trouble (only cancellation propagates).
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any, Self

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.http_exceptions import HttpProcessingError
from yarl import URL

from govinspect import __version__
from govinspect.net.guard import is_forbidden_address
from govinspect.net.types import FetchConfig, FetchResult, Hop

__all__ = ["Fetcher", "classify_exception"]

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_ALLOWED_SCHEMES = frozenset({"http", "https"})
# Large reads keep the per-request Python overhead low; aiohttp's buffer bounds what is held.
_READ_CHUNK = 256 * 1024
# Chinese gov servers send very long Set-Cookie/P3P headers; aiohttp's 8 KB default rejects them.
_MAX_LINE = 16 * 1024
_MAX_FIELD = 32 * 1024
# getaddrinfo is blocking; a dedicated pool so slow lookups do not starve the loop's default
# executor (which has only cpu+4 threads) and many distinct link hosts can resolve at once.
_DNS_THREADS = 16
_MAX_DETAIL = 300
_DEFAULT_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
_DEFAULT_ACCEPT_LANGUAGE = "zh-CN,zh;q=0.9,en;q=0.5"
_ACCEPT_ENCODING = "gzip, deflate, br"
# A host as it must look after yarl's IDNA encoding: LDH labels (underscore tolerated, it
# occurs in real internal names), optional trailing dot. Spaces, '%', '@' etc. are garbage.
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
_NUMERIC_FLAGS = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV


# --------------------------------------------------------------------------- exceptions


class ResolveFailure(Exception):
    """Raised by the resolver for a refusal we decide ourselves (offline, SSRF guard, DNS).

    Deliberately not an OSError: aiohttp wraps OSErrors from the resolver into
    ClientConnectorDNSError, but lets other exceptions through unchanged, so the outcome we
    chose survives to `classify_exception`.
    """

    def __init__(self, outcome: str, detail: str) -> None:
        super().__init__(detail)
        self.outcome = outcome
        self.detail = detail


def _one_line(exc: BaseException) -> str:
    text = str(exc).replace("\r", " ").replace("\n", " ").strip()
    name = type(exc).__name__
    line = f"{name}: {text}" if text else name
    return line if len(line) <= _MAX_DETAIL else line[: _MAX_DETAIL - 1] + "…"


# Most specific first: the first matching row wins. aiohttp's hierarchy nests (e.g.
# ClientConnectorDNSError < ClientConnectorError < ClientOSError < OSError and
# ConnectionTimeoutError < ServerTimeoutError < TimeoutError), so order is the whole logic.
_EXCEPTION_TABLE: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], str], ...] = (
    (aiohttp.ClientConnectorDNSError, "dns"),
    (socket.gaierror, "dns"),
    ((aiohttp.ClientConnectorCertificateError, aiohttp.ClientSSLError), "tls"),
    ((ssl.SSLError, ssl.CertificateError), "tls"),
    (aiohttp.ConnectionTimeoutError, "connect_timeout"),
    (ConnectionRefusedError, "refused"),
    ((aiohttp.InvalidURL, aiohttp.NonHttpUrlClientError), "invalid_url"),
    ((aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError), "reset"),
    ((ConnectionResetError, ConnectionAbortedError, BrokenPipeError), "reset"),
    ((aiohttp.ClientResponseError, HttpProcessingError), "reset"),  # malformed response
    (TimeoutError, "timeout"),  # asyncio.TimeoutError is TimeoutError on 3.11
    (aiohttp.ClientConnectorError, "error"),  # unreachable network etc.; refined below
    (aiohttp.ClientOSError, "reset"),  # an OS error on an established connection
    (UnicodeError, "invalid_url"),  # IDNA encoding of a garbage host
    (ValueError, "invalid_url"),  # yarl / aiohttp URL building
)

# Connect-phase OS errors aiohttp wraps into a plain ClientConnectorError.
_CONNECT_ERRNO: dict[int, str] = {
    errno.ECONNREFUSED: "refused",
    errno.ETIMEDOUT: "connect_timeout",
    errno.ECONNRESET: "reset",
}


def classify_exception(exc: BaseException) -> tuple[str, str]:
    """Map any exception from a fetch onto ``(outcome, one-line detail)``.

    The single place where aiohttp/OS/asyncio errors meet the outcome taxonomy of
    `govinspect.net.types`; anything unknown becomes ``error`` with its detail kept.
    """
    if isinstance(exc, ResolveFailure):
        return exc.outcome, exc.detail
    if type(exc) is aiohttp.ClientConnectorError:  # not its DNS/TLS subclasses
        # A failed connect: the wrapped OS error says what actually happened.
        os_error = exc.os_error
        outcome = _CONNECT_ERRNO.get(exc.errno or 0) or _CONNECT_ERRNO.get(os_error.errno or 0)
        if outcome is None and isinstance(os_error, TimeoutError):
            outcome = "connect_timeout"
        if outcome is not None:
            return outcome, _one_line(exc)
    for types_, outcome in _EXCEPTION_TABLE:
        if isinstance(exc, types_):
            return outcome, _one_line(exc)
    return "error", _one_line(exc)


# --------------------------------------------------------------------------- resolution


@lru_cache(maxsize=4096)
def _ip_literal(host: str) -> str | None:
    """The normalised address when `host` is an IP literal (brackets allowed), else None."""
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def _family_of(ip: str) -> int:
    return socket.AF_INET6 if ":" in ip else socket.AF_INET


class _GuardedResolver(AbstractResolver):
    """aiohttp resolver applying --resolve, --offline, a run-wide cache and the SSRF guard."""

    def __init__(self, config: FetchConfig) -> None:
        # Host names compare case-insensitively and without the FQDN trailing dot.
        self._map: dict[tuple[str, int], tuple[str, int]] = {
            (host.lower().rstrip("."), port): target
            for (host, port), target in config.resolve.items()
        }
        self._offline = config.offline
        self._allow_private = config.allow_private
        self._dns_timeout = config.connect_timeout
        # host → task resolving to (addresses, None) or ((), (outcome, detail)). Tasks rather
        # than values so concurrent first lookups of a host share one getaddrinfo call.
        self._lookups: dict[
            str, asyncio.Task[tuple[tuple[tuple[int, str], ...], tuple[str, str] | None]]
        ] = {}
        self._executor: ThreadPoolExecutor | None = None

    def mapped(self, host: str, port: int) -> tuple[str, int] | None:
        """The --resolve target for (host, port), if the operator gave one."""
        return self._map.get((host.lower().rstrip("."), port))

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """aiohttp hook: addresses to connect to for host:port, or raise ResolveFailure."""
        target = self.mapped(host, port)
        if target is not None:
            addr, mport = target
            if _ip_literal(addr) is None:
                raise ResolveFailure("dns", f"--resolve target {addr!r} for {host} is not an IP")
            return [
                {
                    "hostname": host,
                    "host": _ip_literal(addr) or addr,
                    "port": mport,
                    "family": _family_of(addr),
                    "proto": 0,
                    "flags": _NUMERIC_FLAGS,
                }
            ]
        addrs, failure = await self.lookup(host)
        if failure is not None:
            raise ResolveFailure(*failure)
        results: list[ResolveResult] = [
            {
                "hostname": host,
                "host": ip,
                "port": port,
                "family": fam,
                "proto": 0,
                "flags": _NUMERIC_FLAGS,
            }
            for fam, ip in addrs
            if not family or fam == family
        ]
        if not results:
            raise ResolveFailure("dns", f"{host} has no address of the requested family")
        return results

    async def lookup(self, host: str) -> tuple[tuple[tuple[int, str], ...], tuple[str, str] | None]:
        """Guarded, cached DNS answer for `host`: (addresses, failure); failure is (outcome, detail)."""
        key = host.lower().rstrip(".")
        if self._offline:
            return (), ("dns", f"offline: {host} not given by --resolve")
        task = self._lookups.get(key)
        if task is None:
            task = asyncio.ensure_future(self._lookup_uncached(key))
            self._lookups[key] = task
        if task.done():
            return task.result()
        # Shielded: a cancelled caller must not cancel the lookup other callers share.
        return await asyncio.shield(task)

    async def _lookup_uncached(
        self, host: str
    ) -> tuple[tuple[tuple[int, str], ...], tuple[str, str] | None]:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(_DNS_THREADS, thread_name_prefix="govinspect-dns")
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self._dns_timeout):
                infos = await loop.run_in_executor(
                    self._executor,
                    lambda: socket.getaddrinfo(
                        host, 0, 0, socket.SOCK_STREAM, 0, socket.AI_ADDRCONFIG
                    ),
                )
        except TimeoutError:
            return (), ("dns", f"DNS lookup of {host} timed out after {self._dns_timeout:g} s")
        except (OSError, UnicodeError) as exc:
            return (), ("dns", f"{host}: {_one_line(exc)}")
        seen: set[str] = set()
        addrs: list[tuple[int, str]] = []
        for fam, _type, _proto, _canon, sockaddr in infos:
            if fam not in (socket.AF_INET, socket.AF_INET6):
                continue
            ip = str(sockaddr[0]).split("%", 1)[0]
            if ip not in seen:
                seen.add(ip)
                addrs.append((fam, ip))
        if not addrs:
            return (), ("dns", f"{host} has no usable address")
        if not self._allow_private:
            allowed = [a for a in addrs if not is_forbidden_address(a[1])]
            if not allowed:
                detail = (
                    f"{host} resolves to {addrs[0][1]}, a private/reserved address "
                    "(refused; --allow-private lifts this)"
                )
                return (), ("blocked_private", detail)
            addrs = allowed
        return tuple(addrs), None

    def forget(self, host: str) -> None:
        """Drop a finished lookup of `host`, so the next connection resolves it afresh."""
        key = host.lower().rstrip(".")
        task = self._lookups.get(key)
        if task is not None and task.done():
            del self._lookups[key]

    def cached_address(self, host: str) -> str | None:
        """The first address already resolved for `host` in this run, without waiting."""
        task = self._lookups.get(host.lower().rstrip("."))
        if task is None or not task.done() or task.cancelled():
            return None
        addrs, _failure = task.result()
        return addrs[0][1] if addrs else None

    async def close(self) -> None:
        """Release the lookup threads and forget pending lookups."""
        for task in self._lookups.values():
            if not task.done():
                task.cancel()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


# --------------------------------------------------------------------------- fetcher


class Fetcher:
    """Async HTTP fetcher for a whole run. Use as ``async with Fetcher(config) as f:``.

    `fetch` never raises for network problems; the outcome taxonomy in
    `govinspect.net.types` says what happened.
    """

    def __init__(self, config: FetchConfig | None = None) -> None:
        self.config = config if config is not None else FetchConfig()
        self._resolver = _GuardedResolver(self.config)
        self._session: aiohttp.ClientSession | None = None
        self._ssl: ssl.SSLContext | bool = True
        if self.config.ca_pem:
            self._ssl = self.verifying_context()
        # str.replace rather than str.format: a user-supplied UA may contain other braces.
        self.user_agent = self.config.user_agent.replace("{version}", __version__)
        self._default_headers = {
            "User-Agent": self.user_agent,
            "Accept": _DEFAULT_ACCEPT,
            "Accept-Language": _DEFAULT_ACCEPT_LANGUAGE,
            "Accept-Encoding": _ACCEPT_ENCODING,
        }

    async def __aenter__(self) -> Self:
        self._open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self.config.max_connections,
                limit_per_host=0,  # per-host politeness is the crawler's job
                resolver=self._resolver,
                use_dns_cache=False,  # the resolver caches (and must see every connect)
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers=self._default_headers,
                # No shared cookie jar: cookies leaking between sites would change what a
                # page looks like; within one redirect chain `fetch` carries them itself.
                cookie_jar=aiohttp.DummyCookieJar(),
                trust_env=False,  # never route through an environment proxy
                auto_decompress=True,
                timeout=aiohttp.ClientTimeout(
                    total=self.config.timeout, sock_connect=self.config.connect_timeout
                ),
                max_line_size=_MAX_LINE,
                max_field_size=_MAX_FIELD,
            )
        return self._session

    async def close(self) -> None:
        """Close the session and the resolver; safe to call twice."""
        session, self._session = self._session, None
        if session is not None:
            await session.close()
        await self._resolver.close()

    async def resolve(self, host: str, port: int) -> tuple[str | None, str | None]:
        """Return ``(ip, None)`` for where a request to host:port would go, or ``(None, outcome)``.

        Uses the same --resolve map, offline rule, cache and SSRF guard as `fetch`, so the
        crawler can key per-IP politeness on the answer.
        """
        target = self._resolver.mapped(host, port)
        if target is not None:
            ip = _ip_literal(target[0])
            return (ip, None) if ip is not None else (None, "dns")
        literal = _ip_literal(host)
        if literal is not None:
            if not self.config.allow_private and is_forbidden_address(literal):
                return None, "blocked_private"
            return literal, None
        addrs, failure = await self._resolver.lookup(host)
        if failure is not None:
            return None, failure[0]
        return addrs[0][1], None

    def mapped_target(self, host: str, port: int) -> tuple[str, int] | None:
        """The --resolve target (address, port) for host:port, if the operator gave one."""
        target = self._resolver.mapped(host, port)
        if target is None:
            return None
        ip = _ip_literal(target[0])
        return (ip, target[1]) if ip is not None else None

    def verifying_context(self) -> ssl.SSLContext:
        """A certificate-verifying TLS context: the system store plus `config.ca_pem`."""
        context = ssl.create_default_context()
        if self.config.ca_pem:
            context.load_verify_locations(cadata=self.config.ca_pem)
        return context

    def forget_address(self, host: str) -> None:
        """Resolve `host` afresh on its next request (answers are otherwise cached for the run).

        A crawl is short and keeps its answers; the availability monitor runs for days and must
        see a name that stops (or starts again) resolving.
        """
        self._resolver.forget(host)

    def _check_target(self, url: URL) -> tuple[str, str] | None:
        """Refuse a hop before connecting: scheme, host syntax, and literal IPs vs the guard."""
        scheme = url.scheme
        if scheme not in _ALLOWED_SCHEMES:
            return "invalid_url", f"unsupported scheme {scheme!r}" if scheme else "no scheme"
        host = url.raw_host
        if not host:
            return "invalid_url", "no host"
        literal = _ip_literal(host)
        if literal is None:
            if not _HOST_CHARS.issuperset(host) or ".." in host or host.startswith("."):
                return "invalid_url", f"invalid host {host!r}"
            return None
        # aiohttp does not consult the resolver for IP literals, so the guard runs here.
        if (
            not self.config.allow_private
            and self._resolver.mapped(host, url.port or 0) is None
            and is_forbidden_address(literal)
        ):
            return (
                "blocked_private",
                f"{literal} is a private/reserved address (refused; --allow-private lifts this)",
            )
        return None

    async def fetch(
        self,
        url: str,
        *,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        max_body: int | None = None,
        read_body: bool = True,
        timeout: float | None = None,
        verify_tls: bool = True,
    ) -> FetchResult:
        """Fetch `url`, following redirects, and describe what happened; never raises.

        `max_body` caps the bytes kept (default `config.max_body`; the decompressed size is
        also capped by `config.max_decompressed`); `read_body=False` returns after the headers;
        `timeout` overrides `config.timeout` as the total budget for the whole redirect chain;
        `verify_tls=False` accepts any certificate (used only to see what a browser would show
        when a server omits its intermediate certificate).
        """
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        method = method.upper()
        result = FetchResult(
            url=url, method=method, outcome="error", final_url=url, started_at=time.time()
        )
        try:
            await self._fetch(result, loop, t0, method, headers, max_body, read_body, timeout, verify_tls)
        except Exception as exc:  # noqa: BLE001 - contract: trouble is an outcome, never a raise
            result.outcome, result.detail = classify_exception(exc)
        result.elapsed = loop.time() - t0
        return result

    async def _fetch(
        self,
        result: FetchResult,
        loop: asyncio.AbstractEventLoop,
        t0: float,
        method: str,
        headers: dict[str, str] | None,
        max_body: int | None,
        read_body: bool,
        timeout: float | None,
        verify_tls: bool = True,
    ) -> None:
        cfg = self.config
        session = self._open()
        deadline = t0 + (cfg.timeout if timeout is None else timeout)
        try:
            current = URL(result.url)
        except (ValueError, TypeError, UnicodeError) as exc:
            result.outcome, result.detail = "invalid_url", _one_line(exc)
            return
        # (url, cookies) pairs already requested: the same URL with new cookies is a cookie
        # check (set cookie, redirect to self), not a loop; the same pair twice is a loop.
        seen: set[tuple[str, str]] = set()
        cookies: dict[str, str] = {}
        while True:
            current = current.with_fragment(None)
            result.final_url = str(current)
            refusal = self._check_target(current)
            if refusal is not None:
                result.outcome, result.detail = refusal
                return
            cookie_header = "; ".join(f"{k}={v}" for k, v in cookies.items())
            key = (result.final_url, cookie_header)
            if key in seen:
                result.outcome = "redirect_loop"
                result.detail = f"redirected back to {result.final_url}"
                return
            seen.add(key)

            remaining = deadline - loop.time()
            if remaining <= 0:
                result.outcome, result.detail = "timeout", "total timeout spent on redirects"
                return
            hop_headers = headers
            if cookie_header:
                hop_headers = {**(headers or {}), "Cookie": cookie_header}
            try:
                resp = await session.request(
                    method,
                    current,
                    headers=hop_headers,
                    allow_redirects=False,
                    ssl=self._ssl if verify_tls else False,
                    timeout=aiohttp.ClientTimeout(
                        total=remaining, sock_connect=min(cfg.connect_timeout, remaining)
                    ),
                )
            except Exception as exc:  # noqa: BLE001 - every failure maps onto an outcome
                result.outcome, result.detail = classify_exception(exc)
                result.request_headers = self._planned_headers(current, hop_headers)
                return
            try:
                self._record_response(result, resp, current)
                location = (
                    resp.headers.get("Location") if resp.status in _REDIRECT_STATUSES else None
                )
                if location is None:
                    # The final response.
                    if method == "HEAD" or not read_body:
                        result.outcome = "ok"
                        return
                    limit = cfg.max_body if max_body is None else max_body
                    await self._read_body(result, resp, limit)
                    return
                result.redirects.append(Hop(result.final_url, resp.status, location))
                if len(result.redirects) > cfg.max_redirects:
                    result.outcome = "too_many_redirects"
                    result.detail = f"more than {cfg.max_redirects} redirects"
                    return
                try:
                    nxt = current.join(URL(location.strip()))
                except (ValueError, TypeError, UnicodeError) as exc:
                    result.outcome = "invalid_url"
                    result.detail = f"redirect to invalid Location {location!r}: {_one_line(exc)}"
                    return
                if nxt.scheme not in _ALLOWED_SCHEMES:
                    result.outcome = "invalid_url"
                    result.detail = f"redirect to unsupported scheme in {location!r}"
                    return
                self._carry_cookies(resp, current, nxt, cookies)
                # 303 means "GET the other resource"; 301/302 after POST become GET as in
                # browsers. HEAD stays HEAD so a link check never downloads a body.
                if method != "HEAD" and (
                    resp.status == 303 or (resp.status in (301, 302) and method == "POST")
                ):
                    method = "GET"
                current = nxt
            finally:
                # Reuses the connection when the (unread) body already arrived, else closes it.
                resp.release()

    def _record_response(self, result: FetchResult, resp: aiohttp.ClientResponse, url: URL) -> None:
        result.status = resp.status
        result.headers = list(resp.headers.items())
        result.request_headers = list(resp.request_info.headers.items())
        result.remote_ip = self._peer_ip(resp, url)

    def _peer_ip(self, resp: aiohttp.ClientResponse, url: URL) -> str | None:
        conn = resp.connection
        transport = conn.transport if conn is not None else None
        if transport is not None:
            peer: Any = transport.get_extra_info("peername")
            if peer:
                return str(peer[0])
        # Connection already released (empty body): fall back to what the resolver decided.
        host = url.raw_host or ""
        target = self._resolver.mapped(host, url.port or 0)
        if target is not None:
            return target[0]
        literal = _ip_literal(host)
        if literal is not None:
            return literal
        return self._resolver.cached_address(host)

    async def _read_body(
        self, result: FetchResult, resp: aiohttp.ClientResponse, max_body: int
    ) -> None:
        """Stream the (decompressed) body into `result` up to the caps; keep partial bodies."""
        hard_cap = self.config.max_decompressed
        limit = min(max_body, hard_cap)
        content = resp.content
        chunks: list[bytes] = []
        got = 0
        try:
            while got < limit:
                chunk = await content.read(min(limit - got, _READ_CHUNK))
                if not chunk:
                    break
                chunks.append(chunk)
                got += len(chunk)
                if content.at_eof():
                    break  # the whole body is in: no extra read (and loop turn) to learn it
            truncated = False
            if got >= limit and not content.at_eof():
                # Exactly at the cap: one more byte tells "complete" from "cut".
                truncated = bool(await content.read(1))
        except Exception as exc:  # noqa: BLE001 - mapped by classify_exception
            # Timed out or cut mid-body: the response did arrive, keep what was read.
            result.body = b"".join(chunks)
            result.outcome, detail = classify_exception(exc)
            result.detail = f"after {got} body bytes: {detail}"
            return
        result.body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        if truncated:
            result.outcome = "truncated"
            cap = "max_body" if max_body <= hard_cap else "max_decompressed"
            encoding = resp.headers.get("Content-Encoding")
            result.detail = f"body cut at {limit} bytes ({cap}" + (
                f", Content-Encoding {encoding})" if encoding else ")"
            )
        else:
            result.outcome = "ok"

    @staticmethod
    def _carry_cookies(
        resp: aiohttp.ClientResponse, current: URL, nxt: URL, cookies: dict[str, str]
    ) -> None:
        """Keep Set-Cookie values for the rest of this redirect chain (same host only).

        Many government WAFs answer the first request with "set cookie, redirect to self";
        without carrying the cookie that looks like a loop. Nothing outlives the chain.
        """
        if nxt.raw_host != current.raw_host:
            cookies.clear()
            return
        for value in resp.headers.getall("Set-Cookie", ()):
            pair = value.split(";", 1)[0]
            name, sep, val = pair.partition("=")
            name = name.strip()
            if sep and name:
                cookies[name] = val.strip()

    def _planned_headers(self, url: URL, extra: dict[str, str] | None) -> list[tuple[str, str]]:
        """The headers a failed request would have sent (no response to read them from)."""
        merged: dict[str, str] = {}
        host = url.raw_host or ""
        if url.port is not None and not url.is_default_port():
            host = f"{host}:{url.port}"
        merged["Host"] = host
        merged.update(self._default_headers)
        if extra:
            lower = {k.lower(): k for k in merged}
            for k, v in extra.items():
                old = lower.get(k.lower())
                if old is not None and old != k:
                    del merged[old]
                merged[k] = v
        return list(merged.items())
