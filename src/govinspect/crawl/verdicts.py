"""Link verdicts: is a fetched link ok, dead, or blocked by an anti-robot defence?

Pure functions over `FetchResult`. Precision comes first: a veto or a deduction published in
a 通报 must never rest on a WAF challenge, a rate limit or our own refusal to fetch, so those
are `blocked` (reported apart, never counted as dead). Dead means the server or the network
said so plainly, after a retry (the caller retries; see `should_retry`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from govinspect.analyze.phrasefind import PhraseFinder
from govinspect.net.types import FetchResult

# Bodies of anti-bot challenges seen on Chinese government sites and their CDNs/WAFs:
# 瑞数 (Ruishu, HTTP 412 with a self-reloading script), 加速乐 (jiasule, HTTP 521 setting
# __jsl_clearance), 安全狗/云锁/创宇盾 verification pages, Cloudflare-style challenges.
# Strong markers name a WAF; weak ones (setting a cookie, reloading) only count together.
# Matching is ASCII-case-insensitive: the start of the body is lower-cased once (bytes.lower
# changes only A–Z, exactly what re.IGNORECASE does for bytes) and searched for plain
# substrings; an alternation regex with IGNORECASE cost ~1 ms on every small page.
_STRONG_LITERALS = (
    b"__jsl_clearance",
    b"cdn-cgi/challenge",
    b"challenge-platform",
    "安全验证".encode("utf-8"),
    "安全验证".encode("gbk"),
    "人机验证".encode("utf-8"),
    "访问频繁".encode("utf-8"),
    b"safedog",
    b"yunsuo_session",
    b"jiasule",
)
_TS_ASSIGN = re.compile(rb"\$_ts\s*=")  # on lower-cased bytes
_SCRIPT_TAG = re.compile(rb"<script", re.IGNORECASE)
_COOKIE_SET = re.compile(rb"document\.cookie\s*=")  # on lower-cased bytes
_RELOAD = re.compile(rb"location\.(?:reload|replace|href\s*=)|window\.location\s*=")  # on lower-cased bytes

# Statuses whose plain (non-challenge) meaning is still "do not judge": the WAF answered.
_CHALLENGE_STATUSES = frozenset({412, 521, 468, 567})
# Statuses that are challenges only when the body carries a challenge script.
_MAYBE_CHALLENGE_STATUSES = frozenset({403, 503, 202, 200})

# Transport outcomes that are plainly dead, with the reason used in results.json.
_DEAD_OUTCOMES = {
    "dns": "dns",
    "refused": "refused",
    "connect_timeout": "timeout",
    "timeout": "timeout",
    "tls": "tls",
    "reset": "reset",
    "too_many_redirects": "too_many_redirects",
    "redirect_loop": "redirect_loop",
    "invalid_url": "invalid_url",
}

# Phrases of "page not found" pages (checked against the host's answer to a random URL too).
SOFT_404_PHRASES = (
    "页面不存在",
    "找不到",
    "已被删除",
    "已删除",
    "不存在或已",
    "无法找到",
    "页面未找到",
    "404 Not Found",
    "Not Found",
    "访问的页面不存在",
    "信息不存在",
    "文章不存在",
    "该信息已被撤销",
)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What one link check concluded."""

    verdict: str  # ok | dead | blocked | unchecked
    reason: str  # http_404, dns, soft_404, waf_challenge, rate_limited, ...
    status: int | None
    detail: str = ""


def is_challenge(result: FetchResult) -> bool:
    """True when the answer is an anti-bot challenge rather than the page or an error page."""
    if result.status in _CHALLENGE_STATUSES:
        return True
    if result.status not in _MAYBE_CHALLENGE_STATUSES or not result.body:
        return False
    body = result.body
    # A challenge page is small and script-driven; a real page or error page is text for people.
    if len(body) > (64 * 1024 if result.status != 200 else 16 * 1024):
        return False
    end = min(len(body), 16384)
    if _SCRIPT_TAG.search(body, 0, end) is None:
        return False
    low = body[:end].lower()
    for marker in _STRONG_LITERALS:
        if marker in low:
            return True
    if b"$_ts" in low and _TS_ASSIGN.search(low):
        return True
    return bool(
        b"document.cookie" in low and _COOKIE_SET.search(low)
        and b"location" in low and _RELOAD.search(low)
    )


def classify(result: FetchResult) -> Verdict:
    """Classify a final fetch result (after the caller's retries); soft-404 is decided apart."""
    if result.outcome == "blocked_private":
        return Verdict("blocked", "private_address", None, result.detail)
    if not result.responded:
        if result.outcome == "tls" and "unable to get local issuer certificate" in result.detail:
            # Usually a server that omits its intermediate certificate: browsers fetch it
            # themselves (AIA) and open the page, so we cannot call the link dead.
            return Verdict("unchecked", "tls_chain", None, result.detail)
        reason = _DEAD_OUTCOMES.get(result.outcome)
        if reason is None:
            # An unexpected local failure says nothing about the link; never publish it as dead.
            return Verdict("unchecked", result.outcome, result.status, result.detail)
        return Verdict("dead", reason, result.status, result.detail)
    status = result.status or 0
    if status == 429:
        return Verdict("blocked", "rate_limited", status, "HTTP 429 after back-off")
    if status in _CHALLENGE_STATUSES or (status >= 400 and is_challenge(result)):
        return Verdict("blocked", "waf_challenge", status, f"HTTP {status} anti-bot challenge")
    if status >= 400:
        return Verdict("dead", f"http_{status}", status, f"HTTP {status}")
    if 300 <= status < 400:
        # A redirect we could not follow (no Location): the link leads nowhere.
        return Verdict("dead", f"http_{status}", status, "redirect without Location")
    if status == 200 and is_challenge(result):
        return Verdict("blocked", "waf_challenge", status, "HTTP 200 anti-bot challenge page")
    return Verdict("ok", "ok", status)


def should_retry(result: FetchResult) -> bool:
    """Whether a first failed attempt deserves a second one before the verdict is final."""
    if result.outcome in ("invalid_url", "blocked_private", "dns", "redirect_loop", "too_many_redirects"):
        return False
    if not result.responded:
        return True
    status = result.status or 0
    if status in _CHALLENGE_STATUSES:
        return False
    return status >= 400


_NOT_FOUND = PhraseFinder(SOFT_404_PHRASES)
NOT_FOUND_SCAN = 30_000  # characters of a page searched for not-found wording


_TRANSIENT_OUTCOMES = frozenset({"timeout", "connect_timeout", "reset"})
_TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})


def is_transient(result: FetchResult) -> bool:
    """Failures that a busy server produces now and then (worth one more, later, try)."""
    if not result.responded:
        return result.outcome in _TRANSIENT_OUTCOMES
    return result.status in _TRANSIENT_STATUSES and not is_challenge(result)


def looks_like_not_found(text: str, limit: int = 4000) -> bool:
    """True when the first `limit` characters of visible text read like a 'not found' page."""
    return _NOT_FOUND.search(text, limit)


def text_similarity(a: str, b: str) -> float:
    """Jaccard similarity of character bigram sets (cheap, language-agnostic)."""
    if not a or not b:
        return 0.0
    sa = {a[i : i + 2] for i in range(min(len(a), 3000) - 1)}
    sb = {b[i : i + 2] for i in range(min(len(b), 3000) - 1)}
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)
