"""The one scoping rule. Every page, API viewset, export and download gets its rows through
`scoped()`, so a site owner can never see another site's anything and a city supervisor never
sees another city: rows out of scope are simply not in the queryset (→ 404, never a hint).

admin       everything
supervisor  the region subtree of `user.region` (GB/T 2260 code prefix); nothing without a region
reviewer    the region subtree of `user.region`, or everything when no region is set
owner       the sites in `user.sites`, and rows hanging on them
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

__all__ = ["campaigns_with_rows", "can", "get_scoped_or_404", "region_allowed", "scoped"]

M = TypeVar("M", bound=Model)

# model label → (path to its Region's code, path to its Site) — "" means the row itself.
_PATHS: dict[str, tuple[str | None, str | None]] = {
    "registry.Region": ("code", None),
    "registry.Organiser": ("region__code", None),
    "registry.Site": ("region__code", "pk"),
    "registry.NewMediaAccount": ("region__code", "site"),
    "orders.Inspection": ("site__region__code", "site"),
    "orders.Finding": ("site__region__code", "site"),
    "orders.WhitelistEntry": ("site__region__code", "site"),
    "orders.WorkOrder": ("site__region__code", "site"),
    "reports.ErrorReport": ("site__region__code", "site"),
    "letters.TestLetter": ("site__region__code", "site"),
    # A campaign belongs to its region; owners see none (they see its 通报, below).
    "campaigns.Campaign": ("region__code", None),
    "campaigns.CampaignSite": ("site__region__code", "site"),
    "campaigns.ReviewedScore": ("inspection__site__region__code", "inspection__site"),
    "reminders.Reminder": ("site__region__code", "site"),
}
# Rows with no region or site of their own: (label, rule) below in `scoped`.
_DERIVED = {"campaigns.Publication"}

# What each role may do beyond reading what is in its scope.
_CAPABILITIES: dict[str, frozenset[str]] = {
    "admin": frozenset({"manage_users", "edit_registry", "import_results", "review", "record_letters",
                        "recheck", "reply_workorder", "reply_report", "view_audit", "start_campaign", "publish"}),
    "supervisor": frozenset({"edit_registry", "import_results", "review", "record_letters", "recheck",
                             "reply_report", "start_campaign", "publish"}),
    "reviewer": frozenset({"import_results", "review", "record_letters", "recheck", "start_campaign", "publish"}),
    "owner": frozenset({"reply_workorder", "reply_report"}),
}


def can(user: Any, capability: str) -> bool:
    """True when `user`'s role grants `capability` (e.g. "review", "edit_registry")."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return capability in _CAPABILITIES.get("admin" if user.is_superuser else user.role, frozenset())


def _region_filter(path: str, prefix: str) -> Q:
    return Q(**{f"{path}__startswith": prefix})


def scoped(user: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    """`queryset` reduced to the rows `user` may see (empty for anonymous or inactive users)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    role = "admin" if user.is_superuser else user.role
    if role == "admin":
        return queryset
    label = queryset.model._meta.label
    if label in _DERIVED:
        return _publications(user, queryset)
    if label not in _PATHS:
        raise LookupError(f"no scope rule for {label}")  # a new model must say how it is scoped
    region_path, site_path = _PATHS[label]
    if role in ("supervisor", "reviewer"):
        if user.region_id is None:
            return queryset if role == "reviewer" else queryset.none()
        return queryset.filter(_region_filter(region_path, user.region.prefix))
    if role == "owner":
        site_ids = list(user.sites.values_list("pk", flat=True))
        if site_path is not None:
            return queryset.filter(**{f"{site_path}__in": site_ids})
        if label not in ("registry.Region", "registry.Organiser"):
            return queryset.none()
        # Regions and organisers: those of the owner's own sites.
        from govinspect.platform.registry.models import Site

        sites = Site.objects.filter(pk__in=site_ids)
        if label == "registry.Region":
            return queryset.filter(pk__in=sites.values("region"))
        return queryset.filter(pk__in=sites.values("organiser"))
    return queryset.none()


def _publications(user: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    """A published 通报 is a public document (its 附注 reads 此件公开发布), so it may be read by
    whoever sees the campaign, and by anyone with a site the campaign inspected: the owner of a
    site named in it, a city supervisor in a provincial campaign. Nobody else."""
    from govinspect.platform.campaigns.models import Campaign, CampaignSite

    visible = scoped(user, Campaign.objects.all()).values("pk")
    touching = scoped(user, CampaignSite.objects.all()).values("campaign")
    return queryset.filter(Q(campaign__in=visible) | Q(campaign__in=touching))


def campaigns_with_rows(user: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    """Campaigns (`queryset` of campaigns.Campaign) the user sees whole, plus those that inspected
    a site in the user's scope: the owner of a site it drew, a city supervisor in a provincial
    campaign. Of the latter only the user's own rows may be shown (callers list them through
    `scoped(user, CampaignSite…)`); `scoped(user, Campaign…)` tells which are seen whole."""
    from govinspect.platform.campaigns.models import Campaign, CampaignSite

    whole = scoped(user, Campaign.objects.all()).values("pk")
    touching = scoped(user, CampaignSite.objects.all()).values("campaign")
    return queryset.filter(Q(pk__in=whole) | Q(pk__in=touching))


def get_scoped_or_404(user: Any, queryset: QuerySet[M], **lookup: Any) -> M:
    """The one row matching `lookup` within `user`'s scope; 404 when absent or out of scope."""
    try:
        return scoped(user, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到") from None


def region_allowed(user: Any, region_code: str) -> bool:
    """True when a row placed in `region_code` would be inside `user`'s region scope."""
    from govinspect.platform.registry.models import Region

    return scoped(user, Region.objects.filter(code=region_code)).exists() if not (
        user.is_superuser or getattr(user, "role", "") == "admin"
    ) else True
