"""The public 找错 form and the owners' and supervisors' pages for handling reports."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from govinspect.platform.audit import client_ip
from govinspect.platform.deadlines import levels_for
from govinspect.platform.ratelimit import hit
from govinspect.platform.registry.models import Region, Site
from govinspect.platform.reports.forms import ReplyForm, ZhaocuoForm, form_stamp
from govinspect.platform.reports.models import ErrorReport
from govinspect.platform.reports.stats import region_rates
from govinspect.platform.scope import can, get_scoped_or_404, scoped
from govinspect.platform.views_util import paginate

PER_IP_PER_HOUR = 5
PER_SITE_PER_HOUR = 60


def _public_site(site_code: str) -> Site:
    site = Site.objects.select_related("region").filter(site_code=site_code, status="running").first()
    if site is None:
        raise Http404("网站不存在或已关停")
    return site


def zhaocuo_form(request: HttpRequest, site_code: str) -> HttpResponse:
    """我为政府网站找错: anyone may report an error on a running site, without logging in."""
    site = _public_site(site_code)
    form = ZhaocuoForm(request.POST or None, initial={"stamp": form_stamp()})
    if request.method == "POST":
        if form.is_bot():
            return render(request, "reports/thanks.html", {"site": site, "report": None})
        ip = client_ip(request) or "unknown"
        if not hit(f"zc-ip:{ip}", PER_IP_PER_HOUR, 3600) or not hit(f"zc-site:{site.pk}", PER_SITE_PER_HOUR, 3600):
            return render(request, "reports/form.html", {"site": site, "form": form, "limited": True}, status=429)
        if form.is_valid():
            received = timezone.now()
            levels = levels_for(site.region.code, settings.GOVINSPECT_DEADLINES_FILE)
            data = form.cleaned_data
            report = ErrorReport.objects.create(
                site=site, category=data["category"], page_url=data["page_url"].strip(),
                description=data["description"].strip(), reporter=data["reporter"].strip(),
                contact=data["contact"].strip(), received_at=received, forwarded_at=received,
                reply_deadline=levels.zhaocuo_deadline(timezone.localtime(received).date()),
                sender_hash=hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest(),
            )
            return render(request, "reports/thanks.html", {"site": site, "report": report})
        form.data = form.data.copy()
        form.data["stamp"] = form_stamp() if "stamp" in form.errors else form.data.get("stamp")
    return render(request, "reports/form.html", {"site": site, "form": form})


def zhaocuo_status(request: HttpRequest, ticket: str) -> HttpResponse:
    """The reporter looks up the answer with the 查询码 they were given (no personal data shown)."""
    report = ErrorReport.objects.select_related("site").filter(ticket=ticket.upper()[:16]).first()
    if report is None:
        raise Http404("查询码不存在")
    return render(request, "reports/status.html", {"report": report})


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """Reports in scope; owners answer theirs here."""
    reports = scoped(request.user, ErrorReport.objects.select_related("site"))
    state = request.GET.get("state", "")
    if state in dict(ErrorReport.STATES):
        reports = reports.filter(state=state)
    return render(request, "reports/list.html", {
        "page": paginate(request, reports), "today": timezone.localdate(), "state": state,
        "states": ErrorReport.STATES})


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One report and the reply form."""
    report = get_scoped_or_404(request.user, ErrorReport.objects.select_related("site"), pk=pk)
    may_reply = can(request.user, "reply_report") and report.state == "forwarded"
    form = ReplyForm(request.POST or None) if may_reply else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            report.reply = form.cleaned_data["reply"].strip()
            report.state = "invalid" if form.cleaned_data["invalid"] else "replied"
            report.replied_at, report.replied_by = timezone.now(), request.user
            report.save()
            messages.success(request, "已答复")
            return redirect("report_detail", pk=report.pk)
    return render(request, "reports/detail.html", {"report": report, "form": form, "today": timezone.localdate()})


def _year_bounds(text: str | None) -> tuple[dt.datetime, dt.datetime, int]:
    year = int(text) if text and text.isdigit() and 2000 <= int(text) <= 2100 else timezone.localdate().year
    tz = timezone.get_current_timezone()
    return dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz), year


@login_required
def report_stats(request: HttpRequest) -> HttpResponse:
    """On-time reply rate per region for a year, with the annual assessment's counts."""
    if getattr(request.user, "role", "") == "owner" and not request.user.is_superuser:
        raise PermissionDenied
    start, end, year = _year_bounds(request.GET.get("year"))
    reports = list(scoped(request.user, ErrorReport.objects.select_related("site__region"))
                   .filter(received_at__gte=start, received_at__lt=end))
    root = request.user.region
    regions = list(Region.objects.filter(parent=root)) if root else list(
        scoped(request.user, Region.objects.filter(level="province")))
    if root:
        regions.insert(0, root)
    return render(request, "reports/stats.html", {"rows": region_rates(reports, regions), "year": year})
