"""A test letter sent to a site's mailbox (领导信箱, 咨询投诉 …) and its reply."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from govinspect.platform.registry.models import Site
from govinspect.platform.workdays import workdays_between


class TestLetter(models.Model):
    """One test letter: when it was sent, whether and when it was answered."""

    __test__ = False  # not a pytest test class despite the name

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="test_letters", verbose_name="网站")
    campaign = models.CharField("检查批次", max_length=100, blank=True)
    channel = models.CharField("留言渠道", max_length=100, default="领导信箱")
    subject = models.CharField("信件标题", max_length=300)
    sent_on = models.DateField("发送日期")
    replied_on = models.DateField("回复日期", null=True, blank=True)
    reply_excerpt = models.TextField("回复摘要", blank=True)
    deleted = models.BooleanField("信件被删除", default=False)
    note = models.TextField("备注", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["site__site_code", "-sent_on"]
        verbose_name = "测试信件"

    def __str__(self) -> str:
        return f"{self.site.name} {self.sent_on} {self.subject}"[:300]

    @property
    def workdays(self) -> int | None:
        """Working days from sending to the reply (0: answered the same day)."""
        if self.replied_on is None:
            return None
        return workdays_between(self.sent_on, self.replied_on)

    def on_time(self, limit: int) -> bool:
        """Replied within `limit` working days (and the letter was not deleted)."""
        return not self.deleted and self.workdays is not None and self.workdays <= limit
