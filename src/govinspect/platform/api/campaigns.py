"""Campaigns and their 通报 in the REST API.

`GET /api/campaigns/` and `/api/campaigns/{id}/`: status, progress, counts, every site's verdict
and score before and after review, the publications with download URLs; `POST /api/campaigns/`
starts one through the same form (validation, scope) as 发起抽查. A user sees a campaign whole
when `scoped()` gives it (its region is in their scope); a campaign that merely inspected one of
their sites (an owner's site, a city in a provincial campaign) is listed with their own sites'
rows only: progress and counts over those rows, no other site's name, not even the one being
inspected now. The findings are `GET /api/findings/?campaign={id}` (scoped as always).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response

from govinspect.platform.campaigns.models import Campaign, CampaignSite, Publication
from govinspect.platform.jobs import lane_of
from govinspect.platform.orders.models import Finding
from govinspect.platform.registry.models import Region
from govinspect.platform.scope import campaigns_with_rows, can, scoped
from govinspect.platform.views_util import download

FORMATS = ("docx", "xlsx", "html")


# ---------------------------------------------------------------------------- serializers
class PublicationSerializer(serializers.ModelSerializer):
    files = serializers.SerializerMethodField(help_text="下载地址（令牌认证可用）：docx、xlsx、html")

    class Meta:
        model = Publication
        fields = ["id", "campaign", "title", "issuer", "date", "previous", "totals", "created_at", "files"]

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "string", "format": "uri"}})
    def get_files(self, obj: Publication) -> dict[str, str]:
        from govinspect.platform.campaigns.views import PUBLICATION_FILES

        request = self.context.get("request")
        out = {}
        for fmt in FORMATS:
            if (obj.directory / PUBLICATION_FILES[fmt][0]).is_file():
                path = reverse("publication-file", kwargs={"pk": obj.pk, "fmt": fmt})
                out[fmt] = request.build_absolute_uri(path) if request is not None else path
        return out


class ProgressSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="抽中网站数")
    finished = serializers.IntegerField(help_text="已完成")
    errors = serializers.IntegerField(help_text="无法检查")
    percent = serializers.IntegerField()
    current = serializers.CharField(help_text="正在检查的网站（仅对可见整个批次的用户）")


class VerdictCountsSerializer(serializers.Serializer):
    passed = serializers.IntegerField()
    failed = serializers.IntegerField()
    unscored = serializers.IntegerField()


class CountsSerializer(serializers.Serializer):
    sites = serializers.IntegerField()
    inspected = serializers.IntegerField()
    not_inspectable = serializers.IntegerField()
    before_review = VerdictCountsSerializer()
    after_review = VerdictCountsSerializer()
    findings = serializers.DictField(child=serializers.IntegerField(),
                                     help_text="total, pending, confirmed, dismissed, whitelisted")


class JobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    lane = serializers.CharField()


class ScoreSerializer(serializers.Serializer):
    verdict = serializers.CharField(help_text="pass、fail，空为未评分")
    score = serializers.FloatField(allow_null=True)


class SiteRowSerializer(serializers.Serializer):
    site_code = serializers.CharField()
    name = serializers.CharField()
    region = serializers.CharField()
    state = serializers.CharField(help_text="pending 待检查、done 已完成（待导入）、inspected 已检查、error 无法检查")
    inspection = serializers.IntegerField(allow_null=True)
    before_review = ScoreSerializer(allow_null=True)
    after_review = ScoreSerializer(allow_null=True)
    vetoes = serializers.ListField(child=serializers.CharField())
    findings = serializers.IntegerField()
    pending = serializers.IntegerField()


def _visible_rows(campaign: Campaign, user: Any) -> Any:
    return scoped(user, CampaignSite.objects.filter(campaign=campaign))


class CampaignSerializer(serializers.ModelSerializer):
    """A campaign as the caller may see it (the summary of the list)."""

    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region_name = serializers.CharField(source="region.full_name", read_only=True, default=None)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    view = serializers.SerializerMethodField(help_text="whole：整个批次；own_sites：仅本人范围内的网站")
    created_by = serializers.SerializerMethodField()
    message = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()
    job = serializers.SerializerMethodField()
    findings_url = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = ["id", "name", "state", "state_display", "view", "region", "region_name", "mode", "sample", "seed",
                  "all_portals", "as_of", "profile", "sandbox", "created_by", "created_at", "started_at",
                  "finished_at", "imported_at", "rescored_at", "message", "progress", "counts", "job",
                  "findings_url"]
        read_only_fields = fields

    def _user(self) -> Any:
        return self.context["request"].user

    def _whole(self, obj: Campaign) -> bool:
        cache = self.context.setdefault("_whole", {})
        if obj.pk not in cache:
            cache[obj.pk] = scoped(self._user(), Campaign.objects.filter(pk=obj.pk)).exists()
        return cache[obj.pk]

    def _counts(self, obj: Campaign) -> dict[str, Any]:
        cache = self.context.setdefault("_counts", {})
        if obj.pk in cache:
            return cache[obj.pk]
        inspected = Q(inspection__status="inspected")
        agg = _visible_rows(obj, self._user()).aggregate(
            sites=Count("id"), done=Count("id", filter=Q(done=True)),
            inspected=Count("id", filter=inspected),
            not_inspectable=Count("id", filter=Q(inspection__status="error")),
            before_passed=Count("id", filter=inspected & Q(inspection__verdict="pass")),
            before_failed=Count("id", filter=inspected & Q(inspection__verdict="fail")),
            after_passed=Count("id", filter=inspected & Q(inspection__reviewed__verdict="pass")),
            after_failed=Count("id", filter=inspected & Q(inspection__reviewed__verdict="fail")),
        )
        states = dict(scoped(self._user(), Finding.objects.filter(inspection__campaign_site__campaign=obj))
                      .values_list("state").annotate(n=Count("id")).values_list("state", "n"))
        findings = {"total": sum(states.values()), **{s: states.get(s, 0) for s, _ in Finding.STATES}}
        cache[obj.pk] = {
            "sites": agg["sites"], "done": agg["done"], "inspected": agg["inspected"],
            "not_inspectable": agg["not_inspectable"],
            "before_review": {"passed": agg["before_passed"], "failed": agg["before_failed"],
                              "unscored": agg["inspected"] - agg["before_passed"] - agg["before_failed"]},
            "after_review": {"passed": agg["after_passed"], "failed": agg["after_failed"],
                             "unscored": agg["inspected"] - agg["after_passed"] - agg["after_failed"]},
            "findings": findings,
        }
        return cache[obj.pk]

    @extend_schema_field(serializers.ChoiceField(choices=["whole", "own_sites"]))
    def get_view(self, obj: Campaign) -> str:
        return "whole" if self._whole(obj) else "own_sites"

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_created_by(self, obj: Campaign) -> str | None:
        return obj.created_by.username if self._whole(obj) and obj.created_by else None

    @extend_schema_field(serializers.CharField())
    def get_message(self, obj: Campaign) -> str:
        # The message may count the whole campaign's sites ("3/10 个网站已完成"): whole viewers only.
        return obj.message if self._whole(obj) else ""

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, obj: Campaign) -> dict[str, Any]:
        if self._whole(obj):
            total, finished, errors, current = obj.total, obj.finished, obj.errors, obj.current
        else:  # only the caller's rows: no other site's name, not even the one in progress
            counts = self._counts(obj)
            total, finished, errors, current = counts["sites"], counts["done"], counts["not_inspectable"], ""
        return {"total": total, "finished": finished, "errors": errors, "current": current,
                "percent": round(100 * finished / total) if total else 0}

    @extend_schema_field(CountsSerializer)
    def get_counts(self, obj: Campaign) -> dict[str, Any]:
        counts = dict(self._counts(obj))
        counts.pop("done")
        return counts

    @extend_schema_field(JobSerializer(allow_null=True))
    def get_job(self, obj: Campaign) -> dict[str, Any] | None:
        if obj.job is None:
            return None
        return {"id": obj.job.pk, "state": obj.job.state, "lane": lane_of(obj.job.kind)}

    @extend_schema_field(serializers.URLField())
    def get_findings_url(self, obj: Campaign) -> str:
        return self.context["request"].build_absolute_uri(f"{reverse('finding-list')}?campaign={obj.pk}")


class CampaignDetailSerializer(CampaignSerializer):
    """One campaign: the summary, every visible site's result before and after review, the 通报."""

    sites = serializers.SerializerMethodField()
    publications = serializers.SerializerMethodField()

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "sites", "publications"]
        read_only_fields = fields

    @extend_schema_field(SiteRowSerializer(many=True))
    def get_sites(self, obj: Campaign) -> list[dict[str, Any]]:
        rows = (_visible_rows(obj, self._user()).select_related("site__region", "inspection__reviewed")
                .annotate(n_findings=Count("inspection__findings"),
                          n_pending=Count("inspection__findings", filter=Q(inspection__findings__state="pending"))))
        out = []
        for cs in rows:
            inspection = cs.inspection
            reviewed = getattr(inspection, "reviewed", None) if inspection is not None else None
            if inspection is not None:
                state = "error" if inspection.status == "error" else "inspected"
            else:
                state = "done" if cs.done else "pending"
            out.append({
                "site_code": cs.site.site_code, "name": cs.site.name, "region": cs.site.region.full_name,
                "state": state, "inspection": inspection.pk if inspection else None,
                "before_review": {"verdict": inspection.verdict, "score": inspection.score} if inspection else None,
                "after_review": {"verdict": reviewed.verdict, "score": reviewed.score} if reviewed else None,
                "vetoes": list(reviewed.vetoes) if reviewed else [],
                "findings": cs.n_findings, "pending": cs.n_pending,
            })
        return out

    @extend_schema_field(PublicationSerializer(many=True))
    def get_publications(self, obj: Campaign) -> list[dict[str, Any]]:
        pubs = scoped(self._user(), Publication.objects.filter(campaign=obj))
        return PublicationSerializer(pubs, many=True, context=self.context).data


class CampaignStartSerializer(serializers.Serializer):
    """What 发起抽查 asks, with codes instead of the page's row ids."""

    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=100,
                                 help_text="批次名称；留空按监测时间点命名")
    mode = serializers.ChoiceField(choices=Campaign.MODES, default="region", help_text="region：按地区；site：单个网站")
    region = serializers.CharField(required=False, allow_blank=True, allow_null=True, default="", max_length=6,
                                   help_text="地区的行政区划代码（含下级）；留空为管辖范围内全部")
    site = serializers.CharField(required=False, allow_blank=True, default="", max_length=200,
                                 help_text="网站标识码（mode=site 时必填）")
    sample = serializers.CharField(required=False, allow_blank=True, default="", max_length=12,
                                   help_text="抽样：比例（如 50%）或网站个数（如 30）；留空检查全部")
    seed = serializers.IntegerField(required=False, default=0, min_value=0, max_value=2**31 - 1)
    all_portals = serializers.BooleanField(required=False, default=False)
    as_of = serializers.DateField(required=False, allow_null=True, default=None,
                                  help_text="监测时间点；留空为今天（模拟省为其内容日期）")
    profile = serializers.CharField(required=False, default="gov2019", max_length=40)


# ---------------------------------------------------------------------------- views
class _IgnoreAccept(BaseContentNegotiation):
    """File downloads answer whatever the client accepts (errors still come as JSON)."""

    def select_parser(self, request: Request, parsers: list[Any]) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: list[Any], format_suffix: str | None = None) -> Any:
        return renderers[0], renderers[0].media_type


class _StartCampaign(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return request.method in permissions.SAFE_METHODS or can(request.user, "start_campaign")


class CampaignViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Campaigns in the caller's scope (whole), and those that inspected the caller's sites (own rows)."""

    queryset = Campaign.objects.select_related("region", "job", "created_by")
    permission_classes = [permissions.IsAuthenticated, _StartCampaign]
    filterset_fields = ["state", "sandbox", "profile", "mode"]

    def get_queryset(self) -> Any:
        return campaigns_with_rows(self.request.user, self.queryset.all())

    def get_serializer_class(self) -> Any:
        return CampaignSerializer if self.action == "list" else CampaignDetailSerializer

    @extend_schema(request=CampaignStartSerializer, responses={201: CampaignDetailSerializer},
                   description="发起抽查：与网页表单相同的校验和管辖范围；抽样立即完成，检查作为后台任务（长任务通道）排队。")
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from govinspect.platform.campaigns import runner
        from govinspect.platform.campaigns.forms import CampaignForm

        body = CampaignStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        region = (d.get("region") or "").strip()
        region_pk: Any = ""
        if region:
            region_pk = Region.objects.filter(code=region).values_list("pk", flat=True).first()
            if region_pk is None:
                raise ValidationError({"region": [f"未知的行政区划代码“{region}”"]})
        form = CampaignForm(request.user, {
            "name": d["name"], "mode": d["mode"], "region": region_pk, "site": d["site"], "sample": d["sample"],
            "seed": d["seed"], "as_of": d["as_of"].isoformat() if d["as_of"] else "", "profile": d["profile"],
            **({"all_portals": "on"} if d["all_portals"] else {}),
        })
        if not form.is_valid():
            errors = {("non_field_errors" if k == "__all__" else k): [str(m) for m in v] for k, v in form.errors.items()}
            raise ValidationError(errors)
        try:
            campaign = form.start()
        except runner.CampaignStartError as err:
            raise ValidationError({"non_field_errors": [str(err)]}) from None
        campaign = self.get_queryset().get(pk=campaign.pk)
        data = CampaignDetailSerializer(campaign, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


class PublicationViewSet(viewsets.ReadOnlyModelViewSet):
    """Published 通报 the caller may read, and their files."""

    queryset = Publication.objects.select_related("campaign")
    serializer_class = PublicationSerializer
    filterset_fields = ["campaign"]

    def get_queryset(self) -> Any:
        return scoped(self.request.user, self.queryset.all())

    @extend_schema(parameters=[OpenApiParameter("fmt", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(FORMATS))],
                   responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, url_path=r"files/(?P<fmt>docx|xlsx|html)", url_name="file",
            content_negotiation_class=_IgnoreAccept)
    def files(self, request: Request, pk: Any = None, fmt: str = "") -> Any:
        """bulletin.docx / .xlsx as attachments; bulletin.html under the same sandbox policy as the page."""
        from govinspect.platform.campaigns.views import PUBLICATION_FILES, SANDBOX_CSP

        pub = self.get_object()
        name, content_type = PUBLICATION_FILES[fmt]
        path = pub.directory / name
        if not path.is_file():
            raise NotFound("文件不存在")
        if fmt == "html":
            response = HttpResponse(path.read_bytes(), content_type=content_type)  # a few MB at most
            response["Content-Security-Policy"] = SANDBOX_CSP
        else:
            response = download(path.read_bytes(), f"通报{pub.pk}-{name}", content_type)
        response["X-Content-Type-Options"] = "nosniff"
        return response

