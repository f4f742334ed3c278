"""Pages for inspections, findings under review, whitelists and work orders."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from govinspect.platform.orders import actions
from govinspect.platform.orders.forms import ResultsForm, ReviewForm, SubmitForm
from govinspect.platform.orders.models import Finding, Inspection, WhitelistEntry, WorkOrder
from govinspect.platform.orders.results_import import ResultsFileError, import_results, read_results
from govinspect.platform.scope import can, get_scoped_or_404, scoped
from govinspect.platform.uploads import to_temp_file
from govinspect.platform.views_util import paginate


@login_required
def results_import(request: HttpRequest) -> HttpResponse:
    """Upload an engine run's results.json; its findings wait for review."""
    if not can(request.user, "import_results"):
        raise PermissionDenied
    form = ResultsForm(request.POST or None, request.FILES or None)
    result, failure = None, None
    if request.method == "POST" and form.is_valid():
        path = to_temp_file(form.cleaned_data["file"], ".json")
        try:
            result = import_results(read_results(path), request.user, form.cleaned_data["run"].strip())
        except ResultsFileError as err:
            failure = str(err)
        finally:
            path.unlink(missing_ok=True)
    return render(request, "orders/results_import.html", {"form": form, "result": result, "failure": failure})


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    """Imported inspections in scope."""
    items = scoped(request.user, Inspection.objects.select_related("site").defer("raw"))
    return render(request, "orders/inspection_list.html", {
        "page": paginate(request, items), "can_import": can(request.user, "import_results")})


@login_required
def finding_list(request: HttpRequest) -> HttpResponse:
    """Findings in scope, by review state (default: waiting for review)."""
    state = request.GET.get("state", "pending")
    items = scoped(request.user, Finding.objects.select_related("site", "inspection"))
    if state in dict(Finding.STATES):
        items = items.filter(state=state)
    return render(request, "orders/finding_list.html", {
        "page": paginate(request, items), "state": state, "states": Finding.STATES})


@login_required
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A finding with its evidence, and the review form for reviewers."""
    finding = get_scoped_or_404(request.user, Finding.objects.select_related("site", "inspection"), pk=pk)
    may_review = can(request.user, "review") and finding.state == "pending"
    form = ReviewForm(request.POST or None) if may_review else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
            try:
                if decision == "confirm":
                    order = actions.confirm(finding, request.user, reason)
                    messages.success(request, f"已确认并下发工单，整改期限 {order.deadline:%Y-%m-%d}")
                elif decision == "dismiss":
                    actions.dismiss(finding, request.user, reason)
                    messages.success(request, "已驳回")
                else:
                    actions.whitelist(finding, request.user, reason)
                    messages.success(request, "已加入白名单，今后的检查将不再报告")
                return redirect("finding_detail", pk=finding.pk)
            except actions.ActionError as err:
                form.add_error(None, str(err))
    from govinspect.platform.campaigns.evidence import evidence_rows

    # Captured responses exist for inspections a platform campaign ran (their WARC is ours).
    captured = hasattr(finding.inspection, "campaign_site")
    return render(request, "orders/finding_detail.html", {
        "finding": finding, "form": form, "evidence": evidence_rows(finding, capture_available=captured)})


@login_required
def whitelist_list(request: HttpRequest) -> HttpResponse:
    """Whitelist entries in scope."""
    items = scoped(request.user, WhitelistEntry.objects.select_related("site", "created_by"))
    return render(request, "orders/whitelist_list.html", {"page": paginate(request, items)})


@login_required
def workorder_list(request: HttpRequest) -> HttpResponse:
    """Work orders in scope; ?state=…, ?overdue=1; repeat offenders below."""
    orders = scoped(request.user, WorkOrder.objects.select_related("site", "finding"))
    state = request.GET.get("state", "")
    if state in dict(WorkOrder.STATES):
        orders = orders.filter(state=state)
    if request.GET.get("overdue") == "1":
        orders = orders.exclude(state="closed").filter(deadline__lt=timezone.localdate())
    return render(request, "orders/workorder_list.html", {
        "page": paginate(request, orders), "states": WorkOrder.STATES, "state": state,
        "today": timezone.localdate(),
        "repeat": actions.repeat_offenders(scoped(request.user, WorkOrder.objects.all()))[:50],
    })


@login_required
def workorder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A work order: the problem and its evidence, the owner's answer form, the re-check result."""
    order = get_scoped_or_404(request.user, WorkOrder.objects.select_related("site", "finding"), pk=pk)
    may_answer = can(request.user, "reply_workorder") and order.state in ("open", "reopened")
    form = SubmitForm(request.POST or None, request.FILES or None) if may_answer else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.submit(order, form.cleaned_data["reply"], form.cleaned_data.get("proof"))
                messages.success(request, "整改情况已提交，系统将自动复查")
                return redirect("workorder_detail", pk=order.pk)
            except actions.ActionError as err:
                form.add_error(None, str(err))
    return render(request, "orders/workorder_detail.html", {
        "order": order, "form": form, "today": timezone.localdate(),
        "may_recheck": can(request.user, "recheck") and order.state == "submitted",
    })


@login_required
@require_POST
def workorder_recheck(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the re-check again (after an inconclusive one)."""
    order = get_scoped_or_404(request.user, WorkOrder.objects.all(), pk=pk)
    if not can(request.user, "recheck"):
        raise PermissionDenied
    try:
        actions.request_recheck(order)
        messages.success(request, "已加入复查队列")
    except actions.ActionError as err:
        messages.error(request, str(err))
    return redirect("workorder_detail", pk=order.pk)


@login_required
def workorder_proof(request: HttpRequest, pk: int) -> FileResponse:
    """The owner's proof file, only to those who may see the order."""
    order = get_scoped_or_404(request.user, WorkOrder.objects.all(), pk=pk)
    if not order.proof:
        raise Http404("没有整改证明")
    return FileResponse(order.proof.open("rb"), as_attachment=True, filename=f"整改证明-{order.pk}{Path(order.proof.name).suffix}")
