"""From a campaign directory to its 通报: load the sites, aggregate, compare, write the files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from govinspect.campaign.aggregate import CampaignSummary, compare, summarise
from govinspect.campaign.manifest import CampaignError
from govinspect.campaign.run import load_campaign
from govinspect.models import RunResult
from govinspect.report.bulletin import build_bulletin, write_bulletin
from govinspect.report.bulletin.text import problem_types
from govinspect.report.results import site_to_json

__all__ = ["campaign_summary", "report_campaign", "report_run"]


def campaign_summary(directory: Path, template: dict[str, Any], *, group_by: str = "region") -> CampaignSummary:
    """The aggregated numbers of one campaign directory (finished sites only)."""
    manifest, sites = load_campaign(directory)
    if not sites:
        raise CampaignError(f"{directory}: no finished site yet (run `govinspect campaign run` first)")
    return summarise(
        sites, problem_types(template), as_of=manifest.as_of, profile=manifest.profile, sample=manifest.sample,
        registry_count=manifest.registry_count or None, group_by=group_by,
    )


def report_campaign(
    directory: Path, template: dict[str, Any], *, date: dt.date, previous: Path | None = None,
    out_dir: Path | None = None, group_by: str = "region",
) -> tuple[CampaignSummary, list[Path]]:
    """Write bulletin.docx/.xlsx/.html for `directory` (into `out_dir`, default the directory)."""
    summary = campaign_summary(directory, template, group_by=group_by)
    if previous is not None:
        if previous.resolve() == directory.resolve():
            raise CampaignError("--previous must be another campaign directory than the one reported")
        compare(summary, campaign_summary(previous, template, group_by=group_by))
    bulletin = build_bulletin(summary, template, date=date)
    return summary, write_bulletin(bulletin, out_dir or directory)


def report_run(run: RunResult, out_dir: Path, template: dict[str, Any], *, date: dt.date) -> list[Path]:
    """The 通报 of a plain inspection run (every site inspected: a campaign of all sites)."""
    sites = [site_to_json(s) for s in run.sites]
    summary = summarise(sites, problem_types(template), as_of=run.as_of, profile=run.profile)
    return write_bulletin(build_bulletin(summary, template, date=date), out_dir)
