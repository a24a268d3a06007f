from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "keyaccount.contacts"
    label = "contacts"
    verbose_name = _("Contacts")

    def ready(self) -> None:
        from keyaccount.contacts.panels import register

        register()  # the contacts and org chart of the account page
