"""URL map of the platform (pages in Chinese; the API under /api/)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from govinspect.platform.accounts import views as accounts
from govinspect.platform.campaigns import views as campaigns
from govinspect.platform.letters import views as letters
from govinspect.platform.orders import views as orders
from govinspect.platform.registry import views as registry
from govinspect.platform.reports import views as reports

urlpatterns = [
    path("", accounts.home, name="home"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(template_name="form_password.html",
                                                             success_url="/"), name="password_change"),
    path("audit/", accounts.audit_log, name="audit_log"),
    path("sites/", registry.site_list, name="site_list"),
    path("sites/new/", registry.site_edit, name="site_new"),
    path("sites/import/", registry.site_import, name="site_import"),
    path("sites/search/", registry.site_search, name="site_search"),
    path("sites/export.<str:fmt>", registry.site_export, name="site_export"),
    path("sites/<int:pk>/", registry.site_detail, name="site_detail"),
    path("sites/<int:pk>/edit/", registry.site_edit, name="site_edit"),
    path("newmedia/", registry.newmedia_list, name="newmedia_list"),
    path("newmedia/new/", registry.newmedia_edit, name="newmedia_new"),
    path("newmedia/<int:pk>/edit/", registry.newmedia_edit, name="newmedia_edit"),
    path("newmedia/export.xlsx", registry.newmedia_export, name="newmedia_export"),
    path("inspections/", orders.inspection_list, name="inspection_list"),
    path("inspections/import/", orders.results_import, name="results_import"),
    path("findings/", orders.finding_list, name="finding_list"),
    path("findings/<int:pk>/", orders.finding_detail, name="finding_detail"),
    path("whitelist/", orders.whitelist_list, name="whitelist_list"),
    path("workorders/", orders.workorder_list, name="workorder_list"),
    path("workorders/<int:pk>/", orders.workorder_detail, name="workorder_detail"),
    path("workorders/<int:pk>/recheck/", orders.workorder_recheck, name="workorder_recheck"),
    path("workorders/<int:pk>/proof/", orders.workorder_proof, name="workorder_proof"),
    path("zhaocuo/<str:site_code>/", reports.zhaocuo_form, name="zhaocuo_form"),
    path("zhaocuo/query/<str:ticket>/", reports.zhaocuo_status, name="zhaocuo_status"),
    path("reports/", reports.report_list, name="report_list"),
    path("reports/stats/", reports.report_stats, name="report_stats"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("letters/", letters.letter_list, name="letter_list"),
    path("letters/new/", letters.letter_edit, name="letter_new"),
    path("letters/<int:pk>/edit/", letters.letter_edit, name="letter_edit"),
    path("letters/export.xlsx", letters.letter_export, name="letter_export"),
    path("dashboard/", campaigns.dashboard, name="dashboard"),
    path("campaigns/", campaigns.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaigns.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/cancel/", campaigns.campaign_cancel, name="campaign_cancel"),
    path("campaigns/<int:pk>/resume/", campaigns.campaign_resume, name="campaign_resume"),
    path("campaigns/<int:pk>/rescore/", campaigns.campaign_rescore, name="campaign_rescore"),
    path("campaigns/<int:pk>/publish/", campaigns.campaign_publish, name="campaign_publish"),
    path("campaigns/<int:pk>/sites/<int:site_pk>/", campaigns.campaign_site, name="campaign_site"),
    path("findings/<int:pk>/evidence/<int:number>/", campaigns.finding_capture, name="finding_capture"),
    path("publications/", campaigns.publication_list, name="publication_list"),
    path("publications/<int:pk>/<str:fmt>/", campaigns.publication_file, name="publication_file"),
    path("api/", include("govinspect.platform.api.urls")),
]
