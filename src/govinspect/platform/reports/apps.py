from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "govinspect.platform.reports"
    label = "reports"
    verbose_name = "我为政府网站找错"
