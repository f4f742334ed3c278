"""A finding's evidence as a person checks it: the page, what was seen there (the offending part
marked), when, and the captured response itself from the campaign's WARC.

The capture is served from the campaign directory only (the SITE's `capture` paths are resolved
inside it, never elsewhere) and never as a page of the platform: the view carries
`Content-Security-Policy: sandbox` (an opaque origin: no script, no cookies of ours, no forms)
or is a download of the WARC record itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from govinspect.platform.orders.models import Finding

__all__ = ["CapturedRecord", "EvidenceRow", "evidence_rows", "find_capture", "highlight"]

MAX_MARKS = 20  # needles per evidence line; more would only mark noise


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """One evidence item ready for the page."""

    number: int
    url: str
    detail: SafeString
    seen_at: str
    captured: bool


def _needles(raw: dict[str, Any], url: str) -> list[str]:
    """What on page `url` the engine flagged: wrong words, masked numbers, marks, dead targets."""
    out: list[str] = []
    for e in raw.get("text_errors") or []:
        if e.get("page") == url and e.get("found"):
            out.append(str(e["found"]))
    for e in raw.get("privacy") or []:
        if e.get("page") == url and e.get("masked_value"):
            out.append(str(e["masked_value"]))
    for e in raw.get("secret_marks") or []:
        if e.get("page") == url and e.get("mark"):
            out.append(str(e["mark"]))
    for e in raw.get("illegal") or []:
        if e.get("page") == url and e.get("target"):
            out.append(str(e["target"]))
    for d in raw.get("dead_links") or []:
        if d.get("source") == url and d.get("target"):
            out.append(str(d["target"]))
    # Longest first, so a needle inside a longer one does not split it.
    return sorted(set(out), key=len, reverse=True)[:MAX_MARKS]


def highlight(text: str, needles: list[str]) -> SafeString:
    """`text` escaped, with every occurrence of a needle wrapped in <mark>."""
    spans: list[tuple[int, int]] = []
    for needle in needles:
        start = text.find(needle)
        while start >= 0 and len(spans) < 200:
            end = start + len(needle)
            if not any(s < end and start < e for s, e in spans):
                spans.append((start, end))
            start = text.find(needle, end)
    out, pos = [], 0
    for start, end in sorted(spans):
        out.append(escape(text[pos:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


def seen_text(value: Any) -> str:
    """An ISO 8601 time as Beijing time "YYYY-MM-DD HH:MM:SS" (text that is not a time, as is)."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    text = str(value or "")
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if when.tzinfo is not None:
        when = when.astimezone(ZoneInfo("Asia/Shanghai"))
    return when.strftime("%Y-%m-%d %H:%M:%S")


def evidence_rows(finding: Finding, capture_available: bool) -> list[EvidenceRow]:
    """The finding's evidence, each with its offending text marked."""
    raw = finding.inspection.raw or {}
    rows = []
    for n, e in enumerate(finding.evidence or []):
        if not isinstance(e, dict):
            continue
        url = str(e.get("url") or "")
        rows.append(EvidenceRow(number=n, url=url, detail=highlight(str(e.get("detail") or ""), _needles(raw, url)),
                                seen_at=seen_text(e.get("seen_at")), captured=capture_available and bool(url)))
    return rows


@dataclass(frozen=True, slots=True)
class CapturedRecord:
    """One captured response: the capture it is in and its index line."""

    reader: Any  # govinspect.capture.warc.CaptureReader
    entry: dict[str, Any]

    def record_bytes(self) -> bytes:
        """The WARC record as stored (one gzip member: a valid .warc.gz on its own)."""
        with open(self.reader.warc_path, "rb") as fh:
            fh.seek(int(self.entry["offset"]))
            return fh.read(int(self.entry["record_length"]))

    def response(self) -> Any:
        """The response rebuilt (status, headers, body) by the engine's own capture reader."""
        return self.reader.fetch_result(self.entry)


def _inside(base: Path, relative: str) -> Path | None:
    try:
        path = (base / relative).resolve()
    except (OSError, ValueError):
        return None
    return path if path.is_relative_to(base.resolve()) and path.is_file() else None


def find_capture(run_dir: Path, raw: dict[str, Any], url: str) -> CapturedRecord | None:
    """The last captured response for `url` (asked for, or reached after redirects) in the SITE's
    WARC, or None. Paths come from the SITE's `capture` and must stay inside `run_dir`."""
    from govinspect.capture.warc import INDEX_SUFFIX, CaptureReader

    capture = raw.get("capture") or {}
    if not isinstance(capture, dict) or not url:
        return None
    warc = _inside(run_dir, str(capture.get("warc") or ""))
    index = _inside(run_dir, str(capture.get("index") or ""))
    if warc is None or index is None:
        return None
    reader = CaptureReader(index.parent, index.name[: -len(INDEX_SUFFIX)])
    if reader.warc_path.resolve() != warc:
        return None
    found = None
    for entry in reader.entries():
        if entry.get("offset") is None or entry.get("record_length") is None:
            continue
        if url in (entry.get("url"), entry.get("final_url")):
            # A full read of the page beats a link check (HEAD or a short GET) of the same URL.
            if found is None or entry.get("method") == "GET" or found.get("method") != "GET":
                found = entry
    return CapturedRecord(reader, found) if found is not None else None
