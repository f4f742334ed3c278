"""A site's integrity facts, merged from its pages (see `analyze/integrity.py`).

The same problem usually sits on many pages (a misspelt leader's name in a shared footer, a
hidden link block in the page template): it is one entry with the pages it was seen on (the
first `MAX_PAGES_KEPT` of them) and their count, so the report names the problem once and a
person can still open every page. The entries are the `text_errors`, `illegal`, `privacy` and
`secret_marks` lists of results.json.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from govinspect.analyze.integrity import IntegrityHit, PageIntegrity

__all__ = ["AREA_FIELDS", "SiteIntegrity", "hit_fields"]

# The results.json list each hit area fills.
AREA_FIELDS = {"text_errors": "text_errors", "illegal": "illegal", "privacy": "privacy", "secret": "secret_marks"}
MAX_PAGES_KEPT = 20  # pages listed per entry; `page_count` says how many there were
MAX_ENTRIES = 500  # entries kept per area (a hacked site can carry thousands of spam links)


def _key(hit: IntegrityHit) -> tuple[str, ...]:
    if hit.area == "illegal":
        # A spam link is one problem per target; spam text one per kind and evidence.
        return (hit.area, hit.kind, hit.target or hit.context)
    return (hit.area, hit.kind, hit.found, hit.expected)


def hit_fields(hit: IntegrityHit) -> dict[str, Any]:
    """The results.json fields of one hit, by its area (text_errors, illegal, privacy, secret)."""
    if hit.area == "text_errors":
        return {"found": hit.found, "expected": hit.expected, "kind": hit.kind, "context": hit.context}
    if hit.area == "illegal":
        return {"kind": hit.kind, "target": hit.target, "evidence": hit.context}
    if hit.area == "privacy":
        return {"kind": hit.kind, "masked_value": hit.found, "context": hit.context}
    return {"kind": hit.kind, "mark": hit.found, "level": hit.expected, "context": hit.context}


class SiteIntegrity:
    """Collects `PageIntegrity` facts page by page; `entries(area)` gives the merged lists."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, ...], dict[str, Any]] = {}
        self._per_area: dict[str, int] = {}
        self.dropped = 0  # entries not kept because an area was full
        self.pages = 0
        self.errors: list[str] = []
        self.home_fingerprint: dict[str, Any] | None = None
        self.home_seen_at: str | None = None
        self.cloaking_checked = False  # the homepage was fetched as a browser and as Baiduspider

    def add(self, url: str, facts: PageIntegrity, *, is_home: bool, fetched_at: str) -> None:
        """Merge one page's facts."""
        self.pages += 1
        if is_home and facts.fingerprint is not None and self.home_fingerprint is None:
            self.home_fingerprint = facts.fingerprint
            self.home_seen_at = fetched_at
        for error in facts.errors:
            if len(self.errors) < 50:
                self.errors.append(f"{url}: {error}")
        self.add_hits(url, facts.hits, fetched_at=fetched_at)

    def add_hits(self, url: str, hits: Iterable[IntegrityHit], *, fetched_at: str, source: str = "page") -> None:
        """Merge hits seen at `url` (a page, an attachment, or a second fetch of the homepage)."""
        for hit in hits:
            key = _key(hit)
            entry = self._entries.get(key)
            if entry is None:
                if self._per_area.get(hit.area, 0) >= MAX_ENTRIES:
                    self.dropped += 1
                    continue
                self._per_area[hit.area] = self._per_area.get(hit.area, 0) + 1
                entry = self._entries[key] = {
                    "hit": hit, "pages": [], "page_count": 0, "seen_at": fetched_at, "source": source,
                }
            if url not in entry["pages"]:
                entry["page_count"] += 1
                if len(entry["pages"]) < MAX_PAGES_KEPT:
                    entry["pages"].append(url)

    def entries(self, area: str) -> list[dict[str, Any]]:
        """The merged entries of one area, in the order first seen, as results.json rows."""
        rows: list[dict[str, Any]] = []
        for entry in self._entries.values():
            hit: IntegrityHit = entry["hit"]
            if hit.area != area:
                continue
            common = {
                "page": entry["pages"][0], "pages": list(entry["pages"]), "page_count": entry["page_count"],
                "seen_at": entry["seen_at"], "source": entry["source"],
            }
            rows.append({**common, **hit_fields(hit)})
        return rows
