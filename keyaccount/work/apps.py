from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    name = "keyaccount.work"
    label = "work"
    verbose_name = _("Work")

    def ready(self) -> None:
        from keyaccount.core.day import register
        from keyaccount.work.day import PROVIDER

        register(PROVIDER)  # the work sections of my day
