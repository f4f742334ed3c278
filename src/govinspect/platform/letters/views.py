"""Recording test letters and their replies; the 附件3 table as a page and as XLSX."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from govinspect.platform.deadlines import levels_for
from govinspect.platform.letters import table
from govinspect.platform.letters.models import TestLetter
from govinspect.platform.registry.models import Site
from govinspect.platform.registry.tables import to_xlsx
from govinspect.platform.scope import can, get_scoped_or_404, scoped
from govinspect.platform.views_util import XLSX, download


class LetterForm(forms.ModelForm):
    """One test letter; the sites offered are those in the user's scope."""

    class Meta:
        model = TestLetter
        fields = ["site", "campaign", "channel", "subject", "sent_on", "replied_on", "reply_excerpt", "deleted", "note"]
        widgets = {"sent_on": forms.DateInput(attrs={"type": "date"}), "replied_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = scoped(user, Site.objects.all())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        sent, replied = data.get("sent_on"), data.get("replied_on")
        if sent and replied and replied < sent:
            self.add_error("replied_on", "回复日期不能早于发送日期")
        return data


def _limit(site: Site) -> int:
    return levels_for(site.region.code, settings.GOVINSPECT_DEADLINES_FILE).test_letter_reply


def _letters(request: HttpRequest):  # type: ignore[no-untyped-def]
    letters = scoped(request.user, TestLetter.objects.select_related("site__region"))
    campaign = (request.GET.get("campaign") or "").strip()
    return letters.filter(campaign=campaign) if campaign else letters


@login_required
def letter_list(request: HttpRequest) -> HttpResponse:
    """Test letters in scope as the 附件3 table."""
    rows = table.rows(_letters(request), _limit, timezone.localdate())
    return render(request, "letters/list.html", {
        "rows": rows, "summary": table.summary(rows), "headers": table.HEADERS,
        "campaign": request.GET.get("campaign", ""), "can_record": can(request.user, "record_letters"),
        "letters": list(_letters(request))})


@login_required
def letter_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Record a sent letter, or its reply later."""
    if not can(request.user, "record_letters"):
        raise PermissionDenied
    letter = get_scoped_or_404(request.user, TestLetter.objects.all(), pk=pk) if pk is not None else None
    form = LetterForm(request.POST or None, instance=letter, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if letter is None:
            saved.recorded_by = request.user
        saved.save()
        return redirect("letter_list")
    return render(request, "form.html", {"form": form, "title": "登记测试信件"})


@login_required
def letter_export(request: HttpRequest) -> HttpResponse:
    """The 附件3 table as XLSX."""
    rows = table.rows(_letters(request), _limit, timezone.localdate())
    return download(to_xlsx(table.HEADERS, rows, "互动回应检查情况"), "互动回应检查情况.xlsx", XLSX)
