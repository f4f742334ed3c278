"""Registry pages: sites, their detail, registration, import and export, new-media accounts."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from govinspect.platform.registry import tables
from govinspect.platform.registry.forms import ImportForm, NewMediaForm, SiteForm
from govinspect.platform.ratelimit import hit
from govinspect.platform.registry.models import NewMediaAccount, Region, Site
from govinspect.platform.registry.search import MAX_RESULTS, search_sites, site_row
from govinspect.platform.scope import can, get_scoped_or_404, region_allowed, scoped
from govinspect.platform.uploads import to_temp_file
from govinspect.platform.views_util import CSV, XLSX, download, paginate
from govinspect.sites import SitesFileError


def _filtered_sites(request: HttpRequest):  # type: ignore[no-untyped-def]
    sites = scoped(request.user, Site.objects.select_related("region", "organiser"))
    q = (request.GET.get("q") or "").strip()
    if q:
        sites = sites.filter(Q(name__icontains=q) | Q(site_code__icontains=q) | Q(url__icontains=q))
    region = (request.GET.get("region") or "").strip()
    if region.isdigit():
        picked = scoped(request.user, Region.objects.filter(code=region)).first()
        sites = sites.filter(region__code__startswith=picked.prefix) if picked else sites.none()
    if request.GET.get("status") in dict(Site.STATUSES):
        sites = sites.filter(status=request.GET["status"])
    return sites


@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    """Sites in scope, searchable by name, code or address."""
    return render(request, "registry/site_list.html", {
        "page": paginate(request, _filtered_sites(request)), "q": request.GET.get("q", ""),
        "can_edit": can(request.user, "edit_registry"),
    })


# The picker asks once per pause in typing (about 4 a second at most while someone types fast):
# a person never needs more than this per minute; a script walking the registry is stopped.
SEARCH_PER_MINUTE = 120


def site_search(request: HttpRequest) -> JsonResponse:
    """The site picker's suggestions: `?q=` (网站标识码, name or host; `&status=running` for running
    sites only) → at most 20 sites of the user's scope as JSON, best match first."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": "请先登录"}, status=401)
    if not hit(f"site-search:{request.user.pk}", SEARCH_PER_MINUTE, 60):
        response = JsonResponse({"error": "查询过于频繁，请稍后再试"}, status=429)
        response["Retry-After"] = "60"
        return response
    sites = scoped(request.user, Site.objects.all())
    if request.GET.get("status") in dict(Site.STATUSES):
        sites = sites.filter(status=request.GET["status"])
    found = search_sites(sites, request.GET.get("q") or "", limit=MAX_RESULTS + 1)
    response = JsonResponse({"results": [site_row(s) for s in found[:MAX_RESULTS]], "more": len(found) > MAX_RESULTS})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One site and everything hanging on it, each list scoped again."""
    site = get_scoped_or_404(request.user, Site.objects.select_related("region", "organiser"), pk=pk)
    user = request.user
    return render(request, "registry/site_detail.html", {
        "site": site,
        "inspections": scoped(user, site.inspections.all())[:20],
        "findings": scoped(user, site.findings.exclude(state="dismissed"))[:100],
        "orders": scoped(user, site.workorders.all())[:100],
        "reports": scoped(user, site.error_reports.all())[:50],
        "letters": scoped(user, site.test_letters.all())[:50],
        "newmedia": scoped(user, NewMediaAccount.objects.filter(site=site)),
        "can_edit": can(user, "edit_registry"), "today": timezone.localdate(),
    })


@login_required
def site_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Register a new site or edit one (administrators and supervisors, in their regions)."""
    if not can(request.user, "edit_registry"):
        raise PermissionDenied
    site = get_scoped_or_404(request.user, Site.objects.all(), pk=pk) if pk is not None else None
    form = SiteForm(request.POST or None, instance=site, user=request.user)
    if request.method == "POST" and form.is_valid():
        site = form.save()
        return redirect("site_detail", pk=site.pk)
    return render(request, "form.html", {"form": form, "title": "编辑网站" if site else "登记网站"})


@login_required
def site_import(request: HttpRequest) -> HttpResponse:
    """Upload a registry file; rows are validated one by one and bad rows listed."""
    if not can(request.user, "edit_registry"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    result, failure = None, None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        path = to_temp_file(upload, Path(upload.name).suffix.lower())
        try:
            from django.conf import settings

            result = tables.import_sites(path, request.user, settings.GOVINSPECT_MAX_IMPORT_ROWS)
        except SitesFileError as err:
            failure = str(err)
        finally:
            path.unlink(missing_ok=True)
    return render(request, "registry/import.html", {"form": form, "result": result, "failure": failure})


@login_required
def site_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The sites in scope (as filtered on the list page) as CSV or XLSX."""
    rows = tables.export_rows(_filtered_sites(request))
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "csv":
        return download(tables.to_csv(tables.EXPORT_HEADERS, rows), f"网站信息表-{stamp}.csv", CSV)
    return download(tables.to_xlsx(tables.EXPORT_HEADERS, rows, "网站信息表"), f"网站信息表-{stamp}.xlsx", XLSX)


@login_required
def newmedia_list(request: HttpRequest) -> HttpResponse:
    """New-media accounts in scope."""
    accounts = scoped(request.user, NewMediaAccount.objects.select_related("region", "organiser", "site"))
    return render(request, "registry/newmedia_list.html", {
        "page": paginate(request, accounts), "can_edit": can(request.user, "edit_registry")})


@login_required
def newmedia_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Register or edit a new-media account."""
    if not can(request.user, "edit_registry"):
        raise PermissionDenied
    account = get_scoped_or_404(request.user, NewMediaAccount.objects.all(), pk=pk) if pk is not None else None
    form = NewMediaForm(request.POST or None, instance=account, user=request.user)
    if request.method == "POST" and form.is_valid():
        if not region_allowed(request.user, form.cleaned_data["region"].code):
            raise PermissionDenied
        form.save()
        return redirect("newmedia_list")
    return render(request, "form.html", {"form": form, "title": "登记政务新媒体"})


@login_required
def newmedia_export(request: HttpRequest) -> HttpResponse:
    """New-media accounts in scope as XLSX."""
    headers = ["平台", "账号名称", "账号", "主办单位", "地区", "所属网站标识码", "运行状态"]
    rows = [[a.get_platform_display(), a.name, a.account_id, a.organiser.name if a.organiser else "",
             a.region.full_name, a.site.site_code if a.site else "", a.get_status_display()]
            for a in scoped(request.user, NewMediaAccount.objects.select_related("region", "organiser", "site"))]
    return download(tables.to_xlsx(headers, rows, "政务新媒体"), "政务新媒体.xlsx", XLSX)
