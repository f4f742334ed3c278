"""Inspections imported from the engine, findings under review, whitelists, work orders, jobs."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from govinspect.platform.registry.models import Site


class Inspection(models.Model):
    """One site's result in one engine run (a SITE of results.json)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="inspections", verbose_name="网站")
    run = models.CharField("检查批次", max_length=200, blank=True)
    as_of = models.DateTimeField("监测时间点")
    profile = models.CharField("指标体系", max_length=40)
    status = models.CharField("检查状态", max_length=12)  # inspected | error
    error = models.TextField("无法检查的原因", blank=True)
    verdict = models.CharField("结论", max_length=8, blank=True)  # pass | fail | ''
    score = models.FloatField("得分", null=True, blank=True)
    pages = models.IntegerField("检查页面数", default=0)
    links_checked = models.IntegerField("检查链接数", default=0)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    # The SITE object as the engine wrote it: the evidence behind every finding.
    raw = models.JSONField("原始结果", default=dict)

    class Meta:
        ordering = ["-as_of", "site__site_code"]
        verbose_name = "检查结果"

    def __str__(self) -> str:
        return f"{self.site.name} {self.as_of:%Y-%m-%d}"


class Finding(models.Model):
    """One indicator's problem found on a site, awaiting a reviewer's decision."""

    STATES = [("pending", "待审核"), ("confirmed", "已确认"), ("dismissed", "已驳回"), ("whitelisted", "白名单")]

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="findings", verbose_name="网站")
    indicator = models.CharField("指标", max_length=120, db_index=True)
    veto = models.BooleanField("单项否决", default=False)
    points = models.FloatField("扣分", default=0)
    message = models.TextField("问题描述")
    measure = models.JSONField("测量值", default=dict)
    evidence = models.JSONField("证据", default=list)
    # What a re-check looks at and a whitelist entry names: dead targets, column URLs …
    targets = models.JSONField("问题对象", default=list)
    state = models.CharField("审核状态", max_length=12, choices=STATES, default="pending")
    review_reason = models.TextField("审核意见", blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["site__site_code", "-veto", "indicator"]
        verbose_name = "问题"

    def __str__(self) -> str:
        return f"{self.site.name}：{self.message}"[:300]


class WhitelistEntry(models.Model):
    """A problem a reviewer accepted as legitimate (e.g. a column that is static by nature).

    An empty `target` covers the whole indicator on the site."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="whitelist", verbose_name="网站")
    indicator = models.CharField("指标", max_length=120)
    target = models.CharField("对象", max_length=1000, blank=True)
    reason = models.TextField("理由")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "白名单"
        constraints = [models.UniqueConstraint(fields=["site", "indicator", "target"], name="unique_whitelist")]

    def __str__(self) -> str:
        return f"{self.site.name} {self.indicator} {self.target}"[:300]


class WorkOrder(models.Model):
    """A confirmed finding handed to the site's owner with a deadline in working days."""

    STATES = [("open", "待整改"), ("submitted", "已提交整改"), ("rechecking", "复查中"),
              ("closed", "已办结"), ("reopened", "已退回")]
    CATEGORIES = [("veto", "单项否决问题"), ("column", "栏目维护更新问题"), ("other", "其他问题")]

    finding = models.OneToOneField(Finding, on_delete=models.CASCADE, related_name="workorder")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="workorders", verbose_name="网站")
    category = models.CharField("问题类别", max_length=8, choices=CATEGORIES)
    state = models.CharField("状态", max_length=12, choices=STATES, default="open")
    issued_on = models.DateField("下发日期")
    deadline = models.DateField("整改期限")
    reply = models.TextField("整改说明", blank=True)
    proof = models.FileField("整改证明", upload_to="proof/%Y/%m/", blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    recheck_note = models.TextField("复查结果", blank=True)
    rechecked_at = models.DateTimeField("复查时间", null=True, blank=True)
    reopen_count = models.IntegerField("退回次数", default=0)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = "工单"

    def __str__(self) -> str:
        return f"工单{self.pk}：{self.site.name}"

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """Past its deadline and not yet closed (a late close stays late: see closed_late)."""
        today = today or timezone.localdate()
        return self.state != "closed" and today > self.deadline

    @property
    def closed_late(self) -> bool:
        """Closed, but after the deadline."""
        return self.closed_at is not None and timezone.localtime(self.closed_at).date() > self.deadline


class Job(models.Model):
    """A background task for the local job runner (re-checks; later inspections)."""

    STATES = [("queued", "排队中"), ("running", "运行中"), ("done", "完成"), ("failed", "失败")]

    kind = models.CharField(max_length=40)
    params = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=STATES, default="queued", db_index=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "后台任务"

    def __str__(self) -> str:
        return f"{self.kind}#{self.pk} {self.state}"
