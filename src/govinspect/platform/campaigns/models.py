"""Campaigns started from the platform, the sites they drew, re-scores after review, 通报 published.

Files live under ``DATA/campaigns/<id>/``:

    registry.csv            the registry rows the sample was drawn from (a snapshot: a resumed
                            campaign draws the same sample even if the registry changed since)
    run/                    the engine's campaign directory (campaign.json, sites/, attempts/ …)
    publications/<n>/       one published 通报: bulletin.docx/.xlsx/.html and sites.json
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models

from govinspect.platform.orders.models import Inspection, Job
from govinspect.platform.registry.models import Region, Site


def campaigns_root() -> Path:
    """Where every campaign's files are kept (inside the data directory)."""
    return Path(settings.DATA_DIR) / "campaigns"


class Campaign(models.Model):
    """One 抽查 started from the platform: what was chosen, where the engine is, what it did."""

    STATES = [("queued", "排队中"), ("running", "检查中"), ("done", "已完成"), ("failed", "失败"),
              ("cancelled", "已取消"), ("interrupted", "已中断")]
    MODES = [("region", "按地区（含下级）"), ("site", "单个网站")]

    name = models.CharField("批次名称", max_length=120)
    # The region the campaign covers; supervisors see campaigns of their subtree. Null: everything.
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name="检查范围")
    mode = models.CharField("选择方式", max_length=8, choices=MODES, default="region")
    sample = models.CharField("抽样", max_length=20, default="all")
    seed = models.IntegerField("随机种子", default=0)
    all_portals = models.BooleanField("门户网站全部检查", default=False)
    as_of = models.DateTimeField("监测时间点")
    profile = models.CharField("指标体系", max_length=40, default="gov2019")
    # The simulated province: served in-process on loopback while the campaign runs.
    sandbox = models.BooleanField("模拟省", default=False)
    state = models.CharField("状态", max_length=12, choices=STATES, default="queued", db_index=True)
    cancel_requested = models.BooleanField("已请求取消", default=False)
    total = models.IntegerField("抽中网站数", default=0)
    finished = models.IntegerField("已完成", default=0)
    errors = models.IntegerField("无法检查", default=0)
    current = models.CharField("正在检查", max_length=500, blank=True)
    message = models.TextField("说明", blank=True)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name="发起人")
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    imported_at = models.DateTimeField("导入时间", null=True, blank=True)
    rescored_at = models.DateTimeField("重新评分时间", null=True, blank=True)

    class Meta:
        ordering = ["-as_of", "-id"]
        verbose_name = "抽查批次"

    def __str__(self) -> str:
        return f"{self.name}（批次{self.pk}）"

    @property
    def directory(self) -> Path:
        """DATA/campaigns/<id>/."""
        return campaigns_root() / str(self.pk)

    @property
    def run_dir(self) -> Path:
        """The engine's campaign directory (resumable)."""
        return self.directory / "run"

    @property
    def registry_file(self) -> Path:
        """The registry snapshot the sample was drawn from."""
        return self.directory / "registry.csv"

    @property
    def label(self) -> str:
        """The 检查批次 its inspections are imported under (unique per campaign)."""
        return str(self)[:200]

    @property
    def active(self) -> bool:
        """Queued or running: the progress page refreshes itself."""
        return self.state in ("queued", "running")

    @property
    def resumable(self) -> bool:
        """A stopped campaign can be run again; finished sites are kept."""
        return self.state in ("failed", "cancelled", "interrupted")


class CampaignSite(models.Model):
    """A site the campaign drew, its key in the campaign directory, and its imported inspection."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="sites")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+", verbose_name="网站")
    key = models.CharField("文件名", max_length=120)
    done = models.BooleanField("已完成", default=False)
    inspection = models.OneToOneField(Inspection, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="campaign_site")

    class Meta:
        ordering = ["campaign", "site__region__code", "site__site_code"]
        verbose_name = "抽查网站"
        constraints = [models.UniqueConstraint(fields=["campaign", "site"], name="unique_campaign_site")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.key}"


class ReviewedScore(models.Model):
    """A site's verdict and score after review: dismissed and whitelisted findings left out.

    `site` is the SITE object re-scored by `govinspect.scoring` (the same code as `govinspect
    rescore`); the inspection keeps the engine's own verdict and score (before review)."""

    inspection = models.OneToOneField(Inspection, on_delete=models.CASCADE, related_name="reviewed")
    verdict = models.CharField("审核后结论", max_length=8, blank=True)
    score = models.FloatField("审核后得分", null=True, blank=True)
    vetoes = models.JSONField("单项否决", default=list)
    counts = models.JSONField("审核统计", default=dict)  # confirmed / dismissed / unreviewed
    note = models.TextField("说明", blank=True)
    site = models.JSONField("重新评分后的结果", default=dict)
    computed_at = models.DateTimeField("评分时间", auto_now=True)

    class Meta:
        verbose_name = "审核后评分"

    def __str__(self) -> str:
        return f"{self.inspection_id}: {self.verdict} {self.score}"


class Publication(models.Model):
    """A published 通报 of a campaign (files under the campaign's publications/<id>/)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="publications")
    title = models.CharField("标题", max_length=300)
    issuer = models.CharField("发文机关", max_length=120)
    date = models.DateField("成文日期")
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name="环比批次")
    totals = models.JSONField("合计", default=dict)  # sampled, passed, failed, unscored, errors, pass_rate
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "通报"

    def __str__(self) -> str:
        return self.title

    @property
    def directory(self) -> Path:
        """DATA/campaigns/<campaign>/publications/<id>/."""
        return self.campaign.directory / "publications" / str(self.pk)
