"""Plain serializers of the platform's rows."""

from __future__ import annotations

from rest_framework import serializers

from govinspect.platform.letters.models import TestLetter
from govinspect.platform.orders.models import Finding, Inspection, WorkOrder
from govinspect.platform.registry.models import NewMediaAccount, Region, Site
from govinspect.platform.reports.models import ErrorReport
from govinspect.sitecodes import site_code_error


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "full_name", "level"]


class SiteSerializer(serializers.ModelSerializer):
    region_code = serializers.SlugRelatedField(source="region", slug_field="code", queryset=Region.objects.all())
    organiser_name = serializers.CharField(source="organiser.name", read_only=True, default=None)

    class Meta:
        model = Site
        fields = ["id", "site_code", "name", "url", "region_code", "organiser_name", "portal", "status", "aliases"]

    def validate(self, attrs: dict) -> dict:
        from govinspect.sites import normalise_site_url

        region = attrs.get("region") or (self.instance.region if self.instance else None)
        code = attrs.get("site_code") or (self.instance.site_code if self.instance else "")
        error = site_code_error(code, region.code if region else None)
        if error:
            raise serializers.ValidationError({"site_code": error})
        if "url" in attrs:
            url, url_error = normalise_site_url(attrs["url"])
            if url_error:
                raise serializers.ValidationError({"url": url_error})
            attrs["url"] = url
        return attrs


class NewMediaSerializer(serializers.ModelSerializer):
    class Meta:
        model = NewMediaAccount
        fields = ["id", "platform", "name", "account_id", "organiser", "region", "site", "status"]


class InspectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Inspection
        fields = ["id", "site", "run", "as_of", "profile", "status", "error", "verdict", "score", "pages",
                  "links_checked", "imported_at"]


class FindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Finding
        fields = ["id", "inspection", "site", "indicator", "veto", "points", "message", "measure", "evidence",
                  "targets", "state", "review_reason", "reviewed_at"]
        read_only_fields = fields


class ReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["confirm", "dismiss", "whitelist"])
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class WorkOrderSerializer(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = WorkOrder
        fields = ["id", "finding", "site", "category", "state", "issued_on", "deadline", "overdue", "reply",
                  "submitted_at", "closed_at", "recheck_note", "rechecked_at", "reopen_count"]
        read_only_fields = fields

    def get_overdue(self, obj: WorkOrder) -> bool:
        return obj.is_overdue()


class SubmitSerializer(serializers.Serializer):
    reply = serializers.CharField(max_length=5000)


class ErrorReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = ErrorReport
        fields = ["id", "ticket", "site", "category", "page_url", "description", "received_at", "reply_deadline",
                  "state", "reply", "replied_at"]
        read_only_fields = fields


class TestLetterSerializer(serializers.ModelSerializer):
    workdays = serializers.IntegerField(read_only=True)

    class Meta:
        model = TestLetter
        fields = ["id", "site", "campaign", "channel", "subject", "sent_on", "replied_on", "deleted", "workdays"]
