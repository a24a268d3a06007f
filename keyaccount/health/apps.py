from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "keyaccount.health"
    label = "health"
    verbose_name = _("Account health")

    def ready(self) -> None:
        from keyaccount.health import receivers

        receivers.connect()
