"""Forms for importing results, reviewing findings and answering work orders."""

from __future__ import annotations

from typing import Any

from django import forms

from govinspect.platform.uploads import PROOF_KINDS, check_upload


class ResultsForm(forms.Form):
    """An engine run's results.json."""

    file = forms.FileField(label="检查结果（results.json）")
    run = forms.CharField(label="批次名称", max_length=200, required=False, help_text="例如：2024年第二季度抽查")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        check_upload(upload, ("json",), max_bytes=200 * 1024 * 1024)
        return upload


class ReviewForm(forms.Form):
    """A reviewer's decision on one finding."""

    decision = forms.ChoiceField(label="审核结论", choices=[
        ("confirm", "确认问题，下发工单"), ("dismiss", "驳回（误报）"), ("whitelist", "加入白名单")])
    reason = forms.CharField(label="审核意见", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                             max_length=2000)


class SubmitForm(forms.Form):
    """The owner's answer to a work order."""

    reply = forms.CharField(label="整改说明", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    proof = forms.FileField(label="整改证明（PDF、图片或 Word，可选）", required=False)

    def clean_proof(self) -> Any:
        upload = self.cleaned_data.get("proof")
        if upload:
            check_upload(upload, PROOF_KINDS)
        return upload
