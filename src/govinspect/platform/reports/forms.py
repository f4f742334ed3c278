"""The public 找错 form: no login and no CAPTCHA, but a honeypot, a minimum fill time and limits."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.core import signing

from govinspect.platform.reports.models import CATEGORIES

MIN_FILL_SECONDS = 3  # people take longer than this to read the form and type a description
MAX_FORM_AGE = 2 * 3600
_SALT = "govinspect.zhaocuo.form"


def form_stamp() -> str:
    """A signed issue time put in the form, so a submission shows how long it took to fill."""
    return signing.dumps({"t": time.time()}, salt=_SALT)


class ZhaocuoForm(forms.Form):
    """What a member of the public reports."""

    category = forms.ChoiceField(label="问题类型", choices=CATEGORIES)
    page_url = forms.CharField(label="问题页面地址", max_length=1000, required=False)
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 6}), min_length=5,
                                  max_length=2000)
    reporter = forms.CharField(label="您的称呼（可不填）", max_length=50, required=False)
    contact = forms.CharField(label="联系电话或邮箱（可不填，用于答复）", max_length=100, required=False)
    # Hidden from people by CSS; bots fill every field they see in the markup.
    website = forms.CharField(label="网址", required=False, max_length=200)
    stamp = forms.CharField(widget=forms.HiddenInput)

    def is_bot(self) -> bool:
        """True when the honeypot was filled: accepted silently, never stored."""
        return bool(self.data.get("website"))

    def clean_stamp(self) -> str:
        value = self.cleaned_data["stamp"]
        try:
            issued = float(signing.loads(value, salt=_SALT, max_age=MAX_FORM_AGE)["t"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise forms.ValidationError("页面已过期，请刷新后重新填写") from None
        if time.time() - issued < MIN_FILL_SECONDS:
            raise forms.ValidationError("提交过快，请确认内容后再提交")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        url = (data.get("page_url") or "").strip()
        if url and not url.lower().startswith(("http://", "https://")):
            self.add_error("page_url", "请填写以 http:// 或 https:// 开头的网址")
        return data


class ReplyForm(forms.Form):
    """The owner's answer to a 找错 report."""

    reply = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    invalid = forms.BooleanField(label="无效留言（广告、无关内容）", required=False)
