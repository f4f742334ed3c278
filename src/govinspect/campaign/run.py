"""Running a campaign: draw the sample, inspect what is not done yet, keep every site at once.

Layout of a campaign directory::

    campaign.json          the manifest (manifest.py)
    sites/<key>.json       one finished site each, in the SITE shape of results.json
    attempts/NNN/          one per run of the campaign: evidence (WARC) and the engine's partials
    results.json           the whole campaign, rewritten at the end of every run
    bulletin.docx|.xlsx|.html  the 通报 (written by the report step)

A site is finished when its ``sites/<key>.json`` exists and parses; a re-run inspects only the
others, so an interrupted campaign (killed, Ctrl-C, machine lost) resumes where it stopped.
Each run writes its evidence under its own attempt directory, so nothing finished is overwritten.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from govinspect import __version__
from govinspect.campaign.manifest import (
    CampaignError,
    Manifest,
    file_sha256,
    manifest_differences,
    read_manifest,
    write_manifest,
)
from govinspect.campaign.sampling import SampleSpec, select_sites
from govinspect.inspect import InspectOptions, Progress, inspect_sites, site_keys
from govinspect.models import SiteResult, SiteSpec
from govinspect.report.files import write_text_atomic
from govinspect.report.results import TOOL_NAME, site_to_json

__all__ = ["CampaignPlan", "load_campaign", "plan_campaign", "run_campaign", "write_campaign_results"]

SITES_DIR = "sites"
ATTEMPTS_DIR = "attempts"


@dataclass(slots=True)
class CampaignPlan:
    """A campaign ready to run: its directory, manifest, sampled sites and their keys."""

    directory: Path
    manifest: Manifest
    specs: list[SiteSpec]
    keys: list[str]
    done: set[str]

    @property
    def remaining(self) -> list[tuple[str, SiteSpec]]:
        return [(k, s) for k, s in zip(self.keys, self.specs) if k not in self.done]


def _finished(directory: Path, keys: list[str]) -> set[str]:
    """Keys whose site file exists and parses (a torn or foreign file is simply redone)."""
    done = set()
    for key in keys:
        path = directory / SITES_DIR / f"{key}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("url"):
            done.add(key)
    return done


def _set_aside(directory: Path) -> Path:
    """Move an earlier campaign out of the way (never delete a user's results)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = directory.with_name(f"{directory.name}.replaced-{stamp}")
    shutil.move(str(directory), str(target))
    return target


def plan_campaign(
    directory: Path, sites_file: Path, specs: list[SiteSpec], *, as_of: str, profile: str,
    sample: SampleSpec, seed: int, all_portals: bool = False, new: bool = False,
) -> CampaignPlan:
    """Check the directory against the manifest (resume, refuse, or start anew) and draw the sample.

    Raises CampaignError when the directory holds another campaign (or other files) and `new`
    is not set.
    """
    selected = select_sites(specs, sample, seed=seed, all_portals=all_portals)
    if not selected:
        raise CampaignError(f"--sites {sites_file}: no site to inspect")
    keys = site_keys(selected)
    manifest = Manifest(
        sites_file=str(sites_file), sites_sha256=file_sha256(sites_file), as_of=as_of, profile=profile,
        sample=str(sample), seed=seed, all_portals=all_portals,
        created=datetime.now().astimezone().isoformat(timespec="seconds"), selected=keys,
        registry_count=len(specs),
    )
    old = read_manifest(directory) if directory.exists() else None
    if old is not None:
        differences = manifest_differences(old, manifest)
        if new:
            _set_aside(directory)
        elif differences:
            raise CampaignError(
                f"{directory} holds another campaign ({'; '.join(differences)}); "
                "give another directory, the same arguments to resume, or --new to start over"
            )
        else:
            manifest.created = old.created or manifest.created
    elif directory.exists() and any(directory.iterdir()):
        if not new:
            raise CampaignError(f"{directory} is not empty and is not a campaign directory; give an empty or new one")
        _set_aside(directory)
    (directory / SITES_DIR).mkdir(parents=True, exist_ok=True)
    write_manifest(directory, manifest)
    return CampaignPlan(directory, manifest, selected, keys, _finished(directory, keys))


class _CampaignProgress(Progress):
    """Writes each finished site into the campaign under its campaign key, then reports it on."""

    def __init__(self, plan: CampaignPlan, attempt: str, inner: Progress, on_done: Callable[[str], None]) -> None:
        self.plan = plan
        self.attempt = attempt
        self.inner = inner
        self.on_done = on_done
        self.key_of = {id(spec): key for key, spec in plan.remaining}

    def site_started(self, key: str, spec: SiteSpec) -> None:
        self.inner.site_started(key, spec)

    def pages(self, key: str, count: int) -> None:
        self.inner.pages(key, count)

    def site_done(self, key: str, result: SiteResult) -> None:
        campaign_key = self.key_of[id(result.spec)]
        data = site_to_json(result)
        if data.get("capture"):
            # Evidence paths relative to the campaign directory, not to the attempt.
            data["capture"] = {k: f"{self.attempt}/{v}" for k, v in data["capture"].items()}
        data["key"] = campaign_key
        data["attempt"] = self.attempt
        write_text_atomic(
            self.plan.directory / SITES_DIR / f"{campaign_key}.json", json.dumps(data, ensure_ascii=False, indent=1)
        )
        self.plan.done.add(campaign_key)
        self.on_done(campaign_key)
        self.inner.site_done(key, result)


def _next_attempt(directory: Path) -> str:
    root = directory / ATTEMPTS_DIR
    numbers = [int(p.name) for p in root.glob("[0-9][0-9][0-9]") if p.is_dir()] if root.is_dir() else []
    return f"{ATTEMPTS_DIR}/{max(numbers, default=0) + 1:03d}"


async def run_campaign(
    plan: CampaignPlan, options: InspectOptions, progress: Progress | None = None,
    on_done: Callable[[str], None] = lambda key: None,
) -> int:
    """Inspect the sites not finished yet (each written at once); returns how many ran."""
    remaining = plan.remaining
    if not remaining:
        return 0
    attempt = _next_attempt(plan.directory)
    options = dataclasses.replace(options, out_dir=plan.directory / attempt)
    wrapper = _CampaignProgress(plan, attempt, progress or Progress(), on_done)
    await inspect_sites([spec for _, spec in remaining], options, wrapper)
    return len(remaining)


def load_campaign(directory: Path) -> tuple[Manifest, list[dict[str, Any]]]:
    """The manifest and the finished sites (registry order) of a campaign directory.

    Raises CampaignError when the directory is not a campaign.
    """
    if not directory.is_dir():
        raise CampaignError(f"{directory}: no such campaign directory")
    manifest = read_manifest(directory)
    if manifest is None:
        raise CampaignError(f"{directory}: not a campaign directory (no campaign.json)")
    sites = []
    for key in manifest.selected:
        path = directory / SITES_DIR / f"{key}.json"
        try:
            sites.append(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            continue
        except (OSError, ValueError) as exc:
            raise CampaignError(f"{path}: unreadable site result ({exc})") from None
    return manifest, sites


def write_campaign_results(directory: Path, manifest: Manifest, sites: list[dict[str, Any]]) -> Path:
    """``results.json`` of the whole campaign (the contract's shape plus a ``campaign`` block)."""
    data = {
        "tool": {"name": TOOL_NAME, "version": __version__},
        "as_of": manifest.as_of,
        "profile": manifest.profile,
        "campaign": {
            "sites_file": manifest.sites_file, "sample": manifest.sample, "seed": manifest.seed,
            "all_portals": manifest.all_portals, "selected": len(manifest.selected), "finished": len(sites),
        },
        "sites": sites,
    }
    path = directory / "results.json"
    write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n", fsync=True)
    return path
