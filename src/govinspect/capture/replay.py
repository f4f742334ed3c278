"""Re-run an inspection on a stored capture, without crawling again.

`ReplayFetcher` stands where the network `Fetcher` stands and answers every request from the
WARC captures of an earlier run, so the same crawler, analysers and checks run unchanged and
offline: re-analyse after improving a rule, re-score with another profile, reproduce a finding.
The last stored attempt for a (method, URL) is the answer (retries were recorded in order).
"""

from __future__ import annotations

import time
from typing import Any

from govinspect.capture.warc import CaptureReader
from govinspect.net.types import FetchResult

_PROBE_MARK = "-nonexistent.html"


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


class ReplayFetcher:
    """A Fetcher look-alike backed by stored captures (see `net.client.Fetcher`)."""

    def __init__(self, readers: list[CaptureReader]) -> None:
        self._index: dict[tuple[str, str], tuple[CaptureReader, dict[str, Any]]] = {}
        self._probes: dict[str, tuple[CaptureReader, dict[str, Any]]] = {}
        for reader in readers:
            for entry in reader.entries():
                self._index[(entry.get("method", "GET"), entry["url"])] = (reader, entry)
                if entry.get("note") == "soft404-probe":
                    self._probes[_origin(entry["url"])] = (reader, entry)
        self.misses = 0

    def __len__(self) -> int:
        return len(self._index)

    async def __aenter__(self) -> "ReplayFetcher":
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def close(self) -> None:
        """Nothing to release (files are opened per read)."""

    async def resolve(self, host: str, port: int) -> tuple[str | None, str | None]:
        """All replayed hosts share one pseudo address; politeness is moot offline."""
        return "replay", None

    async def fetch(
        self, url: str, *, method: str = "GET", headers: dict[str, str] | None = None,
        max_body: int | None = None, read_body: bool = True, timeout: float | None = None,
        verify_tls: bool = True,
    ) -> FetchResult:
        """The stored answer for (method, url); HEAD and GET stand in for each other."""
        hit = self._index.get((method, url))
        if hit is None:
            other = "GET" if method == "HEAD" else "HEAD"
            hit = self._index.get((other, url))
        if hit is None and _PROBE_MARK in url:
            hit = self._probes.get(_origin(url))
        if hit is None:
            self.misses += 1
            return FetchResult(
                url=url, method=method, outcome="error", final_url=url,
                detail="not in the stored capture", started_at=time.time(),
            )
        reader, entry = hit
        result = reader.fetch_result(entry)
        result.url = url
        result.method = method
        if method == "HEAD" or not read_body:
            result.body = b""
        elif max_body is not None and len(result.body) > max_body:
            result.body = result.body[:max_body]
        return result
