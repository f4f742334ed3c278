"""Pages: start a campaign, follow it, read each site's results and evidence, re-score after
review, publish the 通报, download it; the dashboard; the captured evidence."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from govinspect.platform.campaigns import runner
from govinspect.platform.campaigns.dashboard import build_dashboard
from govinspect.platform.campaigns.evidence import evidence_rows, find_capture
from govinspect.platform.campaigns.forms import CampaignForm, PublishForm
from govinspect.platform.campaigns.models import Campaign, CampaignSite, Publication
from govinspect.platform.campaigns.publish import PublishError, previous_publication, publish
from govinspect.platform.campaigns.review import rescore_campaign
from govinspect.platform.orders.models import Finding
from govinspect.platform.scope import can, get_scoped_or_404, scoped
from govinspect.platform.views_util import download, paginate

PUBLICATION_FILES = {
    "docx": ("bulletin.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("bulletin.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "html": ("bulletin.html", "text/html; charset=utf-8"),
}
# Captured pages and our own bulletin.html are shown in an opaque origin: no script, no forms,
# no access to the platform's cookies or pages, nothing fetched.
SANDBOX_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    """Campaigns in scope, newest first."""
    items = scoped(request.user, Campaign.objects.select_related("region", "created_by"))
    return render(request, "campaigns/list.html", {
        "page": paginate(request, items), "can_start": can(request.user, "start_campaign")})


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    """发起抽查 (form id start-campaign)."""
    if not can(request.user, "start_campaign"):
        raise PermissionDenied
    form = CampaignForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = form.start()
        except runner.CampaignStartError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, f"已发起抽查，共抽中{campaign.total}个网站，正在后台检查")
            return redirect("campaign_detail", pk=campaign.pk)
    return render(request, "campaigns/new.html", {"form": form})


def _site_rows(campaign: Campaign, user: object) -> list[CampaignSite]:
    rows = list(scoped(user, CampaignSite.objects.filter(campaign=campaign))
                .select_related("site__region", "inspection__reviewed")
                .annotate(pending=Count("inspection__findings", filter=Q(inspection__findings__state="pending")),
                          findings=Count("inspection__findings")))
    return rows


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress while running (refreshes itself), then the results per site and the 通报."""
    campaign = get_scoped_or_404(request.user, Campaign.objects.select_related("region", "job", "created_by"), pk=pk)
    may_run = can(request.user, "start_campaign")
    may_publish = can(request.user, "publish") and campaign.state == "done" and campaign.imported_at is not None
    return render(request, "campaigns/detail.html", {
        "campaign": campaign, "sites": _site_rows(campaign, request.user), "may_run": may_run,
        "may_publish": may_publish, "may_review": can(request.user, "review"),
        "publications": scoped(request.user, Publication.objects.filter(campaign=campaign)),
        "percent": round(100 * campaign.finished / campaign.total) if campaign.total else 0,
    })


def _queue_action(request: HttpRequest, pk: int, action: Callable[[Campaign], object], done: str) -> HttpResponse:
    """Cancel or resume a campaign in scope, for those who may start one; back to its page."""
    campaign = get_scoped_or_404(request.user, Campaign.objects.all(), pk=pk)
    if not can(request.user, "start_campaign"):
        raise PermissionDenied
    try:
        action(campaign)
        messages.success(request, done)
    except runner.CampaignStartError as err:
        messages.error(request, str(err))
    return redirect("campaign_detail", pk=campaign.pk)


@login_required
@require_POST
def campaign_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """取消: the job stops after the sites in progress; what is finished is kept."""
    return _queue_action(request, pk, runner.request_cancel, "已请求取消，正在检查的网站完成后停止")


@login_required
@require_POST
def campaign_resume(request: HttpRequest, pk: int) -> HttpResponse:
    """继续检查: queue the campaign again; finished sites are not inspected twice."""
    return _queue_action(request, pk, runner.resume, "已重新加入检查队列，已完成的网站不再重复检查")


@login_required
@require_POST
def campaign_rescore(request: HttpRequest, pk: int) -> HttpResponse:
    """重新评分: every site scored again from the findings as reviewed now."""
    campaign = get_scoped_or_404(request.user, Campaign.objects.all(), pk=pk)
    if not can(request.user, "review"):
        raise PermissionDenied
    if campaign.imported_at is None:
        messages.error(request, "抽查尚未完成，没有可评分的结果")
    else:
        count = rescore_campaign(campaign)
        messages.success(request, f"已按审核结果重新评分（{count}个网站）")
    return redirect("campaign_detail", pk=campaign.pk)


@login_required
def campaign_site(request: HttpRequest, pk: int, site_pk: int) -> HttpResponse:
    """One site's results in the campaign: every finding with its evidence and review state."""
    cs = get_scoped_or_404(request.user, CampaignSite.objects.select_related(
        "campaign", "site__region", "inspection__reviewed"), pk=site_pk, campaign_id=pk)
    findings = []
    if cs.inspection is not None:
        for f in cs.inspection.findings.select_related("inspection", "reviewed_by"):
            findings.append((f, evidence_rows(f, capture_available=True)))
    return render(request, "campaigns/site.html", {
        "cs": cs, "campaign": cs.campaign, "inspection": cs.inspection, "findings": findings,
        "reviewed": getattr(cs.inspection, "reviewed", None) if cs.inspection else None,
        "may_review": can(request.user, "review")})


@login_required
def campaign_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """生成通报 (form id publish-bulletin): re-score, write the three files, keep a Publication."""
    campaign = get_scoped_or_404(request.user, Campaign.objects.select_related("region"), pk=pk)
    if not can(request.user, "publish"):
        raise PermissionDenied
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            pub = publish(campaign, request.user, issuer=d["issuer"], title=d["title"], day=d["date"], scope=d["scope"])
        except PublishError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, f"通报已生成：{pub.title}")
            return redirect("campaign_detail", pk=campaign.pk)
    pending = scoped(request.user, Finding.objects.filter(inspection__campaign_site__campaign=campaign,
                                                          state="pending")).count()
    return render(request, "campaigns/publish.html", {
        "campaign": campaign, "form": form, "pending": pending, "previous": previous_publication(campaign)})


@login_required
def publication_list(request: HttpRequest) -> HttpResponse:
    """Published 通报 the user may read."""
    items = scoped(request.user, Publication.objects.select_related("campaign", "created_by"))
    return render(request, "campaigns/publications.html", {"page": paginate(request, items)})


@login_required
def publication_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """bulletin.docx / .xlsx as downloads, bulletin.html shown sandboxed (files of a few MB at most)."""
    pub = get_scoped_or_404(request.user, Publication.objects.select_related("campaign"), pk=pk)
    if fmt not in PUBLICATION_FILES:
        raise Http404("未找到")
    name, content_type = PUBLICATION_FILES[fmt]
    path = pub.directory / name
    if not path.is_file():
        raise Http404("文件不存在")
    if fmt != "html":
        return download(path.read_bytes(), f"通报{pub.pk}-{name}", content_type)
    response = HttpResponse(path.read_bytes(), content_type=content_type)
    response["Content-Security-Policy"] = SANDBOX_CSP
    return response


@login_required
def finding_capture(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The captured response behind evidence item `number` of a finding (scoped: 404 outside).

    Shown with Content-Security-Policy: sandbox (never as a page of the platform), or with
    ?download=1 the WARC record itself (a one-record .warc.gz any WARC tool opens)."""
    finding = get_scoped_or_404(request.user, Finding.objects.select_related("inspection"), pk=pk)
    cs = CampaignSite.objects.filter(inspection=finding.inspection).select_related("campaign").first()
    evidence = finding.evidence or []
    if cs is None or not 0 <= number < len(evidence) or not isinstance(evidence[number], dict):
        raise Http404("没有抓取存档")
    record = find_capture(cs.campaign.run_dir, finding.inspection.raw or {}, str(evidence[number].get("url") or ""))
    if record is None:
        raise Http404("没有抓取存档")
    if request.GET.get("download") == "1":
        return download(record.record_bytes(), f"证据{finding.pk}-{number}.warc.gz", "application/warc")
    result = record.response()
    if not result.responded:
        body = f"抓取失败：{result.outcome} {result.detail}".encode()
        response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    else:
        content_type = next((v for k, v in result.headers if k.lower() == "content-type"), "") or "text/plain"
        response = HttpResponse(result.body, content_type=content_type)
    response["Content-Security-Policy"] = SANDBOX_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["X-Govinspect-Captured-Url"] = quote(result.final_url or result.url, safe=":/?&=%#")
    response["X-Govinspect-Captured-At"] = str(record.entry.get("fetched_at") or "")
    return response


def _trend_label(campaign: Campaign) -> str:
    """A short chart label: T and the start of the name (the chart has room for about 16 characters)."""
    name = campaign.name if len(campaign.name) <= 8 else campaign.name[:7] + "…"
    return f"{timezone.localtime(campaign.as_of):%Y-%m-%d} {name}"


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Per region of the user's scope: pass rate, failing sites, orders, 找错, availability, trends."""
    from govinspect.report.bulletin.charts import rate_chart
    from govinspect.report.bulletin.text import format_rate

    board = build_dashboard(request.user)
    region_svg = rate_chart([(r.region.name, r.pass_rate) for r in board.rows if r.campaign is not None],
                            label="各地区最近一次抽查合格率")
    trend_svg = rate_chart([(_trend_label(p.campaign), p.pass_rate) for p in board.trend], label="历次抽查合格率")
    rows = [(r, format_rate(r.pass_rate)) for r in board.rows]
    return render(request, "campaigns/dashboard.html", {
        "board": board, "rows": rows, "total_rate": format_rate(board.total.pass_rate),
        "trend": [(p, format_rate(p.pass_rate)) for p in board.trend],
        "region_svg": region_svg if any(r.campaign for r in board.rows) else "",
        "trend_svg": trend_svg if board.trend else ""})
