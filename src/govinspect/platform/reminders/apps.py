from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "govinspect.platform.reminders"
    label = "reminders"
    verbose_name = "催办提醒"
