"""Worker processes, a sandbox server that records every request, and result comparison."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from aiohttp import web

from govinspect.sandbox.model import Province
from govinspect.sandbox.server import SandboxApp

SRC = str(Path(__file__).resolve().parents[2] / "src")

# Fields left out when a distributed campaign is compared with an embedded one, and why:
# - checked_at / seen_at / fetched_at: wall-clock times of the fetches (the runs are minutes apart);
# - stats.seconds: how long the site took;
# - counters: request and retry counts, which vary with timing (a HEAD answered before or after
#   a GET of the same target, a 429 met once or twice) while the facts they lead to do not;
# - attempt, capture: where the evidence was written (attempts/NNN/ embedded,
#   attempts/distributed/<key>.<lease token> distributed) — by design different;
# - footer.page_meta.missing_pages: the first few pages seen without a meta tag (examples, in
#   the order pages finished), while the counts and the finding stay compared;
# - search.queries[].query/expected/url: which list item the search check looked for is taken
#   from the first items seen (page-finish order again); its outcome and verdict stay compared;
# - the first page and the kept sample of pages of a fact seen on several pages (`source`/`sources`
#   next to `source_count` > 1, `page`/`pages` next to `page_count` > 1), and the capped example
#   lists (EXAMPLES_KEYS, compared by length): which pages come first is page-finish order, while
#   the counts stay compared;
# Lists are compared as multisets: pages finish in a different order on every crawl.
TIME_KEYS = frozenset({"checked_at", "seen_at", "fetched_at"})
ORDER_KEYS = frozenset({"missing_pages"})
EXAMPLES_KEYS = frozenset({"forms", "excluded_forms", "letter_lists", "channel_links", "service_links"})
SITE_KEYS_IGNORED = frozenset({"counters", "attempt", "capture"})


def normalise(value: Any, *, top: bool = True) -> Any:
    """`value` without the ignored fields, lists sorted (see above)."""
    import json

    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in TIME_KEYS or k in ORDER_KEYS or (top and k in SITE_KEYS_IGNORED):
                continue
            if (k == "sources" and "source_count" in value) or (k == "pages" and "page_count" in value):
                continue
            if (k == "source" and (value.get("source_count") or 1) > 1) or (
                    k == "page" and (value.get("page_count") or 1) > 1):
                continue
            if k in EXAMPLES_KEYS and isinstance(v, list):
                out[k] = len(v)
                continue
            if top and k == "stats":
                v = {sk: sv for sk, sv in v.items() if sk != "seconds"}
            if top and k == "search" and isinstance(v, dict) and isinstance(v.get("queries"), list):
                v = {**v, "queries": [{qk: qv for qk, qv in q.items() if qk not in ("query", "expected", "url")}
                                      for q in v["queries"] if isinstance(q, dict)]}
            out[k] = normalise(v, top=False)
        return out
    if isinstance(value, list):
        items = [normalise(v, top=False) for v in value]
        return sorted(items, key=lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False))
    return value


def worker_env(scale_env: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(scale_env)
    env["PYTHONPATH"] = SRC + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


@dataclass
class WorkerProc:
    """A `govinspect worker` in its own process group (so SIGKILL takes the pool with it)."""

    name: str
    proc: subprocess.Popen
    log: Path

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


def start_worker(name: str, scale_env: dict[str, str], log_dir: Path, concurrency: int = 1) -> WorkerProc:
    """Start `govinspect worker -c N -n NAME@test` and wait (≤ 60 s) until it is ready."""
    log = log_dir / f"{name}.log"
    fh = open(log, "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "govinspect", "worker", "--concurrency", str(concurrency), "--name", f"{name}@test",
         "--loglevel", "INFO"],
        stdout=fh, stderr=subprocess.STDOUT, env=worker_env(scale_env), start_new_session=True,
    )
    fh.close()
    worker = WorkerProc(name, proc, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if "ready." in worker.text():
            return worker
        if proc.poll() is not None:
            raise AssertionError(f"worker {name} exited: {worker.text()[-2000:]}")
        time.sleep(0.1)
    worker.kill()
    raise AssertionError(f"worker {name} not ready within 60 s: {worker.text()[-2000:]}")


@dataclass
class RequestLog:
    """(host, start, end, hop) of every request the server answered, in monotonic seconds.

    `hop`: the request asked for exactly the place a 3xx answer had just sent the client to. The
    crawler follows a redirect inside the politeness slot of the request that met it (local and
    shared limiter alike), so a hop is not a request of its own host's slot.
    """

    entries: list[tuple[str, float, float, bool]] = field(default_factory=list)
    sent_to: dict[tuple[str, str], float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def for_host(self, host: str) -> list[tuple[float, float, bool]]:
        with self.lock:
            return sorted((s, e, hop) for h, s, e, hop in self.entries if h == host)


def slot_starts(windows: list[tuple[float, float, bool]]) -> list[float]:
    """Starts of the requests that took a politeness slot (redirect hops left out)."""
    return sorted(s for s, _, hop in windows if not hop)


def max_in_window(starts: list[float], width: float = 1.0) -> int:
    """The most starts within any closed window of `width` seconds."""
    best = j = 0
    for i, s in enumerate(starts):
        while starts[j] < s - width:
            j += 1
        best = max(best, i - j + 1)
    return best


def max_overlap(windows: list[tuple[float, float, bool]]) -> int:
    """The most slot-taking requests in progress at one instant."""
    own = [(s, e) for s, e, hop in windows if not hop]
    events = sorted([(s, 1) for s, _ in own] + [(e, -1) for _, e in own], key=lambda x: (x[0], x[1]))
    best = cur = 0
    for _, d in events:
        cur += d
        best = max(best, cur)
    return best


class RecordingServer:
    """The province on 127.0.0.1 in a thread, recording each request's host and time window."""

    def __init__(self, province: Province) -> None:
        self.province = province
        self.log = RequestLog()
        self.port = 0
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        sandbox = SandboxApp(self.province)

        @web.middleware
        async def record(request: web.Request, handler: Any) -> web.StreamResponse:
            start = time.monotonic()
            host = (request.host or "").rsplit(":", 1)[0].lower()
            with self.log.lock:
                sent = self.log.sent_to.pop((host, request.raw_path), None)
            hop = sent is not None and start - sent < 5.0
            try:
                response = await handler(request)
                if 300 <= response.status < 400 and response.headers.get("Location"):
                    target = urlsplit(urljoin(f"http://{host}{request.raw_path}", response.headers["Location"]))
                    path = (target.path or "/") + (f"?{target.query}" if target.query else "")
                    with self.log.lock:
                        self.log.sent_to[((target.hostname or "").lower(), path)] = time.monotonic()
                return response
            finally:
                with self.log.lock:
                    self.log.entries.append((host, start, time.monotonic(), hop))

        async def main() -> None:
            app = web.Application(middlewares=[record])
            app.router.add_route("*", "/{tail:.*}", sandbox.handle)
            runner = web.AppRunner(app, access_log=None, handle_signals=False)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            self.port = runner.addresses[0][1]
            self._runner = runner
            self._ready.set()

        loop.run_until_complete(main())
        loop.run_forever()
        loop.run_until_complete(self._runner.cleanup())
        loop.close()

    def __enter__(self) -> "RecordingServer":
        self._thread.start()
        assert self._ready.wait(30)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._loop is not None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(30)
