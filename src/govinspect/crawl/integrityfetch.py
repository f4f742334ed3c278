"""The few fetches the integrity checks need beyond the crawl itself.

- Cloaking: the homepage fetched once as a browser and once as Baiduspider; spam that only one
  of them is served (`analyze.tampering.cloaking`).
- Attachments: the first `max_files` attachments that answered (PDF, DOCX, XLSX, DOC …) are
  downloaded whole (up to `max_bytes` each) and their text searched for unmasked personal
  numbers and classification marks. Text extraction runs in a thread with its own time bound,
  so a hostile file never stalls the event loop for long.

Both go through the crawler's politeness and capture, so every finding's evidence is in the WARC.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from govinspect.analyze.attachments import attachment_text
from govinspect.analyze.integrity import IntegrityHit, illegal_hit, privacy_hit, secret_hit
from govinspect.analyze.privacy import text_privacy
from govinspect.analyze.secrets import find_secret_marks
from govinspect.analyze.tampering import BAIDUSPIDER_USER_AGENT, BROWSER_USER_AGENT, cloaking
from govinspect.crawl.crawler import SiteCrawler

__all__ = ["AttachmentLimits", "attachment_hits", "cloaking_hits"]


@dataclass(frozen=True, slots=True)
class AttachmentLimits:
    """How much attachment text one site's inspection reads."""

    max_files: int = 30
    max_bytes: int = 10 * 1024 * 1024
    max_chars: int = 200_000
    max_seconds: float = 5.0
    total_seconds: float = 120.0


async def cloaking_hits(crawler: SiteCrawler, url: str) -> tuple[list[IntegrityHit], str | None]:
    """(cloaking hits, fetched at) for the page at `url`; nothing when either fetch failed."""
    browser = await crawler.fetch_page_as(url, BROWSER_USER_AGENT, note="cloaking/browser")
    spider = await crawler.fetch_page_as(url, BAIDUSPIDER_USER_AGENT, note="cloaking/baiduspider")
    if browser is None or spider is None:
        return [], None
    found = await asyncio.get_running_loop().run_in_executor(None, cloaking, browser[1], spider[1], browser[0])
    hits = [illegal_hit(f) for f in found]
    return hits, spider[2]


def _attachment_facts(body: bytes, ctype: str | None, url: str, limits: AttachmentLimits) -> list[IntegrityHit]:
    got = attachment_text(body, content_type=ctype, url=url, max_chars=limits.max_chars,
                          max_seconds=limits.max_seconds)
    if not got.text:
        return []
    hits = [privacy_hit(h) for h in text_privacy(got.text)]
    hits += [secret_hit(m) for m in find_secret_marks(got.text)]
    return hits


async def attachment_hits(
    crawler: SiteCrawler, limits: AttachmentLimits
) -> list[tuple[str, str, list[IntegrityHit], str]]:
    """(attachment URL, linking page, hits, fetched at) for the attachments read (see module)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limits.total_seconds
    out: list[tuple[str, str, list[IntegrityHit], str]] = []
    for url, source in crawler.fetched_attachments(limits.max_files):
        if loop.time() > deadline:
            crawler.notes.append("attachments/time: 附件文本检查已达时间上限，其余附件未检查")
            break
        got = await crawler.fetch_body(url, max_body=limits.max_bytes, note="attachment-text")
        if got is None:
            continue
        body, ctype, fetched_at = got
        hits = await loop.run_in_executor(None, _attachment_facts, body, ctype, url, limits)
        out.append((url, source, hits, fetched_at))
    return out
