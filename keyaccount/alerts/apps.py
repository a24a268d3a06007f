from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "keyaccount.alerts"
    label = "alerts"
    verbose_name = _("Health alerts and playbooks")

    def ready(self) -> None:
        from keyaccount.alerts.services import on_health_recomputed
        from keyaccount.health.signals import health_recomputed

        health_recomputed.connect(on_health_recomputed, dispatch_uid="alerts.on_health_recomputed")

        from keyaccount.alerts.day import PROVIDER
        from keyaccount.core.day import register

        register(PROVIDER)  # the alerts section of my day
