from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from govinspect.platform.api import campaigns, views

router = DefaultRouter()
router.register("regions", views.RegionViewSet)
router.register("sites", views.SiteViewSet)
router.register("newmedia", views.NewMediaViewSet)
router.register("inspections", views.InspectionViewSet)
router.register("findings", views.FindingViewSet)
router.register("workorders", views.WorkOrderViewSet)
router.register("reports", views.ErrorReportViewSet)
router.register("letters", views.TestLetterViewSet)
router.register("campaigns", campaigns.CampaignViewSet)
router.register("publications", campaigns.PublicationViewSet)

urlpatterns = [
    # The schema describes the API and holds no data, so it is readable without a token.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="api-schema"),
    path("", include(router.urls)),
]
