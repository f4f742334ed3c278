from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "govinspect.platform.campaigns"
    label = "campaigns"
    verbose_name = "抽查与通报"
