"""``results.json``: the machine-readable result of a run, in the shape of docs/contract.md.

The contract fixes field names and types; this module is the only place that maps the
dataclasses of ``govinspect.models`` onto it, so renaming a dataclass field never silently
changes the public file. Fields beyond the contract are additions only.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, fields, is_dataclass
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
    SiteSpec,
)
from govinspect.report.files import write_text_atomic

__all__ = [
    "TOOL_NAME",
    "dumps_results",
    "finding_to_json",
    "run_from_json",
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
            "secret_marks": _jsonable(site.secret_marks),
            "homepage_fingerprint": _optional_dict(site.homepage_fingerprint),
            "domain": _optional_dict(site.domain),
            "https": _optional_dict(site.https),
            "ipv6": _optional_dict(site.ipv6),
            "search": _optional_dict(site.search),
            "annual_report": _optional_dict(site.annual_report),
            "not_checked": list(site.not_checked),
            "scoring": _optional_dict(site.scoring),
            "dismissed": [_finding(f) for f in site.dismissed],
            "measured": sorted(set(site.measured)),
            "aliases": list(spec.aliases),
            "counters": _jsonable(dict(sorted(site.counters.items()))),
            "notes": list(site.notes),
            "capture": _optional_dict(site.capture),
            "checks": site.checks,
        }
    )
    return out


def to_results_json(run: RunResult) -> dict[str, Any]:
    """The whole results.json document as plain JSON-ready data."""
    return {
        "tool": {"name": TOOL_NAME, "version": run.version},
        "as_of": run.as_of,
        "profile": run.profile,
        # extras
        "profile_source": run.profile_source,
        "review": _optional_dict(run.review),
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


# ---------------------------------------------------------------------------- reading back
def _from_json(cls: type, data: dict[str, Any]) -> Any:
    """A dataclass from a JSON object, taking only the keys the dataclass has."""
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


def _finding_from_json(data: dict[str, Any]) -> Finding:
    return Finding(
        indicator=str(data["indicator"]), veto=bool(data.get("veto")), points=float(data.get("points") or 0.0),
        measure=dict(data.get("measure") or {}), message=str(data.get("message") or ""),
        evidence=[_from_json(Evidence, e) for e in data.get("evidence") or ()],
        id=str(data.get("id") or ""), review=dict(data["review"]) if data.get("review") else None,
    )


_SPEC_KEYS = ("url", "site_code", "name", "organiser", "region", "portal", "services")
_SITE_SPECIAL = {"spec", "findings", "dismissed", "dead_links", "blocked_links", "pages", "links_checked", "seconds"}


def site_from_json(data: dict[str, Any]) -> SiteResult:
    """A SITE object of results.json back into a SiteResult (inverse of ``site_to_json``).

    Fields beyond the ones named here are copied by name, so a field another stage adds to
    SiteResult and results.json survives a re-score unchanged.
    """
    spec = SiteSpec(**{k: data.get(k) for k in _SPEC_KEYS}, aliases=tuple(data.get("aliases") or ()))
    stats = data.get("stats") or {}
    site = SiteResult(
        spec=spec,
        findings=[_finding_from_json(f) for f in data.get("findings") or ()],
        dismissed=[_finding_from_json(f) for f in data.get("dismissed") or ()],
        dead_links=[_from_json(DeadLink, d) for d in data.get("dead_links") or ()],
        blocked_links=[_from_json(BlockedLink, b) for b in data.get("blocked_links") or ()],
        pages=int(stats.get("pages") or 0),
        links_checked=int(stats.get("links_checked") or 0),
        seconds=float(stats.get("seconds") or 0.0),
    )
    for f in fields(SiteResult):
        if f.name not in _SITE_SPECIAL and f.name in data:
            setattr(site, f.name, data[f.name])
    return site


def run_from_json(data: dict[str, Any]) -> RunResult:
    """results.json (parsed) back into a RunResult, e.g. to re-score it and rewrite the reports."""
    return RunResult(
        version=str((data.get("tool") or {}).get("version") or ""),
        as_of=str(data.get("as_of") or ""),
        profile=str(data.get("profile") or ""),
        sites=[site_from_json(s) for s in data.get("sites") or ()],
        profile_source=data.get("profile_source"),
        review=data.get("review"),
    )
