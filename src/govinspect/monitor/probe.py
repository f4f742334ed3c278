"""One availability probe: a GET of the homepage within 15 s, and what class its answer is.

Classes (stored per probe; `COUNTED` and `FAILURES` decide what the availability rule sees):

    ok          the homepage answered (2xx, or a redirect chain ending in 2xx)
    http_4xx    the server answered 4xx (not a challenge, not 429)
    http_5xx    the server answered 5xx (not a challenge)
    http_other  an answer that leads nowhere (3xx without Location, status ≥ 600)
    timeout     no complete answer within the limit (connect or response), the 15 s rule
    dns         the name does not resolve
    refused     TCP connection refused
    tls         TLS handshake or certificate failure
    reset       connection reset or closed mid-answer
    redirect    redirect loop or too many redirects
    blocked     an anti-robot defence answered (WAF challenge 412/521/…, 429): the site is up
                for people but we cannot tell → neither success nor failure
    unknown     we could not judge: our own SSRF refusal, a certificate chain browsers complete
                themselves, an unexpected local error → neither success nor failure

The blocked/ok/dead split is the crawler's (`crawl/verdicts.py`), so a probe and a link check
never disagree about what a WAF answer means.
"""

from __future__ import annotations

from dataclasses import dataclass

from yarl import URL

from govinspect.crawl.verdicts import classify
from govinspect.net.client import Fetcher
from govinspect.net.types import FetchResult

PROBE_TIMEOUT = 15.0  # seconds: the national rule's limit for "the site opened"
PROBE_MAX_BODY = 2 * 1024 * 1024  # the homepage document is read (bounded), like a visitor's load
_MAX_DETAIL = 200

FAILURES = frozenset(
    {"http_4xx", "http_5xx", "http_other", "timeout", "dns", "refused", "tls", "reset", "redirect"}
)
NOT_COUNTED = frozenset({"blocked", "unknown"})
CLASSES = ("ok", *sorted(FAILURES), *sorted(NOT_COUNTED))

_DEAD_REASON_CLASS = {
    "timeout": "timeout",
    "dns": "dns",
    "refused": "refused",
    "tls": "tls",
    "reset": "reset",
    "redirect_loop": "redirect",
    "too_many_redirects": "redirect",
}


@dataclass(frozen=True, slots=True)
class ProbeOutcome:
    """What one probe saw: its class, HTTP status, time taken and a one-line detail."""

    cls: str
    status: int | None
    elapsed: float
    detail: str = ""
    remote_ip: str | None = None


def classify_probe(result: FetchResult) -> ProbeOutcome:
    """Class of a homepage fetch (pure); the detail is kept for everything but plain ok."""
    verdict = classify(result)
    status = result.status
    if verdict.verdict == "ok":
        cls = "ok"
    elif verdict.verdict == "blocked" and verdict.reason != "private_address":
        cls = "blocked"
    elif verdict.verdict == "dead":
        if verdict.reason.startswith("http_") and status is not None:
            cls = "http_4xx" if 400 <= status < 500 else "http_5xx" if 500 <= status < 600 else "http_other"
        else:
            cls = _DEAD_REASON_CLASS.get(verdict.reason, "unknown")
    else:
        cls = "unknown"
    detail = "" if cls == "ok" else _one_line(verdict.detail or result.detail or verdict.reason)
    return ProbeOutcome(cls, status, round(result.elapsed, 3), detail, result.remote_ip)


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_DETAIL else text[: _MAX_DETAIL - 1] + "…"


async def probe_homepage(fetcher: Fetcher, url: str, *, timeout: float = PROBE_TIMEOUT) -> ProbeOutcome:
    """GET `url` once as a first-time visitor would (fresh DNS, new connection); never raises.

    No retry: each probe is one of the ≥ 20 a day, and a retry would hide exactly the short
    outages the rule counts.
    """
    try:
        host = URL(url).raw_host
    except (ValueError, TypeError):
        host = None
    if host:
        fetcher.forget_address(host)
    result = await fetcher.fetch(
        url, headers={"Connection": "close"}, timeout=timeout, max_body=PROBE_MAX_BODY
    )
    if result.redirects:
        # The homepage moved to another host (http→https, bare domain): look that up afresh too.
        try:
            final_host = URL(result.final_url).raw_host
        except (ValueError, TypeError):
            final_host = None
        if final_host and final_host != host:
            fetcher.forget_address(final_host)
    return classify_probe(result)
