"""Cloaking and tampering of a homepage: what changed for whom, and since when.

Two checks complete `analyze.illegal` (which judges one page on its own):

- `cloaking(browser_html, crawler_html, url)` — the homepage fetched twice, with a browser
  User-Agent and with `BAIDUSPIDER_USER_AGENT`. Hacked sites serve gambling titles and link farms
  to Baiduspider only (the site's owner never sees them). Spam that only one of the two
  versions carries is a finding of kind "cloaking"; ordinary differences between two fetches
  (a date widget, a rotating banner, session tokens, another CSS file) are ignored because only
  spam is compared, never the pages as a whole.
- `fingerprint(html, url, tree=)` — a JSON-able summary of a homepage capture: outbound link
  domains, external script and frame sources, spam already present, the title and a SimHash of
  the text. `tampering(previous, current, url)` compares two fingerprints and reports what was
  injected since the previous capture (kind "tampered"): external scripts and frames from new
  hosts, new spam links, a newly injected title, new spam text. A new link to another
  government site, and scripts from the statistics/CDN hosts of `data/tampering.yaml`, are not
  tampering.

Everything is pure: fetching both versions and storing fingerprints between runs is the
caller's job.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from govinspect.analyze.illegal import (
    IllegalFinding,
    _outside_target,
    _page_text,
    _Site,
    load_spam_lexicon,
    page_illegal,
)
from govinspect.analyze.nodes import collapse
from govinspect.crawl.urls import host_of, join_url, normalize_url
from govinspect.yamlfiles import load_yaml

__all__ = [
    "BAIDUSPIDER_USER_AGENT",
    "BROWSER_USER_AGENT",
    "FINGERPRINT_VERSION",
    "cloaking",
    "fingerprint",
    "simhash_distance",
    "tampering",
]

FINGERPRINT_VERSION = 1
_SHINGLE = 4  # characters per text shingle: Chinese words are 2–4 characters
_MAX_TEXT_CHARS = 20_000


@dataclass(frozen=True)
class _Data:
    user_agent: str
    browser_user_agent: str
    allowed_hosts: tuple[str, ...]


@lru_cache(maxsize=1)
def _data() -> _Data:
    text = resources.files("govinspect.data").joinpath("tampering.yaml").read_text("utf-8")
    raw = load_yaml(text) or {}
    return _Data(
        user_agent=str(raw["baiduspider_user_agent"]),
        browser_user_agent=str(raw["browser_user_agent"]),
        allowed_hosts=tuple(str(h).lower().lstrip(".") for h in raw.get("allowed_hosts") or []),
    )


BAIDUSPIDER_USER_AGENT: str = _data().user_agent
"""The User-Agent to fetch the crawler's version of a homepage with (from data/tampering.yaml)."""
BROWSER_USER_AGENT: str = _data().browser_user_agent
"""The User-Agent to fetch the visitor's version of a homepage with (from data/tampering.yaml)."""


def _allowed(host: str) -> bool:
    """Statistics/CDN hosts of the data file and the trusted suffixes (gov.cn …) of spam_terms."""
    if any(host == h or host.endswith("." + h) for h in _data().allowed_hosts):
        return True
    return load_spam_lexicon().trusted(host)


# --------------------------------------------------------------------------------------------
# cloaking
# --------------------------------------------------------------------------------------------


def _key(finding: IllegalFinding) -> tuple[str, str]:
    """What identifies a finding across two fetches: the target for links, else the kind and
    what was hit (the evidence up to its quote, which carries the matched terms)."""
    if finding.target is not None:
        return ("link", finding.target)
    return (finding.kind, finding.evidence.split("：", 1)[0])


def cloaking(browser_html: str, crawler_html: str, url: str) -> list[IllegalFinding]:
    """Spam served to only one of a browser and Baiduspider (kind "cloaking").

    Both versions are judged by `page_illegal`; findings present in both are not cloaking
    (`page_illegal` reports them on the page itself). Crawler-only findings come first.
    """
    browser = page_illegal(browser_html, url)
    crawler = page_illegal(crawler_html, url)
    browser_keys = {_key(f) for f in browser}
    crawler_keys = {_key(f) for f in crawler}
    out: list[IllegalFinding] = []
    for f in crawler:
        if _key(f) not in browser_keys:
            out.append(IllegalFinding("cloaking", f.target, f"仅向搜索引擎（百度蜘蛛）返回：{f.evidence}"))
    for f in browser:
        if _key(f) not in crawler_keys:
            out.append(IllegalFinding("cloaking", f.target, f"仅向浏览器返回、对搜索引擎隐藏：{f.evidence}"))
    return out


# --------------------------------------------------------------------------------------------
# fingerprint
# --------------------------------------------------------------------------------------------


def _simhash(text: str) -> int:
    """64-bit SimHash of the text's character shingles (whitespace removed)."""
    compact = "".join(text.split())[:_MAX_TEXT_CHARS]
    if len(compact) < _SHINGLE:
        return 0
    shingles = {compact[i : i + _SHINGLE] for i in range(len(compact) - _SHINGLE + 1)}
    blake = hashlib.blake2b
    digests = b"".join([blake(s.encode("utf-8"), digest_size=8).digest() for s in shingles])
    half = len(shingles) / 2
    value = 0
    # Column counts in C: each byte column of the 8-byte digests (big-endian, so byte j holds
    # bits 8j..8j+7 from the top), its bits picked out by a translation table and counted.
    for j in range(8):
        column = digests[j::8]
        for k, table in enumerate(_BIT_TABLES):
            if column.translate(table).count(1) > half:
                value |= 1 << (63 - (8 * j + k))
    return value


# _BIT_TABLES[k] maps a byte to 1 when its k-th bit from the top is set, else to 0.
_BIT_TABLES = tuple(bytes((b >> (7 - k)) & 1 for b in range(256)) for k in range(8))


def simhash_distance(previous: Mapping[str, Any], current: Mapping[str, Any]) -> int | None:
    """Hamming distance of two fingerprints' text SimHashes (0–64), None if one is missing.

    Informative only: a homepage's text changes every day, so distance is never a finding.
    """
    try:
        a = int(str(previous["text_simhash"]), 16)
        b = int(str(current["text_simhash"]), 16)
    except (KeyError, ValueError, TypeError):
        return None
    return (a ^ b).bit_count()


def _strip_query(url: str) -> str:
    """A script URL without query and fragment (cache-busters change on every deploy)."""
    return url.split("#", 1)[0].split("?", 1)[0]


def fingerprint(html: str, url: str, *, tree: LexborHTMLParser | None = None) -> dict[str, Any]:
    """A JSON-able fingerprint of a homepage capture (see the module docstring).

    Keys: version, url, title, link_domains (outside hosts linked to), scripts (outside script
    URLs without query), iframes (outside frame URLs), illegal (page_illegal findings as
    {kind, target, evidence}), text_simhash (16 hex digits), text_sha1, text_chars. Pass `tree`
    to share one parse; it is only read.
    """
    if tree is None:
        tree = LexborHTMLParser(html)
    page = normalize_url(url) or url
    base_node = tree.css_first("base[href]")
    base = (join_url(page, base_node.attributes.get("href") or "") if base_node is not None else None) or page
    site = _Site.of(page, frozenset())
    base_internal = site.contains(host_of(base))

    link_domains: set[str] = set()
    for node in tree.css("a[href], area[href]"):
        outside = _outside_target(base, node.attributes.get("href") or "", base_internal, site)
        if outside is not None:
            link_domains.add(outside[1])
    scripts: set[str] = set()
    for node in tree.css("script[src]"):
        outside = _outside_target(base, node.attributes.get("src") or "", base_internal, site)
        if outside is not None:
            scripts.add(_strip_query(outside[0]))
    iframes: set[str] = set()
    for node in tree.css("iframe[src], frame[src]"):
        outside = _outside_target(base, node.attributes.get("src") or "", base_internal, site)
        if outside is not None:
            iframes.add(outside[0])

    title_node = tree.css_first("head > title") or tree.css_first("title")
    title = collapse(title_node.text(deep=True)) if title_node is not None else ""
    text = collapse(_page_text(tree))
    return {
        "version": FINGERPRINT_VERSION,
        "url": page,
        "title": title,
        "link_domains": sorted(link_domains),
        "scripts": sorted(scripts),
        "iframes": sorted(iframes),
        "illegal": [
            {"kind": f.kind, "target": f.target, "evidence": f.evidence} for f in page_illegal(html, url, tree=tree)
        ],
        "text_simhash": f"{_simhash(text):016x}",
        "text_sha1": hashlib.sha1(text.encode("utf-8")).hexdigest(),
        "text_chars": len(text),
    }


# --------------------------------------------------------------------------------------------
# tampering
# --------------------------------------------------------------------------------------------


def _strings(fp: Mapping[str, Any], key: str) -> list[str]:
    value = fp.get(key)
    return [str(v) for v in value] if isinstance(value, list) else []


def _illegal(fp: Mapping[str, Any]) -> list[IllegalFinding]:
    out: list[IllegalFinding] = []
    for item in fp.get("illegal") or []:
        if isinstance(item, Mapping) and "kind" in item and "evidence" in item:
            target = item.get("target")
            out.append(IllegalFinding(str(item["kind"]), str(target) if target else None, str(item["evidence"])))
    return out


def _hosts(urls: Iterable[str]) -> set[str]:
    return {host_of(u) for u in urls}


def tampering(previous: Mapping[str, Any], current: Mapping[str, Any], url: str) -> list[IllegalFinding]:
    """What was injected into a homepage since the `previous` fingerprint (kind "tampered").

    - an external script or frame from a host the previous capture did not load anything from,
      unless it is a government site or a statistics/CDN host of `data/tampering.yaml`;
    - a spam link, injected title or spam text that `page_illegal` finds now and did not before.

    No baseline (an empty or other-version `previous`) means no finding. `url` is the page the
    fingerprints describe (kept for symmetry with the other checks and for messages).
    """
    if not previous or previous.get("version") != FINGERPRINT_VERSION or current.get("version") != FINGERPRINT_VERSION:
        return []
    out: list[IllegalFinding] = []

    old_script_hosts = _hosts(_strings(previous, "scripts"))
    for src in _strings(current, "scripts"):
        host = host_of(src)
        if host and host not in old_script_hosts and not _allowed(host):
            out.append(IllegalFinding("tampered", src, f'新增外部脚本（上次检查时没有）：<script src="{src}">'))

    old_frame_hosts = _hosts(_strings(previous, "iframes"))
    for src in _strings(current, "iframes"):
        host = host_of(src)
        if host and host not in old_frame_hosts and not _allowed(host):
            out.append(IllegalFinding("tampered", src, f'新增外部框架（上次检查时没有）：<iframe src="{src}">'))

    old_keys = {_key(f) for f in _illegal(previous)}
    seen = {f.target for f in out}
    for f in _illegal(current):
        if _key(f) in old_keys or (f.target is not None and f.target in seen):
            continue
        if f.kind == "injected_title" and f.evidence.startswith("网页标题"):
            before = str(previous.get("title") or "")
            out.append(IllegalFinding("tampered", None, f"网页标题被篡改（上次为“{before}”）：{f.evidence}"))
        else:
            out.append(IllegalFinding("tampered", f.target, f"上次检查后新出现：{f.evidence}"))
    return out
