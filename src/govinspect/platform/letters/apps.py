from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "govinspect.platform.letters"
    label = "letters"
    verbose_name = "测试信件"
