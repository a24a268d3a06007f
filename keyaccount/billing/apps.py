from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "keyaccount.billing"
    label = "billing"
    verbose_name = _("Contracts and money")

    def ready(self) -> None:
        from keyaccount.billing.day import PROVIDER
        from keyaccount.core.day import register

        register(PROVIDER)  # the billing sections of my day
