"""Engine options and site specs as JSON, so a campaign's settings travel to every worker.

The campaign's `InspectOptions` are stored once in the campaign's row; each worker rebuilds
them and sets what is its own (where evidence goes, the shared limiter, analysis in process).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path
from typing import Any

from govinspect.crawl.crawler import CrawlConfig
from govinspect.crawl.integrityfetch import AttachmentLimits
from govinspect.crawl.politeness import PolitenessConfig
from govinspect.inspect import InspectOptions
from govinspect.models import SiteSpec
from govinspect.net.types import FetchConfig

__all__ = ["options_from_json", "options_to_json", "spec_from_json", "spec_to_json"]

# Set by each worker for itself, never carried over from the coordinator.
_LOCAL = ("out_dir", "replay", "limiter", "analysis_worker")


def _mapping_to_json(mapping: dict[tuple[str, int], tuple[str, int]]) -> list[list[Any]]:
    return [[h, p, a, ap] for (h, p), (a, ap) in sorted(mapping.items())]


def _mapping_from_json(rows: list[list[Any]]) -> dict[tuple[str, int], tuple[str, int]]:
    return {(str(h), int(p)): (str(a), int(ap)) for h, p, a, ap in rows}


def options_to_json(options: InspectOptions) -> dict[str, Any]:
    """The options a worker needs, as plain JSON."""
    fetch = dataclasses.asdict(options.fetch)
    fetch["resolve"] = _mapping_to_json(options.fetch.resolve)
    fetch["resolve_v6"] = _mapping_to_json(options.fetch.resolve_v6)
    return {
        "as_of": options.as_of.isoformat(),
        "now": options.now.isoformat() if options.now else None,
        "profile": options.profile,
        "fetch": fetch,
        "politeness": dataclasses.asdict(options.politeness),
        "crawl": dataclasses.asdict(options.crawl),
        "capture": options.capture,
        "integrity_fetches": options.integrity_fetches,
        "attachments": dataclasses.asdict(options.attachments) if options.attachments is not None else {},
        "previous_fingerprints": options.previous_fingerprints,
        "monitor_db": str(options.monitor_db) if options.monitor_db else None,
        "parallel_sites": options.parallel_sites,
    }


def _known(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """Only the fields `cls` has: options written by a newer coordinator still load."""
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def options_from_json(data: dict[str, Any], **local: Any) -> InspectOptions:
    """`InspectOptions` from `options_to_json`'s output, with this worker's own `local` fields."""
    fetch = dict(data.get("fetch") or {})
    fetch["resolve"] = _mapping_from_json(fetch.get("resolve") or [])
    fetch["resolve_v6"] = _mapping_from_json(fetch.get("resolve_v6") or [])
    unknown = set(local) - set(_LOCAL)
    if unknown:
        raise TypeError(f"not a worker-local option: {sorted(unknown)}")
    return InspectOptions(
        as_of=datetime.fromisoformat(data["as_of"]),
        now=datetime.fromisoformat(data["now"]) if data.get("now") else None,
        profile=data.get("profile") or "gov2019",
        fetch=FetchConfig(**_known(FetchConfig, fetch)),
        politeness=PolitenessConfig(**_known(PolitenessConfig, data.get("politeness") or {})),
        crawl=CrawlConfig(**_known(CrawlConfig, data.get("crawl") or {})),
        capture=bool(data.get("capture", True)),
        integrity_fetches=bool(data.get("integrity_fetches", True)),
        attachments=AttachmentLimits(**_known(AttachmentLimits, data.get("attachments") or {})),
        previous_fingerprints=data.get("previous_fingerprints") or {},
        monitor_db=Path(data["monitor_db"]) if data.get("monitor_db") else None,
        parallel_sites=int(data.get("parallel_sites") or 8),
        **local,
    )


def spec_to_json(spec: SiteSpec) -> dict[str, Any]:
    """A registry row as JSON."""
    return dataclasses.asdict(spec)


def spec_from_json(data: dict[str, Any]) -> SiteSpec:
    """A registry row from `spec_to_json`'s output."""
    known = _known(SiteSpec, data)
    known["aliases"] = tuple(known.get("aliases") or ())
    known["column_overrides"] = tuple(tuple(x) for x in known.get("column_overrides") or ())
    return SiteSpec(**known)
