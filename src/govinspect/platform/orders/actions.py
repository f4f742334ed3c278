"""What reviewers and owners do to findings and work orders. Views and the API call these;
each checks the state it starts from, so a stale form cannot skip a step."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from govinspect.platform.deadlines import finding_category, levels_for
from govinspect.platform.orders.models import Finding, Job, WhitelistEntry, WorkOrder


class ActionError(ValueError):
    """An action that does not apply to the row as it is now (one-line Chinese message)."""


def _levels(order_site: Any) -> Any:
    return levels_for(order_site.region.code, settings.GOVINSPECT_DEADLINES_FILE)


@transaction.atomic
def confirm(finding: Finding, user: Any, reason: str = "") -> WorkOrder:
    """Confirm a finding and hand it to the site owner as a work order with its deadline."""
    if finding.state != "pending":
        raise ActionError("该问题已审核")
    finding.state, finding.review_reason = "confirmed", reason.strip()
    finding.reviewed_by, finding.reviewed_at = user, timezone.now()
    finding.save()
    category = finding_category(finding.indicator, finding.veto, settings.GOVINSPECT_DEADLINES_FILE)
    issued = timezone.localdate()
    return WorkOrder.objects.create(
        finding=finding, site=finding.site, category=category, issued_on=issued,
        deadline=_levels(finding.site).workorder_deadline(category, issued),
    )


@transaction.atomic
def dismiss(finding: Finding, user: Any, reason: str) -> None:
    """Dismiss a false alarm; the reason is required and kept."""
    if finding.state != "pending":
        raise ActionError("该问题已审核")
    if not reason.strip():
        raise ActionError("驳回必须填写理由")
    finding.state, finding.review_reason = "dismissed", reason.strip()
    finding.reviewed_by, finding.reviewed_at = user, timezone.now()
    finding.save()


@transaction.atomic
def whitelist(finding: Finding, user: Any, reason: str) -> None:
    """Accept the finding's targets as legitimate for this site and indicator, now and later."""
    if finding.state != "pending":
        raise ActionError("该问题已审核")
    if not reason.strip():
        raise ActionError("加入白名单必须填写理由")
    for target in finding.targets or [""]:
        WhitelistEntry.objects.get_or_create(
            site=finding.site, indicator=finding.indicator, target=str(target)[:1000],
            defaults={"reason": reason.strip(), "created_by": user},
        )
    finding.state, finding.review_reason = "whitelisted", reason.strip()
    finding.reviewed_by, finding.reviewed_at = user, timezone.now()
    finding.save()


@transaction.atomic
def submit(order: WorkOrder, reply: str, proof: Any = None) -> Job:
    """The owner reports the problem fixed; the re-check is queued at once."""
    if order.state not in ("open", "reopened"):
        raise ActionError("该工单当前状态不能提交整改")
    if not reply.strip():
        raise ActionError("请填写整改说明")
    order.reply = reply.strip()
    if proof is not None:
        order.proof = proof
    order.state, order.submitted_at = "submitted", timezone.now()
    order.save()
    return request_recheck(order)


def request_recheck(order: WorkOrder) -> Job:
    """Queue the automatic re-check of the order's finding (state → 复查中)."""
    if order.state not in ("submitted", "rechecking"):
        raise ActionError("只有已提交整改的工单可以复查")
    order.state = "rechecking"
    order.save()
    return Job.objects.create(kind="recheck", params={"workorder": order.pk})


@transaction.atomic
def apply_recheck(order: WorkOrder, verdict: str, note: str) -> None:
    """Close on "fixed", send back on "still", keep waiting for a person on "unknown".

    Precision first: only a re-check that saw the problem gone closes an order, and only one
    that saw it still there reopens it.
    """
    order.recheck_note, order.rechecked_at = note, timezone.now()
    if verdict == "fixed":
        order.state, order.closed_at = "closed", timezone.now()
    elif verdict == "still":
        order.state, order.reopen_count = "reopened", order.reopen_count + 1
    else:
        order.state = "submitted"
    order.save()


def repeat_offenders(orders: QuerySet[WorkOrder]) -> QuerySet[Any]:
    """(site, indicator) pairs with confirmed problems in more than one inspection run."""
    return (
        orders.values("site", "site__name", "site__site_code", "finding__indicator")
        .annotate(runs=Count("finding__inspection__as_of", distinct=True))
        .filter(runs__gt=1)
        .order_by("-runs", "site__site_code")
    )
