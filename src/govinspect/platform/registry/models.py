"""Regions, organisers, sites and new-media accounts: what the province inspects."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from govinspect.sitecodes import region_prefix, site_code_error


class Region(models.Model):
    """An administrative division by its GB/T 2260 code (province, city or county)."""

    LEVELS = [("province", "省级"), ("city", "市级"), ("county", "县级")]

    code = models.CharField("行政区划代码", max_length=6, unique=True)
    name = models.CharField("名称", max_length=64)
    full_name = models.CharField("全称", max_length=200, db_index=True)
    level = models.CharField("层级", max_length=10, choices=LEVELS)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["code"]
        verbose_name = "地区"

    def __str__(self) -> str:
        return self.full_name

    @property
    def prefix(self) -> str:
        """The code prefix every region of this subtree starts with (610300 → 6103)."""
        return region_prefix(self.code)


class Organiser(models.Model):
    """主办单位: the body responsible for one or more sites."""

    name = models.CharField("主办单位", max_length=200, unique=True)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name="地区")
    contact = models.CharField("联系方式", max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "主办单位"

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    """One government website as registered (网站信息报送)."""

    STATUSES = [("running", "运行"), ("closed", "关停"), ("merged", "整合")]

    site_code = models.CharField("网站标识码", max_length=12, unique=True)
    name = models.CharField("网站名称", max_length=200)
    organiser = models.ForeignKey(Organiser, null=True, blank=True, on_delete=models.PROTECT, verbose_name="主办单位")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name="地区")
    portal = models.BooleanField("是否门户", default=False)
    url = models.CharField("首页地址", max_length=500)
    status = models.CharField("运行状态", max_length=10, choices=STATUSES, default="running")
    aliases = models.TextField("别名域名", blank=True, help_text="每行一个")
    # Re-checks refuse private/loopback targets unless an administrator allows them here.
    allow_private = models.BooleanField("允许访问内网地址", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["site_code"]
        verbose_name = "网站"

    def __str__(self) -> str:
        return f"{self.name}（{self.site_code}）"

    def clean(self) -> None:
        error = site_code_error(self.site_code, self.region.code if self.region_id else None)
        if error:
            raise ValidationError({"site_code": error})

    @property
    def alias_list(self) -> list[str]:
        """Other host names of the site."""
        return [a.strip() for a in self.aliases.splitlines() if a.strip()]


class NewMediaAccount(models.Model):
    """A 政务新媒体 account (WeChat, Weibo, Douyin …) kept by an organiser."""

    PLATFORMS = [("wechat", "微信"), ("weibo", "微博"), ("douyin", "抖音"), ("toutiao", "今日头条"),
                 ("kuaishou", "快手"), ("other", "其他")]

    platform = models.CharField("平台", max_length=12, choices=PLATFORMS)
    name = models.CharField("账号名称", max_length=200)
    account_id = models.CharField("账号", max_length=200, blank=True)
    organiser = models.ForeignKey(Organiser, null=True, blank=True, on_delete=models.PROTECT, verbose_name="主办单位")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name="地区")
    # The site of the same owner, so a site owner sees the accounts of their own unit.
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="所属网站")
    status = models.CharField("运行状态", max_length=10, choices=Site.STATUSES, default="running")

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = "政务新媒体"
        constraints = [models.UniqueConstraint(fields=["platform", "name"], name="unique_newmedia_platform_name")]

    def __str__(self) -> str:
        return f"{self.get_platform_display()}：{self.name}"
