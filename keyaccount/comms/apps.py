from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommsConfig(AppConfig):
    name = "keyaccount.comms"
    label = "comms"
    verbose_name = _("Communications")

    def ready(self) -> None:
        from keyaccount.comms.day import PROVIDER
        from keyaccount.core.day import register

        register(PROVIDER)  # the comms sections of my day
