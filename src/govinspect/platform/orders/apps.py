from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "govinspect.platform.orders"
    label = "orders"
    verbose_name = "检查与工单"
