"""API viewsets: every queryset goes through `scoped()`; writes need the role's capability."""

from __future__ import annotations

from typing import Any

from django_filters import rest_framework as filters
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from govinspect.platform.api import serializers as s
from govinspect.platform.letters.models import TestLetter
from govinspect.platform.orders import actions
from govinspect.platform.orders.models import Finding, Inspection, WorkOrder
from govinspect.platform.registry.models import NewMediaAccount, Region, Site
from govinspect.platform.reports.models import ErrorReport
from govinspect.platform.scope import can, region_allowed, scoped


class ScopedMixin:
    """The queryset, reduced to the caller's scope (out of scope → 404)."""

    queryset: Any
    request: Request

    def get_queryset(self) -> Any:
        return scoped(self.request.user, self.queryset.all())


class CapabilityWrite(permissions.BasePermission):
    """Safe methods for everyone authenticated; writes need the view's `write_capability`."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return can(request.user, getattr(view, "write_capability", "-"))


class RegionViewSet(ScopedMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Region.objects.all()
    serializer_class = s.RegionSerializer
    lookup_field = "code"
    filterset_fields = ["level"]


class SiteViewSet(ScopedMixin, viewsets.ModelViewSet):
    queryset = Site.objects.select_related("region", "organiser")
    serializer_class = s.SiteSerializer
    permission_classes = [permissions.IsAuthenticated, CapabilityWrite]
    write_capability = "edit_registry"
    filterset_fields = ["status", "portal", "site_code"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer: Any) -> None:
        if not region_allowed(self.request.user, serializer.validated_data["region"].code):
            raise PermissionDenied("该地区不在您的管辖范围内")
        serializer.save()

    def perform_update(self, serializer: Any) -> None:
        region = serializer.validated_data.get("region")
        if region is not None and not region_allowed(self.request.user, region.code):
            raise PermissionDenied("该地区不在您的管辖范围内")
        serializer.save()


class NewMediaViewSet(ScopedMixin, viewsets.ReadOnlyModelViewSet):
    queryset = NewMediaAccount.objects.all()
    serializer_class = s.NewMediaSerializer
    filterset_fields = ["platform", "status"]


class InspectionFilter(filters.FilterSet):
    campaign = filters.NumberFilter(field_name="campaign_site__campaign", help_text="抽查批次（/api/campaigns/ 的 id）")

    class Meta:
        model = Inspection
        fields = ["site", "verdict", "status", "run", "campaign"]


class InspectionViewSet(ScopedMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Inspection.objects.defer("raw")
    serializer_class = s.InspectionSerializer
    filterset_class = InspectionFilter


class FindingFilter(filters.FilterSet):
    # A campaign's findings: the scope still applies (an owner gets their own sites' only).
    campaign = filters.NumberFilter(field_name="inspection__campaign_site__campaign",
                                    help_text="抽查批次（/api/campaigns/ 的 id）")

    class Meta:
        model = Finding
        fields = ["site", "state", "indicator", "veto", "campaign"]


class FindingViewSet(ScopedMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Finding.objects.all()
    serializer_class = s.FindingSerializer
    filterset_class = FindingFilter

    @action(detail=True, methods=["post"], serializer_class=s.ReviewSerializer)
    def review(self, request: Request, pk: Any = None) -> Response:
        """Confirm (a work order is issued), dismiss or whitelist; a reason is required for the last two."""
        finding = self.get_object()
        if not can(request.user, "review"):
            raise PermissionDenied("无审核权限")
        body = s.ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decision, reason = body.validated_data["decision"], body.validated_data["reason"]
        try:
            if decision == "confirm":
                actions.confirm(finding, request.user, reason)
            elif decision == "dismiss":
                actions.dismiss(finding, request.user, reason)
            else:
                actions.whitelist(finding, request.user, reason)
        except actions.ActionError as err:
            raise ValidationError({"detail": str(err)}) from None
        finding.refresh_from_db()
        return Response(s.FindingSerializer(finding).data)


class WorkOrderViewSet(ScopedMixin, viewsets.ReadOnlyModelViewSet):
    queryset = WorkOrder.objects.all()
    serializer_class = s.WorkOrderSerializer
    filterset_fields = ["site", "state", "category"]

    @action(detail=True, methods=["post"], serializer_class=s.SubmitSerializer)
    def submit(self, request: Request, pk: Any = None) -> Response:
        """The owner reports the problem fixed; the automatic re-check is queued."""
        order = self.get_object()
        if not can(request.user, "reply_workorder"):
            raise PermissionDenied("无整改答复权限")
        body = s.SubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            actions.submit(order, body.validated_data["reply"])
        except actions.ActionError as err:
            raise ValidationError({"detail": str(err)}) from None
        order.refresh_from_db()
        return Response(s.WorkOrderSerializer(order).data, status=status.HTTP_202_ACCEPTED)


class ErrorReportViewSet(ScopedMixin, viewsets.ReadOnlyModelViewSet):
    queryset = ErrorReport.objects.all()
    serializer_class = s.ErrorReportSerializer
    filterset_fields = ["site", "state", "category"]


class TestLetterViewSet(ScopedMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = TestLetter.objects.all()
    serializer_class = s.TestLetterSerializer
    permission_classes = [permissions.IsAuthenticated, CapabilityWrite]
    write_capability = "record_letters"
    filterset_fields = ["site", "campaign"]

    def perform_create(self, serializer: Any) -> None:
        site = serializer.validated_data["site"]
        if not scoped(self.request.user, Site.objects.filter(pk=site.pk)).exists():
            raise ValidationError({"site": "网站不存在"})
        serializer.save(recorded_by=self.request.user)
