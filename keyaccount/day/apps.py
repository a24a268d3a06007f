from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DayConfig(AppConfig):
    """My day (the home page) and the private calendar feed: composite pages over the domain apps."""

    name = "keyaccount.day"
    label = "day"
    verbose_name = _("My day")
