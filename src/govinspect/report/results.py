"""``results.json``: the machine-readable result of a run, in the shape of docs/contract.md.

The contract fixes field names and types; this module is the only place that maps the
dataclasses of ``govinspect.models`` onto it, so renaming a dataclass field never silently
changes the public file. Fields beyond the contract are additions only.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import IO, Any

from govinspect.models import (
    BlockedLink,
    DeadLink,
    Evidence,
    Finding,
    RunResult,
    SiteResult,
)
from govinspect.report.files import write_text_atomic

__all__ = [
    "TOOL_NAME",
    "dumps_results",
    "finding_to_json",
    "site_to_json",
    "to_results_json",
    "write_results",
    "write_results_stream",
]

TOOL_NAME = "govinspect"


def _jsonable(value: Any) -> Any:
    """Deep-convert to plain JSON types.

    The analysis stages hand us dicts that may hold dates, tuples, sets or dataclasses; NaN and
    infinities are not JSON, so they become null rather than an unparseable file.
    """
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Enum):
        return _jsonable(value.value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Path):
        return value.as_posix()
    if is_dataclass(value) and not isinstance(value, type):
        return _jsonable(asdict(value))
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((_jsonable(v) for v in value), key=str)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _evidence(ev: Evidence) -> dict[str, Any]:
    return {"url": ev.url, "detail": ev.detail, "seen_at": ev.seen_at}


def finding_to_json(f: Finding) -> dict[str, Any]:
    """One FINDING object of results.json."""
    return {
        "indicator": f.indicator,
        "veto": bool(f.veto),
        "points": _jsonable(float(f.points)),
        "measure": _jsonable(f.measure),
        "message": f.message,
        "evidence": [_evidence(e) for e in f.evidence],
        # extras: the id a review decision refers to, and that decision
        "id": f.id or None,
        "review": _jsonable(f.review) if f.review is not None else None,
    }


_finding = finding_to_json


def _dead_link(d: DeadLink) -> dict[str, Any]:
    return {
        # contract fields
        "source": d.source,
        "target": d.target,
        "status": d.status,
        "reason": d.reason,
        "scope": d.scope,
        "kind": d.kind,
        # extras
        "detail": d.detail,
        "final_url": d.final_url,
        "checked_at": d.checked_at,
        "sources": list(d.sources),
        "source_count": d.source_count,
        "anchor": d.anchor,
    }


def _blocked_link(b: BlockedLink) -> dict[str, Any]:
    return {
        "source": b.source,
        "target": b.target,
        "status": b.status,
        "reason": b.reason,
        "detail": b.detail,
        "checked_at": b.checked_at,
        "kind": b.kind,
    }


def _optional_dict(value: dict[str, Any] | None) -> dict[str, Any] | None:
    return _jsonable(value) if value is not None else None


def site_to_json(site: SiteResult) -> dict[str, Any]:
    """One SITE object of results.json."""
    spec = site.spec
    out: dict[str, Any] = {
        "site_code": spec.site_code or None,
        "name": spec.name,
        "url": spec.url,
        "region": spec.region,
        "portal": spec.portal,
        "organiser": spec.organiser,
        "services": spec.services,
        "status": site.status,
    }
    if site.status == "error":
        # Contract: an error site says why; never an empty reason.
        out["error"] = site.error or spec.input_error or "未知错误 (unknown error)"
    else:
        out["error"] = None
    score = site.score
    out.update(
        {
            "verdict": site.verdict,
            "score": _jsonable(float(score)) if score is not None else None,
            "vetoes": list(site.vetoes),
            "findings": [_finding(f) for f in site.findings],
            "stats": {
                "pages": int(site.pages),
                "links_checked": int(site.links_checked),
                "seconds": round(float(site.seconds), 2),
            },
            "dead_links": [_dead_link(d) for d in site.dead_links],
            "blocked_links": [_blocked_link(b) for b in site.blocked_links],
            "homepage": _optional_dict(site.homepage),
            "columns": _jsonable(site.columns),
            "freshness": _optional_dict(site.freshness),
            "footer": _optional_dict(site.footer),
            "text_errors": _jsonable(site.text_errors),
            "illegal": _jsonable(site.illegal),
            "letters": _jsonable(site.letters),
            "guides": _jsonable(site.guides),
            "privacy": _jsonable(site.privacy),
            "availability": _optional_dict(site.availability),
            # extras
            "not_checked": list(site.not_checked),
            "scoring": _optional_dict(site.scoring),
            "dismissed": [_finding(f) for f in site.dismissed],
            "measured": sorted(set(site.measured)),
            "aliases": list(spec.aliases),
            "counters": _jsonable(dict(sorted(site.counters.items()))),
            "notes": list(site.notes),
            "capture": _optional_dict(site.capture),
        }
    )
    return out


def to_results_json(run: RunResult) -> dict[str, Any]:
    """The whole results.json document as plain JSON-ready data."""
    return {
        "tool": {"name": TOOL_NAME, "version": run.version},
        "as_of": run.as_of,
        "profile": run.profile,
        "sites": [site_to_json(s) for s in run.sites],
    }


def dumps_results(run: RunResult) -> str:
    """results.json as text (UTF-8 Chinese kept readable, two-space indent, final newline)."""
    return json.dumps(to_results_json(run), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def write_results(run: RunResult, path: Path) -> None:
    """Write results.json atomically: readers see the old file or the new one, never half."""
    write_text_atomic(Path(path), dumps_results(run), fsync=True)


def write_results_stream(run: RunResult, fp: IO[str]) -> None:
    """Write the same text as ``write_results`` to an open text stream (``--json -``).

    The bytes are UTF-8 whatever the stream's encoding (a console set to GBK would otherwise
    fail on, or mangle, characters outside GBK).
    """
    text = dumps_results(run)
    encoding = (getattr(fp, "encoding", None) or "utf-8").lower().replace("-", "").replace("_", "")
    buffer = getattr(fp, "buffer", None)
    if encoding != "utf8" and buffer is not None:
        fp.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()
        return
    fp.write(text)
    fp.flush()
