"""Login (rate-limited), logout, the home page and the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from govinspect.platform import audit
from govinspect.platform.accounts.models import AuditEntry
from govinspect.platform.orders.models import Finding, WorkOrder
from govinspect.platform.ratelimit import blocked, hit
from govinspect.platform.registry.models import Site
from govinspect.platform.reports.models import ErrorReport
from govinspect.platform.scope import can, scoped
from govinspect.platform.views_util import paginate

LOGIN_LIMIT, LOGIN_WINDOW = 5, 15 * 60


class LoginView(auth_views.LoginView):
    """Django's login (session key rotated on login) with a limit on failures per address and name."""

    template_name = "login.html"
    redirect_authenticated_user = True

    def _keys(self, request: HttpRequest) -> list[str]:
        name = (request.POST.get("username") or "").strip().lower()[:150]
        return [f"login-ip:{audit.client_ip(request)}", f"login-user:{name}"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if any(blocked(k, LOGIN_LIMIT, LOGIN_WINDOW) for k in self._keys(request)):
            return render(request, "login.html", {"form": self.get_form(), "locked": True}, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        for key in self._keys(self.request):
            hit(key, LOGIN_LIMIT, LOGIN_WINDOW)
        return super().form_invalid(form)


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest, user: Any, **_: Any) -> None:
    audit.record("login", user, actor=user, ip=audit.client_ip(request))


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **_: Any) -> None:
    audit.record("login_failed", None, model="accounts.User", object_id=str(credentials.get("username", ""))[:64],
                 ip=audit.client_ip(request) if request is not None else None)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What needs doing in the user's scope."""
    user = request.user
    orders = scoped(user, WorkOrder.objects.all())
    today = timezone.localdate()
    reports = scoped(user, ErrorReport.objects.all())
    from django.db.models import Q

    from govinspect.platform.reminders.models import Reminder

    # The latest reminder of each order or report still not done (an order closed since drops out).
    pending = (scoped(user, Reminder.objects.all())
               .filter(Q(workorder__isnull=False) & ~Q(workorder__state="closed")
                       | Q(report__isnull=False, report__state="forwarded"))
               .select_related("site").order_by("-day", "deadline", "id"))
    reminders, seen = [], set()
    for reminder in pending[:500]:
        item = (reminder.workorder_id, reminder.report_id)
        if item not in seen and len(reminders) < 50:
            seen.add(item)
            reminders.append(reminder)
    context = {
        "reminders": reminders,
        "sites": scoped(user, Site.objects.all()).count(),
        "pending_findings": scoped(user, Finding.objects.filter(state="pending")).count(),
        "open_orders": orders.exclude(state="closed").count(),
        "overdue_orders": orders.exclude(state="closed").filter(deadline__lt=today).count(),
        "open_reports": reports.filter(state="forwarded").count(),
        "overdue_reports": reports.filter(state="forwarded", reply_deadline__lt=today).count(),
    }
    return render(request, "home.html", context)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit trail (administrators only: it spans every scope)."""
    if not can(request.user, "view_audit"):
        raise PermissionDenied
    entries = AuditEntry.objects.all()
    if request.GET.get("model"):
        entries = entries.filter(model=request.GET["model"])
    return render(request, "audit.html", {"page": paginate(request, entries)})
