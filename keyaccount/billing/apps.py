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

        from keyaccount.billing.summary import account_money
        from keyaccount.core.account_page import AccountPanel, register_panel

        # Contracts, recurring revenue, what is owed and paid; None (and no query) for roles that see no money.
        register_panel(AccountPanel("money", lambda actor, account: {"money": account_money(actor, account)}))

        from keyaccount.accounts.services import DeletionGuard, register_deletion_guard
        from keyaccount.billing.services.contracts import account_deletion_refusal, account_drafts_clear

        register_deletion_guard("billing", DeletionGuard(account_deletion_refusal, account_drafts_clear))
