"""生成通报: the 通报 of a reviewed campaign, written by the engine's `report/bulletin` code.

The sites are re-scored from the reviewers' decisions first, so the 通报 prints only what the
reviewers let stand. 环比 compares with the previous published campaign of the same region
(by 监测时间点), read back from that publication's own `sites.json`, so a later review of the old
campaign never changes what it was compared with.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from typing import Any

from django.db import transaction
from django.utils import timezone

from govinspect.platform.campaigns.models import Campaign, CampaignSite, Publication
from govinspect.platform.campaigns.review import rescore_campaign

__all__ = ["PublishError", "jinja_literal", "publish", "reviewed_sites"]

SITES_FILE = "sites.json"


class PublishError(ValueError):
    """A 通报 that cannot be written as asked (one-line Chinese message)."""


def jinja_literal(text: str) -> str:
    """Template text that renders exactly `text` (the template's values are Jinja: a title typed
    in a form must not be read as template code)."""
    return "{{ " + json.dumps(text, ensure_ascii=False) + " }}"


def reviewed_sites(campaign: Campaign) -> list[dict[str, Any]]:
    """The campaign's SITE objects as re-scored after review (registry order)."""
    out = []
    for cs in CampaignSite.objects.filter(campaign=campaign).select_related("inspection__reviewed").order_by("id"):
        inspection = cs.inspection
        if inspection is None:
            continue
        reviewed = getattr(inspection, "reviewed", None)
        out.append(reviewed.site if reviewed is not None and reviewed.site else inspection.raw)
    return out


def previous_publication(campaign: Campaign) -> Publication | None:
    """The latest publication of an earlier campaign of the same region."""
    return (Publication.objects.filter(campaign__region_id=campaign.region_id, campaign__as_of__lt=campaign.as_of)
            .exclude(campaign=campaign).select_related("campaign").order_by("-campaign__as_of", "-created_at").first())


def _summary(sites: list[dict[str, Any]], campaign: Campaign, template: dict[str, Any]) -> Any:
    from govinspect.campaign.aggregate import summarise
    from govinspect.campaign.manifest import read_manifest
    from govinspect.report.bulletin.text import problem_types

    manifest = read_manifest(campaign.run_dir)
    return summarise(
        sites, problem_types(template), as_of=timezone.localtime(campaign.as_of).isoformat(), profile=campaign.profile,
        sample=manifest.sample if manifest else campaign.sample,
        registry_count=(manifest.registry_count or None) if manifest else None,
    )


def publish(campaign: Campaign, user: Any, *, issuer: str, title: str, day: dt.date, scope: str = "") -> Publication:
    """Re-score, then write bulletin.docx/.xlsx/.html for the campaign; keeps a Publication."""
    from govinspect.campaign.aggregate import compare
    from govinspect.report.bulletin import build_bulletin, write_bulletin
    from govinspect.report.bulletin.text import TemplateError, format_rate, load_template

    if campaign.state != "done" or campaign.imported_at is None:
        raise PublishError("抽查尚未完成，不能生成通报")
    rescore_campaign(campaign)
    sites = reviewed_sites(campaign)
    if not sites:
        raise PublishError("该批次没有检查结果，不能生成通报")
    template = load_template()
    template["issuer"] = jinja_literal(issuer.strip())
    if title.strip():
        template["title"] = jinja_literal(title.strip())
    if scope.strip():
        template["scope"] = scope.strip()
    summary = _summary(sites, campaign, template)
    previous = previous_publication(campaign)
    if previous is not None:
        try:
            old = json.loads((previous.directory / SITES_FILE).read_text(encoding="utf-8"))
            compare(summary, _summary(old, previous.campaign, template))
        except (OSError, ValueError):
            previous = None  # its files are gone: no 环比 rather than a wrong one
    try:
        bulletin = build_bulletin(summary, template, date=day)
    except TemplateError as err:
        raise PublishError(f"通报模板无法使用：{err}") from None
    total = summary.total
    with transaction.atomic():
        pub = Publication.objects.create(
            campaign=campaign, title=bulletin.text.title[:300], issuer=issuer.strip()[:120], date=day,
            previous=previous, created_by=user,
            totals={"sampled": total.sampled, "passed": total.passed, "failed": total.failed,
                    "unscored": total.unscored, "errors": total.errors,
                    "pass_rate": float(total.pass_rate) if total.pass_rate is not None else None,
                    "pass_rate_text": format_rate(total.pass_rate)},
        )
        try:
            out = pub.directory
            if out.exists():  # left by a row of the same id that was rolled back
                shutil.rmtree(out)
            write_bulletin(bulletin, out)
            (out / SITES_FILE).write_text(json.dumps(sites, ensure_ascii=False), encoding="utf-8")
        except BaseException:
            shutil.rmtree(pub.directory, ignore_errors=True)
            raise
    return pub
