from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "govinspect.platform.accounts"
    label = "accounts"
    verbose_name = "账号"

    def ready(self) -> None:
        from govinspect.platform import audit

        audit.connect()
