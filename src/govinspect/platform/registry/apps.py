from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "govinspect.platform.registry"
    label = "registry"
    verbose_name = "网站信息"
