"""Users with a role and a scope, and the audit log of every change."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from govinspect.platform.accounts.roles import ROLES

__all__ = ["ROLES", "AuditEntry", "User"]


class User(AbstractUser):
    """A person who logs in. The scope: admin everything; supervisor and reviewer a region
    subtree (a reviewer without a region works province-wide); owner their own sites."""

    role = models.CharField("角色", max_length=12, choices=ROLES, default="owner")
    region = models.ForeignKey(
        "registry.Region", null=True, blank=True, on_delete=models.PROTECT, verbose_name="管辖地区"
    )
    sites = models.ManyToManyField("registry.Site", blank=True, verbose_name="负责的网站", related_name="owners")

    class Meta:
        verbose_name = "用户"


class AuditEntry(models.Model):
    """Who changed what, when, with the values before and after (全过程留痕)."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField("操作人", max_length=150)  # kept when the user is deleted
    action = models.CharField("操作", max_length=20)  # create, update, delete, login, login_failed …
    model = models.CharField("对象类型", max_length=60, db_index=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=300, blank=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "操作日志"
