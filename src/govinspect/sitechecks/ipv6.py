"""IPv6: has the site's host an AAAA record, and does its homepage answer over IPv6.

The AAAA answer honours `--resolve`/`--offline`: when the operator maps the host, the mappings
are the DNS (an IPv6 mapping such as `HOST:80:[::1]:8181` is the AAAA record; without one there
is none); offline without a mapping, nothing is judged. Otherwise one DNS query for AAAA only
(not through AI_ADDRCONFIG, which hides AAAA records on machines without IPv6). The GET goes
through a `Fetcher` pinned to the IPv6 address, with the run's limits and guard. When this
machine itself has no IPv6 route the site cannot be judged: "not checked".
"""

from __future__ import annotations

import asyncio
import dataclasses
import errno
import socket
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from govinspect.net.client import Fetcher
from govinspect.net.guard import is_forbidden_address

_NO_RECORD = {getattr(socket, n) for n in ("EAI_NONAME", "EAI_NODATA", "EAI_ADDRFAMILY") if hasattr(socket, n)}
_LOCAL = ("Network is unreachable", "Cannot assign requested address", "Address family not supported")
_LOCAL_ERRNOS = {errno.ENETUNREACH, errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT}


async def aaaa_addresses(fetcher: Fetcher, host: str, port: int, timeout: float) -> tuple[list[tuple[str, int]], str | None]:
    """(IPv6 addresses with ports, None) or ([], why not judged); ([], None) means no AAAA."""
    cfg = fetcher.config
    key = (host.lower().rstrip("."), port)
    if key in cfg.resolve_v6:
        return [cfg.resolve_v6[key]], None
    mapped = {h for h, _p in cfg.resolve} | {h for h, _p in cfg.resolve_v6}
    if key[0] in mapped:
        v6 = fetcher.mapped_target(*key)
        if v6 is not None and ":" in v6[0]:
            return [v6], None
        return [], None
    if cfg.offline:
        return [], "offline"
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(
            loop.run_in_executor(None, lambda: socket.getaddrinfo(host, port, socket.AF_INET6, socket.SOCK_STREAM)),
            timeout,
        )
    except TimeoutError:
        return [], "dns_timeout"
    except socket.gaierror as exc:
        return ([], None) if exc.errno in _NO_RECORD else ([], "dns_error")
    except (OSError, UnicodeError):
        return [], "dns_error"
    addrs: list[tuple[str, int]] = []
    for _fam, _type, _proto, _canon, sockaddr in infos:
        ip = str(sockaddr[0]).split("%", 1)[0]
        if (ip, port) not in addrs:
            addrs.append((ip, port))
    if not cfg.allow_private:
        allowed = [a for a in addrs if not is_forbidden_address(a[0])]
        if addrs and not allowed:
            return [], "blocked_private"
        addrs = allowed
    return addrs, None


async def probe_ipv6(fetcher: Fetcher, home_url: str, *, timeout: float = 10.0, now: datetime | None = None) -> dict[str, Any]:
    """The IPv6 facts of the site answering at `home_url` (results.json `ipv6`); never raises."""
    parts = urlsplit(home_url)
    host = (parts.hostname or "").lower()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    out: dict[str, Any] = {
        "host": host, "status": "not_checked", "aaaa": None, "addresses": [], "answers": None,
        "http_status": None, "reason": None,
        "checked_at": (now or datetime.now().astimezone()).isoformat(timespec="seconds"),
    }
    addrs, why = await aaaa_addresses(fetcher, host, port, timeout)
    if why is not None:
        out["reason"] = why
        return out
    out["aaaa"] = bool(addrs)
    out["addresses"] = [a for a, _p in addrs]
    if not addrs:
        out["status"] = "no_aaaa"
        return out
    ip, cport = addrs[0]
    config = dataclasses.replace(
        fetcher.config, resolve={(host, port): (ip, cport)}, resolve_v6={}, offline=True, timeout=timeout,
        connect_timeout=min(timeout, fetcher.config.connect_timeout),
    )
    async with Fetcher(config) as v6:
        result = await v6.fetch(home_url, read_body=False, timeout=timeout)
    out["http_status"] = result.status
    out["answers"] = result.responded
    if result.responded:
        out["status"] = "supported" if (result.status or 0) < 400 else "http_error"
        out["reason"] = None if out["status"] == "supported" else f"http_{result.status}"
        return out
    local = any(s in result.detail for s in _LOCAL) or any(f"[Errno {e}]" in result.detail for e in _LOCAL_ERRNOS)
    out["status"] = "not_checked" if local else "unreachable"
    out["reason"] = "local_network" if local else result.outcome
    out["detail"] = result.detail[:200]
    return out
