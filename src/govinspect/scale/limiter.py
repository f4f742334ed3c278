"""Per-host and per-IP politeness across processes and machines: slots kept in Redis.

The semantics are those of `crawl/politeness.py`'s local slots, held by every worker together:

- at most `concurrency` requests at once to a host (and to an IP address);
- request starts spaced by at least `interval` seconds (per host, and per IP), plus a margin
  (data/scaleout.yaml) so that they still arrive that far apart at the server;
- a pause (Retry-After, the error-rate safeguard) holds every worker's requests to the host;
- a trip (the safeguard gave up on the host) stops every worker's requests to it, for
  `trip_hold_seconds`.

One Lua script takes the host's and the IP's slot atomically (both or neither, so a worker never
sits on a host slot while it waits for the IP), with Redis's own clock (`TIME`), so machines
with skewed clocks still space their requests correctly. A slot is a member of a sorted set
scored by its expiry: a process that dies holding one frees it after `slot_lease_seconds`.

Keys: PREFIX:lim:h:HOST:{c,n,p,t} (holders, next start, paused until, tripped) and
PREFIX:lim:ip:IP:{c,n}.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
import uuid
from collections.abc import Callable, Coroutine
from typing import Any

from govinspect.crawl.politeness import HostTripped

from govinspect.scale.settings import ScaleError, defaults

__all__ = ["RedisLimiter"]

# KEYS: host holders, host next, host pause, host tripped [, ip holders, ip next]
# ARGV: token, lease ms, host concurrency, host interval ms, ip concurrency, ip interval ms
# Returns 0 (taken), a positive number of ms to wait (interval, pause), -1 (full: poll) or
# -2 (the host is tripped).
_ACQUIRE = """
if redis.call('EXISTS', KEYS[4]) == 1 then return -2 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[2])
local wait = 0
local full = false
local function look(holders, nxt, conc)
  redis.call('ZREMRANGEBYSCORE', holders, '-inf', now)
  local n = tonumber(redis.call('GET', nxt) or '0')
  if n > now then wait = math.max(wait, n - now) end
  if redis.call('ZCARD', holders) >= conc then full = true end
end
look(KEYS[1], KEYS[2], tonumber(ARGV[3]))
local p = tonumber(redis.call('GET', KEYS[3]) or '0')
if p > now then wait = math.max(wait, p - now) end
local has_ip = #KEYS >= 6
if has_ip then look(KEYS[5], KEYS[6], tonumber(ARGV[5])) end
if full then return -1 end
if wait > 0 then return wait end
local function take(holders, nxt, interval)
  redis.call('ZADD', holders, now + lease, ARGV[1])
  redis.call('PEXPIRE', holders, lease)
  redis.call('SET', nxt, now + interval, 'PX', interval + 1000)
end
take(KEYS[1], KEYS[2], tonumber(ARGV[4]))
if has_ip then take(KEYS[5], KEYS[6], tonumber(ARGV[6])) end
return 0
"""

# KEYS: pause key; ARGV: ms
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ms = now + tonumber(ARGV[1])
local old = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ms > old then redis.call('SET', KEYS[1], until_ms, 'PX', tonumber(ARGV[1]) + 1000) end
return until_ms
"""


class RedisLimiter:
    """A `SharedLimiter` in Redis. Create inside the event loop that uses it; `aclose()` at the end.

    When Redis cannot be reached for `outage_wait_seconds`, requests go on under the process's
    own limits (which `Politeness` applies anyway) and `outages` counts them: failing every site
    of a campaign because the limiter is down would cost more than a short spell of per-worker
    limits. The wait itself is the politeness: nothing is sent while Redis is coming back.
    """

    def __init__(self, url: str, prefix: str = "govinspect", *, slot_lease_seconds: float | None = None,
                 outage_wait_seconds: float | None = None, start_margin_seconds: float | None = None) -> None:
        try:
            import redis.asyncio as aioredis
        except ImportError:
            raise ScaleError("the shared limiter needs redis: pip install 'govinspect[scale]'") from None
        conf = defaults()["limiter"]
        self.prefix = f"{prefix}:lim"
        self.lease_ms = int(1000 * (slot_lease_seconds or conf["slot_lease_seconds"]))
        self.outage_wait = float(outage_wait_seconds if outage_wait_seconds is not None else conf["outage_wait_seconds"])
        self.poll = (float(conf["poll_min_seconds"]), float(conf["poll_max_seconds"]))
        self.trip_hold_ms = int(1000 * float(conf["trip_hold_seconds"]))
        margin = conf["start_margin_seconds"] if start_margin_seconds is None else start_margin_seconds
        # A margin given in seconds replaces the configured share too: 0 means none at all.
        share = conf["start_margin_share"] if start_margin_seconds is None else 0.0
        self.margin = (float(margin), float(share))
        self._redis = aioredis.from_url(url, socket_connect_timeout=5, socket_timeout=10)
        self._errors = (aioredis.ConnectionError, aioredis.TimeoutError, OSError)
        self._acquire = self._redis.register_script(_ACQUIRE)
        self._pause = self._redis.register_script(_PAUSE)
        self._tag = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._n = 0
        self._background: set[asyncio.Task[Any]] = set()
        self.outages = 0
        self.waits = 0
        self.late_grants = 0  # grants given back because this process saw them too late

    def _keys(self, host: str, ip: str | None) -> list[str]:
        h = f"{self.prefix}:h:{host}"
        keys = [f"{h}:c", f"{h}:n", f"{h}:p", f"{h}:t"]
        if ip:
            i = f"{self.prefix}:ip:{ip}"
            keys += [f"{i}:c", f"{i}:n"]
        return keys

    async def acquire(
        self, host: str, ip: str | None, *, host_limit: tuple[int, float], ip_limit: tuple[int, float] | None
    ) -> object:
        """Wait for the host's (and IP's) shared slot; returns the token to release."""
        self._n += 1
        token = f"{self._tag}-{self._n}"
        keys = self._keys(host, ip if ip_limit else None)
        ip_conc, ip_interval = ip_limit or (1, 0.0)
        args = [token, self.lease_ms, max(1, host_limit[0]), self._spacing_ms(host_limit[1]),
                max(1, ip_conc), self._spacing_ms(ip_interval)]
        outage_since: float | None = None
        late_tolerance = (args[3] - int(round(host_limit[1] * 1000))) / 1000  # the margin
        late_retries = 0
        while True:
            asked = time.monotonic()
            try:
                answer = int(await self._acquire(keys=keys, args=args))
            except self._errors:
                now = time.monotonic()
                outage_since = outage_since if outage_since is not None else now
                if now - outage_since >= self.outage_wait:
                    self.outages += 1
                    return None
                await asyncio.sleep(min(1.0, 0.1 + (now - outage_since) / 10))
                continue
            outage_since = None
            if answer == 0:
                # The grant happened somewhere between asking and now. If this process's event
                # loop was too busy to see it within the margin, the request would reach the
                # server late, too close to the next worker's: give the grant back and queue
                # again behind the spacing it set (a few times at most, then go on, counted).
                if late_tolerance > 0 and time.monotonic() - asked > late_tolerance and late_retries < 3:
                    late_retries += 1
                    self.late_grants += 1
                    await self.release((keys, token))
                    self._n += 1
                    token = f"{self._tag}-{self._n}"
                    args[0] = token
                    continue
                return (keys, token)
            if answer == -2:
                raise HostTripped(host)
            self.waits += 1
            if answer > 0:
                await asyncio.sleep(answer / 1000)
            else:
                await asyncio.sleep(random.uniform(*self.poll))

    def _spacing_ms(self, interval: float) -> int:
        """The shared spacing of starts for a configured `interval`: with the margin for the
        jitter between a grant and the request's arrival (data/scaleout.yaml), none for 0."""
        if interval <= 0:
            return 0
        seconds, share = self.margin
        return int(round(1000 * (interval + max(seconds, share * interval))))

    async def release(self, token: object) -> None:
        """Free the slots of `token` (None: taken during an outage, nothing to free)."""
        if token is None:
            return
        keys, member = token  # type: ignore[misc]
        try:
            pipe = self._redis.pipeline(transaction=False)
            pipe.zrem(keys[0], member)
            if len(keys) >= 6:
                pipe.zrem(keys[4], member)
            await pipe.execute()
        except self._errors:
            pass  # the slot's lease frees it

    def pause(self, host: str, seconds: float) -> None:
        """Hold every worker's requests to `host` for `seconds` (sent in the background)."""
        ms = int(seconds * 1000)
        if ms <= 0:
            return

        async def send() -> None:
            try:
                await self._pause(keys=[f"{self.prefix}:h:{host}:p"], args=[ms])
            except self._errors:
                pass  # this worker's own pause still holds

        self._in_background(send)

    def _in_background(self, send: Callable[[], Coroutine[Any, Any, None]]) -> None:
        try:
            task = asyncio.get_running_loop().create_task(send())
        except RuntimeError:
            return
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def trip(self, host: str) -> None:
        """Stop every worker's requests to `host` for `trip_hold_seconds` (sent in the background)."""

        async def send() -> None:
            try:
                await self._redis.set(f"{self.prefix}:h:{host}:t", "1", px=self.trip_hold_ms)
            except self._errors:
                pass  # this worker has stopped anyway; the others' safeguards still watch

        self._in_background(send)

    async def aclose(self) -> None:
        """Wait for pending pauses and close the connection pool."""
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        await self._redis.aclose()
